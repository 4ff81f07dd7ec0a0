"""Seeing and undoing what went into the ledger (SPEC §5 lifecycle): ``files`` and ``retract``.

A retraction takes one accepted file's contribution back out, in one transaction:
- a record the file inserted is removed;
- a record it updated returns to the version before it — the newest earlier version in
  ``history`` that came from a file still accepted (so retracting two files in either order
  ends in the same place);
- a record a later file changed again keeps that later version;
- schedule entries its sheet dropped come back unless a later file has the key again.
The file's own versions go to ``history`` with reason ``retracted`` (nothing is lost), the file
becomes ``retracted``, its ``contributions`` row is removed and a ``retractions`` row says who
did it, when and what changed. The same content can then be ingested again like a new file.

Retracting a staff list is refused while records of other files name the people it would
remove (the dependants), unless forced.
"""

from __future__ import annotations

import getpass
import socket
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping

from officekit.errors import LedgerError, UsageError
from officekit.kinds import PERIOD_FIELDS
from officekit.ledger import schema
from officekit.ledger.schema import (
    COLUMNS,
    DERIVED,
    KIND_ORDER,
    RECORD_TABLES,
    contributions,
    files,
    history,
    retractions,
)
from officekit.ledger.store import Ledger
from officekit.model import original_stem

_CHUNK = 500
DEPENDANTS_SHOWN = 20

# Record fields that name a person of the staff list, per kind (what a staff list's removal
# would leave dangling).
STAFF_REFERENCES: dict[str, tuple[str, ...]] = {
    "complaints": ("handler_id",), "visits": ("staff_id",), "schedule": ("staff_id",),
    "staff": ("manager_id",),
}


@dataclass(slots=True)
class RetractPlan:
    """What retracting one file changes, kind by kind (natural keys), and who depends on it."""

    file: dict[str, Any]
    removed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    restored: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    kept: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    reinserted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    periods: set[str] = field(default_factory=set)
    dependants: list[dict[str, Any]] = field(default_factory=list)
    # internal: key → the history row to bring back
    _restore_rows: dict[str, dict[str, RowMapping]] = field(
        default_factory=lambda: defaultdict(dict))

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"removed": {kind: n}, "restored": …, "kept": …, "reinserted": …}``."""
        return {name: {k: len(v) for k, v in getattr(self, name).items() if v}
                for name in ("removed", "restored", "kept", "reinserted")}

    def to_dict(self) -> dict[str, Any]:
        return {"file": {"name": self.file["name"], "sha256": self.file["sha256"]},
                **self.counts(), "periods": sorted(self.periods),
                "dependants": self.dependants}


def who() -> str:
    """The person doing it, as the machine knows them: ``user@host``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (a service account without a passwd entry)
        user = "?"
    return f"{user}@{socket.gethostname()}"


def find_file(ledger: Ledger, ref: str) -> dict[str, Any]:
    """The file row ``ref`` names: a sha256 prefix (≥ 6 hex digits), a path or a file name.

    Duplicate drops are not candidates (they contributed nothing). UsageError when nothing or
    more than one file matches.
    """
    text = ref.strip()
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    with ledger.transaction() as conn:
        base = select(files).where(files.c.duplicate_of.is_(None))
        rows: list[RowMapping] = []
        if len(text) >= 6 and all(c in "0123456789abcdefABCDEF" for c in text):
            rows = list(conn.execute(base.where(
                files.c.sha256.startswith(text.lower()))).mappings())
        if not rows:
            rows = list(conn.execute(base.where(
                or_(files.c.path == text, files.c.destination == text,
                    files.c.name == name)).order_by(files.c.id)).mappings())
    if not rows:
        raise UsageError(key="error.ledger.no-such-file", ref=ref)
    accepted = [r for r in rows if r["state"] == "accepted"]
    if len(rows) > 1 and len(accepted) == 1:
        return dict(accepted[0])
    if len(rows) > 1:
        listed = [f"{r['sha256'][:12]} {r['name']} ({r['state']})" for r in rows]
        raise UsageError(key="error.ledger.ambiguous-file", ref=ref, listed=listed)
    return dict(rows[0])


def _chunks(items: Iterable[Any]) -> Iterable[list[Any]]:
    seq = list(items)
    for i in range(0, len(seq), _CHUNK):
        yield seq[i:i + _CHUNK]


