"""The wire side of ``officekit send``: building a message and getting it through SMTP.

:func:`build_message` writes headers already encoded so that Outlook, Foxmail and the rest
show Chinese names and subjects; :class:`Mailer` holds one connection (STARTTLS, SSL or plain
on a trusted network), reconnects when it drops and retries with exponential backoff. It tells
the caller apart what to do next: :class:`MessageRefused` (a 5xx for this message — go on with
the next) and :class:`ConnectionExhausted` (no server after every retry — stop). Settings
problems are raised as :class:`~officekit.errors.SettingsError` or :class:`SmtpSetupError`,
both exit code 2. The password comes only from the environment variable named by
``smtp.password_env``, never from ``officekit.toml``.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import quote

from officekit.console import expect, note
from officekit.errors import DeliveryError, SettingsError
from officekit.i18n import Message
from officekit.settings import SmtpSettings, section_toml

Progress = Callable[[str], None]

MIME_TYPES: dict[str, tuple[str, str]] = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

# Headers are written by us already encoded (RFC 2047 words, RFC 2231 parameters); generating
# with a 998-character line limit keeps the email package from re-folding them into forms
# some clients misread (RFC 2231 continuations, encoded MIME types). Bodies are base64.
WIRE_POLICY = policy.SMTP.clone(max_line_length=998)


class SmtpSetupError(DeliveryError):
    """The SMTP server cannot be used as configured (TLS refused, login failed): exit code 2."""

    exit_code = 2


class _Explained(DeliveryError):
    """A delivery failure whose reason is a :class:`~officekit.i18n.Message` (the send record
    keeps it as its key and params; each output words it in its language)."""

    exit_code = 1

    def __init__(self, why: Message) -> None:
        super().__init__(why.both())
        self.why = why

    def text(self, lang: str = "zh") -> str:
        return self.why.text(lang)

    def as_message(self) -> Message:
        return self.why


class MessageRefused(_Explained):
    """The server refused one message for good (5xx); the next message may still go."""


class ConnectionExhausted(_Explained):
    """The connection kept failing after every retry."""


def _encoded_words(text: str, header_name: str | None = None) -> str:
    """``text`` as RFC 2047 encoded words (each within its 75 characters), folded with "\\n "."""
    return Header(text, "utf-8", maxlinelen=75, header_name=header_name).encode(linesep="\n")


def _address(name: str, addr: str) -> str:
    return formataddr((name, addr), charset="utf-8") if name else addr


def stable_message_id(key: str, to_addr: str, sender_addr: str) -> str:
    """The Message-ID of one content to one address, the same at every attempt: a message
    sent again after a worker died between the server's acceptance and the ledger's record
    is the same message to the recipient's mail client (which shows it once)."""
    digest = hashlib.sha256(f"{key}|{to_addr.lower()}".encode()).hexdigest()[:40]
    return f"<{digest}.officekit@{sender_addr.rpartition('@')[2] or 'localhost'}>"


def build_message(sender: str, to_name: str, to_addr: str, subject: str, body: str,
                  attachments: Sequence[Path], *, when: datetime | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """One e-mail: UTF-8 subject and body, ``attachments`` attached under their own names.

    Serialise it with ``as_bytes(policy=WIRE_POLICY)`` so the headers stay as written.

    Attachment names are given twice, the standard way and the widespread way, so that every
    common client shows the Chinese name: ``filename*=utf-8''…`` (RFC 2231) in
    Content-Disposition and ``name="=?utf-8?b?…?="`` (RFC 2047) in Content-Type.
    """
    sender_name, sender_addr = parseaddr(sender)
    msg = EmailMessage(policy=policy.SMTP)
    msg.set_raw("From", _address(sender_name, sender_addr))
    msg.set_raw("To", _address(to_name, to_addr))
    msg.set_raw("Subject", _encoded_words(subject, "Subject"))
    msg["Date"] = formatdate((when or datetime.now()).timestamp(), localtime=True)
    msg["Message-ID"] = message_id or make_msgid(domain=sender_addr.rpartition("@")[2] or None)
    msg.set_content(body, cte="base64")
    for path in attachments:
        maintype, subtype = MIME_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype)
        part = list(msg.iter_attachments())[-1]
        del part["Content-Type"], part["Content-Disposition"]
        part.set_raw("Content-Type",
                     f'{maintype}/{subtype}; '
                     f'name="{_encoded_words(path.name).replace(chr(10), "")}"')
        part.set_raw("Content-Disposition",
                     f"attachment; filename*=utf-8''{quote(path.name, safe='')}")
    return msg


def smtp_password(smtp: SmtpSettings) -> str | None:
    """The password from the environment variable ``smtp.password_env`` (None without a user)."""
    if not smtp.user:
        return None
    password = os.environ.get(smtp.password_env, "")
    if not password:
        raise SettingsError("smtp.password_env", "smtp-no-password", user=repr(smtp.user),
                            env=smtp.password_env)
    return password


def check_smtp(smtp: SmtpSettings) -> tuple[str, str | None]:
    """The sender address and password, or a SettingsError showing the toml to add."""
    if not smtp.host:
        raise SettingsError("smtp.host", "smtp-no-host", toml_zh=section_toml("smtp", "zh"),
                            toml_en=section_toml("smtp", "en"))
    sender = smtp.sender or smtp.user
    if "@" not in parseaddr(sender)[1]:
        raise SettingsError("smtp.sender", "smtp-sender", got=repr(sender))
    return sender, smtp_password(smtp)


