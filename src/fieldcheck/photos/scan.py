"""Finding the photos of one visit on a camera card or in a phone's export folder.

Unannounced visits are often photographed discreetly on a phone and imported afterwards, so the
inspector points at a folder and FieldCheck proposes the photos taken during the visit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from fieldcheck.photos.exif import read_taken_at
from fieldcheck.photos.imaging import open_lazily


@dataclass
class ScanReport:
    """What a scan found, and how many files it passed over and why."""

    found: list[tuple[Path, datetime]] = field(default_factory=list)
    outside: int = 0  # photos taken before or after the visit
    no_time: int = 0  # images without a recorded time (screenshots, edited copies)
    not_image: int = 0  # videos, sidecar files, unreadable files


def scan_report(
    paths: Iterable[Path], start: datetime, end: datetime, slack: timedelta = timedelta(minutes=10),
) -> ScanReport:
    """Like scan_photos, counting the files passed over by reason."""
    low = _naive_local(start) - slack
    high = _naive_local(end) + slack
    report = ScanReport()
    for path in _files_under(paths):
        taken_at = read_taken_at(path)
        if taken_at is None:
            if is_image(path):
                report.no_time += 1
            else:
                report.not_image += 1
        elif low <= taken_at <= high:
            report.found.append((path, taken_at))
        else:
            report.outside += 1
    report.found.sort(key=lambda item: (item[1], str(item[0])))
    return report


def is_image(path: Path) -> bool:
    """Whether the file's header is a photo format FieldCheck imports (reads the header only)."""
    try:
        with open_lazily(path):
            return True
    except Exception:  # any unreadable or foreign file
        return False


def scan_photos(
    paths: Iterable[Path],
    start: datetime,
    end: datetime,
    slack: timedelta = timedelta(minutes=10),
) -> list[tuple[Path, datetime]]:
    """Images under `paths` (files or folders, walked recursively) taken in [start, end] ± slack.

    Camera clocks are naive local time, so aware bounds are converted to this computer's local
    time first. Files that are not images, have no EXIF time or cannot be read are skipped
    silently: a card also holds videos, sidecar files and system folders. Sorted by time.
    """
    low = _naive_local(start) - slack
    high = _naive_local(end) + slack
    found: list[tuple[Path, datetime]] = []
    for path in _files_under(paths):
        taken_at = read_taken_at(path)
        if taken_at is not None and low <= taken_at <= high:
            found.append((path, taken_at))
    found.sort(key=lambda item: (item[1], str(item[0])))
    return found


def _naive_local(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone().replace(tzinfo=None)


def _files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """Each regular file once, in a stable order, skipping hidden entries (.Trashes, ._IMG…)."""
    seen: set[str] = set()
    for root in paths:
        root = Path(root)
        candidates = [root] if root.is_file() else _walk(root)
        for path in candidates:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                yield path


def _walk(folder: Path) -> Iterator[Path]:
    # onerror=None: unreadable folders ("System Volume Information") are skipped, not fatal.
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if not filename.startswith("."):
                path = Path(dirpath, filename)
                if path.is_file():
                    yield path
