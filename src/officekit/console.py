"""What the command line prints, on any console: a Chinese Windows one (GBK), a Task Scheduler
log, a pipe, a UTF-8 terminal.

* :func:`make_streams_safe` — a character the console's encoding cannot show is replaced
  (✓ → √, ✗ → ×, else ``?``) instead of crashing the command with ``UnicodeEncodeError``.
* :func:`use_click_language` — click's own texts (usage errors, help headings) in the language
  chosen, from the catalogue :data:`officekit.i18n.CLICK_ZH`.
* :func:`rich_console`, :func:`render_text`, :func:`column_chunks` — tables through rich, CJK
  counted as two cells; :class:`Steps` — a progress bar with count and ETA, only on a terminal
  and never with ``--quiet``.
"""

from __future__ import annotations

import codecs
import sys
import types
from collections.abc import Callable, Iterator
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


def click_language() -> str:
    """The language of the command line being run ("zh" or "en"): its ``--lang``, else the
    workspace's ``language``; what help and click's own texts are shown in."""
    return _lang_source()


def click_text(message: str) -> str:
    """One of click's own texts in the language of the command line."""
    return _gettext(message)


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


class Steps:
    """Progress of long work: a bar with the count done, the time taken and the time left, on
    stderr. Call it with a short text each time a step is done; :meth:`expect` adds steps to
    the total as the work learns how many there are; :meth:`note` says what is being done.

    Silent when ``quiet`` or when stderr is not a terminal (a log, a pipe, Task Scheduler): a
    log gets the command's own final lines, not a hundred bar frames.
    """

    def __init__(self, description: str, total: int = 0, *, quiet: bool = False,
                 stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stderr
        self.enabled = not quiet and is_terminal(self._stream)
        self.description = description
        self.total = total
        self.done = 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Steps:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("/"), TimeRemainingColumn(),
                TextColumn("{task.fields[step]}", style="dim"),
                console=Console(file=self._stream, legacy_windows=False), transient=True,
                auto_refresh=False)  # redrawn at each step: no thread, no flicker in logs
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=self.total or None,
                                            step="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __call__(self, text: str) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, step=text[:40],
                             total=max(self.total, self.done) or None)
            self._bar.refresh()

    def expect(self, count: int) -> None:
        self.total += count
        if self._bar is not None:
            self._bar.update(self._task, total=self.total or None)

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=f"{self.description} {text}")


def expect(progress: Callable[[str], None] | None, count: int) -> None:
    """Tell ``progress`` that ``count`` more steps are coming (when it counts steps)."""
    add = getattr(progress, "expect", None)
    if add is not None:
        add(count)


def note(progress: Callable[[str], None] | None, text: str) -> None:
    """Say what is being done: a :class:`Steps` shows it without counting a step; a plain
    callable gets it as a line."""
    if progress is None:
        return
    say = getattr(progress, "note", None)
    if say is not None:
        say(text)
    else:
        progress(text)


def render_text(renderable: Any, width: int = 100) -> str:
    """``renderable`` (a rich Table…) as plain text ``width`` cells wide, CJK counted double."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, highlight=False, emoji=False,
            legacy_windows=False, force_terminal=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())


def console_width(default: int = 120) -> int:
    """The terminal's width; ``default`` when printing to a file, a pipe or a log."""
    import shutil

    if not is_terminal(sys.stdout):
        return default
    return shutil.get_terminal_size((default, 24)).columns


def column_chunks(heads: list[str], cells: list[list[str]], width: int, keep: int) -> list[
        list[int]]:
    """Split the columns of a table into groups that fit ``width`` cells when printed.

    The first ``keep`` columns (who the row is about) start every group; the others fill
    groups in order. A column's width is its widest cell in display cells (CJK count double)
    plus rich's padding and border, so nothing is cut to "客 …".
    """
    from rich.cells import cell_len

    def need(i: int) -> int:
        return max([cell_len(heads[i]), *(cell_len(row[i]) for row in cells)]) + 3

    fixed = sum(need(i) for i in range(keep)) + 1
    groups: list[list[int]] = []
    current: list[int] = []
    used = fixed
    for i in range(keep, len(heads)):
        if current and used + need(i) > width:
            groups.append(list(range(keep)) + current)
            current, used = [], fixed
        current.append(i)
        used += need(i)
    if current or not groups:
        groups.append(list(range(keep)) + current)
    return groups
