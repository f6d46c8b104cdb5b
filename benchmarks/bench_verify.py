"""`fieldcheck verify` (DESIGN §10): the start-up and quick forms at 10 000 visits as a ratio to
opening the store, and the full form's photo hashing in MB/s against `sha256sum` of the
same files.

The store: 10 000 generated visits (bulk, as `fieldcheck demo`) plus visits worked through
the domain as an inspector would (benchmarks/workload.py: every edit audited, photos of
incompressible grain, issued notices), so the audit chain and the photo store are real.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_ms, result  # noqa: E402
from workload import write_workload  # noqa: E402

from fieldcheck.domain.demo import seed_demo  # noqa: E402
from fieldcheck.domain.integrity import verify_store  # noqa: E402
from fieldcheck.domain.startup_check import START_TAIL  # noqa: E402
from fieldcheck.models import Photo  # noqa: E402
from fieldcheck.store import open_store  # noqa: E402

VISITS = 10_000


def run(quick: bool) -> list[dict]:
    worked = 20 if quick else 120
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = open_store(data)
        store.set_identity("王检查", "JC-0001")
        with store.write() as s:
            seed_demo(s, visits=VISITS, seed=1)
        write_workload(store, worked, seed=7, photos_per_visit=1, photo_bytes=3_000_000)
        with store.read() as s:
            events = s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM audit_events")).scalar()
            shas = sorted({p.sha256 for p in s.query(Photo)})
        store.close()

        def open_plain() -> None:
            open_store(data, check=False).close()

        def open_checked() -> None:
            open_store(data).close()

        open_plain()  # warm the page cache, as every later start has it
        open_ms = median_ms(open_plain, 7)
        out = [result(f"store_open_{VISITS}", open_ms, "ms")]
        out.append(result(f"store_open_with_quick_check_{VISITS}", median_ms(open_checked, 7), "ms", open_ms))
        store = open_store(data)
        start_ms = median_ms(lambda: verify_store(store, tail=START_TAIL, database=False), 5)
        out.append(result(f"verify_start_{VISITS}", start_ms, "ms", open_ms))
        out.append(result(f"verify_quick_{VISITS}", median_ms(lambda: verify_store(store), 3), "ms", open_ms))
        out[-1]["events"] = events

        files = [store.blobs.original_path(sha) for sha in shas]
        megabytes = sum(f.stat().st_size for f in files) / 1e6

        def ours() -> None:
            assert all(store.blobs.verify(sha) for sha in shas)

        def theirs() -> None:
            subprocess.run(["sha256sum", *map(str, files)], check=True, stdout=subprocess.DEVNULL)

        ours(), theirs()  # both read from the page cache
        t_ours = min(_timed(ours) for _ in range(3))
        t_theirs = min(_timed(theirs) for _ in range(3))
        out.append(result("verify_full_photos", megabytes / t_ours, "MB/s", megabytes / t_theirs))
        out[-1]["photos_mb"] = round(megabytes, 1)
        full_s = _timed(lambda: verify_store(store, full=True))
        out.append(result(f"verify_full_{VISITS}", full_s * 1000, "ms", open_ms))
        store.close()
    return out


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


if __name__ == "__main__":
    import json

    for r in run("--quick" in sys.argv):
        print(json.dumps(r, ensure_ascii=False))
