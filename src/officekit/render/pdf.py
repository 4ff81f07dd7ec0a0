"""Word → PDF through one LibreOffice process reused across a batch (SPEC §7 ``--pdf``).

``soffice --convert-to pdf`` starts LibreOffice for every call (seconds each) and, when the
user has LibreOffice open, silently hands the work to that window instead. So a
:class:`PdfConverter` starts its own headless LibreOffice with a private profile folder, in
which it installs a small Basic macro that serves a queue folder: a ``jobN.docx`` dropped there
is opened hidden, its indexes (table of contents) and fields (page numbers, dates) updated, and
exported as ``jobN.pdf``, then ``jobN.ok`` (or ``jobN.err`` with the reason) appears. Each
document has a timeout; a LibreOffice that hangs or dies is killed and started again, and the
document that caused it is reported as failed — the batch goes on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

from officekit import winpath
from officekit.errors import PdfError
from officekit.i18n import Message, Texts

TIMED_OUT = "timed-out"  # what _wait says of a document LibreOffice did not finish in time
INSTALL_HINT = "error.pdf.install"  # the catalogue's hint of the errors that need LibreOffice
_CANDIDATES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/opt/libreoffice/program/soffice",
)
_POLL = 0.02
# LibreOffice (and the children its launcher starts) run in their own process group / session,
# so that a hung one can be killed as a whole.
_WINDOWS = sys.platform == "win32"
_GROUP_FLAGS: int = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if _WINDOWS else 0

# The queue server. Input names are ASCII (jobN.docx) so no path encoding issue arises in Basic.
_MACRO = r"""REM officekit: convert each jobN.docx dropped into a folder, until "stop" appears.
Sub Serve(sDir As String)
    Dim sName As String
    WriteMarker(sDir & "/ready", "ready")
    Do
        If FileExists(sDir & "/stop") Then Exit Do
        sName = Dir(sDir & "/*.docx", 0)
        If sName = "" Then
            Wait 40
        Else
            ConvertOne(sDir, Left(sName, Len(sName) - 5))
        End If
    Loop
    StarDesktop.terminate()
End Sub

Sub ConvertOne(sDir As String, sBase As String)
    Dim oDoc As Object
    Dim oIndexes As Object
    Dim sSrc As String
    Dim i As Integer
    sSrc = sDir & "/" & sBase & ".docx"
    On Error GoTo Failed
    Dim aLoad(2) As New com.sun.star.beans.PropertyValue
    aLoad(0).Name = "Hidden"
    aLoad(0).Value = True
    aLoad(1).Name = "FilterName"
    aLoad(1).Value = "MS Word 2007 XML"
    aLoad(2).Name = "UpdateDocMode"
    aLoad(2).Value = 0
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sSrc), "_blank", 0, aLoad())
    If IsNull(oDoc) Then
        WriteMarker(sDir & "/" & sBase & ".err", "load failed")
        Kill sSrc
        Exit Sub
    End If
    oIndexes = oDoc.getDocumentIndexes()
    For i = 0 To oIndexes.getCount() - 1
        oIndexes.getByIndex(i).update()
    Next i
    oDoc.getTextFields().refresh()
    Dim aStore(0) As New com.sun.star.beans.PropertyValue
    aStore(0).Name = "FilterName"
    aStore(0).Value = "writer_pdf_Export"
    oDoc.storeToURL(ConvertToURL(sDir & "/" & sBase & ".pdf"), aStore())
    oDoc.close(True)
    Kill sSrc
    WriteMarker(sDir & "/" & sBase & ".ok", "ok")
    Exit Sub
Failed:
    Dim sErr As String
    sErr = "error " & Err & " at line " & Erl & ": " & Error$
    On Error Resume Next
    If Not IsNull(oDoc) Then oDoc.close(True)
    Kill sSrc
    WriteMarker(sDir & "/" & sBase & ".err", sErr)
End Sub

Sub WriteMarker(sPath As String, sText As String)
    Dim iFile As Integer
    iFile = FreeFile
    Open sPath & ".part" For Output As #iFile
    Print #iFile, sText
    Close #iFile
    Name sPath & ".part" As sPath
