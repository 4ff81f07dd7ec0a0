"""What every ``officekit`` command shares: the group, the common options, errors to exit codes.

Every command takes ``-w/--workspace``, ``--lang``, ``--quiet`` and ``--debug``. Errors derived
from :class:`~officekit.errors.OfficekitError` become a clean message and their exit code here,
in one place; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import os
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from officekit.console import (
    Steps,
    click_language,
    click_text,
    make_streams_safe,
    use_click_language,
)
from officekit.errors import OfficekitError, SettingsError, WorkspaceError
from officekit.i18n import CLICK_ZH, UI, t
from officekit.scope import months_with_data, period_has_data
from officekit.workspace import SETTINGS_FILE, Workspace

F = TypeVar("F", bound=Callable[..., Any])


class Ctx:
    """What every command gets: the options common to all of them."""

    def __init__(self, workspace: str | None, lang: str | None, quiet: bool, debug: bool) -> None:
        self._workspace_arg = workspace
        self._lang = lang
        self.quiet = quiet
        self.debug = debug
        self._ws: Workspace | None = None

    @property
    def ws(self) -> Workspace:
        """The workspace; a folder that is not one is an error, never silently made one."""
        if self._ws is None:
            ws = Workspace.open(self._workspace_arg)
            if not ws.is_workspace():
                raise WorkspaceError(key="cli.not-a-workspace", path=str(ws.root))
            self._ws = ws
        return self._ws

    def maybe_ws(self) -> Workspace | None:
        """The workspace if there is one here (``validate`` works without); a broken
        officekit.toml is still an error."""
        try:
            return self.ws
        except WorkspaceError:
            return None

    def check_settings(self) -> None:
        """Read officekit.toml when the workspace has one: a bad setting is an error now."""
        root = Path(self._workspace_arg or os.environ.get("OFFICEKIT_WORKSPACE") or Path.cwd())
        if (root / SETTINGS_FILE).is_file():
            Workspace.open(root)

    @property
    def lang(self) -> str:
        if self._lang:
            return self._lang
        return _settings_language(self._workspace_arg)

    def say(self, text: str = "", *, err: bool = False, **style: Any) -> None:
        click.secho(text, err=err, **style)

    def steps(self, key: str, total: int = 0) -> Steps:
        """A progress bar (count, elapsed, time left) for long work; silent with --quiet or
        off a terminal."""
        return Steps(t(key, self.lang), total, quiet=self.quiet)



def option_help(key: str) -> str:
    """An option's help: the catalogue's ``help.<key>``. click takes the help when the command
    is defined, before ``--lang`` is read, so it is given in both languages, "zh / en"; the
    command classes below show the one language asked for when help is shown."""
    entry = "help." + key
    return f"{t(entry, 'zh')} / {t(entry, 'en')}"


# "zh / en" as option_help writes it → its catalogue key
_OPTION_HELP = {f"{zh} / {en}": key for key, (zh, en) in UI.items() if key.startswith("help.")}


class CatalogueHelp(click.Command):
    """A command whose ``--help`` comes from the catalogue in the language asked (``--lang``,
    else the workspace's): its text is the entry ``command.<name>`` (``command.<group>
    <name>`` in a group), looked up each time help is shown; its options' help the language's
    half of their ``help.*`` entry. A command without an entry shows its docstring."""

    help_key: str | None = None
    _help: str | None = None

    @property
    def help(self) -> str | None:
        if self.help_key is not None and self.help_key in UI:
            return t(self.help_key, click_language())
        return self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = click_language()
        texts = {p: t(_OPTION_HELP[p.help], lang) for p in self.params
                 if isinstance(p, click.Option) and p.help in _OPTION_HELP}
        texts |= {p: click_text(p.help) for p in self.params  # click's own (--version)
                  if isinstance(p, click.Option) and p.help in CLICK_ZH}
        help_option = self.get_help_option(ctx)  # click keeps it, worded the first time
        if help_option is not None:
            texts[help_option] = click_text("Show this message and exit.")
        kept = {p: p.help for p in texts}
        try:
            for param, text in texts.items():
                param.help = text
            super().format_help(ctx, formatter)
        finally:
            for param, both in kept.items():
                param.help = both


class CatalogueGroup(CatalogueHelp, click.Group):
    """A group of :class:`CatalogueHelp` commands (its own help from the catalogue too)."""

    command_class = CatalogueHelp
    group_class = type  # its groups are of its own class

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        if isinstance(cmd, CatalogueHelp):
            own = (self.help_key or "").removeprefix("command.")
            path = f"{own} {name or cmd.name}" if own != "officekit" else (name or cmd.name)
            cmd.help_key = f"command.{path}"

def _settings_language(workspace: str | None) -> str:
    """The language officekit.toml asks for, "zh" when there is none or it cannot be read."""
    try:
        return Workspace.open(workspace).settings.language
    except SettingsError as exc:
        return exc.language  # even when another key is wrong
    except OfficekitError:
        return "zh"


def _common_options(func: F) -> F:
    for decorator in reversed((
        click.option(
            "-w",
            "--workspace",
            type=click.Path(file_okay=False),
            default=None,
            help=option_help("app.workspace"),
        ),
        click.option(
            "--lang", type=click.Choice(["zh", "en"]), default=None,
            help=option_help("app.lang"),
        ),
        click.option("-q", "--quiet", is_flag=True, help=option_help("app.quiet")),
        click.option("--debug", is_flag=True, help=option_help("app.debug")),
    )):
        func = decorator(func)
    return func


def common(func: F) -> F:
    """Add -w/--lang/--quiet/--debug to a command and turn errors into exit codes.

    The same options given before the command (``officekit -w DIR status``) count when the
    command itself does not repeat them. A broken officekit.toml in the workspace stops every
    command (exit 2) before it does anything, ``init`` excepted: it checks its own folder.
    """
    check_settings = func.__name__ != "init"
    freezes = getattr(func, "_freezes_after_imports", False)

    @_common_options
    @functools.wraps(func)
    def wrapper(
        workspace: str | None, lang: str | None, quiet: bool, debug: bool, **kwargs: Any
    ) -> Any:
        before = click.get_current_context().find_root().obj or {}
        ctx = Ctx(
            workspace or before.get("workspace"),
            lang or before.get("lang"),
            quiet or bool(before.get("quiet")),
            debug or bool(before.get("debug")),
        )
        if _CONSOLE and not freezes:
            gc.enable()  # main() turned it off for the imports; this command does not wait
        try:
            if check_settings:
                ctx.check_settings()
            return func(ctx, **kwargs)
        except OfficekitError as exc:
            if ctx.debug:
                raise
            click.secho(t("cli.error", ctx.lang, message=exc.text(ctx.lang)), err=True, fg="red")
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def _argv_lang(args: Sequence[str]) -> str | None:
    """``--lang`` as written anywhere on the command line (even after a bad option)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in ("zh", "en"):
            return args[i + 1]
        if arg.startswith("--lang=") and arg[7:] in ("zh", "en"):
            return arg[7:]
    return None


