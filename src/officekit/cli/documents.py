"""kpis, report, templates check: figures and the documents made from them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from officekit import winpath
from officekit.cli.app import (
    Ctx,
    as_of_day,
    cli,
    common,
    freezes_after_imports,
    imported,
    option_help,
    parse_period,
    warn_if_empty,
)
from officekit.errors import UsageError
from officekit.i18n import t
from officekit.scope import check_department, check_staff


@cli.command()
@click.option(
    "--period", "period_text", required=True, help=option_help("documents.period")
)
@click.option("--department", default=None, help=option_help("documents.department"))
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help=option_help("documents.as-of"),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "table", "xlsx"]),
    default="table",
    help=option_help("documents.format"),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=option_help("documents.output"),
)
@common
@freezes_after_imports
def kpis(
    ctx: Ctx, period_text: str, department: str | None, as_of: Any, fmt: str, output: Path | None
) -> None:
    """Compute the KPIs (help: ``command.kpis``)."""
    from officekit.kpis.compute import kpis_for_period
    from officekit.ledger.store import Ledger

    imported()
    ws = ctx.ws
    period = parse_period(period_text)
    ws.ensure()
    with Ledger.open(ws.database_url) as ledger:
        check_department(ledger, department)
        warn_if_empty(ctx, ledger, period)
        result = kpis_for_period(ledger, period, ws.settings, as_of_day(as_of))
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
        dest = output or winpath.place(ws.outbox / winpath.safe_name(str(period)),
                                       f"考核指标_{period}{suffix}.xlsx")
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(result, dest, ctx.lang)
        click.echo(str(dest))


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
    help=option_help("documents.period.2"),
)
@click.option("--department", default=None, help=option_help("documents.department.2"))
@click.option("--staff", "staff_id", default=None, help=option_help("documents.staff"))
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help=option_help("documents.as-of.2"),
)
@click.option("--pdf", is_flag=True, help=option_help("documents.pdf"))
@common
@freezes_after_imports
def report(
    ctx: Ctx,
    kind: str,
    period_text: str | None,
    department: str | None,
    staff_id: str | None,
    as_of: Any,
    pdf: bool,
) -> None:
    """Render documents into outbox (help: ``command.report``)."""
    from officekit.kpis.periods import Period
    from officekit.ledger.store import Ledger
    from officekit.publish import publish_reports
    from officekit.render.reports import ALL_KINDS, ReportRequest, kinds_for

    imported()
    ws = ctx.ws
    ws.ensure()
    day = as_of_day(as_of)
    period = parse_period(period_text) if period_text else Period.month_of(day).previous()
    kinds: tuple[str, ...] = ALL_KINDS if kind == "all" else (kind,)
    skipped: list[str] = []
    if kind == "all":
        applicable, skipped = kinds_for(kinds, period)
        kinds = tuple(applicable)
    if staff_id and kinds != ("evaluation",):
        raise UsageError(key="error.cli.staff-only-evaluation")
    reqs = [
        ReportRequest(k, period, day, department, staff_id, pdf or ws.settings.pdf) for k in kinds
    ]
    notes: list[tuple[str, dict[str, Any]]] = []
    with Ledger.open(ws.database_url) as ledger:
        check_department(ledger, department)
        check_staff(ledger, staff_id)
        warn_if_empty(ctx, ledger, period)
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
    """Template tools (help: ``command.templates``)."""


@templates.command("check")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@common
def templates_check(ctx: Ctx, names: tuple[str, ...], fmt: str) -> None:
    """Check templates for syntax and unknown variables (help: ``command.templates check``)."""
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
            raise UsageError(key="error.cli.no-such-template", name=name)
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
