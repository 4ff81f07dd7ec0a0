"""render/jinjaenv.py: the sandboxed, escaping, strict environment and the rich-text values."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from officekit.render.jinjaenv import make_environment


def test_values_are_escaped_for_xml() -> None:
    assert make_environment().from_string("{{ x }}").render(x="<a&b>") == "&lt;a&amp;b&gt;"


def test_a_missing_variable_is_an_error_not_an_empty_cell() -> None:
    with pytest.raises(UndefinedError):
        make_environment().from_string("{{ y }}").render()


def test_templates_cannot_reach_python_internals() -> None:
    with pytest.raises(SecurityError):
        make_environment().from_string("{{ x.__class__.__mro__ }}").render(x=1)


def test_office_filters_are_there_and_more_can_be_added() -> None:
    env = make_environment({"shout": str.upper})
    assert {"cn_date", "percent", "mask", "rmb_upper"} <= set(env.filters)
    assert env.from_string("{{ 'ok' | shout }}").render() == "OK"
