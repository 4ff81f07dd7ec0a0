"""Windows rules for the names and folders officekit makes, applied everywhere (an outbox on a
Linux share is opened from Windows PCs too).

* :func:`safe_name` — a file or folder name Windows and a share both accept: no ``\\/:*?"<>|``
  or control characters, no trailing dot or space, not a reserved device name (``CON``, ``NUL``,
  ``COM1``… with or without an extension: ``CON.docx`` cannot be created on Windows).
* :func:`fit_path` — a path within the 260-character limit Word and Explorer still keep: the
  file name is shortened (with a short hash, so two long names stay apart), never the folders.
* :func:`place` — both for a name in a folder: the one call every writer of officekit uses to
  name what it writes (documents, annotated copies, the archive, ``_superseded``, lists beside
  documents, the due list, exports).
* :func:`temp_beside` — the hidden temporary name a file is written under before it is renamed
  into place, within the limit too (the temporary name is the longer one).
* :func:`hide` — ``.processing`` and ``.officekit`` get the Hidden attribute on Windows, where a
  leading dot hides nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import uuid
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

MAX_PATH = 259  # MAX_PATH is 260 with the terminating NUL
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                      *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10)),
                      "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"})
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
FILE_ATTRIBUTE_HIDDEN = 0x2


def is_reserved(name: str) -> bool:
    """Whether Windows refuses ``name`` as a file name (``nul``, ``Con.docx``, ``COM1 .txt``)."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem.upper() in RESERVED


def safe_name(text: str) -> str:
    """``text`` as a file or folder name every Windows PC and share accepts."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")  # no trailing dot; no leading one (hidden)
    if not cleaned:
        return "_"
    return f"_{cleaned}" if is_reserved(cleaned) else cleaned


def fit_path(path: Path, limit: int = MAX_PATH) -> Path:
    """``path`` with its file name shortened so the whole path has at most ``limit`` characters.

    The name keeps its start (who and what the document is), gets ``~`` and six characters of
    a hash of the full name, and keeps its suffix. Folders are left alone; a folder path that
    alone is too long leaves a name of at least a few characters (Windows then needs long
    paths enabled, which the README says how to do).
    """
    # the limit is on the full path Windows sees: a relative path is measured from here
    text = str(path if path.is_absolute() or PureWindowsPath(path).drive else path.absolute())
    if len(text) <= limit:
        return path
    suffix = "".join(path.suffixes[-1:])
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    tag = "~" + hashlib.sha1(path.name.encode("utf-8")).hexdigest()[:6]
    room = len(stem) - (len(text) - limit) - len(tag)
    return path.with_name(stem[: max(room, 4)] + tag + suffix)


def place(folder: Path, name: str, limit: int = MAX_PATH) -> Path:
    """Where officekit writes a file called ``name`` in ``folder``: a name Windows accepts
    (:func:`safe_name`) in a path within ``limit`` characters (:func:`fit_path`)."""
    return fit_path(folder / safe_name(name), limit)


def temp_beside(path: Path, tag: str = "tmp", limit: int = MAX_PATH) -> Path:
    """A hidden temporary name beside ``path`` (``.<name>.<pid>.<random>.<tag>``) to write it
    under and then rename, so no reader ever sees half a file; within ``limit`` characters
    however long ``path`` is (its start is kept, so it still says what it is)."""
    return fit_path(path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{tag}"),
                    limit)


def _set_hidden_win32(path: Path) -> None:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    attrs = kernel32.GetFileAttributesW(str(path))
    if attrs != -1 and not attrs & FILE_ATTRIBUTE_HIDDEN:
        kernel32.SetFileAttributesW(str(path), attrs | FILE_ATTRIBUTE_HIDDEN)


def hide(path: Path, *, platform: str = sys.platform,
         set_hidden: Callable[[Path], None] | None = None) -> None:
    """Give ``path`` the Hidden attribute on Windows (elsewhere its leading dot hides it).

    ``platform`` and ``set_hidden`` are the seam the tests use to run the Windows branch here.
    """
    if platform != "win32" or not path.exists():
        return
    (set_hidden or _set_hidden_win32)(path)
