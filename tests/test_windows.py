"""The Windows code paths, run here through their seams: names Windows refuses, the 260-
character limit, hidden folders, the Task Scheduler task, PDF through Word, the lock."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from officekit.cli import cli
from officekit.errors import PdfError
from officekit.render.wordpdf import WordConverter, open_converter
from officekit.taskxml import task_xml, write_task_xml
from officekit.winpath import MAX_PATH, fit_path, hide, is_reserved, safe_name

TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


@pytest.mark.parametrize(("name", "safe"), [
    ("CON", "_CON"), ("nul.docx", "_nul.docx"), ("Com1 ", "_Com1"), ("LPT9.考核报告.docx",
                                                                      "_LPT9.考核报告.docx"),
    ("客服一部", "客服一部"), ("CONSOLE.docx", "CONSOLE.docx"), ("a:b*c?.docx", "a_b_c_.docx"),
    ("结尾的点.", "结尾的点"), ("   ", "_"),
])
def test_names_windows_refuses(name: str, safe: str) -> None:
    assert safe_name(name) == safe
    assert not is_reserved(safe_name(name))


def test_long_paths_are_shortened_in_the_file_name_only(tmp_path: Path) -> None:
    folder = Path("D:/") / ("客服中心共享文件夹" * 8) / "outbox" / "2026-10" / "客服一部"
    long = folder / (("很长的部门名称" * 25) + "_2026-10_考核汇总.docx")
    short = fit_path(long)
    assert len(str(short)) <= 259 and short.parent == folder and short.suffix == ".docx"
    assert short.name.startswith("很长的部门名称") and "~" in short.name
    other = fit_path(folder / (("很长的部门名称" * 25) + "_2026-11_考核汇总.docx"))
    assert other != short  # two long names stay apart
    assert fit_path(tmp_path / "a.docx") == tmp_path / "a.docx"


def test_hidden_attribute_on_windows_only(tmp_path: Path) -> None:
    folder = tmp_path / ".processing"
    folder.mkdir()
    marked: list[Path] = []
    hide(folder, platform="win32", set_hidden=marked.append)
    hide(folder, platform="linux", set_hidden=marked.append)
    hide(tmp_path / "missing", platform="win32", set_hidden=marked.append)
    assert marked == [folder]


def test_task_xml_runs_the_watcher_at_logon(tmp_path: Path) -> None:
    ws = "D:\\客服中心 共享"
    root = ET.fromstring(task_xml(ws, python="C:\\Tools\\officekit\\.venv\\Scripts\\python.exe",
                                  poll=True))
    exec_ = root.find("t:Actions/t:Exec", TASK_NS)
    assert exec_ is not None
    assert exec_.findtext("t:Command", namespaces=TASK_NS) == \
        "C:\\Tools\\officekit\\.venv\\Scripts\\pythonw.exe"  # no console window
    assert exec_.findtext("t:Arguments", namespaces=TASK_NS) == \
        '-m officekit watch -w "D:\\客服中心 共享" -q --poll'
    assert root.findtext("t:Settings/t:ExecutionTimeLimit", namespaces=TASK_NS) == "PT0S"
    assert root.findtext("t:Settings/t:MultipleInstancesPolicy",
                         namespaces=TASK_NS) == "IgnoreNew"
    assert root.find("t:Triggers/t:LogonTrigger", TASK_NS) is not None
    path = write_task_xml(tmp_path / "task.xml", ws)
    raw = path.read_bytes()
    assert raw[:2] == b"\xff\xfe"  # UTF-16 with a BOM, as Task Scheduler exports
    assert "\r\n" in raw.decode("utf-16") and ws in raw.decode("utf-16")


def test_watch_task_xml_command(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    res = CliRunner().invoke(cli, ["watch", "-w", str(ws), "--task-xml",
                                   str(tmp_path / "t.xml")])
    assert res.exit_code == 0, res.output
    assert 'schtasks /Create /TN "officekit watch" /XML' in res.output
    assert str(ws) in (tmp_path / "t.xml").read_text(encoding="utf-16")
    assert not (ws / ".officekit" / "logs" / "watch.log").exists()  # nothing was watched


class _Doc:
    def __init__(self, word: _Word, path: str) -> None:
        self.word, self.path = word, path
        self.TablesOfContents: list[Any] = []
        self.Fields = self

    def Update(self) -> None:
        self.word.calls.append("fields")

    def ExportAsFixedFormat(self, target: str, fmt: int) -> None:
        if "坏" in self.path:
            raise OSError("Word 无法打开此文件")
        Path(target).write_bytes(b"%PDF-1.7 from Word")
        self.word.calls.append(f"export {fmt}")

    def Close(self, save: int) -> None:
        self.word.calls.append(f"close {save}")


class _Word:
    """What officekit asks of Word.Application over COM, standing in where no Word runs."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.Visible = True
        self.DisplayAlerts = 1
        self.Documents = self

    def Open(self, path: str, *flags: Any) -> _Doc:
        self.calls.append(f"open {Path(path).name} {flags}")
        return _Doc(self, path)

    def Quit(self) -> None:
        self.calls.append("quit")


