"""The watcher's log lines (officekit.watch.log).
"""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    "watch.queued": (
        "→ 已交给任务队列  {name}（由 officekit worker 处理）",
        "→ handed to the job queue  {name} (an officekit worker takes it)",
    ),
    "watch.start": (
        "开始监视收件箱 {inbox}（{mode}；文件稳定 {settle} 秒后处理，每 {rescan} 秒全量扫描）",
        "Watching the inbox {inbox} ({mode}; files are taken after {settle} s unchanged, "
        "full rescan every {rescan} s)",
    ),
    "watch.mode.events": ("文件事件", "file events"),
    "watch.mode.poll": ("轮询，适用于网络共享文件夹", "polling, for network shares"),
    "watch.once": ("处理收件箱 {inbox} 中现有的文件", "Processing the files in the inbox {inbox}"),
    "watch.stop": (
        "已停止。本次处理 {total} 个文件：接收 {accepted}，拒收 {rejected}，"
        "重复 {duplicate}，失败 {failed}",
        "Stopped. {total} file(s) this run: {accepted} accepted, {rejected} rejected, "
        "{duplicate} duplicate, {failed} failed",
    ),
    "watch.stopping": (
        "收到停止信号，处理完当前文件后退出",
        "Stop requested: finishing the current file, then exiting",
    ),
    "watch.reasons": ("原因：{reasons}", "why: {reasons}"),
    "watch.annotated": ("标注副本：{path}", "annotated copy: {path}"),
    # a corrupt file whose cause officekit cannot word: the reading library's own words
    "watch.raw-detail": ("技术细节：{detail}", "technical detail: {detail}"),
    "watch.failed.retry": (
        "✗ 处理失败  {name}：{error}（第 {attempt} 次，稍后重试）",
        "✗ failed  {name}: {error} (attempt {attempt}; will try again)",
    ),
    "watch.failed.final": (
        "✗ 处理失败  {name}：{error}（已试 {attempt} 次，原文件已移到 {dest}，"
        "请把此文件和 watch.log 交给系统管理员）",
        "✗ failed  {name}: {error} (tried {attempt} times; the file was moved to "
        "{dest}; give it and watch.log to your administrator)",
    ),
    "watch.failed.died": (
        "读取此文件的进程已 {attempts} 次意外终止（文件多半已损坏或是被恶意构造的），不再读取",
        "the process reading this file died {attempts} time(s) (the file is most likely "
        "damaged or built to break readers); it is not read again",
    ),
    "watch.reader-died": (
        "读取进程意外终止（{detail}）",
        "the reading process died ({detail})",
    ),
    "watch.not-regular": (
        "{name} 不是普通文件（命名管道、设备或链接），不会打开，留在原处",
        "{name} is not a regular file (a FIFO, a device or a link); it is never opened and "
        "stays where it is",
    ),
    "watch.lost": (
        "✗ 账本记录正在处理的文件 {name} 已不在处理文件夹中，记为失败",
        "✗ {name} was being processed but is no longer in the processing folder; "
        "recorded as failed",
    ),
    "watch.adopted": (
        "接手中断的处理（{owner}）：{count} 个文件",
        "Taking over the unfinished work of {owner}: {count} file(s)",
    ),
    "watch.waiting": (
        "{name} 与另一个正在处理的文件内容相同，稍后再处理",
        "{name} has the same content as a file being processed; it waits for that one",
    ),
    "watch.left": (
        "{name} 仍在写入或不完整，留待下次处理",
        "{name} is still being written or is incomplete; left for the next run",
    ),
    "watch.busy": (
        "{name} 暂时无法移动（{error}），稍后重试",
        "{name} cannot be moved now ({error}); will try again",
    ),
    "watch.rendered": (
        "已更新文档 {count} 份（{periods}）：{names}",
        "{count} document(s) updated ({periods}): {names}",
    ),
    "watch.rendered.none": ("{periods} 没有需要更新的文档", "No documents to update for {periods}"),
    "watch.render.failed": (
        "生成 {periods} 的文档失败：{error}",
        "Rendering the documents of {periods} failed: {error}",
    ),
    "watch.observer.restart": (
        "文件监视线程已停止，已重新启动",
        "The file-event thread had stopped; restarted it",
    ),
    "watch.inbox.unreachable": (
        "收件箱无法访问：{inbox}（{error}），稍后重试",
        "The inbox cannot be reached: {inbox} ({error}); will try again",
    ),
    "watch.due.written": ("已更新督办清单：{path}", "Due list updated: {path}"),
    "watch.due.failed": ("生成督办清单失败：{error}", "Writing the due list failed: {error}"),
    "watch.inbox.back": ("收件箱已恢复访问：{inbox}", "The inbox can be reached again: {inbox}"),
    # the Windows Task Scheduler task that starts the watcher (officekit.taskxml), "zh / en"
    "task.description": ("officekit：监视 {workspace} 的收件箱", "watch its inbox"),
}
