"""Run every benchmark and print one JSON object per line.

    python benchmarks/run.py [--quick] [--only NAME ...]

Each benchmarks/bench_*.py module has `run(quick: bool) -> list[dict]` returning
{"name", "value", "unit", "baseline", "ratio"}; ratio = value / baseline when a baseline
is measured in the same run, else null.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast check")
    parser.add_argument("--only", nargs="*", help="module names without bench_ prefix")
    args = parser.parse_args()
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if args.only and name not in args.only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        try:
            spec.loader.exec_module(module)
            for result in module.run(args.quick):
                print(json.dumps(result, ensure_ascii=False), flush=True)
        except Exception:
            failed += 1
            traceback.print_exc()
            print(json.dumps({"name": name, "error": traceback.format_exc(limit=1)}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
