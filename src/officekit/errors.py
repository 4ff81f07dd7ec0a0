"""One exception root for officekit; the CLI turns each class into a message and an exit code.

Validation problems in a workbook are *data* (:class:`officekit.model.Issue`), not exceptions.
Exceptions are for things that stop a command: a bad setting, an unreadable file, a missing tool.
"""

from __future__ import annotations

from officekit.i18n import UI, Message, Texts, code_message, t


class OfficekitError(Exception):
    """Root of every error officekit raises on purpose. ``exit_code`` is what the CLI returns.

    Raised with a catalogue ``key`` of :data:`officekit.i18n.UI` (``error.…`` entries) and its
    ``params``: :meth:`text` gives it in either language and the entry ``<key>.hint`` (or
    ``hint_key``), when the catalogue has one, is its hint; ``str()`` gives both languages. A
    finished ``message`` is still taken, for texts that are not officekit's (a library's own).
    """

    exit_code = 2

    def __init__(self, message: str = "", *, hint: str | None = None, key: str | None = None,
                 hint_key: str | None = None, **params: object) -> None:
        self.catalogue_key = key
        self.hint_key = hint_key
        self.params = params
        if key is not None and not message:
            message = self._both()
        super().__init__(message)
        self.message = message
        self.hint = hint

    def _from_catalogue(self, lang: str) -> str:
        key = self.catalogue_key or ""
        text = t(key, lang, **self.params)
        hint_key = self.hint_key or key + ".hint"
        if hint_key in UI:
            text += "\n" + t(hint_key, lang, **self.params)
        return text

    def _both(self) -> str:
        """Both languages, for where no language is asked (logs, tracebacks): "zh / en", or
        the Chinese lines then the English ones when the text has more than one line."""
        zh, en = self._from_catalogue("zh"), self._from_catalogue("en")
        if zh == en:
            return zh
        return f"{zh}\n{en}" if "\n" in zh + en else f"{zh} / {en}"

    def text(self, lang: str = "zh") -> str:
        """The message (and hint) in ``lang``: what the CLI prints."""
        if self.catalogue_key is not None:
            return self._from_catalogue(lang)
        return str(self)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"

    def as_message(self) -> Message:
        """The error as data (:class:`~officekit.i18n.Message`): its key, params and hint to
        word later in any language; an error without a key keeps its text in both."""
        if self.catalogue_key is not None:
            hint_key = self.hint_key or self.catalogue_key + ".hint"
            return Message(self.catalogue_key, dict(self.params),
                           hint_key if hint_key in UI else None)
        return Message.literal(Texts(self.text("zh"), self.text("en")))


class UsageError(OfficekitError):
    """A command was called with arguments that cannot work (bad period, unknown kind…)."""


class SettingsError(OfficekitError):
    """``officekit.toml`` has a bad key or value. The message names the key.

    ``problem`` is the code of a catalogue entry ``settings.<problem>`` (both languages) with
    its ``params``; any other text is shown as it is.
    """

    # the language the file asks for (``language = "en"``) even when another key is wrong
    language = "zh"

    def __init__(self, key: str, problem: str, **params: object) -> None:
        self.problem = problem
        self.key = key  # the setting's dotted name; "" for the file as a whole
        super().__init__(self._where() + self._problem("zh", params))
        self.params = params

    def _where(self) -> str:
        return f"officekit.toml: {self.key}: " if self.key else "officekit.toml: "

    def _problem(self, lang: str, params: dict[str, object]) -> str:
        key = f"settings.{self.problem}"
        if key not in UI:
            return self.problem
        what = "settings.what." + str(params.get("what"))
        if what in UI:
            params = {**params, "what": t(what, lang)}
        text = t(key, lang, **params)
        hint_key = key + ".hint"  # how to put it right, on lines of its own
        if hint_key in UI:
            text += "\n" + t(hint_key, lang, **params)
        return text

    def text(self, lang: str = "zh") -> str:
        return self._where() + self._problem(lang, self.params)


class WorkspaceError(OfficekitError):
    """The workspace folder is missing or not usable."""


class WorkbookError(OfficekitError):
    """A file cannot be read as a workbook at all (corrupt, encrypted, empty, not a workbook).

    ``code`` is a stable kebab-case issue code (``corrupt-file``, ``encrypted-file``,
    ``empty-file``, ``not-a-workbook``, ``unsupported-format``); the intake turns it into a
    file-level error issue so the file is rejected cleanly, never with a traceback.
    """

    exit_code = 1

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        super().__init__(code_message(code, "zh", **params))
        self.params = params

    def text(self, lang: str = "zh") -> str:
        """The issue ``code``'s message in ``lang`` (the catalogue's :data:`ISSUES` entry)."""
        return code_message(self.code, lang, **self.params)


class LedgerError(OfficekitError):
    """The ledger database cannot be opened or written."""


class TemplateError(OfficekitError):
    """A Word template has a syntax error or cannot be rendered; says where in Word terms."""


class PdfError(OfficekitError):
    """LibreOffice is missing or failed to convert a document."""


class DeliveryError(OfficekitError):
    """Sending a document failed (SMTP)."""


def message_of(exc: BaseException) -> Message:
    """Any exception's text as a :class:`~officekit.i18n.Message`: an officekit error's key
    and params; another's own text (Python's or a library's, one language)."""
    if isinstance(exc, OfficekitError):
        return exc.as_message()
    return Message.literal(str(exc))


def failure_of(exc: BaseException) -> Message:
    """Why processing failed, as the ledger keeps it: the exception's type and its message."""
    return Message("error.failed-with", {"type": type(exc).__name__, "detail": message_of(exc)})
