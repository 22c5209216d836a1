"""`make bench`: every benchmark script one after the other, then docs/benchmarks.md.

    .venv/bin/python benchmarks/run_all.py [--quick]

--quick shrinks every run (for trying the scripts out; the document then says so).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import _bench

SCRIPTS = {
    "graph_calls": [],
    "sync_pipeline": ["--count", "200", "--singles", "30"],
    "client_vs_sdk": ["--calls", "200"],
    "picker_list": ["--rounds", "30"],
    "list_load": ["--seconds", "20", "--connections", "10", "50"],
    "push_calls": ["--trials", "20"],
}
QUICK = {
    "sync_pipeline": ["--count", "40", "--singles", "5"],
    "client_vs_sdk": ["--calls", "20"],
    "picker_list": ["--rounds", "5"],
    "list_load": ["--seconds", "3", "--connections", "10", "50"],
    "push_calls": ["--trials", "5", "--poll-trials", "3", "--groups", "10x20,10x40"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    durations = {}
    began = time.monotonic()
    for name, arguments in SCRIPTS.items():
        arguments = QUICK.get(name, arguments) if args.quick else arguments
        print(f"== {name} {' '.join(arguments)}", flush=True)
        started = time.monotonic()
        subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, str(_bench.ROOT / "benchmarks" / f"{name}.py"), *arguments],
            cwd=_bench.ROOT, check=True,
        )  # fmt: skip
        durations[name] = round(time.monotonic() - started, 1)
    durations["total"] = round(time.monotonic() - began, 1)
    _bench.save(
        "_run", {"durations_s": durations, "quick": args.quick, "machine": _bench.machine()}
    )
    subprocess.run(  # noqa: S603
        [sys.executable, str(_bench.ROOT / "benchmarks" / "report.py")], cwd=_bench.ROOT, check=True
    )
    print(json.dumps(durations))


if __name__ == "__main__":
    main()
