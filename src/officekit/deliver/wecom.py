"""The WeCom (企业微信) group robot: upload a file, send it as a file message, send a text.

The webhook is ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY``; files first go to
``…/webhook/upload_media?key=KEY&type=file`` (multipart, field ``media``; answer
``{"errcode": 0, "type": "file", "media_id": "…", "created_at": "…"}``, the media id good for
three days and only for this robot), then ``{"msgtype": "file", "file": {"media_id": …}}``.
A text message (``{"msgtype": "text", "text": {"content": …}}``) holds at most 2048 bytes.
The address comes from the settings whole, so a test (or a proxy) can stand in for Tencent's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from officekit.deliver.robot import Codes, RobotClient, RobotRefused

CODES = Codes(
    name="企业微信",
    rate_limited=frozenset({45009}),  # api freq out of limit: 20 messages a minute
    setup=frozenset({93000, 40013, 40014, 42001}),  # invalid webhook url / key
)
TEXT_LIMIT = 2048  # bytes of UTF-8
FILE_LIMIT = 20 * 1024 * 1024
FILE_MINIMUM = 5  # the API refuses files of 5 bytes or fewer


def upload_url(webhook: str) -> str:
    """The robot's upload address: the webhook's, with ``upload_media`` and ``type=file``."""
    parts = urlsplit(webhook)
    path = parts.path.rsplit("/", 1)[0] + "/upload_media"
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "type"] + [("type", "file")]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut (at a line, marked ``…``) to ``limit`` bytes of UTF-8."""
    if len(text.encode("utf-8")) <= limit:
        return text
    lines = text.splitlines()
    while lines and len(("\n".join(lines) + "\n…").encode("utf-8")) > limit:
        lines.pop()
    return "\n".join(lines) + "\n…"


class WeComRobot:
    """One WeCom group robot (its webhook in the settings)."""

    def __init__(self, client: RobotClient) -> None:
        self.client = client
        self.webhook = client.settings.webhook

    def upload(self, path: Path) -> str:
        """Upload ``path``; its ``media_id``."""
        data = path.read_bytes()
        if not FILE_MINIMUM < len(data) <= FILE_LIMIT:
            raise RobotRefused(key="robot.file-size", robot=CODES.name, name=path.name,
                               size=len(data))
        answer = self.client.post(upload_url(self.webhook),
                                  files={"media": (path.name, data, "application/octet-stream")})
        media_id = answer.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise RobotRefused(key="robot.refused", robot=CODES.name, code=0,
                               detail="no media_id in the answer")
        return media_id

    def send_file(self, path: Path) -> dict[str, Any]:
        """Upload ``path`` and post it to the group as a file message."""
        media_id = self.upload(path)
        return self.client.post(self.webhook,
                                json={"msgtype": "file", "file": {"media_id": media_id}})

    def send_text(self, text: str) -> dict[str, Any]:
        return self.client.post(self.webhook,
                                json={"msgtype": "text", "text": {"content": fit(text)}})
