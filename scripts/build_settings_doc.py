"""Write docs/settings.md, the settings reference, from the key table.

    .venv/bin/python scripts/build_settings_doc.py

Every key of ``officekit.toml`` is declared once in ``src/officekit/settings/keys.py``; this
writes :func:`officekit.settings.settings_reference` out. tests/test_settings.py checks the file
is current.
"""

from __future__ import annotations

from pathlib import Path

from officekit.settings import settings_reference

DOCS = Path(__file__).resolve().parent.parent / "docs" / "settings.md"

if __name__ == "__main__":
    DOCS.write_text(settings_reference() + "\n", encoding="utf-8")
    print(f"wrote {DOCS}")
