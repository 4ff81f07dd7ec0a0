"""Settings from ``officekit.toml`` (SPEC §8). Every key is optional; defaults are built in.

The keys are declared once, in the key table of :mod:`.keys`; the parser, its errors, the
commented file of ``init`` and docs/settings.md are made from it. A bad key or value raises
:class:`~officekit.errors.SettingsError` naming the key, at start.
"""

from __future__ import annotations

from officekit.settings.keys import DOCUMENT_STYLES, KEYS, SECTIONS, Key, Section
from officekit.settings.model import (
    DEFAULT_ENUMS,
    DEFAULT_GRADES,
    DEFAULT_SHIFTS,
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    DueSettings,
    EnumSpec,
    Limits,
    Settings,
    Shift,
    SmtpSettings,
    WebhookSettings,
)
from officekit.settings.parse import load_settings, parse_settings
from officekit.settings.reference import section_toml, settings_reference, settings_toml

__all__ = [
    "DEFAULT_ENUMS",
    "DEFAULT_GRADES",
    "DEFAULT_SHIFTS",
    "DEFAULT_TARGETS",
    "DEFAULT_WEIGHTS",
    "DOCUMENT_STYLES",
    "KEYS",
    "SECTIONS",
    "DueSettings",
    "EnumSpec",
    "Key",
    "Limits",
    "Section",
    "Settings",
    "Shift",
    "SmtpSettings",
    "WebhookSettings",
    "load_settings",
    "parse_settings",
    "section_toml",
    "settings_reference",
    "settings_toml",
]
