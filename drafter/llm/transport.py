"""What happens on the wire: request accounting, failure classes and hints, redaction, and the adaptive limit.

Every request a model sends is counted (made, failed, retried); a failure is classified once, by the model when it
knows how (`Model.classify_failure`), and that class decides what the loop does: fall back to another
structured-output mode, retry with backoff, lower the number of requests in flight (a server that queues), or give
up. Nothing here imports a provider SDK.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

from drafter.errors import ModelError

# unsupported: the endpoint rejects the structured-output mode (auto tries the next one)
# queued: the request waited on a busy server and timed out, or the server cut its stream short for another request
# transient: 429, 5xx, timeouts, connection errors — retried with backoff
# fatal: anything else (bad key, unknown model, bad request) — not retried
FailureClass = Literal["unsupported", "queued", "transient", "fatal"]

@dataclass(frozen=True)
class Failure:
    """One failed request, described for a person (already redacted)."""

    kind: FailureClass
    error_type: str
    message: str
    status: int | None = None
    base_url: str | None = None
    mode: str | None = None
    timeout: bool = False  # the request timed out (no token within --timeout seconds)
    retry_after: float | None = None  # seconds the server asked to wait

    def describe(self) -> str:
        """`HTTP 500 InternalServerError: …` (or the error type alone when there is no status)."""
        status = f"HTTP {self.status} " if self.status is not None else ""
        return f"{status}{self.error_type}: {self.message}"

    def hint(self) -> str:
        """What to try next."""
        text = self.message.lower()
        if self.kind == "unsupported":
            return ("the endpoint rejects this structured-output mode; --structured-output auto falls back, or choose "
                    "one with --structured-output tools|json_object|json_mode")
        if self.status in (401, 403):
            return "the server refused the key: check OPENAI_API_KEY or --api-key"
        if self.status == 404:
            return "check the model name (--model openai:<name>) and that --base-url ends in /v1"
        if self.status == 429:
            return "rate limited: lower --concurrency or wait"
        if "context" in text and ("length" in text or "window" in text or "exceed" in text):
            return "the prompt does not fit the server's context window: raise it (llama.cpp: --n_ctx)"
        if self.kind == "queued":
            return ("the server serves fewer requests at once than drafter sent: drafter lowers the number in flight; "
                    "--concurrency 1 avoids the wait")
        if "connect" in self.error_type.lower() or "connection" in text:
            return "no server answered: is it running, and is --base-url right?"
        if "timeout" in self.error_type.lower() or "timed out" in text:
            return "the server sent nothing for --timeout seconds: raise --timeout or lower --concurrency"
        if self.status is not None and self.status >= 500:
            return "the server failed: its own log says why"
        return "see the message; --verbose logs every failed request"


class RequestFailed(ModelError):  # noqa: N818 - reads as what happened
    """A request that failed for good: its redacted description is the message; the original is the cause."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


@dataclass
class CallStats:
    """Requests sent to the model during a run: made, failed, retried, and the first failure not absorbed."""

    requests: int = 0
    failed: int = 0
    retried: int = 0
    probes: int = 0  # failed requests that only found a structured-output mode unsupported (auto moved on)
    lowered_to: int | None = None  # the concurrency limit after a queueing server lowered it
    first_failure: Failure | None = None
    failures: list[Failure] = field(default_factory=list)
    on_first_failure: Callable[[Failure], None] | None = None

    def failure(self, failure: Failure) -> None:
        """Count a failed request; the first one that is not a mode probe is reported once."""
        self.failed += 1
        self.failures.append(failure)
        if failure.kind == "unsupported":
            self.probes += 1
            return
        if self.first_failure is None:
            self.first_failure = failure
            if self.on_first_failure is not None:
                self.on_first_failure(failure)


class AdaptiveLimit:
    """How many requests may be in flight at once: starts at the configured concurrency and only goes down.

    When a request times out while it waited for the server (no token yet) or the server cut a stream short because
    another request arrived, the server is serving fewer requests than drafter sends: the limit drops to the number
    of requests the server was actually streaming at that moment (at least 1), so the rest wait on this side
    instead of on the server, where their wait counts against the timeout.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.initial = self.limit
        self.in_flight = 0
        self.streaming = 0  # requests in flight that have received at least one token
        self._cond: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:  # made lazily: it binds to the running loop
            self._cond = asyncio.Condition()
        return self._cond

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        """Wait for room under the limit, then hold one place while the request runs."""
        cond = self._condition()
        async with cond:
            await cond.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
        slot = Slot(self)
        try:
            yield slot
        finally:
            async with cond:
                self.in_flight -= 1
                if slot.tokens:
                    self.streaming -= 1
                cond.notify_all()

    def lower(self) -> int | None:
        """A queued request failed: fewer in flight from now on. Returns the new limit, or None if unchanged.

        Called by the failed request while it still holds its slot; alone in flight, it was not queued."""
        if self.in_flight <= 1:
            return None
        target = max(1, min(self.streaming, self.in_flight - 1))
        if target >= self.limit:
            return None
        self.limit = target
        return target


class Slot:
    """One request's place under the limit; counts the tokens it has received."""

    def __init__(self, limit: AdaptiveLimit) -> None:
        self._limit = limit
        self.tokens = 0

    def token(self, n: int = 1) -> None:
        """A token (or chunk) arrived for this request."""
        if n <= 0:
            return
        if self.tokens == 0:
            self._limit.streaming += 1
        self.tokens += n
