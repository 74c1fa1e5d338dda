"""What the journeys need of this installation, read once by the composition root
(``bot.bootstrap``) and handed down: the settings, the reporting calendar, and this run's
private folder for the files officers get (exports, charts)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.base.settings import Settings
from scheduler.timetable import Calendar, load_calendar


@dataclass(frozen=True)
class Env:
    settings: Settings
    calendar: Calendar
    _files: list[Path] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def load(cls, settings: Settings) -> Env:
        return cls(settings, load_calendar(settings.calendar_file, settings.timezone))

    def files(self) -> Path:
        """A folder only this process's user can open (0700), made on first use under
        ``GIAMNGHEO_EXPORT_DIR`` (default: the system's temporary directory), one per run."""
        if not self._files:
            base = Path(self.settings.export_dir or tempfile.gettempdir())
            base.mkdir(parents=True, exist_ok=True)
            self._files.append(Path(tempfile.mkdtemp(prefix="giamngheo-", dir=base)))
        return self._files[0]


def private(path: Path) -> Path:
    """Make a written file readable by its owner only (0600)."""
    os.chmod(path, 0o600)
    return path
