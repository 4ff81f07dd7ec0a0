"""The Jinja side of the renderer: the sandbox, how values become WordprocessingML, pictures.

One :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` (a ``SandboxedEnvironment`` that also
refuses to mutate lists and dicts handed in as data) renders every part, with:

- autoescape on, so ``A&B <C>`` in the data is written as text, and data that looks like a tag
  (``{{ 7*7 }}``) stays text: data is never parsed as template;
- :class:`StrictUndefined`: a variable the context does not provide is an error naming it,
  never a silent blank (``{% if x is defined %}`` and ``x | default("")`` still work);
- a ``finalize`` hook that turns each printed value into XML: ``None`` prints as nothing (the
  record contract uses None for a missing optional value), newlines become ``<w:br/>``, tabs
  ``<w:tab/>``, ``\a`` / ``\f`` a new paragraph / page (split by the engine after
  rendering), characters XML 1.0 forbids are dropped, an :class:`Image` becomes an inline
  picture and a :class:`RichText` its own runs; an object with ``__html__`` (markupsafe
  ``Markup``, docxtpl's RichText) is taken as WordprocessingML only after a check: well-formed,
  text / runs / paragraphs as the tag allows, and no relationship id the part does not have.
  docxtpl's Python-API objects (Subdoc, InlineImage) are refused by name as not supported.

Pictures need per-document state (the media part, its relationship id, a unique ``docPr`` id):
that lives in a :class:`RenderSession` held in a context variable while one document renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from officekit.errors import TemplateError
from officekit.i18n import t
from officekit.render.session import (
    EMU_PER_MM,
    IMAGE_REL,
    LINK_REL,
    R_NS,
    AddedChart,
    AddedImage,
    AddedLink,
    Drawable,
    Image,
    RenderSession,
    active,
    current,
    session,
)
from officekit.render.wordvalues import (
    PAGE_MARK,
    PARAGRAPH_MARK,
    SPECIAL,
    UNDERLINES,
    RichText,
    RichTextParagraph,
    Run,
    WordXml,
    html_text,
    run_xml,
    text_xml,
)
from officekit.render.wordxml import DOCPR_CALL, PARAGRAPH_FILTER, RUN_FILTER

__all__ = ["EMU_PER_MM", "IMAGE_REL", "LINK_REL", "PAGE_MARK", "PARAGRAPH_MARK", "R_NS",
           "UNDERLINES", "AddedChart", "AddedImage", "AddedLink", "Drawable", "Image",
           "RenderSession", "RichText", "RichTextParagraph", "WordXml", "make_environment",
           "session", "text_xml"]

_OPEN_RUN = '</w:t></w:r>'
_REOPEN_RUN = '<w:r><w:t xml:space="preserve">'
# Objects of docxtpl's Python API: they only work inside docxtpl's own render.
# Objects of other libraries a template cannot take; the catalogue's
# ``error.template.unsupported.<name>`` says what each is
_UNSUPPORTED = frozenset({"Subdoc", "InlineImage", "DocxTemplate", "Document"})
_RUN_CONTENT = frozenset({"r", "hyperlink", "bookmarkStart", "bookmarkEnd", "proofErr",
                          "commentRangeStart", "commentRangeEnd", "ins", "del", "fldSimple",
                          "smartTag", "sdt"})
_BLOCK_CONTENT = frozenset({"p", "tbl", "sdt", "bookmarkStart", "bookmarkEnd"})
_FRAGMENT_NS = (f'xmlns:w="{"http://schemas.openxmlformats.org/wordprocessingml/2006/main"}" '
                f'xmlns:r="{R_NS}" '
                'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
                'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
                'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"')


def _not_supported(value: Any) -> TemplateError:
    name = type(value).__name__
    return TemplateError(key="error.template.unsupported", name=name,
                         what_zh=t(f"error.template.unsupported.{name}", "zh"),
                         what_en=t(f"error.template.unsupported.{name}", "en"))


def _html_kind(value: Any) -> tuple[str, str]:
    """Check an object's ``__html__`` as WordprocessingML: ("text"|"runs"|"blocks", xml).

    Its XML must be well-formed, may only refer to relationships the part has, and is text,
    runs or paragraphs; anything else is refused naming the object's type.
    """
    from lxml import etree

    if type(value).__name__ in _UNSUPPORTED:
        raise _not_supported(value)
    if active() is not None:
        current().foreign_markup = True  # the part is parsed back after rendering
    name = type(value).__name__
    try:
        xml = str(value.__html__())
    except Exception as exc:  # foreign objects fail in their own ways
        raise TemplateError(key="error.template.not-word-content", name=name,
                            detail=str(exc)) from exc
    if "<" not in xml:
        return "text", xml
    try:
        root = etree.fromstring(f"<ok {_FRAGMENT_NS}>{xml}</ok>".encode())
    except etree.XMLSyntaxError as exc:
        raise TemplateError(key="error.template.invalid-word-xml", name=name,
                            detail=str(exc)) from exc
    known = current().known_rel_ids() if active() is not None else frozenset()
    for el in root.iter():
        for attr, ref in el.attrib.items():
            if attr.startswith(f"{{{R_NS}}}") and ref not in known:
                raise TemplateError(key="error.template.foreign-relationship", name=name,
                                    ref=ref)
    tags = {etree.QName(el).localname for el in root}
    if not tags:
        return "text", xml
    if tags <= _RUN_CONTENT:
        return "runs", xml
    if tags <= _BLOCK_CONTENT:
        return "blocks", xml
    raise TemplateError(key="error.template.not-text", name=name)


# Numbers print as their str(), which holds no character _finalize has to look at: the
# commonest printed values skip the checks for pictures, charts and markup.
_PLAIN = frozenset({int, float, bool})


def _finalize(value: Any) -> Any:
    """Turn a value printed by ``{{ x }}`` (inside a ``<w:t>``) into safe XML text."""
    if value is None:
        return ""
    if type(value) in _PLAIN:
        return str(value)
    if isinstance(value, str):
        if isinstance(value, WordXml):
            return value
        if isinstance(value, Markup):
            return _inline_html(value)
        if SPECIAL.search(value) is None:
            return value  # Jinja escapes it
        return WordXml(text_xml(value))
    if isinstance(value, Image):
        return WordXml(f"{_OPEN_RUN}<w:r>{current().add_image(value)}</w:r>{_REOPEN_RUN}")
    if isinstance(value, RichText):
        return WordXml(f"{_OPEN_RUN}{value.runs_xml()}{_REOPEN_RUN}")
    if isinstance(value, Drawable):
        return WordXml(f"{_OPEN_RUN}<w:r>{value.word_drawing(current())}</w:r>{_REOPEN_RUN}")
    if isinstance(value, RichTextParagraph):
        raise TemplateError(key="error.template.paragraph-needs-p")
    if hasattr(value, "__html__"):
        return _inline_html(value)
    if type(value).__name__ in _UNSUPPORTED:
        raise _not_supported(value)
    return _finalize(str(value))


def _inline_html(value: Any) -> WordXml:
    kind, xml = _html_kind(value)
    if kind == "text":
        return WordXml(html_text(xml))
    if kind == "runs":
        return WordXml(f"{_OPEN_RUN}{xml}{_REOPEN_RUN}")
    raise TemplateError(key="error.template.blocks-need-p", name=type(value).__name__)


def _run_filter(value: Any) -> WordXml:
    """``{{r x }}``: the value replaces the tag's run (the run's other text is kept apart)."""
    if isinstance(value, RichText):
        return WordXml(value.runs_xml())
    if isinstance(value, Image):
        return WordXml(f"<w:r>{current().add_image(value)}</w:r>")
    if isinstance(value, Drawable):
        return WordXml(f"<w:r>{value.word_drawing(current())}</w:r>")
    if isinstance(value, RichTextParagraph):
        raise TemplateError(key="error.template.paragraph-needs-p/run")
    if hasattr(value, "__html__") and not isinstance(value, WordXml):
        kind, xml = _html_kind(value)
        if kind == "text":
            return WordXml(f'<w:r><w:t xml:space="preserve">{html_text(xml)}</w:t></w:r>')
        if kind == "runs":
            return WordXml(xml)
        raise TemplateError(key="error.template.blocks-need-p", name=type(value).__name__)
    if type(value).__name__ in _UNSUPPORTED:
        raise _not_supported(value)
    text = "" if value is None else str(value)
    return WordXml(run_xml(Run(text, "")))


def _paragraph_filter(value: Any) -> WordXml:
    """``{{p x }}``: the value replaces the whole paragraph."""
    if isinstance(value, RichTextParagraph):
        return WordXml(value.paragraphs_xml())
    if hasattr(value, "__html__") and not isinstance(value, (RichText, Image, WordXml,
                                                             Drawable)):
        kind, xml = _html_kind(value)
        if kind == "blocks":
            return WordXml(xml)
        if kind == "runs":
            return WordXml(f"<w:p>{xml}</w:p>")
    return WordXml(f"<w:p>{_run_filter(value)}</w:p>")


def _docpr_id() -> int:
    return current().new_id()


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, with ``row.name`` on a plain dict looked up as ``row["name"]`` at once.

    Jinja tries ``getattr(row, "name")`` first and takes the key when that raises: for a dict
    and a name that is none of dict's attributes the answer is the same, without an exception
    per lookup (a report prints a few hundred such values per document).
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def make_environment(filters: Mapping[str, Callable[..., Any]] | None = None,
                     ) -> ImmutableSandboxedEnvironment:
    """The sandboxed, XML-escaping, strict environment every template part compiles in.

    The office filters (:mod:`officekit.render.filters`) are registered; ``filters`` adds
    (or overrides) more by name.
    """
    from officekit.render.filters import FILTERS

    env = _Environment(
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        cache_size=0,
        extensions=["jinja2.ext.loopcontrols"],
    )
    env.filters.update(FILTERS)
    if filters:
        env.filters.update(filters)
    env.filters[RUN_FILTER] = _run_filter
    env.filters[PARAGRAPH_FILTER] = _paragraph_filter
    env.globals[DOCPR_CALL.removesuffix("()")] = _docpr_id
    return env


# Names the renderer itself puts into templates; never reported as missing from a context.
INTERNAL_NAMES = frozenset({DOCPR_CALL.removesuffix("()")})
