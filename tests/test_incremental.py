"""render/incremental.py: a document's fingerprint (template + context + renderer version) and
its record in the .docx zip comment, read back from the file's last bytes.

tests/test_documents.py shows the whole effect (an unchanged document is not rewritten); these
pin down what changes a fingerprint and what does not.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from officekit.render.incremental import (
    comment_for,
    fingerprint,
    is_current,
    stored_fingerprint,
)


@dataclass
class Row:
    name: str
    score: float | None


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "evaluation.docx"
    path.write_bytes(b"template bytes v1")
    return path


CONTEXT: dict[str, Any] = {
    "period": "2026-10", "as_of": date(2026, 11, 5), "score": 88.6,
    "rows": [Row("王晓梅", 88.6), Row("李娜", None)], "flags": {"late": True},
}


def test_the_same_template_and_context_give_the_same_fingerprint(template: Path) -> None:
    first = fingerprint(template, CONTEXT)
    assert first is not None and len(first) == 64
    assert fingerprint(template, dict(reversed(list(CONTEXT.items())))) == first  # key order


@pytest.mark.parametrize("change", [
    {"score": 88.7},
    {"score": "88.6"},                      # the same text, another type
    {"as_of": datetime(2026, 11, 5)},       # a datetime is not its date
    {"rows": [Row("李娜", None), Row("王晓梅", 88.6)]},  # list order counts
    {"rows": [Row("王晓梅", 88.6), Row("李娜", 0.0)]},    # None is not 0
    {"flags": {"late": 1}},                 # True is not 1
    {"extra": None},                        # one more variable
])
def test_any_change_of_a_value_changes_the_fingerprint(template: Path,
                                                       change: dict[str, Any]) -> None:
    assert fingerprint(template, {**CONTEXT, **change}) != fingerprint(template, CONTEXT)


def test_a_picture_counts_by_its_content(template: Path, tmp_path: Path) -> None:
    picture = tmp_path / "chart.png"
    picture.write_bytes(b"png 1")
    context = {**CONTEXT, "picture": picture}
    before = fingerprint(template, context)
    picture.write_bytes(b"png 22")  # same path, other content
    assert fingerprint(template, context) != before


def test_the_template_counts_by_its_content_not_its_name(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "c.docx"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    c.write_bytes(b"one")
    assert fingerprint(a, CONTEXT) != fingerprint(b, CONTEXT)
    assert fingerprint(a, CONTEXT) == fingerprint(c, CONTEXT)


def test_a_value_that_cannot_be_fingerprinted_means_always_render(template: Path) -> None:
    assert fingerprint(template, {**CONTEXT, "thing": object()}) is None
    assert fingerprint(template, {**CONTEXT, "missing": template.with_name("gone.png")}) is None
    assert comment_for(None) == b""


def _docx(path: Path, comment: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>" * 200)
        zf.comment = comment
    return path


def test_the_fingerprint_travels_in_the_zip_comment(template: Path, tmp_path: Path) -> None:
    digest = fingerprint(template, CONTEXT)
    assert digest is not None
    doc = _docx(tmp_path / "report.docx", comment_for(digest))
    assert stored_fingerprint(doc) == digest
    assert is_current(doc, digest)
    assert not is_current(doc, fingerprint(template, {**CONTEXT, "score": 1.0}))
    assert not is_current(doc, None)
    with zipfile.ZipFile(doc) as zf:  # still a valid document
        assert zf.read("word/document.xml").startswith(b"<w:document/>")


def test_a_document_saved_elsewhere_or_missing_has_no_fingerprint(tmp_path: Path) -> None:
    assert stored_fingerprint(_docx(tmp_path / "saved-by-word.docx", b"")) is None
    assert stored_fingerprint(_docx(tmp_path / "other.docx", b"made by someone")) is None
    assert stored_fingerprint(tmp_path / "deleted.docx") is None
    (tmp_path / "not-a-zip.docx").write_bytes(b"hello")
    assert stored_fingerprint(tmp_path / "not-a-zip.docx") is None
