"""(c) Our GraphClient against Microsoft's msgraph-sdk (and a bare requests loop), same calls.

    .venv/bin/python benchmarks/client_vs_sdk.py [--calls 200] [--port 8773]

Not a test. Needs requirements-bench.txt (msgraph-sdk). PostgreSQL databases recreated,
gunicorn serving the simulator; a recruiter connected through the real sign-in (our client
reads its token from the encrypted MSAL cache like production). Each client then runs in its
own fresh interpreter (benchmarks/_client_child.py), one after the other in the same run,
against the same simulator: import time, CPU time per call (time.process_time over N calls,
client process only), wall time per call, and peak RSS.

msgraph-sdk is pointed at the simulator the documented Kiota way: an AccessTokenProvider
returning a simulator token inside BaseBearerTokenAuthenticationProvider, a GraphRequestAdapter
with base_url = <simulator>/graph/v1.0, GraphServiceClient(request_adapter=...).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import _bench

KINDS = ("baseline", "raw", "ours", "sdk")
LABELS = {"raw": "requests (floor)", "ours": "EBMS GraphClient", "sdk": "msgraph-sdk"}
OPS = ["GET /me", "POST /me/events", "PATCH /me/events/{id}", "DELETE /me/events/{id}",
       "POST getSchedule"]  # fmt: skip


def measure(port: int, calls: int) -> dict:
    values = _bench.env(port)
    _bench.databases_reset(values)
    results = {"calls": calls, "versions": _versions()}
    with _bench.gunicorn(values, port):
        _bench.django_setup(values)
        m365, _company, recruiter, _people, _journey = _bench.tenant_connected(port, observers=1)
        token = m365.access_token(m365.recruiter, ["User.Read", "Calendars.ReadWrite"])
        connection_id = recruiter.microsoft_connection.pk
        m365.close()
        base = f"http://127.0.0.1:{port}/m365"
        for kind in KINDS:
            done = subprocess.run(  # noqa: S603 - our own child script
                [sys.executable, str(_bench.ROOT / "benchmarks" / "_client_child.py"), kind,
                 base, token, str(connection_id), str(calls)],
                cwd=_bench.ROOT, env=values, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode:
                raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
            results[kind] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("msgraph-sdk", "microsoft-kiota-http", "httpx", "requests", "msal", "Django"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def tables(data: dict) -> tuple[str, str]:
    raw, ours, sdk = data["raw"], data["ours"], data["sdk"]
    base = data["baseline"]["max_rss_mb"]
    cpu_rows = []
    for op in OPS:
        r, o, s = (x["ops"][op] for x in (raw, ours, sdk))
        cpu_rows.append([op, f"{r['cpu_ms']:.2f}", f"{o['cpu_ms']:.2f}", f"{s['cpu_ms']:.2f}",
                         f"{s['cpu_ms'] / o['cpu_ms']:.1f}×",
                         f"{r['wall_ms']:.1f} / {o['wall_ms']:.1f} / {s['wall_ms']:.1f}"])  # fmt: skip
    token = next(iter(ours["token"].values()))
    cpu_rows.append(["of which token_for per call (ours)", "–", f"{token['cpu_ms']:.2f}", "–",
                     "–", f"– / {token['wall_ms']:.1f} / –"])  # fmt: skip
    cpu = _bench.table(
        ["call", "requests CPU ms", "EBMS CPU ms", "msgraph-sdk CPU ms", "sdk / EBMS",
         "wall ms requests / EBMS / sdk"], cpu_rows,
    )  # fmt: skip
    setup = ours["django_setup_s"] * 1000
    mem_rows = [
        ["import time", f"{raw['import_s'] * 1000:.0f} ms",
         f"{ours['import_s'] * 1000:.0f} ms (django.setup of all EBMS: {setup:.0f} ms)",
         f"{sdk['import_s'] * 1000:.0f} ms", f"{sdk['import_s'] / ours['import_s']:.1f}×"],
        ["RSS after import", f"{raw['rss_after_import_mb']:.0f} MB",
         f"{ours['rss_after_import_mb']:.0f} MB (with Django + EBMS)",
         f"{sdk['rss_after_import_mb']:.0f} MB", "–"],
        ["peak RSS (VmHWM) after all calls", f"{raw['max_rss_mb']:.0f} MB",
         f"{ours['max_rss_mb']:.0f} MB", f"{sdk['max_rss_mb']:.0f} MB", "–"],
        ["peak growth during the calls", f"{raw['max_rss_mb'] - raw['rss_after_import_mb']:.1f} MB",
         f"{ours['max_rss_mb'] - ours['rss_after_import_mb']:.1f} MB",
         f"{sdk['max_rss_mb'] - sdk['rss_after_import_mb']:.1f} MB", "–"],
        ["peak minus bare interpreter", f"{raw['max_rss_mb'] - base:.0f} MB",
         f"{ours['max_rss_mb'] - base:.0f} MB", f"{sdk['max_rss_mb'] - base:.0f} MB",
         f"{(sdk['max_rss_mb'] - base) / (ours['max_rss_mb'] - base):.2f}×"],
    ]  # fmt: skip
    memory = _bench.table(["", "requests", "EBMS GraphClient", "msgraph-sdk", "sdk / EBMS"],
                          mem_rows)  # fmt: skip
    return cpu, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--port", type=int, default=8773)
    args = parser.parse_args()
    data = measure(args.port, args.calls)
    _bench.save("client_vs_sdk", data)
    cpu, memory = tables(data)
    print(f"(c) client CPU per call, {args.calls} calls each, versions {data['versions']}")
    print(cpu)
    print(f"bare interpreter peak RSS {data['baseline']['max_rss_mb']:.0f} MB")
    print(memory)


if __name__ == "__main__":
    main()
