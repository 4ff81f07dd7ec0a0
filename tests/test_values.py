"""Value parsing (SPEC §3 "Value parsing must understand…"): every form, as calamine gives it."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any

import pytest

from officekit.kinds import COMPLAINTS, STAFF, VISITS
from officekit.settings import Settings, parse_settings
from officekit.understand.text import to_texts
from officekit.understand.values import (
    EnumLookup,
    Memo,
    TextColumn,
    ValueProblem,
    make_date_parser,
    make_datetime_parser,
    make_parser,
    normalize_header,
    parse_bool,
    parse_column,
    parse_datetime_text,
    parse_email,
    parse_phone,
    parse_scale,
    parse_staff,
    shift_lookup,
    to_int,
    to_text,
)

SETTINGS = Settings()


@pytest.mark.parametrize(("raw", "expected"), [
    ("  张三 ", "张三"),
    ("0012", "0012"),  # leading zeros of text ids are kept
    (1001.0, "1001"),  # a text id stored as a number
    (1.5, "1.5"),
    (7, "7"),
    ("ＫＦ００１", "KF001"),  # full-width letters and digits fold
    ("张　三", "张 三"),  # full-width space folds
    ("态度差，要求道歉。", "态度差，要求道歉。"),  # Chinese punctuation stays in free text
    (True, "是"),
    (date(2026, 10, 3), "2026-10-03"),
    ("   ", None),
    (None, None),
])
def test_to_text(raw: Any, expected: str | None) -> None:
    assert to_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (3.0, 3), (3, 3), ("3", 3), ("３", 3), ("3.0", 3), (" 12 ", 12), (None, None),
])
def test_to_int(raw: Any, expected: int | None) -> None:
    assert to_int(raw) == expected


@pytest.mark.parametrize("raw", [3.5, "三", "3a"])
def test_to_int_rejects(raw: Any) -> None:
    with pytest.raises(ValueProblem) as info:
        to_int(raw)
    assert info.value.code == "type"
    assert info.value.params["expected"] == "整数"


DATETIMES = [
    (datetime(2026, 10, 3, 9, 30), datetime(2026, 10, 3, 9, 30)),  # Excel date cell
    (date(2026, 10, 3), datetime(2026, 10, 3)),  # a date alone is midnight
    (46298.0, datetime(2026, 10, 3)),  # date serial in a number cell
    (46298.604166666664, datetime(2026, 10, 3, 14, 30)),  # serial with a time
    (20261003.0, datetime(2026, 10, 3)),  # yyyymmdd typed as a number
    ("2026-10-03", datetime(2026, 10, 3)),
    ("2026/10/3", datetime(2026, 10, 3)),
    ("2026.10.3", datetime(2026, 10, 3)),
    ("2026年10月3日", datetime(2026, 10, 3)),
    ("10月3日", datetime(2026, 10, 3)),  # year from the sheet's period
    ("20261003", datetime(2026, 10, 3)),
    ("2026-10-03 14:30", datetime(2026, 10, 3, 14, 30)),
    ("2026/10/3 14:30:05", datetime(2026, 10, 3, 14, 30, 5)),
    ("2026-10-03T14:30:00", datetime(2026, 10, 3, 14, 30)),
    ("2026年10月3日 下午2:30", datetime(2026, 10, 3, 14, 30)),
    ("2026年10月3日 上午12:05", datetime(2026, 10, 3, 0, 5)),
    ("2026年10月3日14时30分", datetime(2026, 10, 3, 14, 30)),
    ("10月3日 下午2点半", datetime(2026, 10, 3, 14, 30)),
    ("２０２６－１０－０３　１４：３０", datetime(2026, 10, 3, 14, 30)),  # full-width
    ("2026-10-03 2:30 PM", datetime(2026, 10, 3, 14, 30)),
    ("无", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), DATETIMES)
def test_datetime_forms(raw: Any, expected: datetime | None) -> None:
    assert make_datetime_parser(2026)(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    (datetime(2020, 3, 1, 0, 0), date(2020, 3, 1)),
    (date(2020, 3, 1), date(2020, 3, 1)),
    (43891.0, date(2020, 3, 1)),
    ("2020-03-01 08:00", date(2020, 3, 1)),  # the time is dropped
    ("2020年3月1日", date(2020, 3, 1)),
    ("3月1日", date(2026, 3, 1)),
])
def test_date_forms(raw: Any, expected: date) -> None:
    assert make_date_parser(2026)(raw) == expected


@pytest.mark.parametrize("raw", ["2026-13-03", "2026-02-30", "昨天", "25:00", 0.0,
                                 13812345678.0, time(14, 30), "2026-10-03 25:10"])
def test_datetime_rejects(raw: Any) -> None:
    with pytest.raises(ValueProblem) as info:
        make_datetime_parser(2026)(raw)
    assert info.value.code == "type"
    assert info.value.params["expected"] == "日期时间"
    assert info.value.params["expected_en"] == "date and time"


def test_month_day_without_a_year_says_so() -> None:
    with pytest.raises(ValueProblem) as info:
        make_date_parser(None)("10月3日")
    assert info.value.code == "type"
    assert "年份" in info.value.params["hint"]


@pytest.mark.parametrize(("raw", "expected"), [
    (13812345678.0, "13812345678"),  # mobile stored as a number
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("010-12345678", "010-12345678"),
    ("0571-87654321", "0571-87654321"),  # a landline already as stored
    ("０５７１-87654321", "0571-87654321"),  # full-width digits are folded, not kept
    ("075-51234567", "0755-1234567"),  # the area code decides where the dash goes
    ("0755 1234 5678", "0755-12345678"),
    ("(021)12345678", "021-12345678"),
    ("010-12345678转123", "010-12345678-123"),
    (1012345678.0, "010-12345678"),  # a landline that lost its leading 0
    ("4008001234", "4008001234"),
    ("400-800-1234", "4008001234"),
    ("800-810-8888", "8008108888"),
    ("95598", "95598"),
    (95598.0, "95598"),
    ("无", None),
    (None, None),
])
def test_phone_forms(raw: Any, expected: str | None) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(("raw", "kept"), [
    ("12345678", "12345678"),  # no area code
    (1381234567.0, "1381234567"),  # one digit short
    ("138123456789", "138123456789"),
    ("12812345678", "12812345678"),  # eleven digits, but no mobile prefix
    ("0571-876543210", "0571-876543210"),  # a digit too many
    ("问客户", "问客户"),
])
def test_phone_that_fits_nothing_is_kept_with_a_warning(raw: Any, kept: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_phone(raw)
    assert info.value.code == "phone-format"
    assert info.value.severity == "warning"
    assert info.value.keep == kept


@pytest.mark.parametrize(("raw", "expected"), [
    ("zhangsan@example.com", "zhangsan@example.com"),
    ("zhang.san@kf.example.com.cn", "zhang.san@kf.example.com.cn"),
    ("zhangsan＠example.com", "zhangsan@example.com"),
    ("mailto:li@example.com", "li@example.com"),
    (None, None),
])
def test_email(raw: Any, expected: str | None) -> None:
    assert parse_email(raw) == expected


@pytest.mark.parametrize("raw", ["zhangsan", "a@b", "a@@b.com", "张三@例子"])
def test_email_rejects(raw: str) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_email(raw)
    assert info.value.code == "type"
    assert info.value.params["expected"] == "邮箱地址"


@pytest.mark.parametrize(("raw", "expected"), [
    ("是", True), ("否", False), ("成功", True), ("失败", False), ("未接通", False),
    ("已接通", True), ("√", True), ("×", False), ("Y", True), ("N", False), ("y", True),
    ("true", True), ("FALSE", False), ("1", True), ("0", False), (1.0, True), (0.0, False),
    (True, True), ("无人接听", False), (" 是 ", True), (None, None),
])
def test_bool(raw: Any, expected: bool | None) -> None:
    assert parse_bool(raw) == expected


@pytest.mark.parametrize("raw", ["也许", 2.0, "yes no"])
def test_bool_rejects(raw: Any) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_bool(raw)
    assert info.value.code == "type"


@pytest.mark.parametrize(("raw", "expected"), [
    (5.0, 5), (1, 1), ("4", 4), ("4分", 4), ("4.0", 4), ("４分", 4), ("3星", 3), ("五星", 5),
    ("非常满意", 5), ("满意", 4), ("基本满意", 3), ("一般", 3), ("不满意", 2),
    ("非常不满意", 1), ("★★★★", 4), ("★★☆☆☆", 2), (None, None), ("无", None),
])
def test_scale(raw: Any, expected: int | None) -> None:
    assert parse_scale(raw) == expected


@pytest.mark.parametrize("raw", [0.0, 6.0, 4.5, "10分", "很好"])
def test_scale_rejects(raw: Any) -> None:
    with pytest.raises(ValueProblem) as info:
        parse_scale(raw)
    assert info.value.code == "type"
    assert info.value.params["expected_en"] == "a score 1–5 or a satisfaction word"


@pytest.mark.parametrize(("raw", "expected"), [
    ("1001", ("1001", None)),
    (1001.0, ("1001", None)),
    ("KF001", ("KF001", None)),
    ("张三", (None, "张三")),
    ("张 三", (None, "张三")),
    ("张三(1001)", ("1001", "张三")),
    ("张三（1001）", ("1001", "张三")),
    ("张三 (KF-001)", ("KF-001", "张三")),
    ("(1001)张三", ("1001", "张三")),
    ("1001 张三", ("1001", "张三")),
    ("张三/1001", ("1001", "张三")),
    ("Li Lei", (None, "Li Lei")),
    (None, (None, None)),
])
def test_staff_reference(raw: Any, expected: tuple[str | None, str | None]) -> None:
    assert parse_staff(raw) == expected


CHANNEL = EnumLookup.of_spec(SETTINGS.enums["channel"])
STATUS = EnumLookup.of_spec(SETTINGS.enums["complaint_status"])


@pytest.mark.parametrize(("lookup", "raw", "expected"), [
    (CHANNEL, "电话", "电话"),
    (CHANNEL, "热线", "电话"),
    (CHANNEL, 95598.0, "电话"),  # a synonym stored as a number
    (CHANNEL, "APP", "网站"),
    (CHANNEL, "app", "网站"),
    (CHANNEL, " 微 信 ", "微信"),
    (CHANNEL, "ＡＰＰ", "网站"),
    (CHANNEL, "上门", "来访"),
    (STATUS, "已解决", "已办结"),
    (STATUS, "结案", "已办结"),
    (STATUS, "未处理", "待处理"),
    (STATUS, "撤诉", "已撤销"),
    (STATUS, None, None),
])
def test_enum_values_and_synonyms(lookup: EnumLookup, raw: Any, expected: str | None) -> None:
    assert lookup(raw) == expected


@pytest.mark.parametrize(("lookup", "raw", "suggestion"), [
    (STATUS, "已完结", "已办结"),
    (STATUS, "完成", "已办结"),  # 已完成 is a synonym of 已办结
    (CHANNEL, "电话投诉", "电话"),
    (CHANNEL, "传真", ""),  # nothing close: no suggestion
])
def test_unknown_enum_suggests_the_nearest(lookup: EnumLookup, raw: str, suggestion: str
                                           ) -> None:
    with pytest.raises(ValueProblem) as info:
        lookup(raw)
    assert info.value.code == "enum"
    assert info.value.severity == "error"
    assert info.value.params["suggestion"] == suggestion
    assert info.value.params["allowed"].startswith(lookup.allowed[0] + "、")


def test_enum_from_settings_synonyms_and_custom_shift() -> None:
    settings = parse_settings({
        "enums": {"channel": {"synonyms": {"12345热线": "电话"}},
                  "category": {"values": ["服务态度", "网络故障", "其他"]}},
        "shifts": {"早二": {"name": "早二班", "start": "09:00", "end": "17:00"}},
    })
    assert EnumLookup.of_spec(settings.enums["channel"])("12345 热线") == "电话"
    category = EnumLookup.of_spec(settings.enums["category"])
    assert category("网络故障") == "网络故障"
    with pytest.raises(ValueProblem):
        category("服务质量")  # a default value the office removed
    assert shift_lookup(settings.shifts)("早二班") == "早二"


@pytest.mark.parametrize(("raw", "expected"), [
    ("早", "早"), ("早班", "早"), ("夜班", "夜"), ("休", "休"), ("休息", "休"), ("请假", "假"),
    ("年假", "假"), ("调休", "休"), (" 晚 ", "晚"),
])
def test_shift_codes(raw: str, expected: str) -> None:
    assert shift_lookup(SETTINGS.shifts)(raw) == expected


def test_unknown_shift_suggests_a_code() -> None:
    with pytest.raises(ValueProblem) as info:
        shift_lookup(SETTINGS.shifts)("早晨班")
    assert info.value.code == "enum"
    assert info.value.params["suggestion"] == "早"


@pytest.mark.parametrize(("raw", "expected"), [
    ("姓名", "姓名"),
    ("姓  名", "姓名"),
    (" 姓\u3000名 ", "姓名"),
    ("联系\n电话", "联系电话"),
    ("*姓名", "姓名"),
    ("姓名*", "姓名"),
    ("＊工号", "工号"),
    ("姓名：", "姓名"),
    ("姓名:", "姓名"),
    ("姓名(必填)", "姓名"),
    ("姓名（必填）", "姓名"),
    ("*姓名（必填）：", "姓名"),
    ("（必填）姓名", "姓名"),
    ("Ｅ－ｍａｉｌ", "e-mail"),
    ("EMAIL", "email"),
    (1.0, "1"),
    (None, ""),
])
def test_normalize_header(raw: Any, expected: str) -> None:
    assert normalize_header(raw) == expected


def test_make_parser_per_field_type() -> None:
    enums = SETTINGS.enums
    assert make_parser(COMPLAINTS.field("received_at"), enums, 2026)("10月3日") == \
        datetime(2026, 10, 3)
    assert make_parser(COMPLAINTS.field("handler"), enums, None)("张三(1001)") == \
        ("1001", "张三")
    assert make_parser(COMPLAINTS.field("status"), enums, None)("已解决") == "已办结"
    assert make_parser(STAFF.field("hired_on"), enums, None)(43891.0) == date(2020, 3, 1)
    assert make_parser(VISITS.field("reached"), enums, None)("未接通") is False
    assert make_parser(VISITS.field("satisfaction"), enums, None)("满意") == 4


def test_memo_column_parse_matches_one_by_one() -> None:
    parse = make_parser(COMPLAINTS.field("status"), SETTINGS.enums, None)
    assert isinstance(parse, Memo)
    values = ["已解决", None, "处理中", "  ", "已解决", "跟进中"]
    assert parse_column(values, parse) == ["已办结", None, "处理中", None, "已办结", "处理中"]
    staff = make_parser(COMPLAINTS.field("handler"), SETTINGS.enums, None)
    assert parse_column(["张三(1001)", None, 1002.0], staff) == [
        ("1001", "张三"), (None, None), ("1002", None)]
    with pytest.raises(ValueProblem):
        parse_column(["已解决", "不存在的状态"], parse)


def test_memo_column_parses_each_distinct_value_once() -> None:
    calls: list[Any] = []

    def shout(value: Any) -> str | None:
        calls.append(value)
        return None if value is None else str(value).upper()

    values = ["a", "b", "a", None, "b", "c", "a"]
    assert parse_column(values, Memo(shout)) == ["A", "B", "A", None, "B", "C", "A"]
    assert [calls.count(v) for v in ("a", "b", "c")] == [1, 1, 1]


# The forms most date cells are written in are read in one step; every such form must read
# exactly as the full parse reads it, including the ones that name no real date or time.
COMMON_FORMS = [
    f"{y}{s1}{m}{s2}{d}{day}{t}"
    for y, (s1, s2), m, d, day, t in itertools.product(
        ["2026", "2024", "２０２６"],
        [("-", "-"), ("/", "/"), (".", "."), ("年", "月"), ("-", "月"), ("／", "／"), ("．", "-")],
        ["1", "02", "12", "13", "1２"], ["1", "05", "29", "31", "32"], ["", "日"],
        ["", " 9:05", " 14:30", " 23:59", " 24:00", " 9:60", "  9:05", " 9:05:30", " 9：05",
         "\u30009:05", "\u3000\u30009：05", " ９:０５"])
]


@pytest.mark.parametrize("parser", [make_datetime_parser, make_date_parser])
def test_common_date_forms_read_as_the_full_parse_reads_them(parser: Any) -> None:
    parse = parser(2026)
    for text in COMMON_FORMS:
        full = parse_datetime_text(text, 2026)
        if full is None:
            with pytest.raises(ValueProblem):
                parse(text)
        else:
            assert parse(f" {text} ") == (full if parser is make_datetime_parser
                                          else full.date()), text


def test_memo_remembers_blank_answers_and_not_problems() -> None:
    calls: list[Any] = []

    def strict(value: Any) -> str | None:
        calls.append(value)
        if value == "bad":
            raise ValueProblem("type")
        return None if value is None else str(value).strip() or None

    parse = Memo(strict)
    assert parse_column([None, " ", None, "x", " "], parse) == [None, None, None, "x", None]
    assert calls == [None, " ", "x"]  # a blank answer is remembered like any other
    for _ in range(2):  # a value that raises is parsed again each time it is met
        with pytest.raises(ValueProblem):
            parse_column(["x", "bad"], parse)
    assert calls.count("bad") == 2


def test_memo_past_its_limit_still_parses_every_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Memo, "LIMIT", 3)
    parse = make_parser(COMPLAINTS.field("handler"), SETTINGS.enums, None)
    values = [f"员工{i}({1000 + i})" for i in range(10)] * 2
    assert parse_column(values, parse) == [parse_staff(v) for v in values]
    assert len(parse.known) == 3


# Columns of text: one that repeats a few values is read through a dict of the texts seen, one
# of mostly different values cell by cell; both must read each cell as to_text does.
TRICKY_TEXT: list[Any] = [
    " 客服一部 ", "客服一部", "客服一部\u3000", "ＡＢ１２", "AB12", None, "", "   ", "\t",
    1001.0, 1001, "1001", True, 1.0, 1, False, 0.0, 1.5, "0012", date(2026, 10, 3),
    datetime(2026, 10, 3, 14, 30), "无", "合计", "（一）", "A  b",
]


@pytest.mark.parametrize("repeat", [1, 200])
@pytest.mark.parametrize("order", [1, -1])
def test_text_column_reads_each_cell_as_to_text(repeat: int, order: int) -> None:
    values = TRICKY_TEXT[::order] * repeat
    parse = make_parser(COMPLAINTS.field("department"), SETTINGS.enums, None)
    assert parse_column(values, parse) == [to_text(v) for v in values]
    assert parse(" ＡＢ１２ ") == "AB12"
    unique = [f" 投诉{i:05d}\u3000" for i in range(3000)] + [True, 1.0]
    assert parse_column(unique, parse) == [to_text(v) for v in unique]


BLOCK_COLUMNS: dict[str, list[Any]] = {
    "department": (TRICKY_TEXT + [f"部门{i}" for i in range(40)]) * 30,
    "handler": (TRICKY_TEXT[:9] + [f"员工{i}({1000 + i})" for i in range(40)] + [1001.0]) * 30,
    "status": [" 已解决", "处理中", None, "已办结", "  ", "跟进中", "已完成"] * 300,
}


@pytest.mark.parametrize("field", list(BLOCK_COLUMNS))
def test_a_column_read_in_blocks_reads_as_a_whole(field: str) -> None:
    values = BLOCK_COLUMNS[field]
    whole = parse_column(values, make_parser(COMPLAINTS.field(field), SETTINGS.enums, None))
    parse = make_parser(COMPLAINTS.field(field), SETTINGS.enums, None)
    blocks = [v for start in range(0, len(values), 700)
              for v in parse_column(values[start:start + 700], parse)]
    assert blocks == whole == [make_parser(COMPLAINTS.field(field), SETTINGS.enums, None)(v)
                               for v in values]


@pytest.mark.parametrize("values", [
    ["  张三 ", "李四", "王 五", "Zhao Liu", "客户\n来电", "0012", "A-01"],  # stripped at once
    ["张三", "李四１２"], ["张三", "ＡＢ"], ["张三", "王\u3000五"],  # full-width: one by one
    ["\u3000张三\u3000", "李四"], ["张三", "   "], ["张三", ""], ["张三", None], ["张三", 1001.0],
    ["张三", True], ["张三", date(2026, 10, 3)], ["TS001", " TS002 "], [],
])
def test_a_text_column_reads_as_to_text(values: list[Any]) -> None:
    assert to_texts(values) == [to_text(v) for v in values]
    parse = make_parser(COMPLAINTS.field("customer"), SETTINGS.enums, None)
    assert parse_column(values * 300, parse) == [to_text(v) for v in values * 300]


@pytest.mark.parametrize("parser", [make_datetime_parser, make_date_parser])
def test_a_date_column_reads_each_cell_as_a_fresh_parser_would(parser: Any) -> None:
    # one parser per column remembers the day and time texts it has met, the bad ones too
    values: list[Any] = [*COMMON_FORMS[::7], *COMMON_FORMS[::-5], "2026-02-30 9:05",
                         "2026-02-28 24:00", "2026-02-28 9:05", "2026-02-30", "2026-02-28",
                         None, "", "无", datetime(2026, 10, 3, 9, 5), date(2026, 10, 3), 46000.5]
    column = parser(2026)
    for value in values * 2:
        try:
            got: Any = column(value)
        except ValueProblem as problem:
            got = problem.code
        try:
            expected: Any = parser(2026)(value)
        except ValueProblem as problem:
            expected = problem.code
        assert got == expected, value


def test_a_text_column_leaves_its_dict_when_its_texts_stop_repeating() -> None:
    parse = make_parser(COMPLAINTS.field("resolution"), SETTINGS.enums, None)
    values: list[Any] = [None] * 1024 + [f" 已处理第{i}件\u3000" for i in range(3000)] + \
        ["已办结", 1.0, True, "ＡＢ"]
    blocks = [v for start in range(0, len(values), 1024)
              for v in parse_column(values[start:start + 1024], parse)]
    assert blocks == [to_text(v) for v in values]
    assert isinstance(parse, TextColumn) and parse.decided and parse.known is None
