"""A workspace is a folder (SPEC §2): settings, inbox, outbox, archive, templates, ledger."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from officekit.errors import WorkspaceError
from officekit.settings import Settings, load_settings
from officekit.winpath import hide

SETTINGS_FILE = "officekit.toml"

DEFAULT_TOML = """\
# officekit 设置 / settings. 每一项都可省略，省略时用内置默认值。
# Every key is optional; the built-in defaults apply when a key is left out.

language = "zh"          # 消息语言：zh 或 en
mask_phones = true       # 文档中手机号打码，如 138****5678

[paths]
inbox = "inbox"
outbox = "outbox"
archive = "archive"
templates = "templates"

# 表头别名：在标准表头和内置别名之外再认这些写法
# [aliases.complaints]
# category = ["问题分类"]

# 各严重程度的办结时限（工作日）
[deadlines]
"一般" = 7
"较重" = 3
"重大" = 1

[kpi]
followup_days = 7        # 办结后几天内回访算作及时回访
weights = { closure_rate = 0.25, on_time_rate = 0.25, followup_rate = 0.20, satisfaction = 0.30 }
grades = { "优秀" = 90, "良好" = 80, "合格" = 60 }

# 考核方案：按岗位名称中的关键词确定每人的考核方案
# （依次匹配 none、lead、visitor，其余为 handler）；
# 样本少于 min_cases 件（次）的指标只显示、不计分（"样本不足"）
# [kpi.schemes.visitor]
# roles = ["回访"]
# targets = { visits_per_month = 60 }
# min_cases = 3
# [kpi.schemes.visitor.weights]
# visit_success_rate = 0.30
# visit_timeliness = 0.30
# visit_target_rate = 0.20
# visit_scored_rate = 0.20
# [kpi.schemes.none]
# roles = ["质检", "内勤"]

# 每天必须有人值的班次
# [coverage]
# required = ["早", "中", "晚", "夜"]

# 在法定节假日之外另加的休息日 / 工作日
# [calendar]
# holidays = ["2026-12-31"]
# workdays = []

[document]
organisation = ""        # 单位名称：写入文档属性（公司）/ written into File → Properties
author = ""              # 作者（空：用单位名称）
style = "report"         # 文档样式："report" 报告样式，或 "公文"（GB/T 9704 公文格式）

[pdf]
enabled = false          # 生成文档时同时输出 PDF（需要 LibreOffice）
timeout = 120

[watch]
settle_seconds = 2       # 文件大小和修改时间保持不变多久才处理
rescan_seconds = 5       # 定期全量扫描收件箱的间隔
debounce_seconds = 1     # 收到文件后等待多久再统一生成报告
poll = false             # 网络共享目录请设为 true

# 读取限制：每个文件都在单独的进程中读取；超出限制的文件被拒收（over-limit）并说明原因，
# 监视程序不受影响。一般不必修改 / reading limits (defaults shown)
# [limits]
# memory_mb = 4096       # 读取一个文件可用的内存（MB）
# cpu_seconds = 300      # CPU 时间
# wall_seconds = 600     # 总用时
# inflated_mb = 2048     # 工作簿解压后的总大小（MB），在解压之前检查
# max_ratio = 200        # 大于 16 MB 的部件的最大压缩比（“压缩炸弹”）
# max_cells = 25000000   # 一个工作表的 行数 × 所用列数
# attempts = 3           # 一个文件最多尝试几次（读取进程崩溃也算一次），之后放入 archive/failed/

# 督办清单（officekit due / send --kind due）
[due]
warn_days = 1            # 剩余几个工作日时标为“临近期限”
escalate_days = 3        # 超期几个工作日提级督办（重大投诉一超期即提级）
daily_at = "08:30"       # 监视程序每天写出 outbox/督办/<日期>_督办清单.xlsx 的时间
# escalate_to = "0001"   # 提级督办发给谁：中心负责人的工号或邮箱

# [smtp]
# host = "smtp.example.com"
# port = 587
# security = "starttls"  # starttls / ssl / none
# user = "kefu@example.com"
# sender = "客服中心 <kefu@example.com>"
# password_env = "OFFICEKIT_SMTP_PASSWORD"   # 密码只从环境变量读取
"""


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
            raise WorkspaceError(
                f"工作区文件夹不存在：{path}",
                hint="用 `officekit init 文件夹` 新建一个工作区，或用 -w 指定已有的工作区。",
            )
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


def init_workspace(root: Path) -> Workspace:
    """Make ``root`` a workspace: folders, a commented officekit.toml, the default templates.

    Existing files are never overwritten, so ``init`` is safe to run on a workspace in use.
    """
    root = root.expanduser()
    root.mkdir(parents=True, exist_ok=True)
    toml = root / SETTINGS_FILE
    if not toml.exists():
        toml.write_text(DEFAULT_TOML, encoding="utf-8")
    ws = Workspace.open(root)
    ws.ensure()
    for src in sorted(packaged_templates().rglob("*")):
        target = ws.templates / src.relative_to(packaged_templates())
        if src.suffix in (".docx", ".txt", ".html") and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)  # 公文/: the GB/T 9704 set
            shutil.copy2(src, target)
    return ws
