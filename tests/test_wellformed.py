"""Parts shown well-formed for every context when compiled (render/wellformed.py).

The engine skips parsing a rendered part back only when the compile-time analysis says every
rendering is well-formed. These tests hold the analysis to that: hand-made sources it must
refuse, every shipped template it must accept (else the speed-up is gone), and many random
templates — blocks placed anywhere, crossing boundaries or not — each rendered with many
contexts: every one it accepts must parse in every rendering.
"""

from __future__ import annotations

import itertools
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from markupsafe import Markup

from officekit.render.engine import RichText, TemplateProblemsError, WordTemplate
from officekit.render.jinjaenv import make_environment, session
from officekit.render.wellformed import always_well_formed

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
DOC = f'<w:document xmlns:w="{W}"><w:body>{{}}</w:body></w:document>'
ENV = make_environment()


def doc(body: str) -> str:
    return HEAD + DOC.format(body)


def para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


@pytest.mark.parametrize("body", [
    para("{{ name \n}}"),
    "{% if a %}" + para("x") + "{% else %}" + para("y") + "{% endif %}",
    "{% for r in rows %}" + para("{{ r \n}}") + "{% endfor %}",
    "{% for r in rows %}" + para("{{ r \n}}") + "{% else %}" + para("-") + "{% endfor %}",
    para("甲{% if a %}乙{% elif b %}丙{% endif %}&amp;&#x4E00;"),
    "<w:p>{{ (x) | _ok_run \n}}</w:p>",
    "{{ (x) | _ok_paragraph \n}}",
    "<w:p><w:r><w:t>a</w:t></w:r>{% if a %}</w:p><w:p>{% endif %}</w:p>",  # split, rejoined
    para("{% if a %}x") + para("y{% endif %}"),  # the same: paragraphs joined or not
    "{% set n = 3 %}{% with m = n %}" + para("{{ m \n}}") + "{% endwith %}",
    '<w:p><w:r><w:drawing><wp:docPr xmlns:wp="urn:wp" id="{{ _ok_docpr_id() \n}}"/>'
    "</w:drawing></w:r></w:p>",
])
def test_accepts_blocks_that_close_what_they_open(body: str) -> None:
    assert always_well_formed(doc(body), ENV)


@pytest.mark.parametrize("body", [
    "{% if a %}<w:p>{% endif %}</w:p>",  # opens what it does not close
    "<w:p>{% if a %}</w:p>{% endif %}",
    para("{% if a %}x") + "<w:tbl><w:tr><w:tc>" + para("y{% endif %}")
    + "</w:tc></w:tr></w:tbl>",  # from a paragraph into a table cell
    '<w:p xmlns:q="urn:q"><w:r><w:t>{% if a %}</w:t></w:r></w:p><w:p><w:r><w:t>{% endif %}'
    "</w:t></w:r></w:p>" + para("<q:x/>"),  # same names, another namespace scope
    "{% for r in rows %}" + para("{% if r %}{% break %}{% endif %}") + "{% endfor %}",
    "{% for r in rows %}<w:p><w:r>{% continue %}<w:t>x</w:t></w:r></w:p>{% endfor %}",
    "{% macro m() %}<w:p>{% endmacro %}" + para("x"),
    "{% filter upper %}" + para("x") + "{% endfilter %}",
    "{% set x %}<w:p>{% endset %}" + para("x"),
    "{% autoescape false %}" + para("{{ x \n}}") + "{% endautoescape %}",
    "<w:p>{{ x \n}}</w:p>",  # printed outside a run's text
    '<w:p><w:pPr><w:jc w:val="{{ x \n}}"/></w:pPr></w:p>',  # printed into an attribute
    "<w:p>{{ x | _ok_run \n}}</w:p>",  # the run filter not over the whole expression
    "<w:p>{{ (a) ~ (b | _ok_run) \n}}</w:p>",
    para("<q:x/>"),  # a prefix not in scope
    para("&nbsp;"),  # not a predefined entity
    para("a > b"),
    para("<!-- comment -->"),
    "<w:p></w:p/>",
    '<w:p></w:p w:x="1">',
])
def test_refuses_what_it_cannot_follow(body: str) -> None:
    assert not always_well_formed(doc(body), ENV)


def test_refuses_loops_around_the_root_and_text_outside_it() -> None:
    assert not always_well_formed("{% for r in rows %}" + DOC.format("") + "{% endfor %}", ENV)
    assert not always_well_formed(DOC.format("") + "{{ x \n}}", ENV)
    assert not always_well_formed(DOC.format("") + DOC.format(""), ENV)


