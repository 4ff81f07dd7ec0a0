"""Writing a sample sheet as OpenDocument (.ods) with odfpy, as LibreOffice or WPS would save it.

No LibreOffice needed. Dates become real ``office:date-value`` cells, numbers float cells,
everything else strings; the title is a cell spanning the columns.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from odf.element import Element  # type: ignore[import-untyped]
from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
from odf.table import (  # type: ignore[import-untyped]
    CoveredTableCell,
    Table,
    TableCell,
    TableColumn,
    TableRow,
)
from odf.text import P  # type: ignore[import-untyped]

from officekit.samples.forms import Cell, normalise_zip


def _cell(value: Any) -> Any:
    if isinstance(value, Cell):
        value = value.value
    if value is None:
        return TableCell()
    if isinstance(value, datetime):
        cell = TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%dT%H:%M:%S"))
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
        text = str(value)
    else:
        cell = TableCell(valuetype="string")
        text = str(value)
    cell.addElement(P(text=text))
    return cell


def write_ods(path: Path, sheet: str, title: str, headers: list[str],
              rows: list[list[Cell | None]]) -> None:
    """One sheet: a title spanning the columns, the header row, then ``rows``."""
    # odfpy declares namespaces from a class-level dict shared by every document in the
    # process, so a second file would differ from the first. Start from empty, restore after.
    saved = dict(Element.namespaces)
    Element.namespaces.clear()
    try:
        _write(path, sheet, title, headers, rows)
    finally:
        mine = dict(Element.namespaces)
        Element.namespaces.clear()
        Element.namespaces.update(saved)
        Element.namespaces.update(mine)
    normalise_zip(path)


def _write(path: Path, sheet: str, title: str, headers: list[str],
           rows: list[list[Cell | None]]) -> None:
    doc = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    table.addElement(TableColumn(numbercolumnsrepeated=len(headers)))
    top = TableRow()
    head = TableCell(valuetype="string", numbercolumnsspanned=len(headers))
    head.addElement(P(text=title))
    top.addElement(head)
    for _ in range(len(headers) - 1):
        top.addElement(CoveredTableCell())
    table.addElement(top)
    header: list[Cell | None] = [Cell(h) for h in headers]
    for values in [header, *rows]:
        row = TableRow()
        for value in values:
            row.addElement(_cell(value))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
