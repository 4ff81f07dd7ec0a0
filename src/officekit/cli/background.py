"""watch and worker: the long-running commands."""

from __future__ import annotations

from pathlib import Path

import click

from officekit.cli.app import Ctx, cli, common
from officekit.i18n import t


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
