"""Word → PDF through Microsoft Word itself (COM), for a Windows PC that has Word but not
LibreOffice — many office PCs. :func:`open_converter` picks LibreOffice when it is there (the
same output everywhere), else Word on Windows, else says how to get either.

Word opens each document hidden and read-only, updates its fields and table of contents, and
exports it with ``ExportAsFixedFormat`` (PDF = 17) to a hidden name renamed into place; a
document Word cannot open or export is a :class:`~officekit.errors.PdfError` for that document
only, as with LibreOffice.

Each document has a timeout (``[pdf] timeout``, as for LibreOffice). A COM call cannot be
interrupted, so a watchdog thread ends the Word process that hangs (found by its process id
when it was started); the blocked call then fails, the document is reported as timed out and
the next one gets a fresh Word.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from officekit import winpath
from officekit.errors import PdfError

PDF_FORMAT = 17  # wdExportFormatPDF
DONT_SAVE = 0  # wdDoNotSaveChanges


class Converter(Protocol):
    def convert(self, docx: str | Path, pdf: str | Path | None = None) -> Path: ...

    def __enter__(self) -> Converter: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


def _dispatch_word() -> Any:  # pragma: no cover - needs Windows with Word
    import win32com.client  # type: ignore[import-untyped,import-not-found,unused-ignore]

    return win32com.client.DispatchEx("Word.Application")


def _word_pids() -> set[int]:  # pragma: no cover - needs Windows
    """Process ids of the running WINWORD.EXE processes."""
    try:
        out = subprocess.run(["tasklist", "/FI", "IMAGENAME eq WINWORD.EXE", "/FO", "CSV",
                              "/NH"], capture_output=True, text=True, timeout=30,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {int(row[1]) for row in csv.reader(out.splitlines())
            if len(row) > 1 and row[1].isdigit()}


def word_available(dispatch: Callable[[], Any] | None = None,
                   platform: str = sys.platform) -> bool:
    """Whether Word can be driven here (Windows, Word installed, pywin32 present)."""
    if platform != "win32":
        return False
    try:
        word = (dispatch or _dispatch_word)()
    except Exception:
        return False
    word.Quit()
    return True


class WordConverter:
    """One hidden Word for a batch of documents, started again after one that hung.

    ``dispatch`` (start a Word) and ``kill`` (end the given Word at once, from another thread)
    are the seam the tests use to run this here; by default Word is started over COM and
    ended by its process id.
    """

    def __init__(self, *, timeout: float = 120.0, dispatch: Callable[[], Any] | None = None,
                 kill: Callable[[Any], None] | None = None) -> None:
        self.timeout = timeout
        self.restarts = 0
        self._own = dispatch is None
        self._dispatch = dispatch or _dispatch_word
        self._kill = kill or self._kill_process
        self._word: Any = None
        self._pid: int | None = None
        self._hung = threading.Event()

    def __enter__(self) -> WordConverter:
        self._start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._word is not None:
            self._word.Quit()
            self._word = None

    def _start(self) -> None:
        before = _word_pids() if self._own else set()
        try:
            word = self._dispatch()
        except Exception as exc:
            raise PdfError(key="error.pdf.word-start", detail=str(exc)) from exc
        if self._own:  # pragma: no cover - needs Windows with Word
            started = _word_pids() - before
            self._pid = next(iter(started)) if len(started) == 1 else None
        word.Visible = False
        word.DisplayAlerts = 0
        self._word = word

    def _kill_process(self, word: Any) -> None:  # pragma: no cover - needs Windows with Word
        if self._pid is not None:
            os.kill(self._pid, signal.SIGTERM)  # TerminateProcess on Windows

    def _watchdog(self, word: Any) -> None:
        self._hung.set()
        self._kill(word)

    def convert(self, docx: str | Path, pdf: str | Path | None = None) -> Path:
        source = Path(docx).resolve()
        target = Path(pdf).resolve() if pdf is not None else source.with_suffix(".pdf")
        if not source.is_file():
            raise PdfError(key="error.pdf.no-document", path=str(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        if self._word is None:  # the last one hung and was ended
            self._start()
        word = self._word
        staged = winpath.temp_beside(target, "pdf")  # a reader never sees half a PDF
        self._hung.clear()
        watchdog = threading.Timer(self.timeout, self._watchdog, args=(word,))
        watchdog.daemon = True
        watchdog.start()
        document = None
        try:
            document = word.Documents.Open(str(source), False, True, False)
            for toc in document.TablesOfContents:
                toc.Update()
            document.Fields.Update()
            document.ExportAsFixedFormat(str(staged), PDF_FORMAT)
            os.replace(staged, target)
        except Exception as exc:
            staged.unlink(missing_ok=True)
            if self._hung.is_set():
                raise PdfError(key="error.pdf.word-timeout", name=source.name,
                               seconds=f"{self.timeout:g}") from exc
            raise PdfError(key="error.pdf.word-failed", name=source.name,
                           detail=str(exc)) from exc
        finally:
            watchdog.cancel()
            if self._hung.is_set():  # this Word was ended: the next document starts another
                self._word = None
                self.restarts += 1
            elif document is not None:
                document.Close(DONT_SAVE)
        return target


def open_converter(*, timeout: float, platform: str = sys.platform,
                   dispatch: Callable[[], Any] | None = None) -> Converter:
    """LibreOffice when installed; else Word on Windows; else a :class:`PdfError` that says
    how to get one of them."""
    from officekit.render.pdf import PdfConverter, find_soffice

    if find_soffice() is not None:
        return PdfConverter(timeout=timeout)
    if platform == "win32" and word_available(dispatch, platform):
        return WordConverter(timeout=timeout, dispatch=dispatch)
    raise PdfError(key="error.pdf.no-converter")
