"""Where each heading of a laid-out document landed: the page numbers of a written TOC.

The handbook's table of contents is written by the renderer (the TOC field's cached result),
so Word shows it without asking to update fields. Its page numbers come from the document as
LibreOffice laid it out: the PDF's text, page by page (poppler's ``pdftotext``), searched for
each heading in order after the contents page. Without ``pdftotext`` (or when a heading is not
found) the entry keeps no number; the TOC is still there, and Word's 更新域 fills it in.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

CONTENTS_TITLE = "目录"
_TIMEOUT_SECONDS = 60


def _squeeze(text: str) -> str:
    """Text without any whitespace (pdftotext spaces CJK runs and wraps lines at will)."""
    return "".join(text.split())


def page_texts(pdf: Path) -> list[str] | None:
    """The text of each page of ``pdf``; None when ``pdftotext`` is not installed or fails."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    try:
        done = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              timeout=_TIMEOUT_SECONDS, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", errors="replace").split("\f")


def heading_pages(pages: Sequence[str], titles: Sequence[str],
                  contents: str = CONTENTS_TITLE) -> list[int | None]:
    """The 1-based page of each of ``titles`` (in document order) in ``pages``.

    The search starts after the page holding ``contents`` (the TOC itself lists every title)
    and moves forward only, so a title also found earlier in the text (a role named in the
    directory) cannot pull its entry back. A title not found gets None and the search goes on
    from where the previous one was found.
    """
    squeezed = [_squeeze(page) for page in pages]
    start = next((i + 1 for i, page in enumerate(squeezed) if contents in page), 0)
    found: list[int | None] = []
    at = start
    for title in titles:
        needle = _squeeze(title)
        page = next((i for i in range(at, len(squeezed)) if needle in squeezed[i]), None)
        found.append(None if page is None else page + 1)
        if page is not None:
            at = page
    return found
