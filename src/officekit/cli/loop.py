"""send and due: documents and the due list to the people they are for (SPEC §11)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from officekit.cli.app import Ctx, as_of_day, cli, common, option_help, parse_period
from officekit.deliver.manifest import DOCUMENT_KINDS
from officekit.errors import UsageError
from officekit.scope import check_department

if TYPE_CHECKING:
    from officekit.deliver.outgoing import Enqueue
    from officekit.ledger.store import Ledger
    from officekit.workspace import Workspace

# send


@cli.command()
@click.option("--period", "period_text", default=None,
              help=option_help("loop.period"))
@click.option("--kind", "kinds", multiple=True, type=click.Choice([*DOCUMENT_KINDS, "due"]),
              help=option_help("loop.kind"))
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help=option_help("loop.as-of"))
@click.option("--department", default=None, help=option_help("loop.department"))
@click.option("--via", type=click.Choice(["mail", "wecom", "dingtalk"]), default="mail",
              help=option_help("loop.via"))
@click.option("--dry-run", is_flag=True,
              help=option_help("loop.dry-run"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=option_help("documents.format"))
@common
def send(ctx: Ctx, period_text: str | None, kinds: tuple[str, ...], as_of: Any,
         department: str | None, via: str, dry_run: bool, fmt: str) -> None:
    """Send the period's documents to the people they are for (help: ``command.send``)."""
    from officekit.ledger.store import Ledger

    if "due" in kinds:
        if via != "mail":
            raise UsageError(key="cli.send.due-by-mail")
        _send_due(ctx, kinds, period_text, department, as_of_day(as_of), dry_run, fmt)
        return
    if period_text is None:
        raise UsageError(key="error.cli.period-required")
    ws = ctx.ws
    period = parse_period(period_text)
    ws.ensure()
    report: Any
    with Ledger.open(ws.database_url) as ledger:
        check_department(ledger, department)
        if via == "mail":
            from officekit.deliver.mail import format_send_report, send_documents

            with ctx.steps("cli.steps.send") as steps:
                report = send_documents(ws, ledger, str(period), kinds=kinds,
                                        department=department, dry_run=dry_run,
                                        progress=steps, enqueue=_queue(ws, ledger))
            text = format_send_report(report, ctx.lang)
        else:
            from officekit.deliver.chat import format_group_report, send_to_group

            with ctx.steps("cli.steps.send") as steps:
                report = send_to_group(ws, ledger, str(period), via, kinds=kinds,
                                       department=department, dry_run=dry_run, lang=ctx.lang,
                                       progress=steps)
            text = format_group_report(report, ctx.lang)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(ctx.lang), ensure_ascii=False, indent=2))
    else:
        click.echo(text)
    if report.exit_code:
        sys.exit(report.exit_code)


def _queue(ws: Workspace, ledger: Ledger) -> Enqueue | None:
    """On a PostgreSQL ledger with the queue (SPEC §12) each message becomes a send job that
    any ``officekit worker`` takes; else None: ``send`` sends here."""
    from officekit.jobs.queue import enqueue_mails, is_distributed

    if ws.settings.queue_enabled and is_distributed(ws.database_url):
        return enqueue_mails(ws, ledger)
    return None


def _send_due(ctx: Ctx, kinds: tuple[str, ...], period_text: str | None,
              department: str | None, day: date, dry_run: bool, fmt: str) -> None:
    """``send --kind due``: today's list to handlers, heads and the centre head (SPEC §11)."""
    from officekit.ledger.store import Ledger
    from officekit.loop.send import format_due_send, send_due

    if set(kinds) != {"due"} or period_text or department:
        raise UsageError(key="error.cli.due-alone")
    ws = ctx.ws
    ws.ensure()
    with Ledger.open(ws.database_url) as ledger, ctx.steps("cli.steps.send") as steps:
        report = send_due(ws, ledger, day, lang=ctx.lang, dry_run=dry_run,
                          progress=steps, enqueue=_queue(ws, ledger))
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(ctx.lang), ensure_ascii=False, indent=2))
    else:
        click.echo(format_due_send(report, ctx.lang))
    if report.exit_code:
        sys.exit(report.exit_code)


@cli.command()
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help=option_help("loop.as-of.2"))
@click.option("--department", default=None, help=option_help("documents.department"))
@click.option("--staff", "staff_id", default=None, help=option_help("loop.staff"))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx"]), default="text",
              help=option_help("documents.format"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=option_help("loop.output"))
@common
def due(ctx: Ctx, as_of: Any, department: str | None, staff_id: str | None, fmt: str,
        output: Path | None) -> None:
    """What is due today, late, to chase (help: ``command.due``)."""
    from officekit.ledger.store import Ledger
    from officekit.loop.daily import daily_list_path
    from officekit.loop.due import due_list
    from officekit.loop.export import format_due, write_due_xlsx

    ws = ctx.ws
    ws.ensure()
    day = as_of_day(as_of)
    with Ledger.open(ws.database_url) as ledger:
        result = due_list(ledger, ws.settings, day, department=department, staff=staff_id)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "xlsx":
        dest = write_due_xlsx(result, output or daily_list_path(ws, day), ctx.lang)
        click.echo(str(dest))
    else:
        click.echo(format_due(result, ctx.lang))
