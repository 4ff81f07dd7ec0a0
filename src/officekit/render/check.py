"""Template checks in Word terms: syntax (:mod:`officekit.render.syntax`) and variables a
context lacks.

Variables: :func:`jinja2.meta.find_undeclared_variables` on the compiled source gives the
top-level names (names bound by ``for``, ``set``, macros are not missing); with a sample context
(a dict), attribute and key access is followed too — ``staff.email``, and through loops over
context lists (``kpis[].target``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, meta, nodes

from officekit.errors import TemplateError
from officekit.render.engine import load_parts
from officekit.render.jinjaenv import INTERNAL_NAMES, make_environment
from officekit.render.syntax import compile_problem, syntax_problems
from officekit.render.wordlocation import problem
from officekit.render.wordxml import PartSource, TemplateProblem, WordLocation

__all__ = ["TemplateProblem", "WordLocation", "check_template", "compile_problem",
           "syntax_problems", "variable_problems"]

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
        self.found[path] = problem(
            "missing-variable", tag.location if tag else WordLocation(self.part.name),
            tag.raw if tag else None, path, entry="missing-path", path=path)

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
    ast = env.parse(part.source)
    provided = set(context) | set(env.globals) | INTERNAL_NAMES
    walker = _Walker(part, context if isinstance(context, Mapping) else None)
    walker.visit(ast, {})
    problems: list[TemplateProblem] = []
    for name in sorted(meta.find_undeclared_variables(ast) - provided):
        if name not in walker.loads:
            continue  # only read where guarded
        tag = part.tag_at_line(walker.loads[name])
        problems.append(problem(
            "missing-variable", tag.location if tag else WordLocation(part.name),
            tag.raw if tag else None, name, name=name))
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
    env = make_environment(filters)
    try:
        parts = load_parts(Path(path))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TemplateError) as exc:
        return [problem("bad-template", WordLocation(Path(path).name), detail=str(exc))]
    problems: list[TemplateProblem] = []
    for part in parts:
        found = syntax_problems(part, env)
        problems.extend(found)
        if not found and context_keys is not None:
            problems.extend(variable_problems(part, env, context_keys))
    return problems
