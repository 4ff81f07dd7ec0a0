"""The five sheet kinds of SPEC §3 as data: fields, Chinese headers, aliases, types, keys.

Everything that recognises, parses, validates or stores a sheet reads these tables; nothing
hard-codes a header elsewhere. Offices add aliases in ``officekit.toml`` (see
:mod:`officekit.settings`), enum values and synonyms live in settings too.

The constraints live on the field (as frictionless and pandera put them): ``unique`` within a
file, ``past_only`` dates, ``not_before`` another date, what the ``status`` requires
(``required_when`` / ``empty_when``), which fields name a person of the staff list, and which
dates place a record in a month. :mod:`officekit.validate.rules` and
:mod:`officekit.validate.cross` check them; the ledger stores a record under its kind's ``key``
(:func:`key_parts`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from officekit.canonical import PENDING, RESOLVED


class FieldType(StrEnum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    DATETIME = "datetime"
    PHONE = "phone"
    EMAIL = "email"
    BOOL = "bool"
    ENUM = "enum"
    STAFF = "staff"  # a person: 工号, 姓名 or 姓名(工号)
    SCALE = "scale"  # satisfaction 1–5 or words
    NUMBERED = "numbered"  # numbered items in one cell, parsed to a tree


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    header: str
    aliases: tuple[str, ...] = ()
    type: FieldType = FieldType.TEXT
    required: bool = False
    enum: str | None = None  # name of the enum in settings.enums
    # For a field that may be satisfied by another (schedule: 工号 *or* 姓名)
    one_of: str | None = None
    unique: bool = False  # no two records of one file share a (non-empty) value
    past_only: bool = False  # a date that cannot lie after today
    not_before: str | None = None  # the date field of the kind this one may not precede
    required_when: tuple[str, ...] = ()  # values of the kind's ``status`` that need it filled
    empty_when: tuple[str, ...] = ()  # values of the kind's ``status`` under which it is empty
    staff: str | None = None  # "id" / "name": the 工号 / 姓名 of a person of the staff list
    period: bool = False  # the date places the record in a month (its documents depend on it)

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    title_zh: str
    title_en: str
    fields: tuple[Field, ...]
    # The natural key the ledger stores a record under (SPEC §5): record keys, or the derived
    # parts of :data:`DERIVED`; a part ending in "?" may be empty. ``fallback_key`` is used
    # when the key's single part is empty (a visit without 回访编号).
    key: tuple[str, ...]
    fallback_key: tuple[str, ...] = ()
    # words in a sheet or file name that hint at this kind (used to break ties)
    name_hints: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def unique(self) -> str | None:
        """The field no two records of a file may share, if the kind has one."""
        return next((f.name for f in self.fields if f.unique), None)

    @property
    def past_only(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.past_only)

    @property
    def date_order(self) -> tuple[tuple[str, str], ...]:
        """(later, earlier) pairs of date fields: the later may not precede the earlier."""
        return tuple((f.name, f.not_before) for f in self.fields if f.not_before)

    @property
    def status_rules(self) -> tuple[tuple[str, str, bool], ...]:
        """(status, field, must be filled) for what each ``status`` value requires."""
        return tuple([(s, f.name, True) for f in self.fields for s in f.required_when]
                     + [(s, f.name, False) for f in self.fields for s in f.empty_when])

    @property
    def staff_ref(self) -> tuple[str, str, str | None] | None:
        """(record key of the 工号, record key of the 姓名, field whose one cell holds both)
        of the person a record names, or None when it names nobody of the staff list."""
        for f in self.fields:
            if f.type is FieldType.STAFF:
                return f"{f.name}_id", f"{f.name}_name", f.name
        ids = [f.name for f in self.fields if f.staff == "id"]
        names = [f.name for f in self.fields if f.staff == "name"]
        return (ids[0], names[0], None) if ids and names else None

    @property
    def period_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.period)


T = FieldType

STAFF = Kind(
    name="staff",
    title_zh="人员名单",
    title_en="staff list",
    key=("staff_id",),
    name_hints=("花名册", "人员", "名单", "员工", "通讯录"),
    fields=(
        Field("staff_id", "工号", ("员工编号", "员工号", "人员编号", "编号", "员工工号", "职工号"),
              T.TEXT, True, unique=True),
        Field("name", "姓名", ("员工姓名", "人员姓名", "名字", "职工姓名"), T.TEXT, True),
        Field("department", "部门", ("所属部门", "科室", "班组"), T.TEXT, True),
        Field("role", "岗位", ("职位", "岗位名称", "职务"), T.TEXT, True),
        Field("manager_id", "上级工号", ("直属上级工号", "直属上级"), T.TEXT),
        Field("phone", "手机", ("手机号", "联系电话", "电话", "手机号码", "移动电话"), T.PHONE),
        Field("email", "邮箱", ("电子邮箱", "Email", "E-mail"), T.EMAIL),
        Field("hired_on", "入职日期", ("入职时间", "到岗日期"), T.DATE, past_only=True),
        Field("status", "状态", ("在职状态",), T.ENUM, enum="staff_status"),
    ),
)

# The long layout of a schedule; the wide layout (one column per day) is recognised by
# officekit.understand.schedule and produces records of the same shape.
SCHEDULE = Kind(
    name="schedule",
    title_zh="排班表",
    title_en="duty schedule",
    key=("date", "person", "shift"),
    name_hints=("排班", "值班", "班表"),
    fields=(
        Field("date", "日期", ("值班日期", "排班日期"), T.DATE, True, period=True),
        Field("shift", "班次", ("班别", "值班班次"), T.TEXT, True),
        Field(
            "staff_id",
            "工号",
            ("员工编号", "员工号", "人员编号"),
            T.TEXT,
            True,
            one_of="staff_name",
            staff="id",
        ),
        Field(
            "staff_name",
            "姓名",
            ("员工姓名", "人员姓名", "值班人", "值班人员"),
            T.TEXT,
            True,
            one_of="staff_id",
            staff="name",
        ),
        Field("department", "部门", ("所属部门", "科室", "班组"), T.TEXT),
        Field("post", "值班岗位", ("岗位",), T.TEXT),
    ),
)

COMPLAINTS = Kind(
    name="complaints",
    title_zh="投诉登记表",
    title_en="complaint register",
    key=("complaint_id",),
    name_hints=("投诉",),
    fields=(
        Field("complaint_id", "投诉编号", ("编号", "工单号", "受理编号", "投诉单号", "工单编号",
                                          "登记编号", "流水号"), T.TEXT, True, unique=True),
        Field(
            "received_at",
            "受理时间",
            ("投诉时间", "受理日期", "来电时间", "登记时间", "投诉日期", "来电日期", "登记日期",
             "反映时间", "接收时间"),
            T.DATETIME,
            True,
            past_only=True,
            period=True,
        ),
        Field(
            "channel",
            "受理渠道",
            ("渠道", "来源", "投诉渠道", "投诉方式", "投诉来源", "来源渠道", "反映渠道"),
            T.ENUM,
            True,
            enum="channel",
        ),
        Field("customer", "客户姓名", ("客户", "投诉人", "客户名称", "投诉人姓名", "反映人"),
              T.TEXT, True),
        Field("customer_phone", "联系电话", ("客户电话", "电话", "手机", "投诉人电话", "联系方式"),
              T.PHONE),
        Field(
            "category",
            "投诉类别",
            ("类别", "投诉类型", "问题类型", "分类", "投诉分类"),
            T.ENUM,
            True,
            enum="category",
        ),
        Field("severity", "严重程度", ("等级", "投诉等级", "级别", "紧急程度", "严重等级"), T.ENUM,
              enum="severity"),
        Field("description", "投诉内容", ("内容", "问题描述", "投诉事由", "投诉事项", "反映问题",
                                         "诉求内容"), T.TEXT, True),
        Field("department", "责任部门", ("处理部门", "承办部门", "责任单位", "承办单位"), T.TEXT),
        Field("handler", "处理人", ("承办人", "经办人", "处理人员", "负责人", "承办人员", "跟进人"),
              T.STAFF, True),
        Field("status", "处理状态", ("状态", "办理状态", "办结状态", "当前状态"), T.ENUM, True,
              enum="complaint_status"),
        # the day the complainant got the answer closes the case: offices write it many ways
        Field("resolved_at", "办结时间", ("完成时间", "解决时间", "结案时间", "办结日期",
                                         "结案日期", "完成日期", "解决日期", "回复时间",
                                         "回复日期", "答复时间", "答复日期", "处理完成时间"),
              T.DATETIME, past_only=True, not_before="received_at", required_when=(RESOLVED,),
              empty_when=(PENDING,), period=True),
        Field("resolution", "处理结果", ("处理情况", "处理意见", "答复内容", "解决方案", "回复内容",
                                         "办理结果", "处理措施"), T.TEXT,
              required_when=(RESOLVED,)),
        Field("satisfaction", "满意度", ("客户满意度", "评价", "满意程度", "客户评价"), T.SCALE),
    ),
)

VISITS = Kind(
    name="visits",
    title_zh="回访记录表",
    title_en="follow-up visit log",
    key=("visit_id",),
    fallback_key=("visited_on", "customer", "person", "complaint_id?"),
    name_hints=("回访", "走访", "拜访"),
    fields=(
        Field("visit_id", "回访编号", ("记录编号",), T.TEXT, unique=True),
        Field("visited_at", "回访时间", ("回访日期", "走访日期", "拜访日期", "走访时间"),
              T.DATETIME, True, past_only=True, period=True),
        Field("customer", "客户姓名", ("客户", "客户名称", "被访人"), T.TEXT, True),
        Field("customer_phone", "联系电话", ("客户电话", "电话"), T.PHONE),
        Field("staff", "回访人", ("回访人员", "走访人", "拜访人", "客服专员", "回访员"), T.STAFF,
              True),
        Field("method", "回访方式", ("方式", "回访形式", "回访途径"), T.ENUM, True,
              enum="visit_method"),
        Field("purpose", "回访类型", ("回访目的", "类型"), T.ENUM, enum="visit_purpose"),
        Field("complaint_id", "关联投诉编号", ("投诉编号", "工单号", "投诉单号", "原投诉编号"),
              T.TEXT),
        Field("reached", "是否联系成功", ("联系结果", "是否接通", "是否联系上"), T.BOOL),
        Field("satisfaction", "满意度", ("客户满意度", "评价"), T.SCALE),
        Field("feedback", "客户意见", ("意见建议", "反馈内容", "回访内容", "备注", "客户反馈",
                                        "回访意见"), T.TEXT),
    ),
)

DUTIES = Kind(
    name="duties",
    title_zh="岗位职责表",
    title_en="job-duty catalogue",
    key=("department", "role"),
    name_hints=("职责", "岗位说明"),
    fields=(
        Field("department", "部门", ("所属部门",), T.TEXT, True),
        Field("role", "岗位", ("岗位名称", "职位"), T.TEXT, True),
        Field("reports_to", "直属上级", ("汇报对象", "上级岗位"), T.TEXT),
        Field("purpose", "岗位目的", ("岗位概述", "工作概述"), T.TEXT),
        Field("duties", "岗位职责", ("工作职责", "主要职责", "职责内容"), T.NUMBERED, True),
        Field("requirements", "任职要求", ("任职资格", "任职条件"), T.NUMBERED),
        Field("seq", "序号", (), T.INT),
    ),
)

KINDS: dict[str, Kind] = {k.name: k for k in (STAFF, SCHEDULE, COMPLAINTS, VISITS, DUTIES)}

# The fields whose dates place a record in a month (the documents of that month depend on it):
# what the watcher re-renders after a file, and the periods ``officekit files`` lists.
PERIOD_FIELDS: dict[str, tuple[str, ...]] = {
    k.name: k.period_fields for k in KINDS.values() if k.period_fields}


def person(record: Mapping[str, Any]) -> Any:
    """Who a schedule entry or visit is about: the 工号, else (unresolved) the 姓名."""
    return record.get("staff_id") or record.get("staff_name")


def _visited_on(record: Mapping[str, Any]) -> Any:
    visited = record.get("visited_at")
    return visited.date() if isinstance(visited, datetime) else visited


# Key parts computed from a record rather than read from one of its keys.
DERIVED: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "person": person, "visited_on": _visited_on}


def _part(record: Mapping[str, Any], name: str) -> Any:
    name = name.rstrip("?")
    derive = DERIVED.get(name)
    return derive(record) if derive is not None else record.get(name)


def key_parts(kind: Kind, record: Mapping[str, Any]) -> tuple[tuple[Any, ...], frozenset[int]]:
    """The parts of ``record``'s natural key (SPEC §5) and the positions that may be empty."""
    names = kind.key
    if kind.fallback_key and not _part(record, names[0]):
        names = kind.fallback_key
    optional = frozenset(i for i, n in enumerate(names) if n.endswith("?"))
    return tuple(_part(record, n) for n in names), optional