def test_pdf_through_word_when_libreoffice_is_absent(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICEKIT_SOFFICE", "/nonexistent/soffice")
    monkeypatch.setattr("officekit.render.pdf._CANDIDATES", ())
    monkeypatch.setattr("shutil.which", lambda *_a, **_k: None)
    word = _Word()
    converter = open_converter(timeout=5, platform="win32", dispatch=lambda: word)
    assert isinstance(converter, WordConverter)
    good, bad = tmp_path / "报告.docx", tmp_path / "坏.docx"
    good.write_bytes(b"PK docx")
    bad.write_bytes(b"PK docx")
    with converter as conv:
        assert conv.convert(good).read_bytes().startswith(b"%PDF")
        with pytest.raises(PdfError, match=r"坏\.docx"):
            conv.convert(bad)
    assert word.Visible is False and word.DisplayAlerts == 0
    assert "open 报告.docx (False, True, False)" in word.calls  # read-only, no conversion dialog
    assert word.calls.count("close 0") == 2 and word.calls[-1] == "quit"
    with pytest.raises(PdfError, match="Word"):
        open_converter(timeout=5, platform="linux", dispatch=lambda: word)


LOCK_CHILD = textwrap.dedent("""
    import fcntl, sys, time
    from pathlib import Path
    from officekit.watch import claims
    claims.set_locking(lambda fd, mode, n: fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, n, 0),
                       windows=True)
    lock = claims._Lock.create(Path(sys.argv[1]))
    print("held", flush=True)
    sys.stdin.readline()
""")


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real msvcrt branch runs")
def test_the_windows_locking_branch_through_its_seam(tmp_path: Path) -> None:
    """The msvcrt branch (open in place, lock one byte) with region locks standing in for
    msvcrt.locking: a second process cannot take a held lock, and can once its holder ends."""
    import fcntl

    from officekit.watch import claims

    path = tmp_path / "owner.lock"
    child = subprocess.Popen([sys.executable, "-c", LOCK_CHILD, str(path)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        restore = claims.set_locking(
            lambda fd, mode, n: fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, n, 0),
            windows=True)
        try:
            assert claims._Lock.take(path) is None  # held by the other process
            child.communicate("\n", timeout=30)
            taken = claims._Lock.take(path)
            assert taken is not None
            taken.release(remove=True)
        finally:
            restore()
    finally:
        child.kill()


def test_setup_script_for_windows_is_readable_by_windows_powershell() -> None:
    """Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page (GBK on a
    Chinese PC), which garbles its Chinese text: the script must start with a UTF-8 BOM."""
    script = (Path(__file__).parent.parent / "scripts" / "setup.ps1").read_bytes()
    assert script.startswith(b"\xef\xbb\xbf")
    text = script.decode("utf-8-sig")
    for needed in ("python.org", "winget install", "-m venv .venv", "pip install",
                   "LibreOffice", "Word"):
        assert needed in text, needed


# PowerShell itself (pwsh) cannot be installed here: no registry this machine reaches serves it
# (the npm package "pwsh" downloads it from GitHub while installing). Its grammar can: the
# script and the README's commands are parsed with tree-sitter-powershell (from PyPI).
ROOT = Path(__file__).parent.parent


def _powershell(source: bytes) -> tuple[Any, list[str]]:
    """The syntax tree of PowerShell ``source`` and its syntax errors (text of each)."""
    import tree_sitter
    import tree_sitter_powershell

    tree = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language())).parse(
        source)
    errors: list[str] = []

    def walk(node: Any) -> None:
        if node.type == "ERROR" or node.is_missing:
            errors.append(f"{node.start_point}: {source[node.start_byte:node.end_byte]!r}")
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return tree, errors


def _nodes(node: Any, kind: str) -> list[Any]:
    found = [node] if node.type == kind else []
    for child in node.children:
        found += _nodes(child, kind)
    return found


def _readme_windows_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Windows\n"):]
    section = section[:section.index("\n## ", 5)]
    blocks = section.split("```powershell\n")[1:]
    return [line.strip() for block in blocks for line in block.split("```")[0].splitlines()
            if line.strip()]


