"""The ``officekit`` command: parse arguments, call one library function, format the result.

Every command takes ``-w/--workspace``, ``--lang``, ``--quiet`` and ``--debug``. Errors derived
from :class:`~officekit.errors.OfficekitError` become a clean message and their exit code here,
in one place; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from officekit.console import Steps, is_terminal, make_streams_safe, use_click_language
from officekit.deliver.manifest import DOCUMENT_KINDS
from officekit.errors import OfficekitError, UsageError, WorkspaceError
from officekit.i18n import t
from officekit.model import FileResult
from officekit.scope import check_department, check_staff, months_with_data, period_has_data
from officekit.workspace import SETTINGS_FILE, Workspace

F = TypeVar("F", bound=Callable[..., Any])

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


COMMON = ("workspace", "lang", "quiet", "debug")


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

    def progress(self, text: str) -> None:
        """A line about work in progress, on a terminal only (a log keeps the results)."""
        if not self.quiet and is_terminal():
            click.secho(f"… {text}", err=True, dim=True)

    def steps(self, key: str, total: int = 0) -> Steps:
        """A progress bar (count, elapsed, time left) for long work; silent with --quiet or
        off a terminal."""
        return Steps(t(key, self.lang), total, quiet=self.quiet)


def _settings_language(workspace: str | None) -> str:
    """The language officekit.toml asks for, "zh" when there is none or it cannot be read."""
    try:
        return Workspace.open(workspace).settings.language
    except OfficekitError:
        return "zh"


def _common_options(func: F) -> F:
    for decorator in reversed((
        click.option(
            "-w",
            "--workspace",
            type=click.Path(file_okay=False),
            default=None,
            help="工作区文件夹（默认：$OFFICEKIT_WORKSPACE，否则当前文件夹）/ workspace folder",
        ),
        click.option(
            "--lang", type=click.Choice(["zh", "en"]), default=None,
            help="消息语言 / message language",
        ),
        click.option("-q", "--quiet", is_flag=True, help="不显示进度 / no progress output"),
        click.option("--debug", is_flag=True, help="出错时显示完整的错误堆栈 / show tracebacks"),
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


class OfficekitGroup(click.Group):
    """The top command: a console that cannot crash on GBK, click's texts in our language."""

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
    """officekit：把办公室手工维护的 Excel 表格变成校验过的数据和 Word 文档。

    Turns the Excel workbooks an admin office keeps by hand into checked data and Word documents.
    """
    click_ctx.obj = {"workspace": workspace, "lang": lang, "quiet": quiet, "debug": debug}


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``officekit``)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="officekit")


# ------------------------------------------------------------------------------------------
# init, sample


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@common
def init(ctx: Ctx, directory: Path) -> None:
    """新建工作区 / make a new workspace in DIRECTORY."""
    from officekit.workspace import init_workspace

    ws = init_workspace(directory)
    lang = ctx._lang or ws.settings.language
    ctx.say(t("cli.init.done", lang, path=str(ws.root)))
    ctx.say(t("cli.init.next", lang, path=str(ws.root), inbox=str(ws.inbox)))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-flawed", is_flag=True, help="不写有问题的样例 / skip the flawed examples")
@common
def sample(ctx: Ctx, directory: Path, no_flawed: bool) -> None:
    """写出示例工作簿 / write the bundled sample workbooks into DIRECTORY."""
    from officekit.samples.flawed import readme_text
    from officekit.samples.generate import write_samples

    paths = write_samples(directory, flawed=not no_flawed)
    for p in paths:
        ctx.say(str(p))
    if not no_flawed and not ctx.quiet:
        ctx.say()
        ctx.say(readme_text().replace("\r\n", "\n").rstrip())
    ctx.say()
    ctx.say(t("cli.sample.done", ctx.lang, count=len(paths), path=str(directory)))


