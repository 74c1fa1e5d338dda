"""Faults a fake platform can be told to inject into its next calls of a method: an error
answer, a slow answer (the request is handled, the answer waits), a held call (waits for the
test to let it go), or a dropped connection (handled, never answered)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Slow:
    seconds: float


@dataclass
class Hold:
    """The call waits until ``release()``; ``reached`` is set once it is waiting."""

    gate: asyncio.Event = field(default_factory=asyncio.Event)
    reached: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.gate.set()


@dataclass
class Drop:
    """Handled (a message is delivered), then the connection is closed without an answer."""


Fault = Exception | Slow | Hold | Drop


class Faults:
    def __init__(self) -> None:
        self.planned: dict[str, list[Fault]] = defaultdict(list)
        self.calls: Counter[str] = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)  # monotonic, of each call

    def plan(self, method: str, *faults: Fault) -> None:
        self.planned[method].extend(faults)

    async def before(self, method: str) -> Fault | None:
        """Count the call; an error to answer instead, or the fault for ``after``."""
        self.calls[method] += 1
        self.times[method].append(time.monotonic())
        fault = self.planned[method].pop(0) if self.planned.get(method) else None
        if isinstance(fault, Hold):
            fault.reached.set()
            await fault.gate.wait()
        return fault

    async def after(self, fault: Fault | None, request: web.Request) -> None:
        if isinstance(fault, Slow):
            await asyncio.sleep(fault.seconds)
        elif isinstance(fault, Drop):
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError()
