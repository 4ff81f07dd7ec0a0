"""The DingTalk (钉钉) custom group robot: a signed markdown message.

The webhook is ``https://oapi.dingtalk.com/robot/send?access_token=TOKEN``. With 加签 (signing)
on, each request adds ``timestamp`` (milliseconds) and ``sign`` = Base64(HMAC-SHA256(secret,
"{timestamp}\\n{secret}")), URL-encoded; the secret (``SEC…``) is read from the environment
variable the settings name, never from the file. The body is
``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``. A custom robot cannot carry
files, so DingTalk gets the summary: which documents there are and where to find them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from officekit.deliver.robot import Codes, RobotClient
from officekit.errors import SettingsError

CODES = Codes(
    name="钉钉",
    rate_limited=frozenset({130101, 130102}),  # send too fast: 20 messages a minute
    setup=frozenset({300001, 310000, 400102, 43004}),  # token, signature / keyword / IP, off
)
MARKDOWN_LIMIT = 18000  # bytes; DingTalk takes about 20,000


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of ``timestamp_ms`` (not yet URL-encoded)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(webhook: str, secret: str | None, now_ms: int | None = None) -> str:
    """The webhook with ``timestamp`` and ``sign`` added when there is a secret."""
    if not secret:
        return webhook
    stamp = int(time.time() * 1000) if now_ms is None else now_ms
    parts = urlsplit(webhook)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("timestamp", "sign")]
    query += [("timestamp", str(stamp)), ("sign", sign(secret, stamp))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class DingTalkRobot:
    """One DingTalk group robot (webhook and, optionally, its signing secret)."""

    def __init__(self, client: RobotClient) -> None:
        self.client = client
        settings = client.settings
        self.secret: str | None = None
        if settings.secret_env:
            self.secret = os.environ.get(settings.secret_env) or None
            if self.secret is not None and not self.secret.startswith("SEC"):
                raise SettingsError("dingtalk.secret_env", "dingtalk-secret",
                                    env=settings.secret_env)

    def send_markdown(self, title: str, text: str) -> dict[str, Any]:
        body = text.encode("utf-8")
        if len(body) > MARKDOWN_LIMIT:
            text = body[:MARKDOWN_LIMIT].decode("utf-8", "ignore").rsplit("\n", 1)[0] + "\n\n…"
        # signed per request: DingTalk refuses a timestamp more than an hour off
        return self.client.post(signed_url(self.client.settings.webhook, self.secret),
                                json={"msgtype": "markdown",
                                      "markdown": {"title": title, "text": text}})