def _argv_workspace(args: Sequence[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg in ("-w", "--workspace") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--workspace="):
            return arg[12:]
    return None


class OfficekitGroup(CatalogueGroup):
    """The top command: a console that cannot crash on GBK, click's texts and every
    command's help in our language."""

    help_key = "command.officekit"

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        make_streams_safe()
        chosen: list[str] = []

        def language() -> str:
            if not chosen:
                chosen.append(_argv_lang(argv) or _settings_language(_argv_workspace(argv)))
            return chosen[0]

        use_click_language(language)
        return super().main(argv, *a, **kw)


@click.group(cls=OfficekitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="officekit")
@_common_options
@click.pass_context
def cli(
    click_ctx: click.Context, workspace: str | None, lang: str | None, quiet: bool, debug: bool
) -> None:
    """The ``officekit`` group (help: the catalogue's ``command.officekit``)."""
    click_ctx.obj = {"workspace": workspace, "lang": lang, "quiet": quiet, "debug": debug}


_CONSOLE = False  # set by main(): this process runs one command and ends


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``officekit``).

    The cyclic garbage collector is off while the command line is parsed and the command
    imports what it runs (a few hundred thousand objects, all kept to the end: ~30 ms of
    collections walking them); a command marked :func:`freezes_after_imports` turns it back
    on in :func:`imported`, every other one as it starts.
    """
    global _CONSOLE
    _CONSOLE = True
    gc.disable()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="officekit")
    except SystemExit as exc:
        if _END_AT_ONCE:
            _end_at_once(exc.code)
        raise


_END_AT_ONCE = False  # set by end_at_once()


def end_at_once() -> None:
    """In the console process: once this command is done, the process ends at once — its
    exit handlers run and its output is flushed, but the interpreter does not take itself
    apart object by object (~15 ms after a large check). For a command that leaves nothing
    behind to be finished by that teardown (no open file being written, no thread left: with
    another thread still running the process ends the usual way). Elsewhere nothing."""
    global _END_AT_ONCE
    _END_AT_ONCE = _CONSOLE


def _end_at_once(code: object) -> None:
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if threading.active_count() > 1 or run_handlers is None:
        return  # the usual exit
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # what sys.exit does with a message
        sys.stderr.write(f"{code}\n")
        status = 1
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more to say anyway
            stream.flush()
    os._exit(status)


def freezes_after_imports(func: F) -> F:
    """Mark a one-shot command that calls :func:`imported` once its imports are done (put it
    below ``@common``)."""
    func._freezes_after_imports = True  # type: ignore[attr-defined]
    return func


def imported() -> None:
    """A command has imported what it runs (the ledger layer, the renderer: a few hundred
    thousand objects that live until the process ends).

    In the console process — one command, then exit — they are moved out of the garbage
    collector's sight (:func:`gc.freeze`): its passes during the command and the last one at
    exit no longer walk them, and forked render workers share their pages instead of copying
    them; and the youngest generation is collected every 10,000 new objects instead of 700
    (the command makes tens of thousands of records and document parts that are not garbage).
    Together ~0.2 s of CPU of a 300-document report. Commands invoked inside another program
    (tests, a host application) are left as they are; so is a long-running ``watch``, which
    never calls this.
    """
    if _CONSOLE:
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        gc.enable()
        skip_exit_sweep()


def skip_exit_sweep() -> None:
    """In the console process: what the command made is not swept once more at exit (the
    interpreter's last collection walks every object the process is about to drop anyway;
    ~80 ms after a large check). The exit handlers registered before this one (the reader
    pool, the ledger) still run, after it. Elsewhere (tests, a host program) nothing."""
    if _CONSOLE:
        atexit.register(gc.freeze)


def let_readers_go() -> None:
    """In the console process, once the command has had all it needs of the guarded reading
    child: tell the child to end and do not wait for it (a child that read a large file
    takes ~25 ms to give its memory back; that now overlaps this process's output and exit,
    instead of being waited out at exit). Elsewhere (tests, a host program) nothing."""
    if _CONSOLE and "officekit.read.guard" in sys.modules:
        from officekit.read.guard import shared_pool

        shared_pool().close(wait=False)


def warn_if_empty(ctx: Ctx, ledger: Any, period: Any) -> None:
    """A period without any data is worth a word before its empty figures or documents."""
    if not period_has_data(ledger, period):
        ctx.say(t("cli.period.empty", ctx.lang, period=str(period),
                  months=months_with_data(ledger)), err=True, fg="yellow")


def parse_period(text: str) -> Any:
    from officekit.kpis.periods import Period

    return Period.parse(text)


def as_of_day(value: Any) -> date:
    """``--as-of`` as a date; today when it is not given."""
    return value.date() if value is not None else date.today()


def day_of(value: Any) -> date | None:
    """A ``click.DateTime`` option as a date, None when it is not given."""
    return value.date() if value is not None else None
