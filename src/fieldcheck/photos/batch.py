"""Importing many photos with every core working.

    with closing(ingest_batch(paths, store)) as batch:
        for path, staged in batch:                 # in the order given
            if isinstance(staged, PhotoError):     # this file alone is refused, by name
                ...
                continue
            photo = publish_photo(staged, store)   # files renamed into place, durably
            ...                                    # only now commit the row for `photo`

Workers run `stage_photo` (read, hash, decode, EXIF, thumbnail, originals written and
fsynced under temporary names): Pillow's decoder and encoder, hashlib and the disk all release
the GIL, so threads use every core without the start-up cost and pickling of processes.
Publishing and committing stay on the caller's thread, one photo at a time in the given order,
so a photo is acknowledged exactly as in a one-by-one import: once its original is in place
and its row committed. Whatever is staged but not published when the batch is closed (a
cancel, an error, the end) is deleted; a kill -9 leaves only `.tmp-*` files, which
`BlobStore.cleanup_temp` removes at the next start.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from fieldcheck.errors import PhotoError
from fieldcheck.photos.durable import release_buffers
from fieldcheck.photos.ingest import StagedPhoto, stage_photo
from fieldcheck.photos.store import BlobStore

Outcome = StagedPhoto | PhotoError


def default_workers() -> int:
    """One thread per core this process may run on, and one more to cover the moments a
    worker waits for the disk (reading the source, fsyncing the thumbnail)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


def ingest_batch(
    sources: Sequence[Path], store: BlobStore, *, workers: int | None = None
) -> Generator[tuple[Path, Outcome], None, None]:
    """Stage `sources` in parallel and yield each with its StagedPhoto or PhotoError, in order.

    The caller must publish (or leave) a staged photo before asking for the next one; close
    the generator (contextlib.closing) to stop early. Other exceptions (bugs, MemoryError)
    propagate, after the batch has cleaned up.
    """
    workers = workers or default_workers()
    ahead = 2 * workers  # staged photos waiting for the caller hold a thumbnail, not 5 MB
    queue = iter(sources)
    pending: deque[tuple[Path, Future[Outcome]]] = deque()
    current: StagedPhoto | None = None
    with ThreadPoolExecutor(workers, thread_name_prefix="photo-stage") as pool:
        try:
            while True:
                while len(pending) < ahead and (source := next(queue, None)) is not None:
                    pending.append((source, pool.submit(_stage, Path(source), store)))
                if not pending:
                    return
                source, future = pending.popleft()
                outcome = future.result()
                current = outcome if isinstance(outcome, StagedPhoto) else None
                yield source, outcome
                current = None
        finally:
            if current is not None:
                current.discard()  # left unpublished by a caller that stopped here
            for _source, future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            for _source, future in pending:
                if not future.cancelled() and future.exception() is None:
                    outcome = future.result()
                    if isinstance(outcome, StagedPhoto):
                        outcome.discard()
            release_buffers()  # the originals' write buffers, kept from photo to photo


def _stage(source: Path, store: BlobStore) -> Outcome:
    try:
        return stage_photo(source, store)
    except PhotoError as exc:
        return exc