def _months(kind: str, data: Mapping[str, Any]) -> set[str]:
    out: set[str] = set()
    for name in PERIOD_FIELDS.get(kind, ()):
        v = data.get(name)
        if isinstance(v, str):
            try:
                v = date.fromisoformat(v[:10])
            except ValueError:
                continue
        if isinstance(v, date):
            out.add(f"{v.year:04d}-{v.month:02d}")
    return out


def _history_of(conn: Connection, kind: str, keys: Iterable[str]) -> dict[str, list[RowMapping]]:
    """History rows of ``keys`` with the state of the file each version came from, oldest first."""
    out: dict[str, list[RowMapping]] = defaultdict(list)
    query = select(history, files.c.state.label("from_state")).join(
        files, files.c.id == history.c.file_id, isouter=True)
    for chunk in _chunks(keys):
        rows = conn.execute(query.where(history.c.kind == kind, history.c.natural_key.in_(chunk))
                            .order_by(history.c.id)).mappings()
        for row in rows:
            out[row["natural_key"]].append(row)
    return out


def plan_retraction(conn: Connection, file_row: Mapping[str, Any]) -> RetractPlan:
    """What retracting ``file_row`` would change (read only)."""
    file_id = int(file_row["id"])
    plan = RetractPlan(dict(file_row))
    for kind in KIND_ORDER:
        table = RECORD_TABLES[kind]
        live = {r["natural_key"]: r for r in conn.execute(
            select(table).where(table.c.file_id == file_id)).mappings()}
        replaced = list(conn.execute(select(history.c.natural_key, history.c.reason)
                                     .where(history.c.kind == kind,
                                            history.c.replaced_by_file_id == file_id)))
        mine_later = {row[0] for row in conn.execute(select(history.c.natural_key).where(
            history.c.kind == kind, history.c.file_id == file_id,
            history.c.replaced_by_file_id != file_id))}
        removed_keys = {k for k, reason in replaced if reason == "removed"}
        versions = _history_of(conn, kind, set(live) | removed_keys)
        for key, row in live.items():
            plan.periods |= _months(kind, dict(row))
            prior = _prior(versions.get(key, []), file_id)
            if prior is None:
                plan.removed[kind].append(key)
            else:
                plan.restored[kind].append(key)
                plan._restore_rows[kind][key] = prior
                plan.periods |= _months(kind, prior["data"])
        # a key this file had whose record a later file holds now keeps that later version
        plan.kept[kind].extend(sorted(mine_later - set(live)))
        if removed_keys:
            present = _present(conn, kind, removed_keys)
            for key in sorted(removed_keys - present):
                prior = _prior(versions.get(key, []), file_id, removed=True)
                if prior is not None:
                    plan.reinserted[kind].append(key)
                    plan._restore_rows[kind][key] = prior
                    plan.periods |= _months(kind, prior["data"])
    if plan.removed.get("staff"):
        plan.dependants = _dependants(conn, file_id, plan.removed["staff"])
    return plan


def _prior(versions: list[RowMapping], file_id: int, *, removed: bool = False
           ) -> RowMapping | None:
    """The version this file replaced (or, ``removed``, dropped), from a file still accepted.

    Up to the newest history row this file wrote for the key, the newest version that came
    from another file that is still accepted; None when the file inserted the record.
    """
    reason = "removed" if removed else "replaced"
    upto = max((i for i, v in enumerate(versions)
                if v["replaced_by_file_id"] == file_id and v["reason"] == reason), default=None)
    if upto is None:
        return None
    for v in reversed(versions[:upto + 1]):
        if v["file_id"] != file_id and v["from_state"] == "accepted" and v["reason"] != "retracted":
            return v
    return None


def _present(conn: Connection, kind: str, keys: Iterable[str]) -> set[str]:
    table = RECORD_TABLES[kind]
    found: set[str] = set()
    for chunk in _chunks(keys):
        found |= {r[0] for r in conn.execute(
            select(table.c.natural_key).where(table.c.natural_key.in_(chunk)))}
    return found


def _dependants(conn: Connection, file_id: int, staff_keys: list[str]) -> list[dict[str, Any]]:
    """Records of other files that name a person this staff list's retraction would remove."""
    staff = RECORD_TABLES["staff"]
    ids: set[str] = set()
    for chunk in _chunks(staff_keys):
        ids |= {r[0] for r in conn.execute(select(staff.c.staff_id).where(
            staff.c.natural_key.in_(chunk)))}
    out: list[dict[str, Any]] = []
    for kind, columns in STAFF_REFERENCES.items():
        table = RECORD_TABLES[kind]
        for column in columns:
            for chunk in _chunks(ids):
                query = select(table.c.natural_key, table.c[column], files.c.name).join(
                    files, files.c.id == table.c.file_id).where(
                    table.c[column].in_(chunk), table.c.file_id != file_id).order_by(table.c.id)
                out.extend({"kind": kind, "key": key, "staff_id": sid, "file": name}
                           for key, sid, name in conn.execute(query))
    return out


