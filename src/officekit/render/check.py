"""Template checks in Word terms: syntax by paragraph / table cell, and variables a context lacks.

Jinja stops at the first syntax error and reports a line of generated XML, which means nothing
to the person who edits the template in Word. So the tags are checked here one by one (each
parsed alone, block tags with a matching end added) and the block structure with a stack, which
finds every error at once and names the paragraph or cell of each; Jinja's own full parse runs
last for whatever slips through. Variables: :func:`jinja2.meta.find_undeclared_variables` on the
compiled source gives the top-level names (names bound by ``for``, ``set``, macros are not
missing); with a sample context (a dict), attribute and key access is followed too —
``staff.email``, and through loops over context lists (``kpis[].target``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, meta, nodes

from officekit.errors import TemplateError
from officekit.render.wordxml import PartSource, Tag, TemplateProblem, WordLocation

__all__ = ["TemplateProblem", "WordLocation", "check_template", "compile_problem",
           "syntax_problems"]

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
    return TemplateProblem("template-syntax", f"标签语法错误：{message}",
                           f"syntax error in tag: {message}", tag.location, tag.raw)


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
                yield TemplateProblem(
                    "unexpected-end",
                    f"“{keyword}”前面没有对应的 {{% if %}}",
                    f"'{keyword}' has no matching {{% if %}} before it", tag.location, tag.raw)
        elif keyword.startswith("end") and keyword[3:] in _BLOCKS:
            opened = keyword[3:]
            if stack and stack[-1].keyword == opened:
                stack.pop()
            elif any(o.keyword == opened for o in stack):
                while stack[-1].keyword != opened:
                    yield _unclosed(stack.pop().tag)
                stack.pop()
            else:
                yield TemplateProblem(
                    "unexpected-end",
                    f"“{keyword}”前面没有对应的 {{% {opened} %}}",
                    f"'{keyword}' has no matching {{% {opened} %}} before it",
                    tag.location, tag.raw)
    for still_open in reversed(stack):
        yield _unclosed(still_open.tag)


def _unclosed(tag: Tag) -> TemplateProblem:
    end = _end_tag(tag)
    return TemplateProblem("unclosed-block", f"缺少结束标签 {end}",
                           f"block is never closed: add {end}", tag.location, tag.raw)


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
            yield TemplateProblem("unknown-filter", f"没有名为 {name} 的过滤器",
                                  f"there is no filter named {name}", tag.location, tag.raw,
                                  name)
        else:
            yield TemplateProblem("unknown-test", f"没有名为 {name} 的判断（is {name}）",
                                  f"there is no test named {name}", tag.location, tag.raw, name)


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
        return TemplateProblem("template-syntax", f"模板语法错误：{message}",
                               f"template syntax error: {message}", WordLocation(part.name))
    return _syntax(at, message)


# ---------------------------------------------------------------------------------------------
# variables


class _Unknown:
    """A value the checker cannot see (computed, bound by ``set``, a macro argument…)."""


UNKNOWN: Any = _Unknown()
_SKIP_TESTS = frozenset({"defined", "undefined", "none"})
_SKIP_FILTERS = frozenset({"default", "d"})


def _lookup(value: Any, key: Any) -> tuple[bool, Any]:
    if isinstance(value, Mapping):
        if key in value:
            return True, value[key]
        if isinstance(key, str) and hasattr(value, key):
            return True, UNKNOWN
        return False, None
    if isinstance(key, str) and hasattr(value, key):
        return True, getattr(value, key)
    if isinstance(key, int) and isinstance(value, (list, tuple)):
        return (True, value[key]) if -len(value) <= key < len(value) else (False, None)
    return False, None


def _names(target: nodes.Node) -> list[nodes.Name]:
    if isinstance(target, nodes.Name):
        return [target]
    return list(target.find_all(nodes.Name))


class _Walker:
    """Walks a part's AST with a scope: which context names are read where, unguarded, and
    (given a sample context) which attribute/key accesses the sample does not have."""

    def __init__(self, part: PartSource, context: Mapping[str, Any] | None) -> None:
        self.part = part
        self.context: Mapping[str, Any] = context if context is not None else {}
        self.follow = context is not None
        self.loads: dict[str, int] = {}  # context-level name → first line read unguarded
        self.found: dict[str, TemplateProblem] = {}

    def resolve(self, node: nodes.Node, scope: dict[str, tuple[Any, str]]) -> tuple[Any, str]:
        """(sample value or UNKNOWN, dotted path) of a Name/Getattr/Getitem chain."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            self.loads.setdefault(node.name, node.lineno)
            if node.name in self.context:
                return self.context[node.name], node.name
            return UNKNOWN, node.name
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            value, path = self.resolve(node.node, scope)
            if isinstance(node, nodes.Getattr):
                key: Any = node.attr
                sub = f"{path}.{key}"
            elif isinstance(node.arg, nodes.Const):
                key = node.arg.value
                sub = f"{path}[{key!r}]"
            else:
                return UNKNOWN, f"{path}[…]"
            if not self.follow or value is UNKNOWN or value is None:
                return UNKNOWN, sub
            ok, child = _lookup(value, key)
            if not ok:
                self._missing(node, sub)
                return UNKNOWN, sub
            return child, sub
        self.visit(node, scope)
        return UNKNOWN, ""

    def _missing(self, node: nodes.Node, path: str) -> None:
        if path in self.found:
            return
        tag = self.part.tag_at_line(node.lineno)
        self.found[path] = TemplateProblem(
            "missing-variable", f"上下文没有提供 {path}", f"the context does not provide {path}",
            tag.location if tag else WordLocation(self.part.name),
            tag.raw if tag else None, path)

    def visit(self, node: nodes.Node, scope: dict[str, tuple[Any, str]]) -> None:
        if isinstance(node, nodes.Test) and node.name in _SKIP_TESTS:
            return
        if isinstance(node, nodes.Filter) and node.name in _SKIP_FILTERS:
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                scope[node.name] = (UNKNOWN, node.name)
                return
            self.resolve(node, scope)
            if isinstance(node, nodes.Getitem):
                self.visit(node.arg, scope)
            return
        if isinstance(node, nodes.For):
            self._for(node, scope)
            return
        if isinstance(node, nodes.If):
            self.visit(node.test, scope)
            guarded = dict(scope)
            tests = [node.test, *node.test.find_all(nodes.Test)]
            for test in tests:
                if not isinstance(test, nodes.Test):
                    continue
                if test.name in _SKIP_TESTS and isinstance(test.node, nodes.Name):
                    guarded[test.node.name] = (UNKNOWN, test.node.name)
            for child in [*node.body, *node.elif_]:
                self.visit(child, guarded)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock, nodes.With)):
            scope = dict(scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def _for(self, node: nodes.For, scope: dict[str, tuple[Any, str]]) -> None:
        seq, path = self.resolve(node.iter, scope)
        inner = dict(scope)
        inner["loop"] = (UNKNOWN, "loop")
        first = seq[0] if isinstance(seq, (list, tuple)) and seq else UNKNOWN
        single = isinstance(node.target, nodes.Name)
        for target in _names(node.target):
            inner[target.name] = (first if single else UNKNOWN, f"{path}[]")
        for child in [*node.body, *([node.test] if node.test else [])]:
            self.visit(child, inner)
        for child in node.else_:
            self.visit(child, scope)


def variable_problems(part: PartSource, env: Environment,
                      context: set[str] | frozenset[str] | Mapping[str, Any],
                      ) -> list[TemplateProblem]:
    """Variables ``part`` uses that ``context`` (names, or a sample context) does not give.

    Top-level names are :func:`jinja2.meta.find_undeclared_variables` of the part, less the
    ones only read under ``is defined`` / ``| default`` (optional by design).
    """
    from officekit.render.jinjaenv import INTERNAL_NAMES

    ast = env.parse(part.source)
    provided = set(context) | set(env.globals) | INTERNAL_NAMES
    walker = _Walker(part, context if isinstance(context, Mapping) else None)
    walker.visit(ast, {})
    problems: list[TemplateProblem] = []
    for name in sorted(meta.find_undeclared_variables(ast) - provided):
        if name not in walker.loads:
            continue  # only read where guarded
        tag = part.tag_at_line(walker.loads[name])
        problems.append(TemplateProblem(
            "missing-variable", f"上下文没有提供变量 {name}",
            f"the context does not provide variable {name}",
            tag.location if tag else WordLocation(part.name), tag.raw if tag else None, name))
    problems.extend(walker.found.values())
    return problems


def check_template(path: str | Path,
                   context_keys: set[str] | Mapping[str, Any] | None = None,
                   filters: Mapping[str, Callable[..., Any]] | None = None,
                   ) -> list[TemplateProblem]:
    """Everything wrong with the template at ``path``, in Word terms, without raising.

    Syntax problems come first, by part in document order. With ``context_keys`` (the names
    a context provides, or a sample context dict) also every variable the template uses that
    the context does not provide; a dict lets attribute access be followed
    (``staff.email``). An unreadable file gives a single ``bad-template`` problem.
    """
    from officekit.render.engine import load_parts
    from officekit.render.jinjaenv import make_environment

    env = make_environment(filters)
    try:
        parts = load_parts(Path(path))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TemplateError) as exc:
        return [TemplateProblem("bad-template", f"无法作为 Word 模板读取：{exc}",
                                f"cannot be read as a Word template: {exc}",
                                WordLocation(Path(path).name))]
    problems: list[TemplateProblem] = []
    for part in parts:
        found = syntax_problems(part, env)
        problems.extend(found)
        if not found and context_keys is not None:
            problems.extend(variable_problems(part, env, context_keys))
    return problems
