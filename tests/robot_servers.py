"""WeCom and DingTalk group robots on 127.0.0.1: real HTTP servers that speak the documented
request and answer shapes, check what the real ones check, and can be told to misbehave.

WeCom (developer.work.weixin.qq.com/document/path/91770, "群机器人配置说明"):
  POST /cgi-bin/webhook/upload_media?key=KEY&type=file   multipart/form-data, part "media"
       → {"errcode":0,"errmsg":"ok","type":"file","media_id":"…","created_at":"…"}
  POST /cgi-bin/webhook/send?key=KEY   {"msgtype":"text"|"file"|"markdown", …}
       → {"errcode":0,"errmsg":"ok"}
  errors: 93000 invalid webhook url (key), 40007 invalid media_id, 40058 text too long,
          45009 api freq out of limit (20 messages a minute), -1 system busy.
DingTalk (open.dingtalk.com/document/robots/custom-robot-access, "自定义机器人"):
  POST /robot/send?access_token=T[&timestamp=ms&sign=…]   {"msgtype":"markdown",
       "markdown":{"title":…,"text":…}} → {"errcode":0,"errmsg":"ok"}
  errors: 300001 token is not exist, 310000 sign not match / timestamp too old,
          130101 send too fast (20 a minute), 40035 missing parameter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "e9a8118c8a3dc6a2f2b63b7e3c5f1d2a"
DINGTALK_SECRET = "SEC10d6e79b42bd94be0d0d603843651aa2ccd7186db6edbc"


@dataclass
class Robot:
    """What arrived, and the answers to give instead of the normal ones (first in, first out):
    ``(endpoint, answer)``: the endpoint ``upload``, ``send`` or ``send:<msgtype>``
    (``send:text``), the answer a JSON dict or an HTTP status int."""

    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # media_id → file
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted messages
    requests: list[tuple[str, str]] = field(default_factory=list)  # (endpoint, outcome)
    script: list[tuple[str, dict[str, Any] | int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def scripted(self, endpoint: str, msgtype: str) -> dict[str, Any] | int | None:
        with self.lock:
            for i, (where, answer) in enumerate(self.script):
                if where in (endpoint, f"{endpoint}:{msgtype}"):
                    del self.script[i]
                    return answer
        return None

    def files(self) -> list[str]:
        """Names of the files posted as file messages, in order."""
        return [self.uploads[m["file"]["media_id"]][0] for m in self.messages
                if m["msgtype"] == "file"]

    def texts(self) -> list[str]:
        return [m["text"]["content"] for m in self.messages if m["msgtype"] == "text"]


def _ok(**extra: Any) -> dict[str, Any]:
    return {"errcode": 0, "errmsg": "ok", **extra}


def _wecom(robot: Robot, path: str, query: dict[str, list[str]], ctype: str,
           body: bytes) -> dict[str, Any]:
    if query.get("key") != [WECOM_KEY]:
        return {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_x]"}
    if path.endswith("/upload_media"):
        if query.get("type") not in (["file"], ["voice"]):
            return {"errcode": 40004, "errmsg": "invalid media type"}
        message = BytesParser(policy=policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + body)
        parts = [p for p in message.iter_parts()
                 if p.get_param("name", header="content-disposition") == "media"]
        if not parts or not parts[0].get_filename():
            return {"errcode": 41001, "errmsg": "missing media"}
        data = parts[0].get_payload(decode=True)
        assert isinstance(data, bytes)
        if len(data) <= 5 or len(data) > 20 * 1024 * 1024:
            return {"errcode": 40006, "errmsg": "invalid file size"}
        media_id = "3" + uuid.uuid4().hex + uuid.uuid4().hex[:20]
        robot.uploads[media_id] = (str(parts[0].get_filename()), data)
        return _ok(type="file", media_id=media_id, created_at=str(int(time.time())))
    if path.endswith("/send"):
        try:
            msg = json.loads(body)
        except ValueError:
            return {"errcode": 40016, "errmsg": "invalid json"}
        kind = msg.get("msgtype")
        if kind == "text":
            content = msg.get("text", {}).get("content")
            if not isinstance(content, str) or not content:
                return {"errcode": 41009, "errmsg": "missing content"}
            if len(content.encode("utf-8")) > 2048:
                return {"errcode": 40058, "errmsg": "content exceed max length 2048"}
        elif kind == "file":
            if msg.get("file", {}).get("media_id") not in robot.uploads:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
        elif kind != "markdown":
            return {"errcode": 40008, "errmsg": "invalid message type"}
        robot.messages.append(msg)
        return _ok()
    return {"errcode": 404, "errmsg": "not found"}


def _dingtalk(robot: Robot, query: dict[str, list[str]], body: bytes,
              secret: str | None) -> dict[str, Any]:
    if query.get("access_token") != [DINGTALK_TOKEN]:
        return {"errcode": 300001, "errmsg": "token is not exist"}
    if secret is not None:
        stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 3_600_000:
            return {"errcode": 310000, "errmsg": "timestamp is not valid"}
        digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256)
        if sign != base64.b64encode(digest.digest()).decode():
            return {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc]"}
    try:
        msg = json.loads(body)
    except ValueError:
        return {"errcode": 40035, "errmsg": "缺少参数 json"}
    if msg.get("msgtype") == "markdown":
        md = msg.get("markdown", {})
        if not md.get("title") or not md.get("text"):
            return {"errcode": 40035, "errmsg": "缺少参数 markdown.title/text"}
    elif msg.get("msgtype") != "text":
        return {"errcode": 40035, "errmsg": "不支持的消息类型"}
    robot.messages.append(msg)
    return _ok()


@contextmanager
def robot_server(*, secret: str | None = DINGTALK_SECRET) -> Iterator[tuple[str, Robot]]:
    """A server for both robots; yields its base URL (``http://127.0.0.1:PORT``) and state."""
    robot = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            endpoint = "upload" if url.path.endswith("/upload_media") else "send"
            try:
                msgtype = str(json.loads(body).get("msgtype")) if endpoint == "send" else ""
            except ValueError:
                msgtype = ""
            scripted = robot.scripted(endpoint, msgtype)
            if isinstance(scripted, int):
                robot.requests.append((endpoint, f"HTTP {scripted}"))
                self._reply(scripted, {"error": "scripted"})
                return
            if scripted is not None:
                answer = scripted
            elif url.path.startswith("/cgi-bin/webhook/"):
                answer = _wecom(robot, url.path, query, self.headers.get("Content-Type", ""),
                                body)
            elif url.path == "/robot/send":
                answer = _dingtalk(robot, query, body, secret)
            else:
                answer = {"errcode": 404, "errmsg": "not found"}
            robot.requests.append((endpoint, str(answer["errcode"])))
            self._reply(200, answer)

        def _reply(self, status: int, answer: dict[str, Any]) -> None:
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", robot
    finally:
        server.shutdown()
        server.server_close()


def robots_toml(base: str, *, key: str = WECOM_KEY, token: str = DINGTALK_TOKEN) -> str:
    return (f'[wecom]\nwebhook = "{base}/cgi-bin/webhook/send?key={key}"\nretries = 2\n'
            "rate_limit_wait = 0.05\ntimeout = 5\n"
            f'[dingtalk]\nwebhook = "{base}/robot/send?access_token={token}"\nretries = 2\n'
            "rate_limit_wait = 0.05\ntimeout = 5\n")