# ------------------------------------------------------------------------------------------
# validate, ingest


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the workbooks directly inside it.

    A path that gives nothing to read — a folder with no workbooks (even one named like a
    workbook, ``x.xlsx``), a FIFO, a device — is named on stderr with the reason; the command
    stops with exit 2 only when nothing is left to read. Such a path is never opened.
    """
    from officekit.watch.settle import ignore_reason

    out: list[Path] = []
    notes: list[str] = []
    for p in paths:
        if p.is_dir():
            found = sorted(x for x in p.iterdir()
                           if x.is_file() and x.suffix.lower() in WORKBOOK_SUFFIXES
                           and ignore_reason(x.name) is None)
            if not found:
                notes.append(f"{p}：是文件夹，其中没有工作簿文件（.xlsx/.xlsm/.xls/.ods）"
                             f" / {p}: a folder with no workbook files in it")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        elif p.exists() or p.is_symlink():
            notes.append(f"{p}：不是普通文件（如命名管道、设备或断开的链接），不会打开"
                         f" / {p}: not a regular file (a FIFO, a device, a broken link); "
                         "not opened")
        else:
            raise UsageError(f"文件不存在：{p} / no such file")
    if not out:
        raise UsageError("\n".join([*notes, "没有要处理的工作簿文件（.xlsx/.xlsm/.xls/.ods）"
                                               " / no workbook files given"]))
    for note in notes:
        click.echo(note, err=True)
    return out


def _print_results(ctx: Ctx, results: list[FileResult], fmt: str, *,
                   stored: bool = True) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                {"files": [r.to_dict(ctx.lang) for r in results]}, ensure_ascii=False, indent=2
            )
        )
        return
    from officekit.report_text import format_results

    click.echo(format_results(results, ctx.lang, stored=stored))


def _exit_for(results: list[FileResult]) -> None:
    if any(r.status == "rejected" or r.errors for r in results):
        sys.exit(1)


def _intake_options(func: F) -> F:
    """--format and --today, shared by validate and ingest."""
    func = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                        help="把这一天当作今天（检查未来日期用）/ treat this date as today")(func)
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]),
                        default="text", help="输出格式 / output format")(func)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_intake_options
@common
def validate(ctx: Ctx, files: tuple[Path, ...], fmt: str, today: Any) -> None:
    """只校验、不入库 / check FILES without storing anything."""
    from officekit.validate.pipeline import validate_paths
    from officekit.validate.view import EmptyView, LedgerView

    paths = _expand(files)
    ws = ctx.maybe_ws()
    settings = ws.settings if ws is not None else _default_settings()
    with _maybe_ledger(ws) as ledger:
        view: LedgerView = ledger if ledger is not None else EmptyView()
        with ctx.steps("cli.steps.validate", len(paths)) as steps:
            results = validate_paths(paths, settings, view, today=_day(today), progress=steps)
    _print_results(ctx, results, fmt, stored=False)
    _exit_for(results)


def _default_settings() -> Any:
    from officekit.settings import Settings

    return Settings()


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


@contextmanager
def _maybe_ledger(ws: Workspace | None) -> Iterator[Any]:
    """The workspace's ledger if one exists already (validate never creates one)."""
    if ws is None or (not ws.settings.database_url and not (ws.data / "ledger.sqlite3").exists()):
        yield None
        return
    from officekit.ledger.store import Ledger

    ledger = Ledger.open(ws.database_url)
    try:
        yield ledger
    finally:
        ledger.close()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_intake_options
@common
def ingest(ctx: Ctx, files: tuple[Path, ...], fmt: str, today: Any) -> None:
    """校验并入库 / check FILES and store the good ones in the ledger."""
    from officekit.intake import ingest_files

    ws = ctx.ws
    ws.ensure()
    paths = _expand(files)
    with ctx.steps("cli.steps.ingest", len(paths)) as steps:
        results = ingest_files(ws, paths, today=_day(today), lang=ctx.lang, progress=steps)
    _print_results(ctx, results, fmt)
    _exit_for(results)


# ------------------------------------------------------------------------------------------
# status


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@common
def status(ctx: Ctx, fmt: str) -> None:
    """账本里有什么 / what the ledger holds: files by state, periods, counts."""
    from officekit.ledger.store import Ledger
    from officekit.report_text import format_status

    ws = ctx.ws
    ws.ensure()
    from officekit.kpis.coverage import coverage_by_month, coverage_json
    from officekit.ledger.lifecycle import outstanding_rejected
    from officekit.watch.status import limited_files, processing_files, stuck_files

    with Ledger.open(ws.database_url) as ledger:
        summary = ledger.summary()
        recent = ledger.recent_files(15)
        stuck = stuck_files(ledger)
        processing = processing_files(ws, ledger)
        limited = limited_files(ledger)
        if ledger.url.startswith("postgresql"):
            from officekit.jobs.queue import queue_status

            summary["queue"] = queue_status(ledger)
        rejected = outstanding_rejected(ledger)
        coverage = coverage_by_month(ledger.file_spans(), summary["periods"])
    if fmt == "json":
        click.echo(
            json.dumps(
                {"summary": summary, "recent": recent, "stuck": stuck,
                 "processing": processing, "limited": limited, "rejected": rejected,
                 "coverage": {m: coverage_json(c) for m, c in coverage.items()}},
                ensure_ascii=False, indent=2, default=str,
            )
        )
    else:
        from officekit.console import console_width

        click.echo(format_status(summary, recent, ctx.lang, stuck, processing, limited,
                                 width=console_width(100), rejected=rejected,
                                 coverage=coverage))


