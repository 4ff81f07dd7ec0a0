"""The .docx package around the rendered parts: reading a template's members, the content
types and relationships of added pictures, charts and links, and writing a file atomically.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from officekit import winpath
from officekit.errors import TemplateError, WorkspaceError
from officekit.render.docxzip import Member, read_members
from officekit.render.ooxml import W_NS
from officekit.render.session import LINK_REL, AddedChart, AddedImage, AddedLink

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_TEMPLATED_TYPES = frozenset({
    _CT + "document.main+xml", _CT + "template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    _CT + "header+xml", _CT + "footer+xml", _CT + "footnotes+xml", _CT + "endnotes+xml",
    "application/vnd.openxmlformats-package.core-properties+xml",
})
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
CONTENT_TYPES = "[Content_Types].xml"
DOCPR_ID = re.compile(rb"<wp:docPr\b[^>]*?\sid=\"(\d+)\"")
RELS_ID = re.compile(r'\bId="([^"]+)"')
_EMPTY_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
               'relationships"></Relationships>')
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
_CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STYLES = "word/styles.xml"


def member_bytes(member: Member) -> bytes:
    if member.method == zipfile.ZIP_DEFLATED:
        return zlib.decompress(member.compressed, -15)
    return member.compressed


def _templated_names(content_types: bytes) -> list[str]:
    root = etree.fromstring(content_types)
    names = [el.get("PartName", "").lstrip("/") for el in root.iter(CT_NS + "Override")
             if el.get("ContentType") in _TEMPLATED_TYPES]
    order = ("document", "header", "footer", "footnotes", "endnotes", "core")

    def rank(name: str) -> tuple[int, int, str]:
        base = posixpath.basename(name)
        kind = next((i for i, k in enumerate(order) if base.startswith(k)), len(order))
        digits = "".join(ch for ch in base if ch.isdigit())
        return kind, int(digits or 0), name

    return sorted(names, key=rank)


def read_template(path: Path) -> tuple[list[Member], dict[str, bytes]]:
    """Members of the .docx and the XML of its candidate parts; TemplateError if unreadable."""
    try:
        members = read_members(path)
        by_name = {m.name: m for m in members}
        names = _templated_names(member_bytes(by_name[CONTENT_TYPES]))
        parts = {n: member_bytes(by_name[n]) for n in names if n in by_name}
    except FileNotFoundError as exc:
        raise TemplateError(key="error.template.not-found", path=str(path)) from exc
    except (OSError, zipfile.BadZipFile, KeyError, zlib.error, etree.XMLSyntaxError) as exc:
        raise TemplateError(key="error.template.not-docx", name=path.name) from exc
    if not parts:
        raise TemplateError(key="error.template.no-main-part", name=path.name)
    return members, parts


def added_parts(content_types: str, extensions: frozenset[str], part_rels: Mapping[str, str],
                images: list[AddedImage], charts: list[AddedChart],
                links: list[AddedLink]) -> dict[str, bytes]:
    """Updated ``[Content_Types].xml`` and relationship parts for added pictures, charts
    and hyperlinks.

    A chart is a part of its own (``word/charts/ok_chartN.xml``, an Override content type)
    referred to by the part it sits in, with its data workbook as an embedded package.
    """
    changed: dict[str, bytes] = {}
    missing = {img.ext: img.content_type for img in images if img.ext not in extensions}
    if any(c.workbook is not None for c in charts) and "xlsx" not in extensions:
        missing["xlsx"] = _XLSX_CT
    added_types = "".join(f'<Default Extension="{ext}" ContentType="{ctype}"/>'
                          for ext, ctype in sorted(missing.items()))
    added_types += "".join(f'<Override PartName="/{c.chart_name}" ContentType="{_CHART_CT}"/>'
                           for c in charts)
    if added_types:
        types = re.sub(r"(<Types\b[^>]*>)", lambda m: m.group(1) + added_types,
                       content_types, count=1)
        changed[CONTENT_TYPES] = types.encode("utf-8")
    by_rels: dict[str, list[str]] = {}
    for img in images:
        folder = posixpath.dirname(img.part) or "."
        by_rels.setdefault(rels_name(img.part), []).append(
            f'<Relationship Id="{img.rel_id}" Type="{_IMAGE_REL}" '
            f'Target="{posixpath.relpath(img.media_name, folder)}"/>')
    for link in links:
        by_rels.setdefault(rels_name(link.part), []).append(
            f'<Relationship Id="{link.rel_id}" Type="{LINK_REL}" '
            f'Target="{_xml_attr(link.url)}" TargetMode="External"/>')
    for chart in charts:
        folder = posixpath.dirname(chart.part) or "."
        by_rels.setdefault(rels_name(chart.part), []).append(
            f'<Relationship Id="{chart.rel_id}" Type="{_CHART_REL}" '
            f'Target="{posixpath.relpath(chart.chart_name, folder)}"/>')
        if chart.workbook is not None:
            target = posixpath.relpath(chart.workbook_name,
                                       posixpath.dirname(chart.chart_name))
            entry = (f'<Relationship Id="rId1" Type="{_PACKAGE_REL}" Target="{target}"/>')
            changed[rels_name(chart.chart_name)] = _EMPTY_RELS.replace(
                "</Relationships>", entry + "</Relationships>").encode("utf-8")
    for rels, entries in by_rels.items():
        text = part_rels.get(rels, _EMPTY_RELS)
        changed[rels] = text.replace("</Relationships>", "".join(entries)
                                     + "</Relationships>", 1).encode("utf-8")
    return changed


def default_fonts(by_name: Mapping[str, Member]) -> tuple[str, str]:
    """The template's default (Latin, East Asian) faces from ``w:docDefaults`` (for charts)."""
    latin, east_asian = "Times New Roman", "宋体"
    if _STYLES not in by_name:
        return latin, east_asian
    # w:docDefaults comes first in styles.xml: read up to its end, not the whole part
    # (~350 KB in a Word template)
    defaults = None
    try:
        for _, element in etree.iterparse(io.BytesIO(member_bytes(by_name[_STYLES])),
                                          tag=f"{{{W_NS}}}docDefaults"):
            defaults = element
            break
    except (etree.XMLSyntaxError, zlib.error):
        return latin, east_asian
    fonts = None if defaults is None else defaults.find(
        f"{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr/{{{W_NS}}}rFonts")
    if fonts is not None:
        latin = fonts.get(f"{{{W_NS}}}ascii") or latin
        east_asian = fonts.get(f"{{{W_NS}}}eastAsia") or east_asian
    return latin, east_asian


def _xml_attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


DEFAULT_FILE_MODE = 0o644  # colleagues on a Linux/Samba share read what officekit writes


def write_atomic(path: Path, data: bytes, mode: int = DEFAULT_FILE_MODE) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``.

    A reader (Word, the mailer, the index page) never sees half a document; a file open in
    Word on Windows cannot be replaced, which is reported as such. The file gets ``mode``
    (the temp file's own 0600 would hide it from everyone else on a shared folder).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = winpath.temp_beside(path)  # hidden, and within Windows' 260 characters too
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
    except OSError as exc:
        raise WorkspaceError(key="error.document.write-folder", path=str(path.parent),
                             detail=str(exc)) from exc
    try:
        if hasattr(os, "fchmod"):  # POSIX; on Windows the mode is only the read-only flag
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WorkspaceError(key="error.document.write", path=str(path),
                             detail=str(exc)) from exc
