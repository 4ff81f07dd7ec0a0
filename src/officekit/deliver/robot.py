"""What the WeCom (企业微信) and DingTalk (钉钉) group robots have in common: a webhook that
takes a JSON request and answers ``{"errcode": 0, "errmsg": "ok"}`` or an error code.

:class:`RobotClient` posts a request and sorts the answer:

* connection trouble, a 5xx answer or "system busy" (errcode -1) is retried ``retries`` times
  with exponential backoff;
* "too many messages" (WeCom 45009, DingTalk 130101/130102: 20 messages a minute per robot)
  is waited out — ``rate_limit_wait`` seconds, then the same request again;
* an answer saying the robot itself is wrong (an invalid key or token, a signature mismatch)
  raises :class:`RobotSetupError` (exit 2: the settings need fixing, nothing else can go);
* any other error code refuses this one message (:class:`RobotRefused`) and the run goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from officekit.errors import DeliveryError
from officekit.settings import WebhookSettings

Progress = Callable[[str], None]


class RobotSetupError(DeliveryError):
    """The robot does not accept officekit at all (key, token, signature): fix the settings."""


class RobotRefused(DeliveryError):
    """The robot refused one message for good (too large, bad media…); others may still go."""

    exit_code = 1


class RobotUnreachable(DeliveryError):
    """Retries exhausted: the robot could not be reached or kept failing."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Codes:
    """A robot's error codes: which mean "slow down", which "your settings are wrong"."""

    name: str
    rate_limited: frozenset[int]
    setup: frozenset[int]
    busy: frozenset[int] = frozenset({-1})


class RobotClient:
    """Posts to one robot, retrying and waiting as its answers ask (see the module doc)."""

    def __init__(self, settings: WebhookSettings, codes: Codes, *, backoff: float = 1.0,
                 progress: Progress | None = None, lang: str = "zh",
                 sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.lang = lang
        self.codes = codes
        self.backoff = backoff
        self.progress = progress
        self.sleep = sleep
        self.waits = 0  # rate-limit answers waited out (the report says so)
        self._http = httpx.Client(timeout=settings.timeout, transport=transport,
                                  trust_env=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RobotClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(self, url: str, *, json: Mapping[str, Any] | None = None,
             files: Mapping[str, tuple[str, bytes, str]] | None = None) -> dict[str, Any]:
        """POST and return the answer's JSON when its errcode is 0."""
        failures = 0
        limited = 0
        while True:
            try:
                response = self._http.post(url, json=json, files=files)
                answer = _answer(response)
            except (httpx.TransportError, _ServerTrouble) as exc:
                failures += 1
                if failures > self.settings.retries:
                    raise RobotUnreachable(key="robot.unreachable", robot=self.codes.name,
                                           detail=_describe(exc), tries=failures) from exc
                delay = self.backoff * 2 ** (failures - 1)
                self._say("robot.retry", detail=_describe(exc), delay=f"{delay:g}",
                          attempt=failures + 1)
                self.sleep(delay)
                continue
            code = int(answer.get("errcode", 0) or 0)
            message = str(answer.get("errmsg", ""))
            if code == 0:
                return answer
            if code in self.codes.rate_limited:
                limited += 1
                if limited > max(self.settings.retries, 1):
                    raise RobotUnreachable(key="robot.unreachable", robot=self.codes.name,
                                           detail=f"{code} {message}", tries=limited)
                self.waits += 1
                self._say("robot.rate-limited", code=code,
                          delay=f"{self.settings.rate_limit_wait:g}")
                self.sleep(self.settings.rate_limit_wait)
                continue
            if code in self.codes.busy:
                failures += 1
                if failures > self.settings.retries:
                    raise RobotUnreachable(key="robot.unreachable", robot=self.codes.name,
                                           detail=f"{code} {message}", tries=failures)
                self.sleep(self.backoff * 2 ** (failures - 1))
                continue
            if code in self.codes.setup:
                raise RobotSetupError(key="robot.setup", robot=self.codes.name, code=code,
                                      detail=message)
            raise RobotRefused(key="robot.refused", robot=self.codes.name, code=code,
                               detail=message)

    def _say(self, key: str, **params: Any) -> None:
        if self.progress is not None:
            from officekit.console import note
            from officekit.i18n import t

            note(self.progress, t(key, self.lang, robot=self.codes.name, **params))


class _ServerTrouble(Exception):
    """A 5xx answer or one that is not the robot's JSON: worth another try."""


def _answer(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500 or response.status_code == 429:
        raise _ServerTrouble(f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise _ServerTrouble(f"HTTP {response.status_code}: not JSON") from exc
    if not isinstance(data, dict):
        raise _ServerTrouble(f"HTTP {response.status_code}: unexpected answer")
    return data


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