End Sub
"""

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {kind} PUBLIC "-//OpenOffice.org//DTD '
         'OfficeDocument 1.0//EN" "{dtd}">\n')
# The script and the dialog container both list the one library, Standard.
_LIBRARIES = _HEAD.format(kind="library:libraries", dtd="libraries.dtd") + (
    '<library:libraries xmlns:library="http://openoffice.org/2000/library" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" '
    'library:link="false"/></library:libraries>\n')
_PROFILE_FILES = {
    "user/basic/script.xlc": _LIBRARIES,
    "user/basic/dialog.xlc": _LIBRARIES,
    "user/basic/Standard/script.xlb": _HEAD.format(kind="library:library", dtd="library.dtd") + (
        '<library:library xmlns:library="http://openoffice.org/2000/library" '
        'library:name="Standard" library:readonly="false" library:passwordprotected="false">'
        '<library:element library:name="Officekit"/></library:library>\n'),
    "user/basic/Standard/dialog.xlb": _HEAD.format(kind="library:library", dtd="library.dtd") + (
        '<library:library xmlns:library="http://openoffice.org/2000/library" '
        'library:name="Standard" library:readonly="false" library:passwordprotected="false"/>\n'),
    "user/basic/Standard/Officekit.xba": _HEAD.format(kind="script:module", dtd="module.dtd") + (
        '<script:module xmlns:script="http://openoffice.org/2000/script" '
        'script:name="Officekit" script:language="StarBasic">' + escape(_MACRO)
        + "</script:module>\n"),
}


def find_soffice() -> str | None:
    """Path of the LibreOffice ``soffice`` program, or None.

    ``OFFICEKIT_SOFFICE`` wins; then ``soffice``/``libreoffice`` on PATH; then the usual
    install folders on Windows and macOS.
    """
    configured = os.environ.get("OFFICEKIT_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((c for c in _CANDIDATES if Path(c).exists()), None)


def libreoffice_available() -> bool:
    """Whether LibreOffice is installed where :func:`find_soffice` looks."""
    return find_soffice() is not None


class PdfBatchError(PdfError):
    """Some documents of a batch failed; ``converted`` are the PDFs that were made, ``failed``
    why each other one was not (a message, worded in the language it is shown in)."""

    def __init__(self, converted: list[Path] | None = None,
                 failed: dict[Path, Message] | None = None, **catalogue: Any) -> None:
        super().__init__(**catalogue)
        self.converted = converted or []
        self.failed = failed or {}



def _alias(names: tuple[str, ...], prefer: tuple[str, ...]) -> str:
    families = "".join(f"<family>{f}</family>" for f in prefer)
    return "".join(f'<alias binding="same"><family>{n}</family><prefer>{families}</prefer>'
                   f"</alias>\n" for n in names)


_SERIF_CJK = ("Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei")
_SANS_CJK = ("Noto Sans CJK SC", "WenQuanYi Micro Hei")
FONTCONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
    + _alias(("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "仿宋_GB2312", "楷体",
              "KaiTi", "方正小标宋简体", "华文中宋"), _SERIF_CJK)
    + _alias(("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian"), _SANS_CJK)
    + _alias(("Times New Roman",), ("Liberation Serif", "DejaVu Serif"))
    + _alias(("Arial", "Calibri"), ("Liberation Sans", "DejaVu Sans"))
    + "</fontconfig>\n"
)

class PdfConverter:
    """A headless LibreOffice kept running for a batch of Word → PDF conversions.

    Use as a context manager::

        with PdfConverter() as pdf:
            for docx in documents:
                pdf.convert(docx)          # writes docx.with_suffix(".pdf")

    LibreOffice starts at the first conversion; ``timeout`` bounds each document,
    ``startup_timeout`` the start. Raises :class:`PdfError` (with the install command) when
    LibreOffice is missing.
    """

    def __init__(self, *, timeout: float = 120.0, startup_timeout: float = 90.0,
                 soffice: str | None = None) -> None:
        found = soffice or find_soffice()
        if found is None or (not Path(found).exists() and shutil.which(found) is None):
            raise PdfError(key="error.pdf.no-libreoffice", hint_key=INSTALL_HINT)
        self.soffice = found
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._jobs = 0
        self.restarts = 0

    def __enter__(self) -> PdfConverter:
        self._tmp = tempfile.TemporaryDirectory(prefix="officekit-pdf-",
                                                ignore_cleanup_errors=True)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop LibreOffice (asking first, then killing) and remove the private folders."""
        self._stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def _root(self) -> Path:
        if self._tmp is None:
            raise PdfError(key="error.pdf.not-in-with")
        return Path(self._tmp.name)

    @property
    def _queue(self) -> Path:
        return self._root / "queue"

    def _profile(self) -> Path:
        """The private profile, made once: LibreOffice initialises it, then the macro goes in
        (a first start would overwrite a macro library written before it)."""
        profile = self._root / "profile"
        marker = profile / "officekit-ready"
        if marker.exists():
            return profile
        args = [self.soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                "--nologo", "--norestore", "--terminate_after_init"]
        try:
            init = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, creationflags=_GROUP_FLAGS,
                                    start_new_session=not _WINDOWS)
        except OSError as exc:
            raise PdfError(key="error.pdf.cannot-start", program=self.soffice, detail=str(exc),
                           hint_key=INSTALL_HINT) from exc
        try:
            init.wait(timeout=self.startup_timeout)
        except subprocess.TimeoutExpired as exc:
            _kill(init)
            raise PdfError(key="error.pdf.start-timeout", hint_key=INSTALL_HINT) from exc
        for name, text in _PROFILE_FILES.items():
            target = profile / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        marker.touch()
        return profile

    def _env(self) -> dict[str, str]:
        """The environment for LibreOffice: our font aliases on top of the system's, so the
        Windows font names the templates ask for (宋体, 黑体…) map to the Simplified Chinese
        faces installed here rather than whatever CJK face fontconfig ranks first."""
        conf = self._root / "fonts.conf"
        if not conf.exists():
            conf.write_text(FONTCONFIG, encoding="utf-8")
        env = dict(os.environ)
        if not _WINDOWS:
            env["FONTCONFIG_FILE"] = str(conf)
        return env

    def _start(self) -> subprocess.Popen[bytes]:
        profile = self._profile()
        queue = self._queue
        shutil.rmtree(queue, ignore_errors=True)
        queue.mkdir(parents=True)
        log = (self._root / "soffice.log").open("ab")
        args = [self.soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                f'macro:///Standard.Officekit.Serve("{queue}")']
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, creationflags=_GROUP_FLAGS,
                                    start_new_session=not _WINDOWS, env=self._env())
        except OSError as exc:
            raise PdfError(key="error.pdf.cannot-start", program=self.soffice, detail=str(exc),
                           hint_key=INSTALL_HINT) from exc
        finally:
            log.close()
        deadline = time.monotonic() + self.startup_timeout
        while not (queue / "ready").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                _kill(proc)
                raise PdfError(key="error.pdf.did-not-start", detail=self._log_tail(),
                               hint_key=INSTALL_HINT)
            time.sleep(_POLL)
        self._proc = proc
        return proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        (self._queue / "stop").touch()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _kill(proc)

    def _log_tail(self) -> str:
        log = self._root / "soffice.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return text.strip()[-400:] or "(no output)"

    def convert(self, docx: str | Path, pdf: str | Path | None = None) -> Path:
        """Convert one document; returns the PDF path (default: next to ``docx``).

        Raises :class:`PdfError` when LibreOffice cannot open it, takes longer than
        ``timeout`` (LibreOffice is then killed; the next call starts a fresh one) or crashes
        twice on it.
        """
        source = Path(docx)
        target = Path(pdf) if pdf is not None else source.with_suffix(".pdf")
        if not source.is_file():
            raise PdfError(key="error.pdf.no-document", path=str(source))
        for attempt in (1, 2):
            proc = self._proc if self._proc is not None and self._proc.poll() is None \
                else self._start()
            self._jobs += 1
            base = f"job{self._jobs}"
            staging = self._queue / f"{base}.tmp"
            shutil.copyfile(source, staging)
            os.replace(staging, self._queue / f"{base}.docx")
            outcome = self._wait(proc, base)
            if outcome == "crashed" and attempt == 1:
                self.restarts += 1
                continue
            if outcome == TIMED_OUT:
                raise PdfError(key="error.pdf.timed-out", name=source.name,
                               seconds=f"{self.timeout:g}")
            if outcome != "ok":
                raise PdfError(key="error.pdf.failed", name=source.name, detail=outcome)
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = winpath.temp_beside(target)
            shutil.move(str(self._queue / f"{base}.pdf"), str(staged))
            os.replace(staged, target)  # a reader never sees half a PDF
            return target
        raise AssertionError("unreachable")

    def _wait(self, proc: subprocess.Popen[bytes], base: str) -> str:
        """"ok", "crashed", or the reason the document failed."""
        deadline = time.monotonic() + self.timeout
        ok, err = self._queue / f"{base}.ok", self._queue / f"{base}.err"
        while True:
            if ok.exists():
                return "ok"
            if err.exists():
                return "LibreOffice: " + err.read_text(encoding="utf-8", errors="replace").strip()
            if proc.poll() is not None:
                self._proc = None
                return "crashed"
            if time.monotonic() > deadline:
                _kill(proc)
                self._proc = None
                self.restarts += 1
                return TIMED_OUT
            time.sleep(_POLL)

    def convert_many(self, documents: Iterable[str | Path]) -> list[Path]:
        """Convert each document next to itself; a failure does not stop the others.

        Returns the PDF paths; if any failed, raises :class:`PdfBatchError` at the end with
        ``converted`` and ``failed`` (path → reason).
        """
        converted: list[Path] = []
        failed: dict[Path, Message] = {}
        for document in documents:
            try:
                converted.append(self.convert(document))
            except PdfError as exc:
                failed[Path(document)] = exc.as_message()

        def listed(lang: str) -> str:
            return "\n".join(f"  {p.name}: {why.text(lang)}" for p, why in failed.items())

        if failed:
            raise PdfBatchError(converted, failed, key="error.pdf.batch", count=len(failed),
                                listed=Texts(listed("zh"), listed("en")))
        return converted


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice and every process it started (the launcher forks soffice.bin)."""
    if _WINDOWS:
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], check=False,
                       capture_output=True)
    else:
        with contextlib.suppress(ProcessLookupError):  # already gone: nothing left to kill
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
