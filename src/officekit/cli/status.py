"""status, files, retract: what the ledger holds, and taking a file back out (SPEC §5)."""

from __future__ import annotations

import json

import click

from officekit.cli.app import Ctx, cli, common, option_help, parse_period


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@common
def status(ctx: Ctx, fmt: str) -> None:
    """What the ledger holds (help: ``command.status``)."""
    from officekit.ledger.store import Ledger
    from officekit.report_text import format_status

    ws = ctx.ws
    ws.ensure()
    from officekit.kpis.coverage import coverage_by_month, coverage_json
    from officekit.ledger.lifecycle import outstanding_rejected
    from officekit.watch.status import limited_files, processing_files, stuck_files, worded

    lang = ctx.lang
    with Ledger.open(ws.database_url) as ledger:
        summary = ledger.summary()
        recent = worded(ledger.recent_files(15), lang)
        stuck = worded(stuck_files(ledger), lang)
        processing = worded(processing_files(ws, ledger), lang)
        limited = worded(limited_files(ledger), lang)
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


@cli.command("files")
@click.option("--kind", type=click.Choice(["staff", "schedule", "complaints", "visits", "duties"]),
              default=None, help=option_help("status.kind"))
@click.option("--period", "period_text", default=None,
              help=option_help("status.period"))
@click.option("--state", type=click.Choice(["accepted", "rejected", "duplicate", "failed",
                                            "retracted"]), default=None,
              help=option_help("status.state"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=option_help("documents.format"))
@common
def files_cmd(ctx: Ctx, kind: str | None, period_text: str | None, state: str | None,
              fmt: str) -> None:
    """Every file the ledger has seen (help: ``command.files``)."""
    from officekit.retraction import files_listing, format_files

    ws = ctx.ws
    ws.ensure()
    period = str(parse_period(period_text)) if period_text else None
    rows = files_listing(ws, kind=kind, period=period, state=state)
    if fmt == "json":
        click.echo(json.dumps({"files": rows}, ensure_ascii=False, indent=2))
    else:
        click.echo(format_files(rows, ctx.lang))


@cli.command()
@click.argument("file")
@click.option("--dry-run", is_flag=True, help=option_help("status.dry-run"))
@click.option("--force", is_flag=True,
              help=option_help("status.force"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=option_help("documents.format"))
@common
def retract(ctx: Ctx, file: str, dry_run: bool, force: bool, fmt: str) -> None:
    """Take one accepted FILE back out (help: ``command.retract``)."""
    from officekit.retraction import format_retraction, retract_file

    ws = ctx.ws
    ws.ensure()
    result = retract_file(ws, file, dry_run=dry_run, force=force)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_retraction(result, ctx.lang))
