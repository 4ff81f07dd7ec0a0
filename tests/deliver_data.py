"""A small outbox for the deliver tests: a staff list in a real ledger, real .docx files, a
manifest written with the real writer, and SMTP servers on loopback (good and misbehaving)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import docx
from aiosmtpd.controller import Controller

from officekit.deliver.manifest import ManifestRow, write_manifest_rows
from officekit.ledger.store import FileInfo, Ledger
from officekit.model import Record, SheetResult
from officekit.workspace import Workspace

PERIOD = "2026-10"
WHEN = datetime(2026, 11, 1, 9, 30)


def person(sid: str, name: str, department: str, role: str, manager: str | None,
           email: str | None, status: str = "在职") -> Record:
    return {"staff_id": sid, "name": name, "department": department, "role": role,
            "manager_id": manager, "phone": None, "email": email, "hired_on": date(2024, 3, 1),
            "status": status}


STAFF = [
    person("S001", "张伟", "客服一部", "客服专员", "S010", "zhangwei@example.com"),
    person("S002", "李娜", "客服一部", "客服专员", "S010", None),
    person("S003", "王芳", "客服一部", "客服专员", "S010", "wangfang@example.com"),
    person("S010", "刘强", "客服一部", "客服主管", "S100", "liuqiang@example.com"),
    person("S020", "陈静", "客服二部", "客服经理", None, "chenjing@example.com"),
    person("S021", "杨洋", "客服二部", "客服专员", "S020", "yangyang@example.com"),
    person("S100", "赵敏", "管理部", "中心经理", None, "zhaomin@example.com"),
]

# (relative path, kind, department, staff_id, with a PDF)
DOCUMENTS = [
    ("2026-10/客服一部/张伟_2026-10_考核报告.docx", "evaluation", "客服一部", "S001", True),
    ("2026-10/客服一部/李娜_2026-10_考核报告.docx", "evaluation", "客服一部", "S002", False),
    ("2026-10/客服一部/王芳_2026-10_考核报告.docx", "evaluation", "客服一部", "S003", False),
    ("2026-10/客服二部/杨洋_2026-10_考核报告.docx", "evaluation", "客服二部", "S021", False),
    ("2026-10/客服一部/客服一部_2026-10_部门考核汇总.docx", "evaluation-summary", "客服一部", "",
     False),
    ("2026-10/客服二部/客服二部_岗位职责手册.docx", "handbook", "客服二部", "", False),
    ("2026-10/2026-10_投诉分析报告.docx", "complaints", "", "", False),
]

# who receives what, from the staff list above
EXPECTED = {
    ("2026-10/客服一部/张伟_2026-10_考核报告.docx", "zhangwei@example.com"),
    ("2026-10/客服一部/王芳_2026-10_考核报告.docx", "wangfang@example.com"),
    ("2026-10/客服二部/杨洋_2026-10_考核报告.docx", "yangyang@example.com"),
    ("2026-10/客服一部/客服一部_2026-10_部门考核汇总.docx", "liuqiang@example.com"),
    ("2026-10/客服二部/客服二部_岗位职责手册.docx", "chenjing@example.com"),
    ("2026-10/2026-10_投诉分析报告.docx", "liuqiang@example.com"),
    ("2026-10/2026-10_投诉分析报告.docx", "chenjing@example.com"),
    ("2026-10/2026-10_投诉分析报告.docx", "zhaomin@example.com"),
}


def smtp_toml(port: int, **extra: Any) -> str:
    lines = ["[smtp]", 'host = "127.0.0.1"', f"port = {port}", 'security = "none"',
             'sender = "客服中心 <kefu@example.com>"', "retries = 2", "timeout = 5"]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def make_workspace(root: Path, toml: str = "") -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    (root / "officekit.toml").write_text(toml, encoding="utf-8")
    ws = Workspace.open(root)
    ws.ensure()
    return ws


def reopen(ws: Workspace, toml: str) -> Workspace:
    (ws.root / "officekit.toml").write_text(toml, encoding="utf-8")
    return Workspace.open(ws.root)


def store_staff(ledger: Ledger, staff: list[Record] | None = None) -> None:
    records = [{"_row": i + 2, **r} for i, r in enumerate(staff or STAFF)]
    sheet = SheetResult(name="花名册", kind="staff", rows=len(records), header_row=1,
                        records=records)
    info = FileInfo(sha256="ab" * 32, name="花名册.xlsx", path="/inbox/花名册.xlsx", size=100,
                    mtime=WHEN)
    ledger.store_accepted(info, [sheet], [])


def write_docx(path: Path, title: str, extra: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"这是一份测试文档。{extra}")
    document.save(str(path))


def write_outbox(ws: Workspace, documents: list[tuple[str, str, str, str, bool]] | None = None,
                 ) -> list[ManifestRow]:
    rows = []
    for rel, kind, department, staff_id, with_pdf in documents or DOCUMENTS:
        path = ws.outbox / rel
        write_docx(path, Path(rel).stem)
        pdf = None
        if with_pdf:
            pdf = path.with_suffix(".pdf")
            pdf.write_bytes(b"%PDF-1.4\n% test\n%%EOF\n")
        rows.append(ManifestRow.for_file(ws.outbox, path, kind=kind, period=PERIOD,
                                         department=department, staff_id=staff_id, pdf=pdf,
                                         when=WHEN))
    write_manifest_rows(ws.outbox, rows)
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Collector:
    """An aiosmtpd handler keeping what arrives; ``fail_after`` n messages it answers ``reply``;
    addresses in ``refuse`` are refused at RCPT with 550."""

    fail_after: int | None = None
    reply: str = "421 4.3.2 服务暂不可用，请稍后再试"
    refuse: set[str] = field(default_factory=set)
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_after is not None and len(self.received) >= self.fail_after:
            return self.reply
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@contextmanager
def smtp_server(handler: Collector, port: int | None = None, **kw: Any) -> Iterator[int]:
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@contextmanager
def rude_server(greeting: bytes | None = None) -> Iterator[tuple[int, list[int]]]:
    """A TCP server that greets with ``greeting`` (or nothing) and hangs up at once.

    Yields the port and a list that counts the connections it took.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            if greeting:
                conn.sendall(greeting)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1]), accepted
    finally:
        stop.set()
        thread.join()
        listener.close()
