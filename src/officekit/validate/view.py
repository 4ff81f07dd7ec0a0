"""What validation needs to know of the ledger, as a protocol (the ledger implements it)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Protocol

from officekit.model import Record


class LedgerView(Protocol):
    def staff_all(self) -> list[Record]:
        """Every staff record held (any status). Empty when no staff list has been loaded."""
        ...

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        """The stored complaints among ``ids`` (complaint_id → record)."""
        ...

    def schedule_between(self, start: date, end: date) -> list[Record]:
        """Stored schedule entries with ``start <= date <= end``."""
        ...


class EmptyView:
    """A ledger that holds nothing (``validate`` outside a workspace, and tests)."""

    def staff_all(self) -> list[Record]:
        return []

    def complaint_ids(self, limit: int) -> list[str] | None:
        """(Optional in a view) every complaint_id held, None when more than ``limit``."""
        return []

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        return {}

    def schedule_between(self, start: date, end: date) -> list[Record]:
        return []
