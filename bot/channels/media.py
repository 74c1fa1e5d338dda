"""Photos and voice notes people send, fetched off the update path.

The update's unit of work hands the core the path each file will have and queues its
download (``MediaDownload``) in the same transaction; a downloader works through that queue
beside the pipeline, a few at a time, so a slow platform holds up no one's reply. The queue
is durable: a restart downloads what was left, and a file that could not be fetched keeps
the platform's reference on its row.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from sqlmodel import Session

from bot.base.clock import utcnow
from bot.base.messages import Incoming, Photo, Voice
from scheduler.transport import Blocked, Rejected, RetryAfter, Unauthorized
from storage import inbound
from storage.repo import Store

log = logging.getLogger("giamngheo.channels")
T = TypeVar("T")
LEASE = timedelta(minutes=5)  # a download taken by a downloader that died is taken again
MAX_TRIES = 8
SUFFIXES = {("zalo", "voice"): ".aac", ("telegram", "voice"): ".ogg"}


class Source(Protocol):
    channel: str

    async def download(self, ref: str) -> bytes: ...


def media_path(media_dir: Path, channel: str, kind: str, ref: str) -> Path:
    name = hashlib.sha256(ref.encode()).hexdigest()[:24] + SUFFIXES.get((channel, kind), ".jpg")
    return media_dir / channel / name


def localise(session: Session, channel: str, msg: Incoming, media_dir: Path,
             now: datetime) -> Incoming:
    """``msg`` with its media as the paths they will have; their downloads queued."""
    content = msg.content
    if isinstance(content, Photo):
        kind, refs = "photo", content.refs
    elif isinstance(content, Voice):
        kind, refs = "voice", (content.ref,)
    else:
        return msg
    paths = []
    for ref in refs:
        path = str(media_path(media_dir, channel, kind, ref))
        inbound.queue_download(session, channel, ref, path, now)
        paths.append(path)
    new = Photo(tuple(paths), content.caption) if isinstance(content, Photo) \
        else Voice(paths[0], content.caption)
    return Incoming(msg.key, new, msg.sent_at, msg.update_id, msg.language_hint,
                    msg.display_name)


class Downloader:
    def __init__(self, store: Store, source: Source, *, concurrency: int = 4,
                 clock: Callable[[], datetime] = utcnow, poll_s: float = 2.0) -> None:
        self.store, self.source, self.clock = store, source, clock
        self.concurrency, self.poll_s = concurrency, poll_s
        self.wake = asyncio.Event()
        self.stopping = False
        self._running: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        try:
            while not self.stopping:
                self.wake.clear()
                for download_id, ref, path, attempts in await self._due():
                    task = asyncio.create_task(self._fetch(download_id, ref, Path(path),
                                                           attempts))
                    self._running.add(task)
                    task.add_done_callback(self._finished)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.poll_s)
        finally:
            for task in list(self._running):
                task.cancel()  # its lease lapses: the next run takes it again
            await asyncio.gather(*self._running, return_exceptions=True)

    async def _due(self) -> list[tuple[int, str, str, int]]:
        room = self.concurrency - len(self._running)
        if room <= 0:
            return []
        try:
            return await self._db(lambda s: inbound.claim_downloads(
                s, self.source.channel, self.clock(), LEASE, room))
        except Exception as exc:  # the database may be away: the queue waits
            log.warning("claiming downloads failed: %s", type(exc).__name__)
            return []

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self.wake.set()

    async def _fetch(self, download_id: int, ref: str, path: Path, attempts: int) -> None:
        try:
            if not path.exists():
                data = await self.source.download(ref)
                await asyncio.to_thread(_write, path, data)
        except (Rejected, Blocked, Unauthorized) as exc:
            error = type(exc).__name__
            log.warning("download %s given up: %s", download_id, error)
            await self._db(lambda s: inbound.download_failed(s, download_id, error, None))
            return
        except Exception as exc:
            await self._again(download_id, attempts, exc)
            return
        await self._db(lambda s: inbound.download_done(s, download_id, self.clock()))

    async def _again(self, download_id: int, attempts: int, exc: Exception) -> None:
        delay = exc.seconds if isinstance(exc, RetryAfter) else min(600.0, 2.0 * 2 ** attempts)
        when = None if attempts + 1 >= MAX_TRIES else self.clock() + timedelta(seconds=delay)
        log.warning("download %s failed (%s)%s", download_id, type(exc).__name__,
                    "; given up" if when is None else f"; again in {delay:.0f} s")
        error = type(exc).__name__
        await self._db(lambda s: inbound.download_failed(s, download_id, error, when))

    async def _db(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self.store.session() as session:
                return work(session)

        return await asyncio.to_thread(run)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)