def _values(kind: str, prior: RowMapping, now: datetime) -> dict[str, Any]:
    data = schema.from_json(kind, prior["data"])
    values: dict[str, Any] = {name: data.get(name) for name in COLUMNS[kind]}
    for name in DERIVED.get(kind, ()):
        values[name] = schema.person(values)
    values.update(extra=data.get("extra"), file_id=prior["file_id"], sheet=prior["sheet"],
                  row=prior["row"], col=prior["col"], updated_at=now)
    return values


def _save_retracted(conn: Connection, kind: str, rows: list[RowMapping], file_id: int,
                    now: datetime) -> None:
    if not rows:
        return
    conn.execute(insert(history), [
        {"kind": kind, "natural_key": r["natural_key"],
         "data": {**{n: schema.json_safe(r[n]) for n in COLUMNS[kind]}, "extra": r["extra"]},
         "file_id": r["file_id"], "sheet": r["sheet"], "row": r["row"], "col": r["col"],
         "replaced_by_file_id": file_id, "replaced_at": now, "reason": "retracted"}
        for r in rows])


def apply_retraction(conn: Connection, plan: RetractPlan, *, by: str, forced: bool,
                     now: datetime) -> None:
    """Carry ``plan`` out inside the caller's write transaction."""
    file_id = int(plan.file["id"])
    for kind in KIND_ORDER:
        table = RECORD_TABLES[kind]
        gone = plan.removed.get(kind, []) + plan.restored.get(kind, [])
        for chunk in _chunks(gone):
            rows = list(conn.execute(select(table).where(
                table.c.natural_key.in_(chunk), table.c.file_id == file_id)).mappings())
            _save_retracted(conn, kind, rows, file_id, now)
        for chunk in _chunks(plan.removed.get(kind, [])):
            conn.execute(delete(table).where(table.c.natural_key.in_(chunk),
                                             table.c.file_id == file_id))
        for key in plan.restored.get(kind, []):
            conn.execute(update(table).where(table.c.natural_key == key).values(
                _values(kind, plan._restore_rows[kind][key], now)))
        for key in plan.reinserted.get(kind, []):
            conn.execute(insert(table).values(
                natural_key=key, **_values(kind, plan._restore_rows[kind][key], now)))
    conn.execute(delete(contributions).where(contributions.c.file_id == file_id))
    done = conn.execute(update(files).where(files.c.id == file_id, files.c.state == "accepted")
                        .values(state="retracted", updated=now))
    if done.rowcount != 1:
        raise LedgerError(key="error.ledger.not-accepted-any-more", name=plan.file["name"])
    conn.execute(insert(retractions).values(
        file_id=file_id, retracted_at=now, retracted_by=by, forced=forced,
        summary={**plan.counts(), "periods": sorted(plan.periods)}))


def retract(ledger: Ledger, ref: str, *, dry_run: bool = False, force: bool = False,
            by: str | None = None) -> RetractPlan:
    """Take file ``ref`` (name, path or sha256 prefix) back out of the ledger; the plan.

    ``dry_run`` only plans. A staff list with dependants raises :class:`RetractRefused` unless
    ``force``. Re-rendering the touched periods is the caller's (``officekit.lifecycle``).
    """
    row = find_file(ledger, ref)
    if row["state"] != "accepted":
        raise UsageError(key="error.ledger.retract-only-accepted", name=row["name"],
                         state=row["state"])
    with ledger.transaction(write=not dry_run) as conn:
        plan = plan_retraction(conn, row)
        if dry_run:
            return plan
        if plan.dependants and not force:
            raise RetractRefused(plan)
        apply_retraction(conn, plan, by=by or who(), forced=force, now=datetime.now())
    return plan


class RetractRefused(LedgerError):
    """A staff list whose people later records still name; ``--force`` retracts it anyway."""

    exit_code = 1

    def __init__(self, plan: RetractPlan) -> None:
        count = len(plan.dependants)
        super().__init__(
            key="error.ledger.retract-refused", name=plan.file["name"], count=count,
            shown=[f"{d['file']} {d['kind']} {d['key']} ({d['staff_id']})"
                   for d in plan.dependants[:DEPENDANTS_SHOWN]],
            more=count if count > DEPENDANTS_SHOWN else "")
        self.plan = plan