# ------------------------------------------------------------------------------------------
# kpis


def _warn_if_empty(ctx: Ctx, ledger: Any, period: Any) -> None:
    """A period without any data is worth a word before its empty figures or documents."""
    if not period_has_data(ledger, period):
        ctx.say(t("cli.period.empty", ctx.lang, period=str(period),
                  months=months_with_data(ledger)), err=True, fg="yellow")


def _period(text: str) -> Any:
    from officekit.kpis.periods import Period

    return Period.parse(text)


def _as_of(value: Any) -> date:
    return value.date() if value is not None else date.today()


@cli.command()
@click.option(
    "--period", "period_text", required=True, help="考核期：2026-10、2026-Q4 或 2026 / period"
)
@click.option("--department", default=None, help="只看这个部门 / one department only")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="按这一天计算（默认今天），结果可复现 / compute as of this date",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "table", "xlsx"]),
    default="table",
    help="输出格式 / output format",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="xlsx 的保存路径（默认 outbox/<期间>/考核指标_<期间>.xlsx）/ xlsx path",
)
@common
def kpis(
    ctx: Ctx, period_text: str, department: str | None, as_of: Any, fmt: str, output: Path | None
) -> None:
    """计算考核指标 / compute each person's and department's KPIs (SPEC §6)."""
    from officekit.kpis.compute import kpis_for_period
    from officekit.ledger.store import Ledger

    ws = ctx.ws
    period = _period(period_text)
    ws.ensure()
    with Ledger.open(ws.database_url) as ledger:
        check_department(ledger, department)
        _warn_if_empty(ctx, ledger, period)
        result = kpis_for_period(ledger, period, ws.settings, _as_of(as_of))
    if department:
        result = result.only_department(department)
    for line in result.warnings(ctx.lang):
        click.secho(line, err=True, fg="yellow")
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "table":
        from officekit.console import console_width, rich_console
        from officekit.kpis.export import to_table

        width = console_width()
        rich_console(width=width).print(to_table(result, ctx.lang, width))
    else:
        from officekit.kpis.export import write_xlsx

        suffix = f"_{department}" if department else ""
        dest = output or ws.outbox / str(period) / f"考核指标_{period}{suffix}.xlsx"
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(result, dest, ctx.lang)
        click.echo(str(dest))


# ------------------------------------------------------------------------------------------
# report, templates check


