"""One exception root for officekit; the CLI turns each class into a message and an exit code.

Validation problems in a workbook are *data* (:class:`officekit.model.Issue`), not exceptions.
Exceptions are for things that stop a command: a bad setting, an unreadable file, a missing tool.
"""

from __future__ import annotations


class OfficekitError(Exception):
    """Root of every error officekit raises on purpose. ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(OfficekitError):
    """A command was called with arguments that cannot work (bad period, unknown kind…)."""


class SettingsError(OfficekitError):
    """``officekit.toml`` has a bad key or value. The message names the key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"officekit.toml: {key}: {message}")
        self.key = key


class WorkspaceError(OfficekitError):
    """The workspace folder is missing or not usable."""


class WorkbookError(OfficekitError):
    """A file cannot be read as a workbook at all (corrupt, encrypted, empty, not a workbook).

    ``code`` is a stable kebab-case issue code (``corrupt-file``, ``encrypted-file``,
    ``empty-file``, ``not-a-workbook``, ``unsupported-format``); the intake turns it into a
    file-level error issue so the file is rejected cleanly, never with a traceback.
    """

    exit_code = 1

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class LedgerError(OfficekitError):
    """The ledger database cannot be opened or written."""


class TemplateError(OfficekitError):
    """A Word template has a syntax error or cannot be rendered; says where in Word terms."""


class PdfError(OfficekitError):
    """LibreOffice is missing or failed to convert a document."""


class DeliveryError(OfficekitError):
    """Sending a document failed (SMTP)."""
