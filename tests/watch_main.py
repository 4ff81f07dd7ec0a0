"""``python tests/watch_main.py``: the ``officekit watch`` command with the crash tests' hooks.

The watcher tests run it as a real process (:func:`watch_support.watch_process`). The hooks
live here, not in the package: ``OFFICEKIT_WATCH_KILL_AT=<step>:<n>`` makes the process kill
itself with SIGKILL the n-th time a file passes ``step`` (``renamed``, ``claimed``,
``stored``, ``recorded``, ``placed``; ``handed`` with the job queue; see
:class:`~officekit.watch.watcher.Watcher`), and
``OFFICEKIT_WATCH_RENDER`` picks the renderer: unset renders the reports like ``officekit
watch``; ``none`` renders nothing; ``stand-in`` writes one text file per period into
``outbox/`` (fast, for tests).
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import click

from officekit.cli import Ctx, common
from officekit.watch.renders import Renderer, reports_renderer
from officekit.watch.watcher import Watcher
from officekit.workspace import Workspace

KILL_ENV = "OFFICEKIT_WATCH_KILL_AT"
RENDER_ENV = "OFFICEKIT_WATCH_RENDER"


def _kill_at(spec: str) -> Any:
    step, _, nth = spec.partition(":")
    passed: Counter[str] = Counter()

    def checkpoint(name: str) -> None:
        passed[name] += 1
        if name == step and passed[name] == int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint


def stand_in_renderer(ws: Workspace) -> Renderer:
    """A renderer that writes ``outbox/<period>/watch-render.txt`` listing its calls."""

    def render(periods: set[str]) -> list[Path]:
        out = []
        for period in sorted(periods):
            path = ws.outbox / period / "watch-render.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"{period}\n")
            out.append(path)
        return out

    return render


@click.command()
@click.option("--once", is_flag=True,
              help="处理收件箱中现有的文件后退出（用于计划任务）/ process what is there, then exit")
@click.option("--poll", is_flag=True,
              help="用轮询代替文件事件（网络共享文件夹）/ poll for changes (network shares)")
@common
def watch(ctx: Ctx, once: bool, poll: bool) -> None:
    """监视收件箱并自动处理放入的文件 / watch the inbox and process files as they arrive."""
    ws = ctx.ws
    kill = os.environ.get(KILL_ENV)
    choice = os.environ.get(RENDER_ENV, "reports")
    # built only when chosen: the reports renderer warms itself up (imports, templates)
    renderer = (None if choice == "none" else stand_in_renderer(ws) if choice == "stand-in"
                else reports_renderer(ws))
    watcher = Watcher(ws, lang=ctx.lang, poll=True if poll else None, quiet=ctx.quiet,
                      debug=ctx.debug, on_accepted=renderer,
                      checkpoint=_kill_at(kill) if kill else None)
    watcher.run(once=once)


if __name__ == "__main__":
    watch(prog_name="python tests/watch_main.py")
