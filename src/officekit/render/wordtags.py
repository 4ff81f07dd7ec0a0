"""A Jinja tag as found in a Word part and as given to Jinja, and a part's Jinja source.

docxtpl's level prefixes (``{%tr for … %}``, ``{{r x }}``…) are read here; every emitted tag
ends with one newline inside its delimiters so Jinja's line number of an error points at one
tag (:meth:`PartSource.tag_at_line`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Literal

from officekit.render.wordlocation import TemplateProblem, WordLocation

Level = Literal["tr", "tc", "p", "r"]
TagKind = Literal["expr", "stmt", "comment"]

# Structural levels, widest first: a row replaced by {%tr %} takes its cells' tags with it.
LEVELS: tuple[Level, ...] = ("tr", "tc", "p", "r")
CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_KIND: dict[str, TagKind] = {"{{": "expr", "{%": "stmt", "{#": "comment"}
OPENER = re.compile(r"\{[{%#]")
# docxtpl's level prefix: {%tr for … %}, {%p if … %}, {#p … #}; {{r x }} / {{p x }} take no space
# after the braces, so that {{ p }} stays a variable named p.
_STMT_LEVEL = re.compile(r"^\s*(tr|tc|p|r)\s+(.*)$", re.DOTALL)
_EXPR_LEVEL = re.compile(r"^(p|r)\s+(.*)$", re.DOTALL)
# Word's AutoCorrect turns straight quotes into curly ones inside tags as well.
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "\n": " "})
CELL_TAGS = frozenset({"vm", "hm", "colspan", "cellbg"})
# docxtpl's way to print a tag literally: {_{ x }_} shows as {{ x }}.
LITERALS = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
DOCPR_CALL = "_ok_docpr_id()"
RUN_FILTER = "_ok_run"
PARAGRAPH_FILTER = "_ok_paragraph"


@dataclass(slots=True)
class Tag:
    """One Jinja tag found in the template, as written and as emitted to Jinja."""

    index: int
    raw: str
    kind: TagKind
    level: Level | None
    body: str
    location: WordLocation
    source: str = ""

    @property
    def keyword(self) -> str:
        """First word of a statement (``for``, ``endif``…), empty for expressions."""
        if self.kind != "stmt":
            return ""
        words = self.body.split(None, 1)
        return words[0] if words else ""


@dataclass(slots=True)
class PartSource:
    """A template part turned into Jinja source, with the map from lines back to tags."""

    name: str
    source: str
    tags: list[Tag]
    emitted: list[Tag] = field(default_factory=list)  # in source order
    lines: list[int] = field(default_factory=list)  # first line of each emitted tag
    problems: list[TemplateProblem] = field(default_factory=list)
    has_cell_loops: bool = False

    def tag_at_line(self, lineno: int | None) -> Tag | None:
        """The tag that Jinja's 1-based line number ``lineno`` falls in."""
        if lineno is None or not self.lines:
            return None
        pos = bisect.bisect_right(self.lines, lineno) - 1
        return self.emitted[max(pos, 0)]


def emit(tag: Tag) -> str:
    """Jinja text of one tag: normalised body, one newline before the closing delimiter."""
    if tag.kind == "comment":
        return ""
    if tag.kind == "expr":
        if tag.level == "r":
            return f"{{{{ ({tag.body}) | {RUN_FILTER} \n}}}}"
        if tag.level == "p":
            return f"{{{{ ({tag.body}) | {PARAGRAPH_FILTER} \n}}}}"
        return f"{{{{{_dash_open(tag)} {tag.body} \n{_dash_close(tag)}}}}}"
    if tag.level is not None:
        return f"{{% {tag.body} \n%}}"
    return f"{{%{_dash_open(tag)} {tag.body} \n{_dash_close(tag)}%}}"


def _dash_open(tag: Tag) -> str:
    return "-" if tag.raw[2:3] == "-" else ""


def _dash_close(tag: Tag) -> str:
    return "-" if tag.raw[-3:-2] == "-" else ""


def parse_tag(index: int, raw: str, location: WordLocation) -> Tag:
    opener = raw[:2]
    kind = _KIND[opener]
    inner = raw[2:-2].translate(_QUOTES)
    level: Level | None = None
    if kind == "expr":
        match = _EXPR_LEVEL.match(inner)
        if match:
            level = match.group(1)  # type: ignore[assignment]
            inner = match.group(2)
    else:
        match = _STMT_LEVEL.match(inner.lstrip("-"))
        if match:
            level = match.group(1)  # type: ignore[assignment]
            inner = match.group(2)
    body = inner.strip().strip("-").strip() if kind != "comment" else inner
    tag = Tag(index, raw, kind, level, body, location)
    tag.source = emit(tag)
    return tag