# --- officekit files ------------------------------------------------------------------------

LISTED_STATES = ("accepted", "rejected", "duplicate", "failed", "retracted")


def list_files(ledger: Ledger, *, kind: str | None = None, state: str | None = None
               ) -> list[dict[str, Any]]:
    """Every file the ledger has seen, oldest first, as ``officekit files`` shows it (SPEC §5).

    Each: ``name, sha256, state, seen_at, kinds, rows_inserted, rows_updated, periods,
    archived_to`` plus ``rows_removed``, ``annotated`` and, for a retracted file, ``retracted_at``
    and ``retracted_by``. Counts and periods are null for a file accepted before the ledger
    kept them, and for files that stored nothing.
    """
    if state is not None and state not in schema.FILE_STATES:
        raise UsageError(key="error.ledger.unknown-listed-state", state=state,
                         states=LISTED_STATES)
    with ledger.transaction() as conn:
        query = select(files, contributions.c.inserted.label("c_inserted"),
                       contributions.c.updated.label("c_updated"),
                       contributions.c.removed.label("c_removed"),
                       contributions.c.periods.label("c_periods")).join(
            contributions, contributions.c.file_id == files.c.id, isouter=True)
        if state is not None:
            query = query.where(files.c.state == state)
        rows = list(conn.execute(query.order_by(files.c.first_seen, files.c.id)).mappings())
        last: dict[int, RowMapping] = {}
        for r in conn.execute(select(retractions).order_by(retractions.c.id)).mappings():
            last[int(r["file_id"])] = r
    out: list[dict[str, Any]] = []
    for r in rows:
        kinds = sorted({s.get("kind") for s in (r["sheets"] or []) if s.get("kind")},
                       key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)
        if kind is not None and kind not in kinds:
            continue
        undone = last.get(int(r["id"])) if r["state"] == "retracted" else None
        summary = undone["summary"] if undone is not None else {}
        item = {
            "name": r["name"], "sha256": r["sha256"], "state": r["state"],
            "seen_at": _iso(r["first_seen"]), "kinds": kinds,
            "rows_inserted": _total(r["c_inserted"]), "rows_updated": _total(r["c_updated"]),
            "rows_removed": _total(r["c_removed"]),
            "periods": list(r["c_periods"]) if r["c_periods"] is not None
            else summary.get("periods"),
            "archived_to": r["destination"], "annotated": r["annotated"],
        }
        if undone is not None:
            item.update(retracted_at=_iso(undone["retracted_at"]),
                        retracted_by=undone["retracted_by"])
        out.append(item)
    return out


def _total(by_kind: Mapping[str, int] | None) -> int | None:
    return None if by_kind is None else sum(int(n) for n in by_kind.values())


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


# --- rejected files still to be fixed -------------------------------------------------------

def settled_rejections(rows: Iterable[Mapping[str, Any]]) -> set[int]:
    """Ids of rejected file rows that a later accepted file of the same name settles.

    "The same name" ignores the extension and the annotated copy's marks, so fixing
    ``a.校验结果.xlsx`` and dropping it back settles ``a.xls``.
    """
    accepted: dict[str, list[datetime]] = defaultdict(list)
    rejected: list[tuple[int, str, datetime]] = []
    for r in rows:
        key = original_stem(str(r["name"]).rsplit(".", 1)[0])
        when = r["updated"]
        if r["state"] == "accepted":
            accepted[key].append(when)
        elif r["state"] == "rejected" and r.get("duplicate_of") is None:
            rejected.append((int(r["id"]), key, when))
    return {fid for fid, key, when in rejected if any(a > when for a in accepted.get(key, ()))}


def outstanding_rejected(ledger: Ledger) -> list[dict[str, Any]]:
    """Rejected files no later accepted file of the same name has settled, newest first."""
    with ledger.transaction() as conn:
        rows = [dict(r) for r in conn.execute(
            select(files.c.id, files.c.name, files.c.state, files.c.updated,
                   files.c.duplicate_of, files.c.annotated, files.c.errors, files.c.warnings,
                   files.c.sha256).where(files.c.state.in_(("accepted", "rejected")))
            .order_by(files.c.updated.desc(), files.c.id.desc())).mappings()]
    settled = settled_rejections(rows)
    return [r for r in rows if r["state"] == "rejected" and r["id"] not in settled
            and r["duplicate_of"] is None]
