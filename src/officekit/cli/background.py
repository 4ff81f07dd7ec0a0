"""watch and worker: the long-running commands."""

from __future__ import annotations

from pathlib import Path

import click

from officekit.cli.app import Ctx, cli, common, option_help
from officekit.i18n import t


@cli.command()
@click.option("--once", is_flag=True,
              help=option_help("background.once"))
@click.option("--poll", is_flag=True,
              help=option_help("background.poll"))
@click.option("--task-xml", "task_xml", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help=option_help("background.task-xml"))
@common
def watch(ctx: Ctx, once: bool, poll: bool, task_xml: Path | None) -> None:
    """Watch the inbox, process files as they land (help: ``command.watch``)."""
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
              help=option_help("background.concurrency"))
@click.option("--stalled-after", type=click.FloatRange(1), default=60.0,
              help=option_help("background.stalled-after"))
@click.option("--once", is_flag=True, help=option_help("background.once.2"))
@common
def worker(ctx: Ctx, concurrency: int, stalled_after: float, once: bool) -> None:
    """Take jobs from the queue (help: ``command.worker``)."""
    from officekit.jobs.queue import run_worker

    ws = ctx.ws
    ws.ensure()
    run_worker(ws, concurrency=concurrency, stalled_after=stalled_after, once=once,
               note=None if ctx.quiet else (lambda text: click.echo(text, err=True)))
