"""The canonical values the program decides by, each written once.

Offices write their own words (``已解决``, ``结案``, ``严重``…); the enum synonyms of
:data:`officekit.settings.DEFAULT_ENUMS` map them onto these, and from then on the schema
(:mod:`officekit.kinds`), validation, the KPIs, the daily 督办 list and the settings compare with
these names, never with a literal of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# 处理状态 of a complaint (the ``complaint_status`` enum), in the order offices list them.
PENDING = "待处理"
IN_PROGRESS = "处理中"
RESOLVED = "已办结"
WITHDRAWN = "已撤销"
COMPLAINT_STATUSES = (PENDING, IN_PROGRESS, RESOLVED, WITHDRAWN)
OPEN_STATUSES = frozenset({PENDING, IN_PROGRESS})  # still being handled
CLOSED_STATUSES = frozenset({RESOLVED, WITHDRAWN})  # nothing more to do

# 严重程度 of a complaint (the ``severity`` enum); a complaint without one is 一般.
NORMAL = "一般"
SERIOUS = "较重"
MAJOR = "重大"
SEVERITIES = (NORMAL, SERIOUS, MAJOR)
DEFAULT_SEVERITY = NORMAL

# Working days from 受理 a complaint of each severity has to be 办结 in ([deadlines]).
DEFAULT_DEADLINES: Mapping[str, int] = MappingProxyType({NORMAL: 7, SERIOUS: 3, MAJOR: 1})
# Calendar days after 办结 within which a follow-up visit counts ([kpi] followup_days).
DEFAULT_FOLLOWUP_DAYS = 7
