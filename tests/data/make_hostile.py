"""Write the hostile corpus: files built to break a reader (SPEC §9, issue 10).

    python tests/data/make_hostile.py OUT_DIR [--scale MB]

Every file is a real package a person could drop: a small valid complaint register written
with xlsxwriter, with one part replaced. ``--scale`` is how many MB the bombs inflate to (the
tests keep it small and scale the limits of ``[limits]`` down to match). What each file is:

- ``zipbomb_sst.xlsx``      the shared-strings table is one string of SCALE MB of one letter
- ``zipbomb_cell.xlsx``     one cell of the sheet holds an inline string of SCALE MB
- ``zipbomb_padding.xlsx``  the sheet XML is padded with SCALE MB of blanks between rows
- ``zipbomb_parts.xlsx``    many extra parts that together inflate to SCALE MB (each part
                            compresses like real XML, so only the total gives it away)
- ``entities.xlsx``         the shared strings declare nested XML entities ("billion laughs")
- ``rows_N.xlsx``           valid registers of N rows (``--rows N…``; the tests set
                            ``max_cells`` between two of them)
- ``encrypted.ods``         an .ods whose manifest says its content is encrypted
- ``dup_sheets.xlsx``       two sheets with exactly the same name, different data
- ``formulas_only.xlsx``    a register whose data cells are all formulas without cached values
- ``..投诉登记表.xlsx``     a valid register whose name starts with two dots (not hidden)

``make_special(OUT_DIR)`` adds what cannot be checked in: a FIFO and a symlink leading out of
the folder (POSIX only).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

HEADER = ["投诉编号", "受理时间", "客户姓名", "联系电话", "投诉渠道", "投诉类别", "严重程度",
          "投诉内容", "经办人", "处理状态", "办结时间", "处理结果"]


def register_bytes(rows: int = 5, *, title: str = "2026年10月投诉登记表",
                   sheets: tuple[str, ...] = ("投诉登记",), formulas: bool = False,
                   inline: bool = False) -> bytes:
    """A valid complaint register of ``rows`` rows (one per sheet name given)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": rows > 10_000,
                                   "strings_to_numbers": False})
    wb.set_properties({"title": title})
    for n, name in enumerate(sheets):
        ws = wb.add_worksheet(name) if n == 0 else wb.add_worksheet(f"__dup{n}")
        ws.write_row(0, 0, [title])
        ws.write_row(1, 0, HEADER)
        start = date(2026, 10, 1)
        for i in range(rows):
            day = start + timedelta(days=i % 28)
            values = [f"TS{n}{i:07d}", day.isoformat(), f"客户{i % 97}", f"138{i:08d}"[:11],
                      "电话", "服务态度", "一般", "等待时间过长", "张三", "待处理", "", ""]
            if formulas:
                for c, v in enumerate(values):
                    ws.write_formula(i + 2, c, f'="{v}"', None, "")
            else:
                ws.write_row(i + 2, 0, values)
    wb.close()
    data = buf.getvalue()
    if formulas:  # xlsxwriter writes <v></v> for a formula given value ""; Excel's "no cache"
        data = _replace(data, "xl/worksheets/sheet1.xml",
                        lambda x: re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", x))
    if len(sheets) > 1:  # the second sheet gets the first one's name (xlsxwriter refuses it)
        data = _replace(data, "xl/workbook.xml",
                        lambda x: x.replace(b'name="__dup1"', f'name="{sheets[0]}"'.encode()))
    return data


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None],
           extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info))
            if body is not None:
                dst.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _replace(data: bytes, part: str, fn: Callable[[bytes], bytes]) -> bytes:
    return _rezip(data, lambda name, body: fn(body) if name == part else body)


def zipbomb_sst(mb: int) -> bytes:
    big = b"A" * (mb << 20)
    return _replace(register_bytes(), "xl/sharedStrings.xml",
                    lambda x: re.sub(rb"<t>[^<]*</t>", lambda m: b"<t>" + big + b"</t>", x,
                                     count=1))


