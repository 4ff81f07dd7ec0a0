"""Which template parts give well-formed XML whatever the context: found once, when compiled.

The engine parses every rendered part back (``WordTemplate.verify``) so that a block crossing a
paragraph or table boundary fails with its reason instead of giving Word a file it calls
corrupt. For most parts that parse can be decided once, from the part's Jinja source, instead
of once per document: :func:`always_well_formed` is True only when every rendering is
well-formed, by these rules (anything it cannot follow makes it False, and the part is parsed
after every rendering as before):

- the template text between the tags is XML whose elements nest (names and namespace prefixes
  in scope checked, entities only the predefined ones), with one root;
- every ``{% if %}`` / ``{% for %}`` / ``{% with %}`` block lies inside the root, and each of
  its branches closes exactly what it opens (it leaves the open elements as it found them), so
  a branch taken or not, a loop run 0, 1 or n times, keeps the nesting; ``break``,
  ``continue``, macros, ``call``, ``filter`` and ``set`` blocks, ``autoescape``, includes and
  any other statement make it False;
- a ``{{ x }}`` stands in the text of a ``<w:t>`` in a ``<w:r>`` (what the renderer prints
  there — escaped text, line breaks, pictures, charts, rich-text runs — closes and reopens
  that text and run, nothing else), or is a ``{{r x }}`` / ``{{p x }}`` tag (its whole runs or
  paragraphs), or is the renderer's own drawing-id call (a number, also inside an attribute).

What a value brings as markup of its own (an object with ``__html__``, docxtpl's RichText) is
not covered: the render session notes it (``RenderSession.foreign_markup``) and that part is
parsed back as before. Paragraph / page marks and ``{%tc %}`` cell loops are parsed anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError

from officekit.render.ooxml import W_NS
from officekit.render.wordtags import DOCPR_CALL, PARAGRAPH_FILTER, RUN_FILTER

__all__ = ["always_well_formed"]

_EXPR = "\ue000"  # stand-ins for the tags in the text scanned (not in Word's XML)
_STMT = "\ue001"
_XML_SCOPE = {"xml": "http://www.w3.org/XML/1998/namespace"}
_NAME = r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?"
_ATTRS = re.compile(rf"\s+({_NAME})\s*=\s*(\"[^\"<]*\"|'[^'<]*')")
_MARKUP = re.compile(
    rf"<(?P<close>/)?(?P<name>{_NAME})(?P<attrs>(?:\s+{_NAME}\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)"
    r"\s*(?P<empty>/)?>"
    r"|<\?xml\s[^<>?]*\?>"  # the declaration (only at the very start)
    r"|<")  # anything else that starts with "<": not followed
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
_BLOCKS = {"if": "endif", "for": "endfor", "with": "endwith"}
_MIDDLE = {"elif": ("if",), "else": ("if", "for")}
_TAG = re.compile(f"[{_EXPR}{_STMT}]")
_DOCPR = tuple(DOCPR_CALL.replace("(", " ( ").replace(")", " ) ").split())
_WHOLE_FILTERS = frozenset({RUN_FILTER, PARAGRAPH_FILTER})


class _NotFollowed(Exception):
    """The source does something the rules above do not cover."""


def _tags(source: str, env: Environment) -> Iterator[tuple[str, list[str]]]:
    """("data", [text]) | ("expr", tokens) | ("stmt", tokens) in source order."""
    kind, tokens = "", list[str]()
    for _, token, value in env.lex(source):
        if token == "data":
            yield "data", [value]
        elif token in ("variable_begin", "block_begin"):
            kind, tokens = ("expr" if token == "variable_begin" else "stmt"), []
        elif token in ("variable_end", "block_end"):
            yield kind, tokens
        elif token == "whitespace" or token.startswith(("comment", "raw_")):
            continue
        elif kind:
            tokens.append(value)
        else:  # line statements and the like: not in officekit's environment
            raise _NotFollowed


def always_well_formed(source: str, env: Environment) -> bool:
    """True when every rendering of the Jinja ``source`` of a Word part is well-formed XML
    (see the module's rules); False when that cannot be shown from the source alone."""
    if _EXPR in source or _STMT in source:
        return False
    text: list[str] = []
    found: list[tuple[str, list[str]]] = []
    try:
        for kind, tokens in _tags(source, env):
            if kind == "data":
                text.append(tokens[0])
            else:
                text.append(_EXPR if kind == "expr" else _STMT)
                found.append((kind, tokens))
        return _Scan(found).run("".join(text))
    except (_NotFollowed, TemplateSyntaxError):
        return False


class _Scan:
    """The nesting of elements (with the namespace prefixes each brings into scope) while the
    text is read, and at each open block the nesting it began with."""

    def __init__(self, tags: list[tuple[str, list[str]]]) -> None:
        self.tags = iter(tags)
        # each open element with the namespace prefixes in scope inside it
        self.open: list[tuple[str, dict[str, str]]] = []
        self.blocks: list[_Block] = []
        self.roots = 0

    def run(self, text: str) -> bool:
        at = 0
        declaration = True
        for match in _MARKUP.finditer(text):
            if match.start() > at:
                self.text(text[at:match.start()])
            at = match.end()
            name = match.group("name")
            if name is None:
                if not (declaration and match.start() == 0 and match.group().startswith("<?")):
                    raise _NotFollowed
                continue
            declaration = False
            if match.group("close"):
                if match.group("attrs") or match.group("empty"):
                    raise _NotFollowed  # </a b="c"> or </a/>
                self.close(name)
            else:
                self.element(name, match.group("attrs"), bool(match.group("empty")))
        self.text(text[at:])
        return not self.open and not self.blocks and self.roots == 1

    def scope(self, prefix: str) -> str | None:
        return (self.open[-1][1] if self.open else _XML_SCOPE).get(prefix)

    def element(self, name: str, attrs: str, empty: bool) -> None:
        if not self.open:
            self.roots += 1
            if self.roots > 1:
                raise _NotFollowed
        scope = self.open[-1][1] if self.open else _XML_SCOPE
        if attrs:
            if _STMT in attrs or _ENTITY.search(attrs):
                raise _NotFollowed
            pairs = _ATTRS.findall(attrs)
            if len(pairs) > 1 and len({attr for attr, _ in pairs}) != len(pairs):
                raise _NotFollowed  # an attribute twice
            if "xmlns" in attrs:
                declared = {attr[6:]: quoted[1:-1] for attr, quoted in pairs
                            if attr.startswith("xmlns:")}
                scope = {**scope, **declared} if declared else scope
            for attr, _ in pairs:
                if ":" in attr and not attr.startswith("xmlns:") \
                        and attr.partition(":")[0] not in scope:
                    raise _NotFollowed  # a prefix not in scope
            for _ in range(attrs.count(_EXPR)):
                self.expression(in_markup=True)
        if ":" in name and name.partition(":")[0] not in scope:
            raise _NotFollowed
        if not empty:
            self.open.append((name, scope))

    def close(self, name: str) -> None:
        if not self.open or self.open[-1][0] != name:
            raise _NotFollowed
        self.open.pop()

    def text(self, chunk: str) -> None:
        tagged = _EXPR in chunk or _STMT in chunk
        plain = _TAG.sub("", chunk) if tagged else chunk
        # lxml writes ">" in text as "&gt;" ("]]>" may not stand in text)
        if ">" in plain or _ENTITY.search(plain) or (not self.open and plain.strip()):
            raise _NotFollowed  # … or text outside the root
        for tag in _TAG.finditer(chunk) if tagged else ():
            if tag.group() == _EXPR:
                self.expression(in_markup=False)
            else:
                self.statement()

    def nesting(self) -> list[tuple[str, dict[str, str]]]:
        """The open elements with the prefixes in scope in each (a branch that closes an
        element and opens one of the same name must leave the same namespaces in scope)."""
        return list(self.open)

    def expression(self, *, in_markup: bool) -> None:
        kind, tokens = next(self.tags)
        assert kind == "expr"
        if tuple(tokens) == _DOCPR:
            return  # a number
        if in_markup or not self.open or _WHOLE_FILTERS & set(tokens[:-1]):
            raise _NotFollowed
        if tokens[-1] in _WHOLE_FILTERS and _whole(tokens):
            if self.scope("w") != W_NS:
                raise _NotFollowed
            return
        if _WHOLE_FILTERS & set(tokens):
            raise _NotFollowed
        names = [name for name, _ in self.open[-2:]]
        if names != ["w:r", "w:t"] or self.scope("w") != W_NS:
            raise _NotFollowed

    def statement(self) -> None:
        kind, tokens = next(self.tags)
        assert kind == "stmt"
        keyword = tokens[0] if tokens else ""
        if keyword == "set" and "=" in tokens:
            return  # {% set x = … %}: prints nothing
        if keyword in _BLOCKS:
            if not self.open:
                raise _NotFollowed
            self.blocks.append(_Block(keyword, self.nesting()))
            return
        if not self.blocks or keyword not in (*_MIDDLE, *_BLOCKS.values()):
            raise _NotFollowed
        block = self.blocks[-1]
        if block.nesting != self.nesting():
            raise _NotFollowed  # the branch that ends here did not close what it opened
        if keyword in _MIDDLE:
            if block.opener not in _MIDDLE[keyword] or block.ended:
                raise _NotFollowed  # (after {% else %}: only the end)
            block.ended = keyword == "else"
        elif _BLOCKS[block.opener] != keyword:
            raise _NotFollowed
        else:
            self.blocks.pop()


@dataclass(slots=True)
class _Block:
    opener: str
    nesting: list[tuple[str, dict[str, str]]]
    ended: bool = False  # {% else %} seen


def _whole(tokens: list[str]) -> bool:
    """``( … ) | filter``: the filter takes the whole expression (its parentheses match)."""
    if len(tokens) < 4 or tokens[0] != "(" or tokens[-3] != ")" or tokens[-2] != "|":
        return False
    depth = 0
    for i, token in enumerate(tokens[:-2]):
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth == 0 and i != len(tokens) - 3:
            return False
    return depth == 0
