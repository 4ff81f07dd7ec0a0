"""docxtpl's own test templates rendered by docxtpl and by officekit give the same text.

The templates are python-docx-template's tests/templates (tests/data/docxtpl/, see the README
there); each case below is the context of the matching script in its tests/ folder, written
once against a small "library" interface so docxtpl gets its own objects (RichText,
InlineImage, Listing) and officekit its equivalents. Text is compared paragraph by paragraph
over the body, headers, footers and footnotes (tabs, line and page breaks included), plus the
document properties.

officekit differs from docxtpl on purpose in two places, both visible here: a variable the
context does not give is an error (docxtpl prints nothing), and docxtpl's Python-API objects
(Subdoc, replace_pic / replace_media / replace_embedded) are refused with a clean "not
supported" naming the object.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from officekit.errors import TemplateError
from officekit.render.engine import (
    Image,
    RichText,
    RichTextParagraph,
    TemplateProblemsError,
    WordTemplate,
)

docxtpl = pytest.importorskip("docxtpl")
jinja2 = pytest.importorskip("jinja2")

DATA = Path(__file__).parent / "data" / "docxtpl"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DC = {"dc": "http://purl.org/dc/elements/1.1/",
      "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}


# ---------------------------------------------------------------------------------------------
# reading text back


def _paragraph_text(p: Any) -> str:
    out: list[str] = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "p"):
        if any(a.tag == MC_FALLBACK for a in el.iterancestors()):
            continue
        if el.tag == W + "p":
            continue
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag == W + "tab":
            if el.getparent() is not None and el.getparent().tag == W + "r":
                out.append("\t")
        elif el.tag == W + "br":
            out.append("\f" if el.get(W + "type") == "page" else "\n")
        else:
            out.append("\n")
    return "".join(out)


def document_text(data: bytes) -> dict[str, list[str]]:
    """Paragraph texts per templated part, and the core document properties."""
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(_bytes_io(data)) as zf:
        names = sorted(n for n in zf.namelist()
                       if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", n))
        for name in names:
            root = etree.fromstring(zf.read(name))
            paras = [p for p in root.iter(W + "p")
                     if not any(a.tag in (W + "p", MC_FALLBACK) for a in p.iterancestors())]
            out[name] = [_paragraph_text(p) for p in paras]
        if "docProps/core.xml" in zf.namelist():
            core = etree.fromstring(zf.read("docProps/core.xml"))
            props = []
            for tag in ("dc:title", "dc:subject", "dc:creator", "dc:description",
                        "dc:identifier", "dc:language"):
                found = core.find(tag, DC)
                props.append(f"{tag}={(found.text or '') if found is not None else ''}")
            out["docProps/core.xml"] = props
    return out


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


# ---------------------------------------------------------------------------------------------
# the two libraries behind one interface


@dataclass
class Lib:
    """What a context needs from a library: rich text, pictures, listings, link ids."""

    name: str
    rich: Callable[..., Any]
    image: Callable[..., Any]
    listing: Callable[[str], Any]
    url: Callable[[str], dict[str, Any]]
    paragraph: Callable[[], Any]


def docxtpl_lib(tpl: Any) -> Lib:
    from docx.shared import Mm

    def image(path: str, width: float | None = None, height: float | None = None) -> Any:
        return docxtpl.InlineImage(tpl, str(DATA / path), width=Mm(width) if width else None,
                                   height=Mm(height) if height else None)

    return Lib("docxtpl", docxtpl.RichText, image, docxtpl.Listing,
               lambda url: {"url_id": tpl.build_url_id(url)}, docxtpl.RichTextParagraph)


OFFICEKIT = Lib(
    "officekit", RichText,
    lambda path, width=None, height=None: Image(DATA / path, width_mm=width, height_mm=height),
    lambda text: text,
    lambda url: {"url": url},
    RichTextParagraph,
)


def _richtext(lib: Lib) -> dict[str, Any]:
    rt = lib.rich()
    rt.add("a rich text", style="myrichtextstyle")
    rt.add(" with ")
    rt.add("some italic", italic=True)
    rt.add(" and ")
    rt.add("some violet", color="#ff00ff")
    rt.add(" and ")
    rt.add("some striked", strike=True)
    rt.add(" and ")
    rt.add("some Highlighted", highlight="#ffff00")
    rt.add(" and ")
    rt.add("some small", size=14)
    rt.add(" or ")
    rt.add("big", size=60)
    rt.add(" text.")
    rt.add("\nYou can add an hyperlink, here to ")
    rt.add("google", **lib.url("http://google.com"))
    rt.add("\nEt voilà ! ")
    rt.add("\n1st line")
    rt.add("\n2nd line")
    rt.add("\n3rd line")
    rt.add("\aA new paragraph : <cool>\a")
    rt.add("--- A page break here (see next page) ---\f")
    for ul in ["single", "double", "thick", "dotted", "dash", "dotDash", "dotDotDash", "wave"]:
        rt.add("\nUnderline : " + ul + " \n", underline=ul)
    rt.add("\nFonts :\n", underline=True)
    rt.add("Arial\n", font="Arial")
    rt.add("Courier New\n", font="Courier New")
    rt.add("Times New Roman\n", font="Times New Roman")
    rt.add("\n\nHere some")
    rt.add("superscript", superscript=True)
    rt.add(" and some")
    rt.add("subscript", subscript=True)
    embedded = lib.rich("an example of ")
    embedded.add(rt)
    return {"example": embedded}


def _richtext_paragraph(lib: Lib) -> dict[str, Any]:
    rtp = lib.paragraph()
    rt = lib.rich()
    rtp.add("The rich text paragraph function allows paragraph styles to be added to text",
            parastyle="myrichparastyle")
    rtp.add("Any built in paragraph style can be used", parastyle="IntenseQuote")
    rtp.add("or you can add your own, unlocking all style options", parastyle="createdStyle")
    rtp.add("To use, just create a style in your template word doc with the formatting you "
            "want and call it in the code.", parastyle="normal")
    rtp.add("This allows for the use of")
    rtp.add("custom bullet\apoints", parastyle="SquareBullet")
    rtp.add("Numbered Bullet Points", parastyle="BasicNumbered")
    rtp.add("and Alpha Bullet Points.", parastyle="alphaBracketNumbering")
    rtp.add("You can", parastyle="normal")
    rtp.add("set the", parastyle="centerAlign")
    rtp.add("text alignment", parastyle="rightAlign")
    rtp.add("as well as the spacing between lines of text. Like this for example, this text "
            "has very tight spacing between the lines.\aIt also has no space between "
            "paragraphs of the same style.", parastyle="TightLineSpacing")
    rtp.add("Unlike this one, which has extra large spacing between lines for when you want "
            "to space things out a bit or just write a little less.",
            parastyle="WideLineSpacing")
    rtp.add("You can also set the background colour of a line.", parastyle="LineShadingGreen")
    rt.add("This works with ")
    rt.add("Rich ", bold=True)
    rt.add("Text ", italic=True)
    rt.add("Strings", underline="single")
    rt.add(" too.")
    rtp.add(rt, parastyle="SquareBullet")
    return {"example": rtp}


_HTML = ("HTTP/1.1 200 OK\nServer: Apache-Coyote/1.1\nCache-Control: no-store\n"
         "Expires: Thu, 01 Jan 1970 00:00:00 GMT\nPragma: no-cache\n"
         "Content-Type: text/html;charset=UTF-8\nContent-Language: zh-CN\n"
         "Date: Thu, 22 Oct 2020 10:59:40 GMT\nContent-Length: 9866\n\n<html>\n<head>\n"
         "    <title>Struts Problem Report</title>\n    <style>\n    \tpre {\n"
         "\t    \tmargin: 0;\n\t        padding: 0;\n\t    }    \n    </style>\n</head>\n"
         "<body>\n...\n</body>\n</html>")


def _escape(lib: Lib) -> dict[str, Any]:
    return {
        "myvar": lib.rich('"less than" must be escaped : <, this can be done with RichText() '
                          "or R()"),
        "myescvar": 'It can be escaped with a "|e" jinja filter in the template too : < ',
        "nlnp": lib.rich("Here is a multiple\nlines\nstring\aand some\aother\aparagraphs",
                         color="#ff00ff"),
        "mylisting": lib.listing("the listing\nwith\nsome\nlines\nand special chars : <>& ..."),
        "page_break": lib.rich("\f"),
        "new_listing": "\nThis is a new listing\nNow, does not require Listing() Object\n"
                       "Here is a \t tab\a\nHere is a new paragraph\a\n"
                       "Here is a page break : \f\nThat's it\n",
        "some_html": _HTML,
    }


def _alerts(lib: Lib) -> dict[str, Any]:
    return {"alerts": [
        {"date": "2015-03-10", "desc": lib.rich("Very critical alert", color="FF0000",
                                                bold=True), "type": "CRITICAL", "bg": "FF0000"},
        {"date": "2015-03-11", "desc": lib.rich("Just a warning"), "type": "WARNING",
         "bg": "FFDD00"},
        {"date": "2015-03-12", "desc": lib.rich("Information"), "type": "INFO", "bg": "8888FF"},
        {"date": "2015-03-13", "desc": lib.rich("Debug trace"), "type": "DEBUG", "bg": "FF00FF"},
    ]}


def _inline_image(lib: Lib) -> dict[str, Any]:
    return {
        "myimage": lib.image("python_logo.png", width=20),
        "myimageratio": lib.image("python_jpeg.jpg", width=30, height=60),
        "frameworks": [
            {"image": lib.image("django.png", height=10),
             "desc": "The web framework for perfectionists with deadlines"},
            {"image": lib.image("zope.png", height=10),
             "desc": "Zope is a leading Open Source Application Server and Content "
                     "Management Framework"},
            {"image": lib.image("pyramid.png", height=10),
             "desc": "Pyramid is a lightweight Python web framework aimed at taking small "
                     "web apps into big web apps."},
            {"image": lib.image("bottle.png", height=10),
             "desc": "Bottle is a fast, simple and lightweight WSGI micro web-framework for "
                     "Python"},
            {"image": lib.image("tornado.png", height=10),
             "desc": "Tornado is a Python web framework and asynchronous networking library."},
        ],
    }


_ITEMS = [{"desc": "Python interpreters", "qty": 2, "price": "FREE"},
          {"desc": "Django projects", "qty": 5403, "price": "FREE"},
          {"desc": "Guido", "qty": 1, "price": "100,000,000.00"}]


def _my_filter_a(value: str, arg: str) -> str:
    return value + " " + arg


def _my_filter_b(value: float, arg: float) -> float:
    return value + arg


FILTERS = {"my_filterA": _my_filter_a, "my_filterB": _my_filter_b}

# template → the context of docxtpl's script of the same name
CASES: dict[str, Callable[[Lib], dict[str, Any]]] = {
    "cellbg_tpl": _alerts,
    "comments_tpl": lambda lib: {},
    # its footer prints {{ doc_no }}, which the script leaves out (docxtpl prints nothing;
    # officekit calls an undefined variable an error), so the context gives it empty
    "custom_jinja_filters_tpl": lambda lib: {"base_value_string": " Hello",
                                             "base_value_float": 1.5, "doc_no": ""},
    "doc_properties_tpl": lambda lib: {"test": "HelloWorld"},
    "dynamic_table_tpl": lambda lib: {
        "col_labels": ["fruit", "vegetable", "stone", "thing"],
        "tbl_contents": [
            {"label": "yellow", "cols": ["banana", "capsicum", "pyrite", "taxi"]},
            {"label": "red", "cols": ["apple", "tomato", "cinnabar", "doubledecker"]},
            {"label": "green", "cols": ["guava", "cucumber", "aventurine", "card"]}]},
    "embedded_embedded_docx_tpl": lambda lib: {"name": "John Doe"},
    "embedded_main_tpl": lambda lib: {"name": "John Doe"},
    "escape_tpl": _escape,
    "escape_tpl_auto": lambda lib: {
        "nested_dict": {"LESS-THAN SIGN": "<", "QUOTATION MARK": '"', "AMPERSAND": "&",
                        "APOSTROPHE": "'", "GREATER-THAN SIGN": ">"},
        "autoescape": 'Escaped "str & ing"!',
        "autoescape_unicode": "This is an escaped <unicode> example \u4f60 & \u6211",
        "iteritems": lambda x: x.items()},
    "footnotes_tpl": lambda lib: {"a_jinja_variable": "A Jinja variable!"},
    "get_undeclared_variables": lambda lib: {
        "name": "John Doe", "age": 25, "email": "john@example.com", "is_student": True,
        "has_degree": True, "degree_field": "Computer Science",
        "skills": ["Python", "Django", "JavaScript"],
        "projects": [{"name": "Project A", "year": 2023, "description": "A great project"},
                     {"name": "Project B", "year": 2024,
                      "description": "Another great project"}],
        "company_name": "Test Corp", "page_number": 1, "generation_date": "2024-01-15",
        "author": "Test Author"},
    "header_footer_entities_tpl": lambda lib: {"title": "Header and footer test"},
    "header_footer_image_tpl": lambda lib: {"mycompany": "The World Wide company"},
    "header_footer_inline_image_tpl": lambda lib: {
        "inline_image": lib.image("django.png", height=10),
        "images": [lib.image("python.png", height=10) for _ in range(3)]},
    "horizontal_merge_tpl": lambda lib: {},
    "inline_image_tpl": _inline_image,
    "less_cells_after_loop_tpl": lambda lib: {},
    "merge_paragraph_tpl": lambda lib: {"living_in_town": True},
    "module_execute_tpl": lambda lib: json.loads((DATA / "module_execute.json").read_text()),
    "multi_rendering_tpl": lambda lib: {"title": "Title ONE",
                                        "body": "This is the body for first document"},
    "nested_for_tpl": lambda lib: {
        "dishes": [{"name": "Pizza", "ingredients": ["bread", "tomato", "ham", "cheese"]},
                   {"name": "Hamburger",
                    "ingredients": ["bread", "chopped steak", "cheese", "sauce"]},
                   {"name": "Apple pie",
                    "ingredients": ["flour", "apples", "suggar", "quince jelly"]}],
        "authors": [{"name": "Saint-Exupery", "books": [
                        {"title": "Le petit prince"}, {"title": "L'aviateur"},
                        {"title": "Vol de nuit"}]},
                    {"name": "Barjavel", "books": [
                        {"title": "Ravage"}, {"title": "La nuit des temps"},
                        {"title": "Le grand secret"}]}]},
    "order_tpl": lambda lib: {"customer_name": "Eric", "items": _ITEMS, "in_europe": True,
                              "is_paid": False, "company_name": "The World Wide company",
                              "total_price": "100,000,000.00"},
    "preserve_spaces_tpl": lambda lib: {"tag_1": "looking", "tag_2": "too"},
    "replace_picture_tpl": lambda lib: {},
    "richtext_and_if_tpl": lambda lib: {"foobar": lib.rich("Foobar!", color="ff0000")},
    "richtext_eastAsia_tpl": lambda lib: {
        "example": lib.rich("测试TEST", font="eastAsia:Microsoft YaHei"),
        "Chinese": lib.rich("测试TEST", font="eastAsia:微软雅黑"),
        "simsun": lib.rich("测试TEST", font="eastAsia:SimSun")},
    "richtext_paragraph_tpl": _richtext_paragraph,
    "richtext_tpl": _richtext,
    "vertical_merge_nested_tpl": lambda lib: {},
    "vertical_merge_tpl": lambda lib: {"items": _ITEMS, "total_price": "100,000,000.00",
                                       "category": "Book"},
    "word2016_tpl": lambda lib: {"test_space": "          ", "test_tabs": 5 * "\t",
                                 "test_space_r": lib.rich("          "),
                                 "test_tabs_r": lib.rich(5 * "\t")},
}

# Templates whose scripts need docxtpl's Python API (a Subdoc in the context).
SUBDOC_CASES = ["header_footer_tpl", "header_footer_tpl_utf8", "merge_docx_master_tpl",
                "subdoc_tpl"]


def render_docxtpl(name: str, tmp_path: Path) -> bytes:
    tpl = docxtpl.DocxTemplate(str(DATA / f"{name}.docx"))
    context = CASES[name](docxtpl_lib(tpl))
    env = jinja2.Environment(autoescape=name in ("inline_image_tpl", "escape_tpl_auto"))
    env.filters.update(FILTERS)
    tpl.render(context, env, autoescape=name == "escape_tpl_auto")
    out = tmp_path / f"{name}.docxtpl.docx"
    tpl.save(str(out))
    return out.read_bytes()


def render_officekit(name: str) -> bytes:
    template = WordTemplate.compile(DATA / f"{name}.docx", filters=FILTERS)
    return template.render_bytes(CASES[name](OFFICEKIT))


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_text_as_docxtpl(name: str, tmp_path: Path) -> None:
    expected = document_text(render_docxtpl(name, tmp_path))
    got = document_text(render_officekit(name))
    assert got == expected


@pytest.mark.parametrize("name", SUBDOC_CASES)
def test_subdoc_is_refused_by_name(name: str) -> None:
    tpl = docxtpl.DocxTemplate(str(DATA / f"{name}.docx"))
    sub = tpl.new_subdoc()
    sub.add_paragraph("a sub-document")
    context = {"title": "t", "company_name": "c", "date": "2016-03-17", "mysubdoc": sub}
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(DATA / f"{name}.docx").render_bytes(context)
    assert "Subdoc" in str(info.value)
    assert "不支持" in str(info.value) and "not supported" in str(info.value)


@pytest.mark.parametrize("method", ["replace_pic", "replace_media", "replace_embedded",
                                    "replace_zipname", "new_subdoc"])
def test_python_api_methods_say_not_supported(method: str) -> None:
    template = WordTemplate.compile(DATA / "replace_picture_tpl.docx")
    with pytest.raises(TemplateError) as info:
        getattr(template, method)("python_logo.png", DATA / "python.png")
    assert method in str(info.value) and "not supported" in str(info.value)


def test_template_error_is_located_not_a_traceback() -> None:
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(DATA / "template_error_tpl.docx")
    assert info.value.problems
    assert all(p.location is not None and p.location.paragraph for p in info.value.problems)


def test_inline_image_of_docxtpl_is_refused_by_name() -> None:
    tpl = docxtpl.DocxTemplate(str(DATA / "inline_image_tpl.docx"))
    context = _inline_image(OFFICEKIT)
    context["myimage"] = docxtpl.InlineImage(tpl, str(DATA / "python_logo.png"))
    with pytest.raises(TemplateProblemsError) as info:
        WordTemplate.compile(DATA / "inline_image_tpl.docx").render_bytes(context)
    assert "InlineImage" in str(info.value) and "not supported" in str(info.value)


def test_every_template_compiles_or_reports_cleanly() -> None:
    """No traceback from any of docxtpl's templates: each compiles or lists its problems."""
    for path in sorted(DATA.glob("*.docx")):
        try:
            WordTemplate.compile(path, filters=FILTERS)
        except TemplateProblemsError as exc:
            assert exc.problems, path.name
