"""Notice PDF rendering against DESIGN §10: warm ≤ 100 ms, cold ≤ 1.5 s, ≤ 200 KB.

notice_cold   the first notice in a fresh interpreter: the clock starts before
              `import fieldcheck.notices` and stops after the PDF bytes exist, so it holds
              importing reportlab, finding and parsing the CJK fonts, and the render.
notice_warm   the sample 整改通知书 (10 findings, red header, four pages) rendered again, each
              time with its own QR payload, in a process whose fonts are already parsed;
              median of several runs.
notice_warm_40  the same notice with 40 findings (each row kept whole on a page), rendered
              the same way; its ratio is to notice_warm: 4× the findings must cost at most
              4× the time (no worse than linear growth, keep-together included).
notice_size   that PDF's size with embedded font subsets.

All on one core. No baseline exists for the others, so their ratio is null.

    python benchmarks/bench_notices.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import one_core  # noqa: E402

_COLD_SCRIPT = """
import json, time
t0 = time.perf_counter()
from fieldcheck.notices import render_notice, sample_content, sample_settings
pdf = render_notice(sample_content("rectification"), sample_settings())
print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "bytes": len(pdf)}))
"""


def run(quick: bool) -> list[dict[str, Any]]:
    with one_core():
        cold = statistics.median(_cold_ms() for _ in range(1 if quick else 3))
        warm, size = _warm(5 if quick else 20)
        warm_40, _size = _warm(3 if quick else 10, findings=40)
    forty = _result("notice_warm_40", warm_40, "ms")
    forty["baseline"], forty["ratio"] = round(warm, 1), round(warm_40 / warm, 2)
    return [
        _result("notice_cold", cold, "ms"),
        _result("notice_warm", warm, "ms"),
        forty,
        _result("notice_size", size / 1024, "KB"),
    ]


def _cold_ms() -> float:
    out = subprocess.run([sys.executable, "-c", _COLD_SCRIPT], capture_output=True, text=True,
                         check=True, env=os.environ.copy()).stdout
    return float(json.loads(out.strip().splitlines()[-1])["ms"])


def _content(findings: int) -> Any:
    from dataclasses import replace

    from fieldcheck.notices import sample_content

    content = sample_content("rectification")
    base = content.findings
    content.findings = [replace(base[k % len(base)], seq=k + 1) for k in range(findings)]
    return content


def _warm(repeat: int, findings: int = 10) -> tuple[float, int]:
    from fieldcheck.notices import render_notice, sample_settings

    settings = sample_settings()
    pdf = render_notice(_content(findings), settings)  # fonts parsed here
    times = []
    for k in range(repeat):
        content = _content(findings)
        content.qr_payload = f"FC1:bench-{k:04d}:{k:012x}"  # a new notice: no cached QR
        t0 = time.perf_counter()
        render_notice(content, settings)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), len(pdf)


def _result(name: str, value: float, unit: str) -> dict[str, Any]:
    return {"name": name, "value": round(value, 1), "unit": unit, "baseline": None, "ratio": None}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    for record in run(args.quick):
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
