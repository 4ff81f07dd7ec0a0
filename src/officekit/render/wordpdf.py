"""Word → PDF through Microsoft Word itself (COM), for a Windows PC that has Word but not
LibreOffice — many office PCs. :func:`open_converter` picks LibreOffice when it is there (the
same output everywhere), else Word on Windows, else says how to get either.

Word opens each document hidden and read-only, updates its fields and table of contents, and
exports it with ``ExportAsFixedFormat`` (PDF = 17); a document Word cannot open or export is a
:class:`~officekit.errors.PdfError` for that document only, as with LibreOffice.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

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
    """One hidden Word for a batch of documents."""

    def __init__(self, *, dispatch: Callable[[], Any] | None = None) -> None:
        self._dispatch = dispatch or _dispatch_word
        self._word: Any = None

    def __enter__(self) -> WordConverter:
        try:
            self._word = self._dispatch()
        except Exception as exc:
            raise PdfError(key="error.pdf.word-start", detail=str(exc)) from exc
        self._word.Visible = False
        self._word.DisplayAlerts = 0
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._word is not None:
            self._word.Quit()
            self._word = None

    def convert(self, docx: str | Path, pdf: str | Path | None = None) -> Path:
        source = Path(docx).resolve()
        target = Path(pdf).resolve() if pdf is not None else source.with_suffix(".pdf")
        if not source.is_file():
            raise PdfError(key="error.pdf.no-document", path=str(source))
        target.parent.mkdir(parents=True, exist_ok=True)
        document = None
        try:
            document = self._word.Documents.Open(str(source), False, True, False)
            for toc in document.TablesOfContents:
                toc.Update()
            document.Fields.Update()
            document.ExportAsFixedFormat(str(target), PDF_FORMAT)
        except Exception as exc:
            raise PdfError(key="error.pdf.word-failed", name=source.name,
                           detail=str(exc)) from exc
        finally:
            if document is not None:
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
        return WordConverter(dispatch=dispatch)
    raise PdfError(key="error.pdf.no-converter")
