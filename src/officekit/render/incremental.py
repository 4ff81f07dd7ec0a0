"""Render a document again only when what it is made of changed.

What a document is made of: its template (the file's bytes), its context (every value, charts
as their data, pictures as their bytes) and the renderer's own version. :func:`fingerprint`
hashes them into one SHA-256; the document keeps it in its zip comment field
(``officekit:<hex>``, which Word and LibreOffice ignore and a save from Word drops), so the
fingerprint travels with the file: no side table to get out of step with the outbox, and a
document edited by hand, replaced or deleted is simply rendered again.

:func:`is_current` reads the comment back (the zip's last bytes only). The report command and
the watcher skip a document whose stored fingerprint equals the new one: the file is not
touched (same inode, same mtime), and its manifest row keeps its hash and time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

# Bump when the renderer's output for the same template and context changes (a new chart
# style, a fixed bug), so every document is rendered again once.
RENDER_VERSION = "2"
_PREFIX = b"officekit:"
_END = struct.Struct("<4sHHHHIIH")


class Unhashable(TypeError):
    """A context value whose content cannot be fingerprinted (the document is always rendered)."""


_SCALARS = (bool, int, float, Decimal)
_PLAIN_SCALARS = frozenset({bool, int, float})


def _feed(out: list[bytes], value: Any) -> None:
    """Append ``value``'s bytes for the hash to ``out``: with its type, unambiguously (lengths
    before items). The commonest types are told by their exact type first, and a plain
    string inside a dict or list is written in place: a context is hundreds of values, most
    of them strings, and the fingerprint is taken for every document."""
    kind = type(value)
    if kind is str:
        data = value.encode("utf-8", "surrogatepass")
        out += (b"s%d:" % len(data), data)
    elif value is None or kind in _PLAIN_SCALARS or isinstance(value, _SCALARS):
        out.append(f"{kind.__name__}:{value!r};".encode())
    elif kind is dict or isinstance(value, Mapping):
        out.append(b"{%d:" % len(value))
        for key in sorted(value, key=repr):
            if type(key) is str:
                data = key.encode("utf-8", "surrogatepass")
                out += (b"s%d:" % len(data), data)
            else:
                _feed(out, key)
            item = value[key]
            if type(item) is str:
                data = item.encode("utf-8", "surrogatepass")
                out += (b"s%d:" % len(data), data)
            else:
                _feed(out, item)
    elif kind is list or kind is tuple or isinstance(value, (list, tuple)):
        out.append(b"[%d:" % len(value))
        for item in value:
            if type(item) is str:
                data = item.encode("utf-8", "surrogatepass")
                out += (b"s%d:" % len(data), data)
            else:
                _feed(out, item)
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        out.append(b"%s%d:" % (b"M" if isinstance(value, Markup) else b"s", len(data)))
        out.append(data)
    elif isinstance(value, (bytes, bytearray)):
        out.append(b"b%d:" % len(value))
        out.append(bytes(value))
    elif isinstance(value, (datetime, date, time)):
        out.append(f"{kind.__name__}:{value.isoformat()};".encode())
    elif isinstance(value, Path):
        try:
            _feed(out, value.read_bytes())
        except OSError as exc:
            raise Unhashable(f"cannot read {value}") from exc
    elif isinstance(value, (set, frozenset)):
        _feed(out, sorted(value, key=repr))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(f"<{kind.__qualname__}>".encode())
        for f in dataclasses.fields(value):
            _feed(out, f.name)
            _feed(out, getattr(value, f.name))
    elif hasattr(value, "runs_xml"):  # RichText: its runs are what it prints
        out.append(b"<RichText>")
        _feed(out, value.runs_xml())
    else:
        raise Unhashable(f"cannot fingerprint a {kind.__qualname__}")


@lru_cache(maxsize=32)
def _template_digest(path: Path, device: int, inode: int, mtime_ns: int, size: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def template_digest(path: Path) -> bytes:
    """SHA-256 of the template file (cached while the file it names — device and inode —
    and its mtime and size stay the same; asked once per document of a batch)."""
    stat = path.stat()
    return _template_digest(path, stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)


def fingerprint(template: Path, context: Mapping[str, Any]) -> str | None:
    """What a document of ``template`` from ``context`` is made of, as a hex digest.

    None when a value cannot be fingerprinted by content: such a document is always rendered.
    """
    h = hashlib.sha256()
    h.update(b"officekit-render-" + RENDER_VERSION.encode() + b";")
    h.update(template_digest(template))
    out: list[bytes] = []
    try:
        _feed(out, context)
    except Unhashable:
        return None
    h.update(b"".join(out))
    return h.hexdigest()


def comment_for(digest: str | None) -> bytes:
    """The zip comment that records ``digest`` (empty when there is none)."""
    return _PREFIX + digest.encode("ascii") if digest else b""


def stored_fingerprint(path: Path) -> str | None:
    """The fingerprint kept in the document at ``path``, or None (none, or no such file)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            tail = min(size, _END.size + len(_PREFIX) + 64)
            fh.seek(size - tail)
            data = fh.read(tail)
    except OSError:
        return None
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < _END.size:
        return None
    comment_len = _END.unpack_from(data, at)[7]
    comment = data[at + _END.size:at + _END.size + comment_len]
    if len(comment) != comment_len or not comment.startswith(_PREFIX):
        return None
    return comment[len(_PREFIX):].decode("ascii", "replace")


def is_current(path: Path, digest: str | None) -> bool:
    """True when the document at ``path`` exists and was made from exactly ``digest``."""
    return digest is not None and stored_fingerprint(path) == digest
