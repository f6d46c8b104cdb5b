"""Visit list at 100 000 visits: first screen, and a Chinese substring search (DESIGN §10)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_ms, result  # noqa: E402

from fieldcheck.domain.demo import seed_demo  # noqa: E402
from fieldcheck.domain.queries import VisitFilter, count_visits, page_visits  # noqa: E402
from fieldcheck.store import open_store  # noqa: E402

PAGE = 100


def run(quick: bool) -> list[dict]:
    visits = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp))
        with store.write() as s:
            seed_demo(s, visits=visits, seed=1)

        def first_page() -> None:
            with store.read() as s:
                count_visits(s, VisitFilter())
                page_visits(s, VisitFilter(), 0, PAGE)

        def search(term: str) -> None:
            with store.read() as s:
                f = VisitFilter(text=term)
                count_visits(s, f)
                page_visits(s, f, 0, PAGE)

        first_page()  # warm the page cache, as a running app has
        out = [result(f"list_first_page_{visits}", median_ms(first_page, 7), "ms")]
        out.append(result(f"search_unit_{visits}", median_ms(lambda: search("不动产"), 7), "ms"))
        out.append(result(f"search_rare_{visits}", median_ms(lambda: search("吃拿卡要"), 7), "ms"))
        store.close()
    return out


if __name__ == "__main__":
    import json

    for r in run("--quick" in sys.argv):
        print(json.dumps(r, ensure_ascii=False))