@cli.command()
@click.argument(
    "kind",
    type=click.Choice(
        ["evaluation", "evaluation-summary", "complaints", "visits", "handbook", "all"]
    ),
)
@click.option(
    "--period",
    "period_text",
    default=None,
    help="期间：2026-10、2026-Q4 或 2026（默认上个月）/ period (default: last month)",
)
@click.option("--department", default=None, help="只生成这个部门的 / one department only")
@click.option("--staff", "staff_id", default=None, help="只生成这个人的（工号或姓名）/ one person")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="按这一天计算（默认今天）/ compute as of this date",
)
@click.option("--pdf", is_flag=True, help="同时输出 PDF（需要 LibreOffice）/ also write PDFs")
@common
def report(
    ctx: Ctx,
    kind: str,
    period_text: str | None,
    department: str | None,
    staff_id: str | None,
    as_of: Any,
    pdf: bool,
) -> None:
    """生成 Word 文档到 outbox / render documents into outbox.

    KIND: evaluation 个人考核报告, evaluation-summary 部门考核汇总, complaints 投诉分析报告,
    visits 回访总结报告, handbook 岗位职责手册, all 全部。
    """
    from officekit.kpis.periods import Period
    from officekit.ledger.store import Ledger
    from officekit.publish import publish_reports
    from officekit.render.reports import ALL_KINDS, ReportRequest, kinds_for

    ws = ctx.ws
    ws.ensure()
    day = _as_of(as_of)
    period = _period(period_text) if period_text else Period.month_of(day).previous()
    kinds: tuple[str, ...] = ALL_KINDS if kind == "all" else (kind,)
    skipped: list[str] = []
    if kind == "all":
        applicable, skipped = kinds_for(kinds, period)
        kinds = tuple(applicable)
    if staff_id and kinds != ("evaluation",):
        raise UsageError("--staff 只能用于 evaluation（个人考核报告）/ --staff is for evaluation")
    reqs = [
        ReportRequest(k, period, day, department, staff_id, pdf or ws.settings.pdf) for k in kinds
    ]
    notes: list[tuple[str, dict[str, Any]]] = []
    with Ledger.open(ws.database_url) as ledger:
        check_department(ledger, department)
        check_staff(ledger, staff_id)
        _warn_if_empty(ctx, ledger, period)
        with ctx.steps("cli.steps.report") as steps:
            docs = publish_reports(ws, ledger, reqs, progress=steps, notes=notes)
    for key, params in notes:  # a document not made for lack of its register: always said
        click.echo(t(key, ctx.lang, **params), err=True)
    for d in docs:
        click.echo(str(d.path))
        if d.pdf:
            click.echo(str(d.pdf))
    for k in skipped:
        ctx.say(t(f"cli.report.monthly-only.{k}", ctx.lang, period=str(period)), err=True)
    failed = [d for d in docs if d.pdf_error]
    for d in failed:
        ctx.say(t("cli.report.pdf-failed", ctx.lang, name=d.path.name, error=d.pdf_error),
                err=True, fg="red")
    ctx.say(t("cli.report.done", ctx.lang, count=len(docs), path=str(ws.outbox)), err=True)
    if failed:
        ctx.say(t("cli.report.pdf-summary", ctx.lang, failed=len(failed),
                  done=sum(1 for d in docs if d.pdf)), err=True, fg="red")
        sys.exit(1)


@cli.group()
def templates() -> None:
    """模板工具 / template tools."""


@templates.command("check")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@common
def templates_check(ctx: Ctx, names: tuple[str, ...], fmt: str) -> None:
    """检查模板的语法和变量 / check templates for syntax errors and unknown variables.

    NAMES: 模板文件名（默认检查全部报告模板）/ template files (default: every report template).
    """
    from officekit.render.check import check_template
    from officekit.render.context_spec import sample_context
    from officekit.render.reports import template_files, template_for

    ws = ctx.ws
    by_file = template_files()
    # default: every report template, in the style the settings choose ([document] style)
    chosen = list(names) or [str(template_for(ws, kind, tpl)) for tpl, kind in by_file.items()]
    out: list[dict[str, Any]] = []
    failed = False
    for name in chosen:
        path = Path(name) if Path(name).exists() else ws.template_path(Path(name).name)
        kind = by_file.get(path.name)
        if not path.exists():
            raise UsageError(f"找不到模板：{name} / no such template")
        problems = check_template(path, sample_context(kind) if kind else None)
        failed = failed or bool(problems)
        out.append(
            {
                "template": str(path),
                "kind": kind,
                "problems": [p.to_dict(ctx.lang) for p in problems],
            }
        )
    if fmt == "json":
        click.echo(json.dumps({"templates": out}, ensure_ascii=False, indent=2))
    else:
        for item in out:
            mark = "✓" if not item["problems"] else "✗"
            click.echo(f"{mark} {item['template']}")
            for p in item["problems"]:
                click.echo(f"    {p['message']}")
    if failed:
        sys.exit(1)


# ------------------------------------------------------------------------------------------
# send


@cli.command()
@click.option("--period", "period_text", default=None,
              help="期间：2026-10、2026-Q4 或 2026（--kind due 不需要）/ period")
@click.option("--kind", "kinds", multiple=True, type=click.Choice([*DOCUMENT_KINDS, "due"]),
              help="只发这类文档（可重复）；due 发今天的督办清单"
                   " / only this kind of document (repeatable); due: today's due list")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="--kind due：按这一天的督办清单（默认今天）/ the due list of this day")
@click.option("--department", default=None, help="只发这个部门的 / one department only")
@click.option("--via", type=click.Choice(["mail", "wecom", "dingtalk"]), default="mail",
              help="发送方式：邮件、企业微信群机器人或钉钉群机器人 / e-mail or a group robot")
