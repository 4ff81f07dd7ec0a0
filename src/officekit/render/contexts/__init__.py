"""One context builder per document of SPEC §7, and the reference of what each one provides.

A builder formats figures computed in :mod:`officekit.kpis` — a KPI result, the complaint or
visit figures of a period — into a plain dict of JSON-able values (plus :class:`Image`
pictures) that a Word template can use without logic: numbers are already formatted the
Chinese office way (``95.0%``, ``—`` for no data, by :mod:`.formatting`), lists are already
sorted and capped, empty sections carry a flag. Nothing here touches the ledger, so every
builder is tested on hand-made data. One module per document:

- :mod:`.evaluation` 个人考核报告 (one context, a template per scheme)
- :mod:`.summary` 部门考核汇总
- :mod:`.complaints` 投诉分析报告
- :mod:`.visits` 回访总结报告
- :mod:`.handbook` 岗位职责手册

:data:`CONTEXT_SPEC` (in :mod:`officekit.render.context_spec`, re-exported here) lists every
variable of every document with a Chinese description: the source of ``docs/templates.md``
(:func:`context_reference`) and of ``templates check`` (:func:`provided_names`,
:func:`sample_context`). A variable added here is added there in the same change — a test
holds each builder to it.
"""

from __future__ import annotations

from officekit.render.context_spec import (
    CONTEXT_SPEC,
    context_reference,
    provided_names,
    sample_context,
)
from officekit.render.contexts.complaints import (
    COMPLAINT_KINDS,
    complaints_context,
    overdue_attachment,
)
from officekit.render.contexts.evaluation import (
    EVALUATION_KINDS,
    evaluation_context,
    late_attachment,
    score_trend,
)
from officekit.render.contexts.formatting import (
    LIST_LIMIT,
    TREND_PERIODS,
    Attachment,
    mask_phone,
    sources_box,
)
from officekit.render.contexts.handbook import HANDBOOK_KINDS, handbook_context, shift_legend
from officekit.render.contexts.summary import SUMMARY_KINDS, summary_context
from officekit.render.contexts.visits import VISIT_KINDS, missed_attachment, visits_context

__all__ = [
    "COMPLAINT_KINDS", "CONTEXT_SPEC", "EVALUATION_KINDS", "HANDBOOK_KINDS", "LIST_LIMIT",
    "SUMMARY_KINDS", "TREND_PERIODS", "VISIT_KINDS", "Attachment", "complaints_context",
    "context_reference", "evaluation_context", "handbook_context", "late_attachment",
    "mask_phone", "missed_attachment", "overdue_attachment", "provided_names",
    "sample_context", "score_trend", "shift_legend", "sources_box", "summary_context",
    "visits_context",
]
