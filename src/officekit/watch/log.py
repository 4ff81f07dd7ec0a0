"""What people see of the watcher: one readable line per file, in Chinese (English with en).

Lines go to the console (a character it cannot show is replaced, see
:mod:`officekit.console`) and to ``.officekit/logs/watch.log`` (rotating, 1 MB × 5, UTF-8 with
a BOM). The log
file also keeps the traceback of a file that failed, for whoever maintains the installation;
the console shows it only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from officekit.console import make_streams_safe
from officekit.i18n import t
from officekit.model import FileResult
from officekit.report_text import file_line
from officekit.workspace import Workspace

LOG_FILE = "watch.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
REASONS_SHOWN = 2
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# The watcher's own texts: key → (zh, en). (Kept here, next to their only user; they could
# join officekit.i18n.UI under the same keys.)


def msg(key: str, lang: str, **params: object) -> str:
    """The watcher message ``key`` in ``lang`` (catalogue :data:`officekit.i18n.UI`)."""
    return t(f"watch.{key}", lang, **params)


def file_summary(res: FileResult, lang: str, *, root: Path | None = None) -> str:
    """One line for one processed file: which file, which kind, the outcome and why."""
    parts = [file_line(res, lang)]
    if res.status == "rejected" or res.errors:  # a rejected file dropped again unchanged too
        reasons = [i.message(lang) for i in res.issues if i.severity == "error"][:REASONS_SHOWN]
        if reasons:
            parts.append(msg("reasons", lang, reasons=" / ".join(reasons)))
        parts += [msg("raw-detail", lang, detail=i.params["raw"]) for i in res.issues
                  if i.severity == "error" and i.params.get("raw")][:1]
        if res.annotated:
            parts.append(msg("annotated", lang, path=_short(Path(res.annotated), root)))
    return ("；" if lang != "en" else "; ").join(parts)


def _short(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass  # outside the workspace: show it whole
    return str(path)


class _ConsoleFormatter(logging.Formatter):
    """Time and message; the traceback only with ``debug`` (the log file always keeps it)."""

    def __init__(self, debug: bool) -> None:
        super().__init__(datefmt=TIME_FORMAT)
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        text = f"{self.formatTime(record, self.datefmt)} {record.getMessage()}"
        if self.debug and record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def open_log(ws: Workspace, name: str, *, quiet: bool = False, debug: bool = False,
             console: TextIO | None = None) -> logging.Logger:
    """A logger writing to ``watch.log`` and (unless ``quiet``: warnings only) the console."""
    logger = logging.getLogger(f"officekit.watch.{name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    ws.logs.mkdir(parents=True, exist_ok=True)
    # UTF-8 with a BOM, so Notepad on a Chinese Windows does not read the log as GBK; the BOM
    # goes only at the start of a new file (TextIOWrapper skips it when appending)
    to_file = RotatingFileHandler(ws.logs / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8-sig")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", TIME_FORMAT))
    logger.addHandler(to_file)
    if console is None:
        make_streams_safe(sys.stdout)
    stream = console or sys.stdout
    if stream is not None:  # None under pythonw.exe (the Task Scheduler task): the file only
        to_console = logging.StreamHandler(stream)
        to_console.setFormatter(_ConsoleFormatter(debug))
        to_console.setLevel(logging.WARNING if quiet else logging.INFO)
        logger.addHandler(to_console)
    return logger


def close_log(logger: logging.Logger) -> None:
    """Flush and detach the handlers :func:`open_log` added."""
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