@click.option("--dry-run", is_flag=True,
              help="只列出会发给谁，不发送 / list what would go where; send nothing")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式 / output format")
@common
def send(ctx: Ctx, period_text: str | None, kinds: tuple[str, ...], as_of: Any,
         department: str | None, via: str, dry_run: bool, fmt: str) -> None:
    """把生成的文档发给相关的人 / send the period's documents to the people they are for.

    邮件（默认）：个人考核报告发给本人；部门考核汇总、岗位职责手册发给部门负责人；投诉分析、
    回访总结报告发给各部门负责人。--via wecom：把文档逐个发到企业微信群（个人考核报告除外，
    除非用 --kind evaluation），再发一条汇总消息；--via dingtalk：在钉钉群发一条列出新文档的
    消息。同一份文档（内容相同）发给同一个人或同一个群只发一次。先用 --dry-run 看看会发什么。
    """
    from officekit.ledger.store import Ledger

    if "due" in kinds:
        if via != "mail":
            raise UsageError(key="cli.send.due-by-mail")
        _send_due(ctx, kinds, period_text, department, _as_of(as_of), dry_run, fmt)
        return
    if period_text is None:
        raise UsageError("请用 --period 指定期间（--kind due 除外）/ --period is required")
    ws = ctx.ws
    period = _period(period_text)
    ws.ensure()
    report: Any
    with Ledger.open(ws.database_url) as ledger:
        check_department(ledger, department)
        if via == "mail":
            from officekit.deliver.mail import format_send_report, send_documents

            report = send_documents(ws, ledger, str(period), kinds=kinds,
                                    department=department, dry_run=dry_run,
                                    progress=ctx.progress)
            text = format_send_report(report, ctx.lang)
        else:
            from officekit.deliver.chat import format_group_report, send_to_group

            report = send_to_group(ws, ledger, str(period), via, kinds=kinds,
                                   department=department, dry_run=dry_run, lang=ctx.lang,
                                   progress=ctx.progress)
            text = format_group_report(report, ctx.lang)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(text)
    if report.exit_code:
        sys.exit(report.exit_code)


# ------------------------------------------------------------------------------------------
# watch


@cli.command()
@click.option("--once", is_flag=True,
              help="处理收件箱中现有的文件并更新文档后退出（用于计划任务）"
                   "/ process what is in the inbox, render, exit (cron, Task Scheduler)")
@click.option("--poll", is_flag=True,
              help="用轮询代替文件事件（网络共享文件夹）/ poll for changes (network shares)")
@click.option("--task-xml", "task_xml", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="不监视，写出在登录时运行监视的 Windows 计划任务 XML / write the Task "
                   "Scheduler XML that runs the watcher at logon, and exit")
@common
def watch(ctx: Ctx, once: bool, poll: bool, task_xml: Path | None) -> None:
    """监视收件箱：自动校验、入库、归档并更新文档 / watch the inbox, process files as they land."""
    from officekit.watch import run_watch
    from officekit.watch.renders import reports_renderer

    ws = ctx.ws
    if task_xml is not None:
        from officekit.taskxml import TASK_NAME, write_task_xml

        write_task_xml(task_xml, ws.root, poll=poll)
        ctx.say(t("cli.watch.task-xml", ctx.lang, path=str(task_xml), name=TASK_NAME))
        return
    ws.ensure()
    run_watch(ws, once=once, poll=True if poll else None, lang=ctx.lang, quiet=ctx.quiet,
              debug=ctx.debug, on_accepted=reports_renderer(ws))


@cli.command()
@click.option("--concurrency", type=click.IntRange(1, 16), default=1,
              help="同时处理的任务数 / jobs at a time")
@click.option("--stalled-after", type=click.FloatRange(1), default=60.0,
              help="工作机无心跳多少秒后接手其任务 / take over jobs of a worker silent this long")
@click.option("--once", is_flag=True, help="队列为空时退出 / exit when the queue is empty")
@common
def worker(ctx: Ctx, concurrency: int, stalled_after: float, once: bool) -> None:
    """从任务队列取任务（PostgreSQL 账本，多台电脑）/ take jobs from the queue."""
    from officekit.jobs.queue import run_worker

    ws = ctx.ws
    ws.ensure()
    run_worker(ws, concurrency=concurrency, stalled_after=stalled_after, once=once,
               note=None if ctx.quiet else (lambda text: click.echo(text, err=True)))