def _what(exc: BaseException) -> tuple[str, dict[str, object]]:
    """What went wrong on the connection: a catalogue key and its params ("" for a text
    that is the server's or Python's own, in ``detail``)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "", {"detail": "; ".join(f"{addr}: {code} {msg.decode(errors='replace')}"
                                        for addr, (code, msg) in exc.recipients.items())}
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return "smtp.replied", {"code": exc.smtp_code, "text": text}
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "smtp.disconnected", {"detail": str(exc)}
    if isinstance(exc, ConnectionRefusedError):
        return "smtp.refused", {}
    if isinstance(exc, TimeoutError):
        return "smtp.timed-out", {}
    return "", {"detail": f"{type(exc).__name__}: {exc}"}


def _why(exc: BaseException) -> Message:
    """What went wrong on the connection, as a message to word in any language."""
    key, params = _what(exc)
    return Message(key, params) if key else Message.literal(str(params["detail"]))


def _permanent(exc: smtplib.SMTPException) -> bool:
    """Whether the server refused this message for good (5xx), as opposed to 'try later'."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


class Mailer:
    """One SMTP connection, reopened as needed; :meth:`send` retries with backoff."""

    def __init__(self, smtp: SmtpSettings, password: str | None, *,
                 ssl_context: ssl.SSLContext | None = None, backoff: float = 2.0,
                 progress: Progress | None = None) -> None:
        self.smtp = smtp
        self._password = password
        self._ssl = ssl_context
        self._backoff = backoff
        self._progress = progress
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _context(self) -> ssl.SSLContext:
        return self._ssl or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        s = self.smtp
        conn: smtplib.SMTP
        if s.security == "ssl":
            conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=self._context())
                conn.ehlo()
            if s.user:
                conn.login(s.user, self._password or "")
        except smtplib.SMTPNotSupportedError as exc:
            conn.close()
            raise SmtpSetupError(key="error.smtp.no-starttls", host=s.host, port=s.port,
                                 hint_key="error.smtp.check-port") from exc
        except smtplib.SMTPAuthenticationError as exc:
            conn.close()
            raise SmtpSetupError(key="error.smtp.login", detail=_why(exc),
                                 env=s.password_env) from exc
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        """Say QUIT politely; a server already gone needs no goodbye."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()  # everything was already sent or recorded; only the goodbye failed

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send one message; MessageRefused when refused for good, ConnectionExhausted when no
        connection could be had after ``smtp.retries`` retries."""
        tries = max(0, self.smtp.retries) + 1
        for attempt in range(tries):
            try:
                if self._conn is None:
                    self._conn = self._connect()
                self._conn.sendmail(sender, [recipient], data)
                return
            except ssl.SSLError as exc:
                self._drop()
                raise SmtpSetupError(key="error.smtp.tls", host=self.smtp.host,
                                     port=self.smtp.port, detail=str(exc),
                                     hint_key="error.smtp.check-port") from exc
            except smtplib.SMTPException as exc:
                if _permanent(exc):
                    raise MessageRefused(_why(exc)) from exc
                last: BaseException = exc
            except OSError as exc:
                last = exc
            self._drop()
            if attempt + 1 < tries:
                delay = self._backoff * 2 ** attempt
                # the Mailer has no language of its own: the progress line has both
                note(self._progress, Message("smtp.retrying", {
                    "detail": _why(last), "delay": f"{delay:g}", "attempt": attempt + 1}).both())
                time.sleep(delay)
        raise ConnectionExhausted(
            Message("smtp.exhausted", {"detail": _why(last), "retries": tries - 1})) from last


class Addressee(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...


class Outgoing(Protocol):
    """A message to send (a document's :class:`~officekit.deliver.mail.Delivery`, a due
    list's mail): to whom, what, and the outcome :func:`send_each` sets."""

    @property
    def recipient(self) -> Addressee: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def attachments(self) -> tuple[Path, ...]: ...
    @property
    def key(self) -> str: ...
    status: str
    error: Message | None


M = TypeVar("M", bound=Outgoing)


def send_each(smtp: SmtpSettings, pending: Sequence[M],
              finish: Callable[[M, str, Message | None], None], *,
              label: Callable[[M], str], not_attempted: Message | None = None,
              ssl_context: ssl.SSLContext | None = None,
              backoff: float = 2.0, progress: Progress | None = None) -> None:
    """Send ``pending`` in order over one connection (:class:`Mailer`).

    ``finish(message, status, error)`` records each outcome as it happens (``sent`` or
    ``failed``), so a crash loses nothing already sent. A message the server refuses for good
    fails alone; when no connection can be had any more, the rest are ``not-attempted`` with
    the error ``not_attempted``. ``label`` names a message in the progress: a step of
    ``progress`` as each message is done (a bar with count and time left on a terminal).
    """
    sender, password = check_smtp(smtp)
    envelope_from = parseaddr(sender)[1]
    with Mailer(smtp, password, ssl_context=ssl_context, backoff=backoff,
                progress=progress) as mailer:
        expect(progress, len(pending))
        for i, message in enumerate(pending):
            mime = build_message(sender, message.recipient.name, message.recipient.email,
                                 message.subject, message.body, message.attachments,
                                 message_id=stable_message_id(
                                     message.key, message.recipient.email, envelope_from))
            try:
                mailer.send(envelope_from, message.recipient.email,
                            mime.as_bytes(policy=WIRE_POLICY))
            except MessageRefused as exc:
                finish(message, "failed", exc.why)
            except ConnectionExhausted as exc:
                finish(message, "failed", exc.why)
                for rest in pending[i + 1:]:
                    rest.status = "not-attempted"
                    rest.error = not_attempted
                break
            else:
                finish(message, "sent", None)
            if progress:
                progress(label(message))
