"""officekit: checked intake of office workbooks, KPIs and Word documents."""

from __future__ import annotations

__version__ = "0.1.0"
