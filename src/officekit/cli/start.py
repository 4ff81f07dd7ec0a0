"""init and sample: make a workspace, write the sample workbooks."""

from __future__ import annotations

from pathlib import Path

import click

from officekit.cli.app import Ctx, cli, common, option_help
from officekit.i18n import t


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@common
def init(ctx: Ctx, directory: Path) -> None:
    """Make a new workspace (help: ``command.init``)."""
    from officekit.workspace import init_workspace

    ws = init_workspace(directory, ctx._lang or "zh")
    lang = ctx._lang or ws.settings.language
    ctx.say(t("cli.init.done", lang, path=str(ws.root)))
    ctx.say(t("cli.init.next", lang, path=str(ws.root), inbox=str(ws.inbox)))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-flawed", is_flag=True, help=option_help("start.no-flawed"))
@common
def sample(ctx: Ctx, directory: Path, no_flawed: bool) -> None:
    """Write the sample workbooks (help: ``command.sample``)."""
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