def test_setup_script_and_readme_commands_are_valid_powershell() -> None:
    script = (ROOT / "scripts" / "setup.ps1").read_bytes()
    tree, errors = _powershell(script)
    assert errors == []
    _, broken = _powershell(script.replace(b"foreach ($candidate in $candidates) {",
                                           b"foreach ($candidate in $candidates {"))
    assert broken  # the check sees a syntax error
    commands = _readme_windows_commands()
    assert len(commands) >= 4
    for command in commands:
        assert _powershell(command.encode("utf-8"))[1] == [], command

    # the README's switches are the script's parameters, and the script's are all explained
    params = {s.text.decode().split("$")[-1] for s in _nodes(tree.root_node, "script_parameter")}
    assert params == {"Test", "LibreOffice"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    windows = readme[readme.index("\n## Windows\n"):]
    for param in params:
        assert f"setup.ps1 -{param}" in windows, param
    # the README runs what the script makes: .venv\Scripts\officekit and python
    texts = [c.text.decode() for c in _nodes(tree.root_node, "command")]
    assert any(t.endswith("-m venv .venv") for t in texts)
    assert any(".venv\\Scripts\\officekit" in c for c in commands)
    # -Test installs what setup.sh --test does (without procrastinate the suite cannot even be
    # collected), and so what the README's test command uses (pytest -n: xdist)
    [test_install] = [t for t in texts if "pip install" in t and "[test" in t]
    extras = test_install.split("[", 1)[1].split("]", 1)[0].split(",")
    linux = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert f'-e ".[{",".join(extras)}]"' in linux
    import tomllib

    optional = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    wanted = " ".join(d for e in extras for d in optional[e])
    test_command = next(c for c in commands if "pytest" in c)
    assert "-n 2" in test_command and "pytest-xdist" in wanted


def _windows_refuses(root: Path) -> list[str]:
    """Every file or folder under ``root`` that Windows could not create or open: a reserved
    name, or a path over its 260 characters (``MAX_PATH``, counted as Windows counts)."""
    return [str(p) for p in root.rglob("*")
            if is_reserved(p.name) or len(str(p)) > MAX_PATH]


def test_every_file_officekit_writes_is_one_windows_can_open(tmp_path: Path) -> None:
    """Not only the documents: annotated copies, the archive, lists beside documents, the KPI
    export and the due list in a workspace deep in a share, from inbox files named as
    Windows refuses (they come from a Linux PC or a Samba share) or named at length."""
    ws = tmp_path / ("客服中心共享文件夹" * 9)  # a workspace ~ 100 characters deep already
    ws = ws / ("二〇二六年度考核资料" * (max(1, (185 - len(str(ws))) // 10)))
    assert 180 <= len(str(ws)) <= 200
    samples = tmp_path / "s"
    assert CliRunner().invoke(cli, ["sample", str(samples), "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    inbox = ws / "inbox"
    (samples / "2026年10月花名册.xlsx").rename(inbox / "CON.xlsx")  # accepted, archived
    (samples / "有问题的样例" / "投诉登记表_工单号重复.xlsx").rename(inbox / "nul.xlsx")
    long = "2026年10月投诉登记表_客服中心全体坐席按月汇总后交考核办复核的最终版本_请勿改动" * 2
    (samples / "2026年10月投诉登记表.xlsx").rename(inbox / f"{long}.xlsx")
    (samples / "2026年10月回访记录表.xlsx").rename(inbox / "aux.xlsx")
    (samples / "2026年10月排班表.xlsx").rename(inbox / "2026年10月排班表.xlsx")
    res = CliRunner().invoke(cli, ["ingest", "-w", str(ws), "-q", "--today", "2026-11-23",
                                   *map(str, inbox.iterdir())])
    assert res.exit_code == 1, res.output  # nul.xlsx is rejected
    for args in (["report", "complaints", "--period", "2026-10"],
                 ["report", "evaluation", "--period", "2026-10", "--department", "客服一部"],
                 ["kpis", "--period", "2026-10", "--format", "xlsx"],
                 ["due", "--format", "xlsx"]):
        res = CliRunner().invoke(cli, [*args, "-w", str(ws), "-q", "--as-of", "2026-11-23"])
        assert res.exit_code == 0, (args, res.output)
    written = [p for p in ws.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert "_CON.xlsx" in names and "_aux.xlsx" in names  # the originals, archived
    assert "_nul.校验结果.xlsx" in names  # the annotated copy of the rejected one
    assert any(p.suffix == ".xlsx" and "超期投诉清单" in p.name for p in written)
    assert any(n.startswith("2026年10月投诉登记表_客服中心") and "~" in n for n in names)
    assert _windows_refuses(ws) == []


def test_superseded_documents_stay_within_the_limit(tmp_path: Path) -> None:
    """``_superseded/`` is one folder deeper than the document it keeps."""
    from officekit.winpath import place

    name = "客服一部_2026-10_考核汇总.docx"
    pad = MAX_PATH - 8 - len(str(tmp_path / "outbox" / "2026-10" / name)) - 1
    outbox = tmp_path / ("共" * pad) / "outbox"
    doc = outbox / "2026-10" / name
    assert len(str(doc)) <= MAX_PATH < len(str(outbox / "_superseded" / "2026-10" / doc.name))
    moved = place(outbox / "_superseded" / "2026-10", doc.name)
    assert len(str(moved)) <= MAX_PATH and moved.name.startswith("客服一部")
    assert moved.suffix == ".docx"


class _HangingWord(_Word):
    """A Word that never comes back from a document whose name has 慢 until it is ended,
    as a Word stuck on a dialog or a broken document does; its calls then fail as COM's do
    when the server process is gone."""

    def __init__(self) -> None:
        super().__init__()
        self.ended = __import__("threading").Event()

    def Open(self, path: str, *flags: Any) -> _Doc:
        if "慢" in Path(path).name:
            assert self.ended.wait(60), "the watchdog never ended Word"
            raise OSError("RPC 服务器不可用 / The RPC server is unavailable")
        return super().Open(path, *flags)


def _hanging_words() -> tuple[list[_HangingWord], Any, Any]:
    started: list[_HangingWord] = []

    def dispatch() -> _HangingWord:
        started.append(_HangingWord())
        return started[-1]

    def kill(word: Any) -> None:
        word.calls.append("killed")
        word.ended.set()

    return started, dispatch, kill


def test_a_word_that_hangs_is_ended_and_the_next_document_gets_a_new_one(
        tmp_path: Path) -> None:
    started, dispatch, kill = _hanging_words()
    docs = [tmp_path / n for n in ("一.docx", "慢.docx", "三.docx")]
    for doc in docs:
        doc.write_bytes(b"PK docx")
    done: list[Path] = []
    with WordConverter(timeout=0.2, dispatch=dispatch, kill=kill) as conv:
        done.append(conv.convert(docs[0]))
        with pytest.raises(PdfError, match=r"慢\.docx.*超时（0\.2 秒"):
            conv.convert(docs[1])
        done.append(conv.convert(docs[2]))
        assert conv.restarts == 1
    assert [p.name for p in done] == ["一.pdf", "三.pdf"]
    assert len(started) == 2 and "killed" in started[0].calls and "quit" not in started[0].calls
    assert started[1].calls[-1] == "quit" and "killed" not in started[1].calls
    assert not (tmp_path / "慢.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["一.docx", "慢.docx", "三.docx", "一.pdf", "三.pdf"])  # no half-made PDF left


def test_report_pdf_through_word_a_timeout_is_reported_and_the_rest_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole command on the Word path: three department summaries, Word hangs on the
    second; the other two get their PDFs, the hung one is named, exit 1 (not a usage error)."""
    from officekit.render import wordpdf

    started, dispatch, kill = _hanging_words()
    monkeypatch.setattr(wordpdf, "open_converter", lambda *, timeout: WordConverter(
        timeout=timeout, dispatch=dispatch, kill=kill))
    samples, ws = tmp_path / "s", tmp_path / "ws"
    assert CliRunner().invoke(cli, ["sample", str(samples), "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["init", str(ws)]).exit_code == 0
    toml = ws / "officekit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("timeout = 120", "timeout = 0.2"),
                    encoding="utf-8")
    good = [p for p in samples.iterdir() if p.is_file()]
    res = CliRunner().invoke(cli, ["ingest", "-w", str(ws), "-q", "--today", "2026-11-23",
                                   *map(str, good)])
    assert res.exit_code == 0, res.output
    original = _HangingWord.Open

    def open_slowly(self: _HangingWord, path: str, *flags: Any) -> _Doc:
        if "客服二部" in Path(path).name:
            path = str(Path(path).with_name("慢" + Path(path).name))
        return original(self, path, *flags)

    monkeypatch.setattr(_HangingWord, "Open", open_slowly)
    res = CliRunner().invoke(cli, ["report", "evaluation-summary", "-w", str(ws), "--period",
                                   "2026-10", "--as-of", "2026-11-23", "--pdf", "-q"])
    assert res.exit_code == 1, res.output
    pdfs = [Path(x) for x in res.stdout.splitlines() if x.endswith(".pdf")]
    docs = [Path(x) for x in res.stdout.splitlines() if x.endswith(".docx")]
    assert len(docs) == 3 and len(pdfs) == 2 and all(p.exists() for p in pdfs)
    assert not any("客服二部" in p.name for p in pdfs)
    assert "客服二部" in res.stderr and "超时" in res.stderr
    assert len(started) == 2  # a fresh Word after the one that hung