# ------------------------------------------------------------------------------------------
# files, retract (SPEC §5 lifecycle) — thin: officekit.retraction does the work


@cli.command("files")
@click.option("--kind", type=click.Choice(["staff", "schedule", "complaints", "visits", "duties"]),
              default=None, help="只列出含这类表的文件 / only files holding this kind")
@click.option("--period", "period_text", default=None,
              help="只列出记录落在这个期间的文件 / only files with records in this period")
@click.option("--state", type=click.Choice(["accepted", "rejected", "duplicate", "failed",
                                            "retracted"]), default=None,
              help="只列出这个状态的文件 / only files in this state")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式 / output format")
@common
def files_cmd(ctx: Ctx, kind: str | None, period_text: str | None, state: str | None,
              fmt: str) -> None:
    """账本见过的每个文件 / every file the ledger has seen (state, rows, periods, archive)."""
    from officekit.retraction import files_listing, format_files

    ws = ctx.ws
    ws.ensure()
    rows = files_listing(ws, kind=kind, period=str(_period(period_text)) if period_text else None,
                         state=state)
    if fmt == "json":
        click.echo(json.dumps({"files": rows}, ensure_ascii=False, indent=2))
    else:
        click.echo(format_files(rows, ctx.lang))


@cli.command()
@click.argument("file")
@click.option("--dry-run", is_flag=True, help="只显示会改变什么 / show what would change")
@click.option("--force", is_flag=True,
              help="即使有记录引用人员名单中的人也撤回 / retract a staff list others depend on")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="输出格式 / output format")
@common
def retract(ctx: Ctx, file: str, dry_run: bool, force: bool, fmt: str) -> None:
    """撤回一个已接收的文件 / take one accepted FILE (name, path or SHA256 prefix) back out."""
    from officekit.retraction import format_retraction, retract_file

    ws = ctx.ws
    ws.ensure()
    result = retract_file(ws, file, dry_run=dry_run, force=force)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_retraction(result, ctx.lang))


# ------------------------------------------------------------------------------------------
# due (SPEC §11) — thin: officekit.loop does the work


def _send_due(ctx: Ctx, kinds: tuple[str, ...], period_text: str | None,
              department: str | None, day: date, dry_run: bool, fmt: str) -> None:
    """``send --kind due``: today's list to handlers, heads and the centre head (SPEC §11)."""
    from officekit.ledger.store import Ledger
    from officekit.loop.send import format_due_send, send_due

    if set(kinds) != {"due"} or period_text or department:
        raise UsageError("--kind due 单独使用，不与其他文档类型、--period 或 --department 同用"
                         " / --kind due goes alone, without other kinds, --period or "
                         "--department")
    ws = ctx.ws
    ws.ensure()
    with Ledger.open(ws.database_url) as ledger:
        report = send_due(ws, ledger, day, lang=ctx.lang, dry_run=dry_run,
                          progress=ctx.progress)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_due_send(report, ctx.lang))
    if report.exit_code:
        sys.exit(report.exit_code)


@cli.command()
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="按这一天列出（默认今天）/ list as of this date")
@click.option("--department", default=None, help="只看这个部门 / one department only")
@click.option("--staff", "staff_id", default=None, help="只看这个人（工号或姓名）/ one person")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx"]), default="text",
              help="输出格式 / output format")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="xlsx 的保存路径（默认 outbox/督办/<日期>_督办清单.xlsx）/ xlsx path")
@common
def due(ctx: Ctx, as_of: Any, department: str | None, staff_id: str | None, fmt: str,
        output: Path | None) -> None:
    """督办清单：今天要办、要回访、已超期的投诉 / what is due today, late, to chase."""
    from officekit.ledger.store import Ledger
    from officekit.loop.daily import daily_list_path
    from officekit.loop.due import due_list
    from officekit.loop.export import format_due, write_due_xlsx

    ws = ctx.ws
    ws.ensure()
    day = _as_of(as_of)
    with Ledger.open(ws.database_url) as ledger:
        result = due_list(ledger, ws.settings, day, department=department, staff=staff_id)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "xlsx":
        dest = write_due_xlsx(result, output or daily_list_path(ws, day), ctx.lang)
        click.echo(str(dest))
    else:
        click.echo(format_due(result, ctx.lang))
