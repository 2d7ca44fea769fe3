"""Bounded retries for calls to Google: exponential back-off that honours Retry-After within a time budget.

gspread 6.2.1's `BackOffHTTPClient` retries forever-ish (waits up to 128 s each) and sleeps for real;
`RetryingHTTPClient` gives up once the refresh's budget (about 20 s) would be exceeded, takes its
`sleep` and `clock` from a `RetryPolicy` so tests never wait, and only repeats what is safe to repeat.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from google.auth.credentials import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How long and how often to retry. `budget` bounds the waits *and* the time spent per refresh."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 8.0
    budget: float = 20.0
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Wait before attempt `attempt + 1`: full back-off with jitter, never less than Retry-After."""
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        backoff *= 0.5 + 0.5 * self.jitter()  # spread retries of concurrent sessions apart
        return max(backoff, retry_after or 0.0)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def http_status(err: APIError) -> int:
    """The HTTP status of a failed call; gspread reports -1 when the error body was not JSON."""
    response = getattr(err, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else err.code


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries.

    Reads (GET) are retried on 408/429/5xx, timeouts and dropped connections. Writes are retried only on
    429, which Google answers before doing anything; after any other failure a write may or may not have
    happened, so the caller (`sheets.append`) checks before writing again.
    """

    def __init__(
        self,
        auth: Credentials | None,
        session: requests.Session | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        # Per thread: the budget and the timeout of the request in flight (a page's read and a form's append
        # may run at once on this one client); set before gspread's __init__ writes `timeout`.
        self._local = threading.local()
        super().__init__(auth, session)  # type: ignore[arg-type]
        self.auth = auth  # type: ignore[assignment]  # kept even with an injected session (expiry)
        self.policy = policy or RetryPolicy()
        self.retries = 0

    @classmethod
    def with_policy(cls, policy: RetryPolicy | None) -> Callable[..., RetryingHTTPClient]:
        """What `gspread.Client(auth, session, http_client=…)` instantiates: this class with `policy` bound."""

        def make(auth: Credentials, session: requests.Session | None = None) -> RetryingHTTPClient:
            return cls(auth, session, policy)

        return make

    @property
    def timeout(self) -> Any:  # gspread's HTTPClient.request reads self.timeout: one value per thread
        return getattr(self._local, "timeout", None)

    @timeout.setter
    def timeout(self, value: Any) -> None:
        self._local.timeout = value

    @property
    def _deadline(self) -> float | None:
        return getattr(self._local, "deadline", None)

    @_deadline.setter
    def _deadline(self, value: float | None) -> None:
        self._local.deadline = value

    @contextmanager
    def budget(self, seconds: float | None = None) -> Iterator[None]:
        """Share one time budget between all requests inside the block (one refresh, one append)."""
        outer = self._deadline
        self._deadline = self.policy.clock() + (self.policy.budget if seconds is None else seconds)
        try:
            yield
        finally:
            self._deadline = outer

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: MutableMapping[str, Any] | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        policy = self.policy
        deadline = self._deadline if self._deadline is not None else policy.clock() + policy.budget
        is_read = method.upper() == "GET"
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - policy.clock()
            # No single attempt may outlive the budget: the read timeout shrinks as it is used up.
            self.timeout = (policy.connect_timeout, max(0.05, min(policy.read_timeout, remaining)))
            retry_after: float | None = None
            try:
                return super().request(
                    method, endpoint, params=params, data=data, json=json, files=files, headers=headers
                )
            except APIError as err:
                status = http_status(err)
                retry_after = parse_retry_after(err.response.headers.get("Retry-After"))
                retryable = status == 429 or (is_read and status in RETRYABLE_STATUS)
                if not retryable:
                    raise
                failure: Exception = err
            except (requests.Timeout, requests.ConnectionError) as err:
                if not is_read:
                    raise
                failure = err
            wait = policy.delay(attempt, retry_after)
            if attempt >= policy.max_attempts or policy.clock() + wait >= deadline:
                raise failure
            self.retries += 1
            policy.sleep(wait)
