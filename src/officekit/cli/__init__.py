"""The ``officekit`` command: parse arguments, call one library function, format the result.

:mod:`officekit.cli.app` holds what every command shares (the group, the common options, the
error-to-exit-code handling); each other module holds one group of commands and registers
them on the group when imported — which importing this package does.
"""

from __future__ import annotations

from officekit.cli import background, documents, intake, loop, start, status
from officekit.cli.app import Ctx, cli, common, main

__all__ = ["Ctx", "background", "cli", "common", "documents", "intake", "loop", "main", "start",
           "status"]
