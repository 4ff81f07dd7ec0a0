"""Template syntax in Word terms: each tag by paragraph / table cell, block structure, names.

Jinja stops at the first syntax error and reports a line of generated XML, which means nothing
to the person who edits the template in Word. So the tags are checked here one by one (each
parsed alone, block tags with a matching end added) and the block structure with a stack, which
finds every error at once and names the paragraph or cell of each; Jinja's own full parse runs
last for whatever slips through. The engine runs these when it compiles a template;
:mod:`officekit.render.check` adds the variables a context lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

from officekit.render.wordlocation import problem
from officekit.render.wordxml import PartSource, Tag, TemplateProblem, WordLocation

__all__ = ["compile_problem", "parsed_if_clean", "syntax_problems"]

_BLOCKS = {"for": "endfor", "if": "endif", "macro": "endmacro", "call": "endcall",
           "filter": "endfilter", "with": "endwith", "autoescape": "endautoescape",
           "block": "endblock", "set": "endset", "raw": "endraw"}
_MIDDLE = {"elif": ("if",), "else": ("if", "for")}
_BLOCK_SET = re.compile(r"^set\s+[\w\s,.]+$")


@dataclass(slots=True)
class _Open:
    keyword: str
    tag: Tag


def _end_tag(opening: Tag) -> str:
    end = _BLOCKS[opening.keyword]
    return f"{{%{opening.level} {end} %}}" if opening.level else f"{{% {end} %}}"


def _syntax(tag: Tag, message: str) -> TemplateProblem:
    return problem("template-syntax", tag.location, tag.raw, entry="tag-syntax", detail=message)


def _opens_block(tag: Tag) -> bool:
    if tag.keyword == "set":
        return bool(_BLOCK_SET.match(tag.body))
    return tag.keyword in _BLOCKS


def _tag_alone(tag: Tag) -> str | None:
    """Jinja text that parses ``tag`` on its own (block tags get their end); None: skip."""
    if tag.kind == "expr":
        return "{{ " + tag.body + " }}"
    keyword = tag.keyword
    if keyword in _MIDDLE or keyword.startswith("end") or keyword == "raw":
        return None  # checked by the block structure
    if _opens_block(tag):
        return "{% " + tag.body + " %}{% " + _BLOCKS[keyword] + " %}"
    return "{% " + tag.body + " %}"


def _block_problems(part: PartSource) -> Iterator[TemplateProblem]:
    stack: list[_Open] = []
    for tag in part.emitted:
        keyword = tag.keyword
        if tag.kind != "stmt" or not keyword:
            continue
        if _opens_block(tag):
            stack.append(_Open(keyword, tag))
        elif keyword in _MIDDLE:
            if not stack or stack[-1].keyword not in _MIDDLE[keyword]:
                yield problem("unexpected-end", tag.location, tag.raw, entry="no-matching-if",
                              keyword=keyword)
        elif keyword.startswith("end") and keyword[3:] in _BLOCKS:
            opened = keyword[3:]
            if stack and stack[-1].keyword == opened:
                stack.pop()
            elif any(o.keyword == opened for o in stack):
                while stack[-1].keyword != opened:
                    yield _unclosed(stack.pop().tag)
                stack.pop()
            else:
                yield problem("unexpected-end", tag.location, tag.raw, entry="no-matching-open",
                              keyword=keyword, opened=opened)
    for still_open in reversed(stack):
        yield _unclosed(still_open.tag)


def _unclosed(tag: Tag) -> TemplateProblem:
    end = _end_tag(tag)
    return problem("unclosed-block", tag.location, tag.raw, end=end)


def _unknown_names(tag: Tag, ast: nodes.Template, env: Environment) -> Iterator[TemplateProblem]:
    """Filters and tests the environment does not have (Jinja only finds them when compiling)."""
    seen: set[tuple[str, str]] = set()
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        name = node.name
        is_filter = isinstance(node, nodes.Filter)
        known = env.filters if is_filter else env.tests
        if name in known or (("f" if is_filter else "t"), name) in seen:
            continue
        seen.add((("f" if is_filter else "t"), name))
        if is_filter:
            yield problem("unknown-filter", tag.location, tag.raw, name, name=name)
        else:
            yield problem("unknown-test", tag.location, tag.raw, name, name=name)


def parsed_if_clean(part: PartSource, env: Environment) -> nodes.Template | None:
    """The part's source parsed, when it has no problem at all: the common case, found with
    one parse instead of one per tag. None: :func:`syntax_problems` finds and locates them.

    Jinja's parser checks every tag and the block structure; the filters and tests it only
    looks up when compiling are looked up here.
    """
    if part.problems:
        return None
    try:
        ast = env.parse(part.source)
    except TemplateSyntaxError:
        return None
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        if node.name not in (env.filters if isinstance(node, nodes.Filter) else env.tests):
            return None
    return ast


def syntax_problems(part: PartSource, env: Environment) -> list[TemplateProblem]:
    """Every syntax problem of one part, located in Word terms; empty when it compiles.

    Unknown tags are syntax errors; unknown filters and tests (which Jinja reports only when
    compiling) are found here too, each at its tag.
    """
    problems = list(part.problems)
    for tag in part.emitted:
        text = _tag_alone(tag)
        if text is None:
            continue
        try:
            ast = env.parse(text)
        except TemplateSyntaxError as exc:
            problems.append(_syntax(tag, exc.message or str(exc)))
            continue
        problems.extend(_unknown_names(tag, ast, env))
    problems.extend(_block_problems(part))
    if problems:
        return sorted(problems, key=lambda p: p.location.order if p.location else 0)
    try:
        env.parse(part.source)
    except TemplateSyntaxError as exc:
        return [compile_problem(part, exc)]
    return []


def compile_problem(part: PartSource, exc: TemplateSyntaxError) -> TemplateProblem:
    """A Jinja syntax or compile error of the part's source, at the tag its line points to."""
    at = part.tag_at_line(exc.lineno)
    message = exc.message or str(exc)
    if at is None:
        return problem("template-syntax", WordLocation(part.name), detail=message)
    return _syntax(at, message)
