"""A workspace is a folder (SPEC §2): settings, inbox, outbox, archive, templates, ledger."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from officekit.errors import WorkspaceError
from officekit.settings import Settings, load_settings, settings_toml
from officekit.winpath import hide

SETTINGS_FILE = "officekit.toml"

# the commented officekit.toml of ``init``, made from the settings key table
DEFAULT_TOML = settings_toml()


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path
    settings: Settings

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        """Open the workspace at ``root`` (default: $OFFICEKIT_WORKSPACE, else the cwd)."""
        if root is None:
            root = os.environ.get("OFFICEKIT_WORKSPACE") or Path.cwd()
        path = Path(root).expanduser().resolve()
        if not path.is_dir():
            raise WorkspaceError(key="error.workspace.missing", path=str(path))
        return cls(path, load_settings(path / SETTINGS_FILE))

    def is_workspace(self) -> bool:
        """Whether the folder is a workspace already: it has officekit.toml, the ledger folder
        or an inbox. Commands other than ``init`` never make a stray folder into one."""
        return (
            (self.root / SETTINGS_FILE).is_file() or self.data.is_dir() or self.inbox.is_dir()
        )

    def _dir(self, name: str) -> Path:
        p = Path(name)
        return p if p.is_absolute() else self.root / p

    @property
    def inbox(self) -> Path:
        return self._dir(self.settings.inbox)

    @property
    def outbox(self) -> Path:
        return self._dir(self.settings.outbox)

    @property
    def archive(self) -> Path:
        return self._dir(self.settings.archive)

    @property
    def templates(self) -> Path:
        return self._dir(self.settings.templates)

    @property
    def data(self) -> Path:
        return self._dir(self.settings.data)

    @property
    def rejected(self) -> Path:
        return self.outbox / "rejected"

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    @property
    def database_url(self) -> str:
        if self.settings.database_url:
            return self.settings.database_url
        return f"sqlite:///{self.data / 'ledger.sqlite3'}"

    def ensure(self) -> None:
        """Create the folders a workspace needs (idempotent)."""
        for d in (self.inbox, self.outbox, self.archive, self.templates, self.data, self.logs):
            d.mkdir(parents=True, exist_ok=True)
        if self.data.name.startswith("."):
            hide(self.data)  # .officekit: hidden on Windows too

    def template_path(self, name: str) -> Path:
        """The workspace's copy of a template if it has one, else the packaged default."""
        own = self.templates / name
        if own.exists():
            return own
        return packaged_templates() / name


def packaged_templates() -> Path:
    return Path(__file__).parent / "templates"


def init_workspace(root: Path, lang: str = "zh") -> Workspace:
    """Make ``root`` a workspace: folders, a commented officekit.toml (comments in ``lang``),
    the default templates.

    Existing files are never overwritten, so ``init`` is safe to run on a workspace in use.
    """
    root = root.expanduser()
    root.mkdir(parents=True, exist_ok=True)
    toml = root / SETTINGS_FILE
    if not toml.exists():
        toml.write_text(settings_toml(lang), encoding="utf-8")
    ws = Workspace.open(root)
    ws.ensure()
    for src in sorted(packaged_templates().rglob("*")):
        target = ws.templates / src.relative_to(packaged_templates())
        if src.suffix in (".docx", ".txt", ".html") and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)  # 公文/: the GB/T 9704 set
            shutil.copy2(src, target)
    return ws