def shipped_templates() -> list[Path]:
    found = sorted((ROOT / "templates").rglob("*.docx"))
    assert len(found) >= 16
    return found


@pytest.mark.parametrize("path", shipped_templates(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shipped_template_is_shown_well_formed(path: Path) -> None:
    template = WordTemplate.compile(path)
    assert template._parts and all(p.well_formed for p in template._parts)


def test_a_block_crossing_a_table_is_not_shown_and_still_caught(tmp_path: Path) -> None:
    template = WordTemplate.compile(ROOT / "tests" / "data" / "templates" / "cross_boundary.docx")
    assert not any(p.well_formed for p in template._parts)
    with pytest.raises(TemplateProblemsError) as info:
        template.render({"flag": False}, tmp_path / "out.docx")
    assert info.value.problems[0].code == "broken-xml"


def test_markup_a_value_brings_is_parsed_back_whatever_the_template(tmp_path: Path) -> None:
    """A well-formed fragment passes the ``__html__`` check but uses a prefix the document
    does not declare: the part is proven for the template, not for this value."""
    template = WordTemplate.compile(ROOT / "tests" / "data" / "templates" / "variables.docx")
    assert all(p.well_formed for p in template._parts)
    context = {"customer": Markup("<w:r><a:blip/></w:r>"), "staff": {"staff_id": 1, "name": 2},
               "nothing": None}
    with pytest.raises(TemplateProblemsError) as info:
        template.render(context, tmp_path / "out.docx")
    assert info.value.problems[0].code == "broken-xml"
    assert not (tmp_path / "out.docx").exists()
    context["customer"] = Markup('<w:r><w:t xml:space="preserve">甲</w:t></w:r>')
    out = template.render(context, tmp_path / "ok.docx")
    with zipfile.ZipFile(out) as zf:
        assert "甲" in "".join(etree.fromstring(zf.read("word/document.xml")).itertext())


# ------------------------------------------------------------------------------------------
# random templates: what the analysis accepts parses after every rendering


def random_body(rng: random.Random) -> str:
    """Paragraphs and a table with text, values and rich runs, then 1-3 blocks whose tags
    land in random places (inside or across elements)."""
    pieces: list[str] = []  # XML pieces; a block tag may go between any two
    for i in range(rng.randint(1, 4)):
        if rng.random() < 0.3:
            pieces += ["<w:tbl>", "<w:tr>", "<w:tc>", "<w:p>", "<w:r>", "<w:t>", f"c{i}",
                       "{{ v \n}}", "</w:t>", "</w:r>", "</w:p>", "</w:tc>", "</w:tr>", "</w:tbl>"]
        else:
            pieces += ["<w:p>", "<w:r>", '<w:t xml:space="preserve">', f"p{i}", "{{ v \n}}",
                       "</w:t>", "</w:r>"]
            if rng.random() < 0.2:
                pieces.append("{{ v \n}}")  # outside a run: a rich value breaks the XML
            if rng.random() < 0.4:
                pieces.append("{{ (v) | _ok_run \n}}")
            pieces.append("</w:p>")
    for _ in range(rng.randint(1, 3)):
        start = rng.randint(0, len(pieces))
        end = rng.randint(start, len(pieces))
        kind = rng.choice(["if", "if-else", "for", "for-else"])
        opener, closer = ("{% if flag %}", "{% endif %}") if kind.startswith("if") else \
            ("{% for r in rows %}", "{% endfor %}")
        middle = "{% else %}" if kind.endswith("else") else ""
        mid = rng.randint(start, end)
        pieces = [*pieces[:start], opener, *pieces[start:mid], middle, *pieces[mid:end],
                  closer, *pieces[end:]]
    return "".join(pieces)


def contexts() -> list[dict[str, Any]]:
    values = ["甲 & <乙>", "一\n二\t三", RichText("粗", bold=True).add("体"), 3.5, None]
    return [{"flag": flag, "rows": list(range(n)), "v": v}
            for flag, n, v in itertools.product((True, False), (0, 1, 2), values)]


def test_random_templates_it_accepts_parse_in_every_rendering() -> None:
    rng = random.Random(13)
    accepted = refused = 0
    for _ in range(400):
        source = doc(random_body(rng))
        if not always_well_formed(source, ENV):
            refused += 1
            continue
        accepted += 1
        template = ENV.from_string(source)
        for context in contexts():
            with session(1000, frozenset()):
                out = template.render(context)
            etree.fromstring(out.encode("utf-8"))  # raises if not well-formed
    assert accepted > 25 and refused > 25, (accepted, refused)  # both sides exercised
