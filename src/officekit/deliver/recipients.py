"""Who receives which document: the staff list's addresses and each department's head.

Who gets a document depends on its kind (:data:`AUDIENCE`): a person's evaluation goes to that
person; a department's summary and handbook go to the department's head; the period-wide
complaint and visit reports go to every department head. A department's head is, in order:

1. the setting ``[departments.<部门>] head = "工号"`` in ``officekit.toml``;
2. the one person of the department at the top of the staff list's 上级 chain (no 上级工号, or
   a 上级 outside the department);
3. among those (then among all its people), the one whose 岗位 names a head — 经理/部长/主任/
   负责人 before 主管 before 组长/班长 (:data:`HEAD_ROLE_WORDS`).

When none of that gives exactly one person, the department has no head here and its documents
are listed as undeliverable with the reason and the setting that fixes it — never skipped
silently. So is everyone without an 邮箱, or who has left (离职).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from officekit.i18n import Message
from officekit.model import Record
from officekit.settings import Settings

if TYPE_CHECKING:
    from officekit.ledger.store import Ledger

# document kind → who receives it
AUDIENCE: dict[str, str] = {
    "evaluation": "self",
    "evaluation-summary": "head",
    "handbook": "head",
    "complaints": "all-heads",
    "visits": "all-heads",
}

# Words in a 岗位 that mark a department's head, strongest first; one rank is tried at a time.
HEAD_ROLE_WORDS: tuple[tuple[str, ...], ...] = (
    ("经理", "部长", "主任", "负责人"),
    ("主管",),
    ("组长", "班长"),
)

RELATION = {"self": ("本人", "the person"), "head": ("部门负责人", "department head")}


@dataclass(frozen=True, slots=True)
class Recipient:
    """One addressee: a person from the staff list (or the manifest's address as a fallback)."""

    staff_id: str
    name: str
    email: str
    department: str
    relation: str  # "self" | "head"

    def label(self) -> str:
        """``张伟 <zhangwei@example.com>`` for listings."""
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True, slots=True)
class Undeliverable:
    """Someone who should receive a document but cannot: who, and why (a catalogue
    ``recipient.*`` message, worded in the language of the report that shows it)."""

    who: str
    reason: Message


def _who(person: Record) -> str:
    return f"{person.get('name') or ''}（{person['staff_id']}）"


def _reason(key: str, **params: object) -> Message:
    """Why someone cannot receive a document: the catalogue's ``recipient.<key>``."""
    return Message("recipient." + key, dict(params))


class Directory:
    """The staff list as an address book: people by 工号 and the head of each department."""

    def __init__(self, staff: Iterable[Record], configured_heads: dict[str, str] | None = None):
        self._by_id: dict[str, Record] = {str(s["staff_id"]): s for s in staff}
        self._configured = dict(configured_heads or {})

    @classmethod
    def from_ledger(cls, ledger: Ledger, settings: Settings) -> Directory:
        """The directory of the ledger's staff list and the settings' department heads."""
        return cls(ledger.staff(), settings.department_heads)

    def person(self, staff_id: str) -> Record | None:
        """The staff record with this 工号, or None."""
        return self._by_id.get(staff_id)

    def name_of(self, staff_id: str) -> str:
        """The person's name, or the 工号 itself when the staff list does not know it."""
        person = self._by_id.get(staff_id)
        return str(person.get("name") or staff_id) if person else staff_id

    def departments(self) -> list[str]:
        """Departments that have people who have not left, plus those with a configured head."""
        found = {str(p["department"]) for p in self._by_id.values()
                 if p.get("department") and p.get("status") != "离职"}
        return sorted(found | set(self._configured))

    def _members(self, department: str) -> list[Record]:
        return [p for p in self._by_id.values()
                if p.get("department") == department and p.get("status") != "离职"]

    def head(self, department: str) -> Record | Undeliverable:
        """The head of ``department`` (see the module docstring), or why there is none."""
        who = f"{department}负责人"
        configured = self._configured.get(department)
        if configured:
            person = self._by_id.get(configured)
            if person is None:
                return Undeliverable(who, _reason("unknown-head", staff_id=configured))
            return person
        members = self._members(department)
        if not members:
            return Undeliverable(who, _reason("no-staff"))
        top = [m for m in members if not self._manager_inside(m, department)]
        pick = _only(top) or _by_role(top) or _by_role(members)
        if pick is None:
            names = "、".join(_who(m) for m in (top or members)[:5])
            return Undeliverable(who, _reason("which-head", names=names, department=department))
        return pick

    def _manager_inside(self, person: Record, department: str) -> bool:
        manager = self._by_id.get(str(person.get("manager_id") or ""))
        return manager is not None and manager.get("department") == department

    def _address(self, person: Record, relation: str,
                 who: str | None = None) -> Recipient | Undeliverable:
        label = who or _who(person)
        if person.get("status") == "离职":
            return Undeliverable(label, _reason("left"))
        email = str(person.get("email") or "").strip()
        if not email:
            return Undeliverable(label, _reason("no-email"))
        return Recipient(str(person["staff_id"]), str(person.get("name") or ""), email,
                         str(person.get("department") or ""), relation)

    def _head_address(self, department: str) -> Recipient | Undeliverable:
        head = self.head(department)
        if isinstance(head, Undeliverable):
            return head
        return self._address(head, "head", f"{department}负责人 {_who(head)}")

    def recipients(self, kind: str, *, department: str = "", staff_id: str = "",
                   fallback_email: str = "", only_department: str | None = None,
                   ) -> tuple[list[Recipient], list[Undeliverable]]:
        """Who receives a document of ``kind`` about ``department``/``staff_id``, and who cannot.

        ``fallback_email`` (the manifest's address) is used only for a person the staff list
        does not know. ``only_department`` limits the period-wide reports to that department's
        head. Addresses are de-duplicated (one head of two departments gets one copy).
        """
        audience = AUDIENCE.get(kind)
        found: list[Recipient | Undeliverable] = []
        if audience == "self":
            person = self._by_id.get(staff_id) if staff_id else None
            if person is not None:
                found.append(self._address(person, "self"))
            elif fallback_email:
                found.append(Recipient(staff_id, staff_id, fallback_email, department, "self"))
            else:
                found.append(Undeliverable(staff_id or "—", _reason("unknown-person")))
        elif audience == "head":
            found.append(self._head_address(department))
        elif audience == "all-heads":
            depts = [only_department] if only_department else self.departments()
            found.extend(self._head_address(d) for d in depts)
        else:
            found.append(Undeliverable(kind, _reason("not-sent")))
        recipients: list[Recipient] = []
        missing: list[Undeliverable] = []
        seen: set[str] = set()
        for item in found:
            if isinstance(item, Undeliverable):
                missing.append(item)
            elif item.email.lower() not in seen:
                seen.add(item.email.lower())
                recipients.append(item)
        return recipients, missing


def _only(people: list[Record]) -> Record | None:
    return people[0] if len(people) == 1 else None


def _by_role(people: list[Record]) -> Record | None:
    """The one person whose 岗位 has the strongest head word; None when none or a tie."""
    for words in HEAD_ROLE_WORDS:
        matches = [p for p in people if any(w in str(p.get("role") or "") for w in words)]
        if matches:
            return _only(matches)
    return None
