"""What people see of the watcher: one readable line per file, in Chinese (English with en).

Lines go to the console and to ``.officekit/logs/watch.log`` (rotating, 1 MB × 5). The log
file also keeps the traceback of a file that failed, for whoever maintains the installation;
the console shows it only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from officekit.model import FileResult
from officekit.report_text import file_line
from officekit.workspace import Workspace

LOG_FILE = "watch.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
REASONS_SHOWN = 2
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# The watcher's own texts: key → (zh, en). (Kept here, next to their only user; they could
# join officekit.i18n.UI under the same keys.)
MESSAGES: dict[str, tuple[str, str]] = {
    "start": ("开始监视收件箱 {inbox}（{mode}；文件稳定 {settle} 秒后处理，"
              "每 {rescan} 秒全量扫描）",
              "Watching the inbox {inbox} ({mode}; files are taken after {settle} s unchanged, "
              "full rescan every {rescan} s)"),
    "mode.events": ("文件事件", "file events"),
    "mode.poll": ("轮询，适用于网络共享文件夹", "polling, for network shares"),
    "once": ("处理收件箱 {inbox} 中现有的文件", "Processing the files in the inbox {inbox}"),
    "stop": ("已停止。本次处理 {total} 个文件：接收 {accepted}，拒收 {rejected}，"
             "重复 {duplicate}，失败 {failed}",
             "Stopped. {total} file(s) this run: {accepted} accepted, {rejected} rejected, "
             "{duplicate} duplicate, {failed} failed"),
    "stopping": ("收到停止信号，处理完当前文件后退出", "Stop requested: finishing the current "
                 "file, then exiting"),
    "reasons": ("原因：{reasons}", "why: {reasons}"),
    "annotated": ("标注副本：{path}", "annotated copy: {path}"),
    "failed.retry": ("✗ 处理失败  {name}：{error}（第 {attempt} 次，稍后重试）",
                     "✗ failed  {name}: {error} (attempt {attempt}; will try again)"),
    "failed.final": ("✗ 处理失败  {name}：{error}（已试 {attempt} 次，原文件已移到 {dest}，"
                     "请把此文件和 watch.log 交给系统管理员）",
                     "✗ failed  {name}: {error} (tried {attempt} times; the file was moved to "
                     "{dest}; give it and watch.log to your administrator)"),
    "lost": ("✗ 账本记录正在处理的文件 {name} 已不在处理文件夹中，记为失败",
             "✗ {name} was being processed but is no longer in the processing folder; "
             "recorded as failed"),
    "adopted": ("接手中断的处理（{owner}）：{count} 个文件", "Taking over the unfinished work of "
                "{owner}: {count} file(s)"),
    "waiting": ("{name} 与另一个正在处理的文件内容相同，稍后再处理",
                "{name} has the same content as a file being processed; it waits for that one"),
    "left": ("{name} 仍在写入或不完整，留待下次处理", "{name} is still being written or is "
             "incomplete; left for the next run"),
    "busy": ("{name} 暂时无法移动（{error}），稍后重试", "{name} cannot be moved now ({error}); "
             "will try again"),
    "rendered": ("已更新文档 {count} 份（{periods}）：{names}",
                 "{count} document(s) updated ({periods}): {names}"),
    "rendered.none": ("{periods} 没有需要更新的文档", "No documents to update for {periods}"),
    "render.failed": ("生成 {periods} 的文档失败：{error}", "Rendering the documents of "
                      "{periods} failed: {error}"),
    "observer.restart": ("文件监视线程已停止，已重新启动", "The file-event thread had stopped; "
                         "restarted it"),
    "inbox.unreachable": ("收件箱无法访问：{inbox}（{error}），稍后重试",
                          "The inbox cannot be reached: {inbox} ({error}); will try again"),
    "inbox.back": ("收件箱已恢复访问：{inbox}", "The inbox can be reached again: {inbox}"),
}


def msg(key: str, lang: str, **params: object) -> str:
    """The watcher message ``key`` in ``lang`` with ``params`` filled in."""
    zh, en = MESSAGES[key]
    return (en if lang == "en" else zh).format(**params)


def file_summary(res: FileResult, lang: str, *, root: Path | None = None) -> str:
    """One line for one processed file: which file, which kind, the outcome and why."""
    parts = [file_line(res, lang)]
    if res.status == "rejected":
        reasons = [i.message(lang) for i in res.issues if i.severity == "error"][:REASONS_SHOWN]
        if reasons:
            parts.append(msg("reasons", lang, reasons=" / ".join(reasons)))
        if res.annotated:
            parts.append(msg("annotated", lang, path=_short(Path(res.annotated), root)))
    return ("；" if lang != "en" else "; ").join(parts)


def _short(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass  # outside the workspace: show it whole
    return str(path)


class _ConsoleFormatter(logging.Formatter):
    """Time and message; the traceback only with ``debug`` (the log file always keeps it)."""

    def __init__(self, debug: bool) -> None:
        super().__init__(datefmt=TIME_FORMAT)
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        text = f"{self.formatTime(record, self.datefmt)} {record.getMessage()}"
        if self.debug and record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def open_log(ws: Workspace, name: str, *, quiet: bool = False, debug: bool = False,
             console: TextIO | None = None) -> logging.Logger:
    """A logger writing to ``watch.log`` and (unless ``quiet``: warnings only) the console."""
    logger = logging.getLogger(f"officekit.watch.{name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    ws.logs.mkdir(parents=True, exist_ok=True)
    to_file = RotatingFileHandler(ws.logs / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", TIME_FORMAT))
    logger.addHandler(to_file)
    to_console = logging.StreamHandler(console or sys.stdout)
    to_console.setFormatter(_ConsoleFormatter(debug))
    to_console.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.addHandler(to_console)
    return logger


def close_log(logger: logging.Logger) -> None:
    """Flush and detach the handlers :func:`open_log` added."""
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