def zipbomb_cell(mb: int) -> bytes:
    cell = b'<c r="M3" t="inlineStr"><is><t>' + b"B" * (mb << 20) + b"</t></is></c></row>"
    return _replace(register_bytes(), "xl/worksheets/sheet1.xml",
                    lambda x: x.replace(b"</row>", cell, 3).replace(cell, b"</row>", 2))


def zipbomb_padding(mb: int) -> bytes:
    pad = b" " * (mb << 20)
    return _replace(register_bytes(), "xl/worksheets/sheet1.xml",
                    lambda x: x.replace(b"</row>", b"</row>" + pad, 1))


def zipbomb_parts(mb: int) -> bytes:
    row = "".join(f'<c r="A{i}"><v>{i}</v></c>' for i in range(2000)).encode()
    part = b"<x>" + row * max(1, (1 << 20) // len(row)) + b"</x>"
    count = max(1, (mb << 20) // len(part))
    extra = {f"customXml/item{i}.xml": part for i in range(count)}
    return _rezip(register_bytes(), lambda name, body: body, extra)


def entities() -> bytes:
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    doctype = ("<!DOCTYPE sst [" + "".join(lol) + "]>").encode()
    return _replace(register_bytes(), "xl/sharedStrings.xml",
                    lambda x: x.replace(b"?>", b"?>" + doctype, 1)
                    .replace(b"<t>", b"<t>&lol9;", 1))


def encrypted_ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size='
            '"4000"><manifest:encryption-data manifest:checksum-type="SHA1/1K" '
            'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name='
            '"Blowfish CFB" manifest:initialisation-vector="AAAA"/><manifest:key-derivation '
            'manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
            'manifest:salt="AAAA"/></manifest:encryption-data></manifest:file-entry>'
            "</manifest:manifest>"))
        zf.writestr("content.xml", os.urandom(4000))
    return out.getvalue()


def write_corpus(out: Path, *, scale: int = 40, rows: tuple[int, ...] = ()) -> dict[str, Path]:
    """Write the hostile files into ``out``; name → path."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "zipbomb_sst.xlsx": zipbomb_sst(scale),
        "zipbomb_cell.xlsx": zipbomb_cell(scale),
        "zipbomb_padding.xlsx": zipbomb_padding(scale),
        "zipbomb_parts.xlsx": zipbomb_parts(scale),
        "entities.xlsx": entities(),
        "encrypted.ods": encrypted_ods(),
        "dup_sheets.xlsx": register_bytes(3, sheets=("投诉登记", "投诉登记")),
        "formulas_only.xlsx": register_bytes(4, formulas=True),
        "..投诉登记表.xlsx": register_bytes(3),
    }
    for n in rows:
        files[f"rows_{n}.xlsx"] = register_bytes(n)
    paths = {}
    for name, data in files.items():
        (out / name).write_bytes(data)
        paths[name] = out / name
    return paths


def make_special(out: Path) -> dict[str, Path]:
    """A FIFO and a symlink leading out of ``out`` (both named like workbooks)."""
    out.mkdir(parents=True, exist_ok=True)
    fifo, link = out / "管道.xlsx", out / "链接.xlsx"
    os.mkfifo(fifo)
    target = out.parent / f"{out.name}-outside.xlsx"
    target.write_bytes(register_bytes(2))
    link.symlink_to(target)
    return {"fifo": fifo, "symlink": link}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=40, help="MB each bomb inflates to")
    parser.add_argument("--rows", type=int, nargs="*", default=[],
                        help="also registers of these many rows")
    parser.add_argument("--special", action="store_true", help="also a FIFO and a symlink")
    args = parser.parse_args(argv)
    for path in write_corpus(args.out, scale=args.scale, rows=tuple(args.rows)).values():
        print(path)
    if args.special:
        for path in make_special(args.out).values():
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
