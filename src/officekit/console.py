"""What the command line prints, on any console: a Chinese Windows one (GBK), a Task Scheduler
log, a pipe, a UTF-8 terminal.

* :func:`make_streams_safe` — a character the console's encoding cannot show is replaced
  (✓ → √, ✗ → ×, else ``?``) instead of crashing the command with ``UnicodeEncodeError``.
* :func:`use_click_language` — click's own texts (usage errors, help headings) in the language
  chosen, from the catalogue :data:`officekit.i18n.CLICK_ZH`.
* :func:`rich_console` and :class:`Progress` — tables and progress bars through rich; progress
  only on a terminal and never with ``--quiet``.
"""

from __future__ import annotations

import codecs
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

ERRORS = "officekit-replace"

# Characters officekit prints that GBK (cp936) lacks, and what a GBK console shows instead.
_FALLBACK = {
    "✓": "√",
    "✗": "×",
    "…": "...",
    "⚠": "!",
    "→": "->",
    "•": "·",
    "━": "-",
    "─": "-",
    "│": "|",
}


def _replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    out = []
    for ch in bad:
        alt = _FALLBACK.get(ch, "?")
        try:
            alt.encode(exc.encoding)
        except (UnicodeEncodeError, LookupError):
            alt = "?"
        out.append(alt)
    return "".join(out), exc.end


codecs.register_error(ERRORS, _replace)


def make_streams_safe(*streams: IO[str]) -> None:
    """Let ``streams`` (default: stdout and stderr) replace what their encoding cannot show.

    Python opens them with ``errors="strict"`` when PYTHONIOENCODING or the Windows console
    code page says GBK, and one ✓ then ends the command with a traceback.
    """
    for stream in streams or (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", None) == ERRORS:
            continue
        try:
            reconfigure(errors=ERRORS)
        except (ValueError, OSError):  # a closed or detached stream: nothing to print on
            continue


# ------------------------------------------------------------------------------------------
# click's texts

_lang_source: Callable[[], str] = lambda: "zh"  # noqa: E731 - replaced per command line


def _gettext(message: str) -> str:
    if _lang_source() == "en":
        return message
    from officekit.i18n import CLICK_ZH

    return CLICK_ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def _click_modules() -> Iterator[types.ModuleType]:
    import click

    for name in ("core", "exceptions", "parser", "types", "formatting", "decorators",
                 "termui", "utils"):
        module = getattr(click, name, None)
        if isinstance(module, types.ModuleType):
            yield module


def use_click_language(source: Callable[[], str]) -> None:
    """Make click say its texts in the language ``source()`` returns ("zh" or "en").

    click translates through :mod:`gettext`, bound in each of its modules as ``_`` and
    ``ngettext``; those names are pointed at the catalogue. ``source`` is asked when a text is
    needed, so the language can come from a ``--lang`` given after the bad option.
    """
    global _lang_source
    _lang_source = source
    for module in _click_modules():
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------
# rich: tables and progress


def is_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        return bool(stream.isatty())
    except (ValueError, OSError):
        return False


def rich_console(*, err: bool = False, width: int | None = None) -> Any:
    """A rich Console on stdout (or stderr) that measures CJK characters as two columns and,
    when not a terminal, prints plain text as wide as the content needs."""
    from rich.console import Console

    stream = sys.stderr if err else sys.stdout
    terminal = is_terminal(stream)
    return Console(
        file=stream,
        width=width if width is not None else (None if terminal else 200),
        no_color=not terminal,
        highlight=False,
        soft_wrap=False,
        emoji=False,
        legacy_windows=False,
    )


class Progress:
    """A count-and-ETA bar on stderr for long work (rendering, sending, validating many files).

    Silent when ``quiet`` or when stderr is not a terminal (a log, a pipe, Task Scheduler):
    then only the final lines the command prints itself remain.
    """

    def __init__(self, *, quiet: bool, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stderr
        self.enabled = not quiet and is_terminal(self._stream)
        self._bar: Any = None
        self._task: Any = None

    @contextmanager
    def task(self, description: str, total: int | None) -> Iterator[Callable[[str], None]]:
        """A bar for ``total`` steps; the callable yielded advances it by one, naming the step."""
        if not self.enabled:
            yield lambda _text: None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        console = Console(file=self._stream, legacy_windows=False)
        bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("/"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[step]}", style="dim"),
            console=console,
            transient=True,
        )
        with bar:
            task_id = bar.add_task(description, total=total, step="")

            def advance(text: str) -> None:
                bar.update(task_id, advance=1, step=text[:40])

            yield advance
