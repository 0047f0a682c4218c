"""The issue's bar, literally: Schemathesis's own command line (`st run`, every check, a token)
against a real `heard serve` on loopback, over the served schema.

    .venv/bin/python bench/schemathesis_run.py [--max-examples 40] [--seed 16] [--max-time S]

1. Builds the API test store (tests/integration/api_seed.py: posts with planted personal data,
   topics, issues, cases, flags, an admin token) in a temporary folder.
2. Starts `heard serve` on a free 127.0.0.1 port and waits for it.
3. Runs `st run http://127.0.0.1:PORT/api/v1/openapi.json --checks all` with the admin's bearer
   token, `--max-examples` per operation and phase, a seed, one worker, and the two operation
   overrides the suite also has (tests/integration/test_schemathesis.py ``UNEXPRESSIBLE``,
   ``SERVICES_ARE_DATA``) in a `schemathesis.toml` passed with `--config-file`.
4. Reads Schemathesis's JSON run report and writes the counts (cases, failures by check, server
   errors, operations) to bench/results/schemathesis_run.json; prints them.

Exit status: Schemathesis's (0 when it found nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

from api_seed import build  # noqa: E402

OVERRIDE = """\
[[operations]]
include-path = "/api/v1/ingest"
include-method = "POST"
checks.positive_data_acceptance.enabled = false

[[operations]]
include-path = "/open311/v2/requests.json"
include-method = "GET"
checks.positive_data_acceptance.enabled = false

[[operations]]
include-path = "/api/v1/topics"
include-method = "GET"
checks.positive_data_acceptance.enabled = false
"""
"""Why: see ``UNEXPRESSIBLE``, ``SERVICES_ARE_DATA`` and ``TOPIC_CURSORS`` in
tests/integration/test_schemathesis.py (a field map naming one field twice is refused with a
declared 400, and so are a ``service_code`` that names no service and a topics cursor this server
did not give: JSON Schema cannot say any of them)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from heard.cli import main; main()", "serve", "--db", str(db)]
        + ["--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"heard serve exited ({proc.returncode}); see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("heard serve did not answer in 120 s")


def summarise(report: dict) -> dict:
    """The counts of Schemathesis's JSON run report (its own fields, renamed only where noted)."""
    failures = report.get("failures") or []
    return {
        "schemathesis_version": report.get("schemathesis_version"),
        "complete": report.get("complete"),
        "stop_reason": report.get("stop_reason"),
        "running_time_s": round(report.get("running_time", 0.0), 1),
        "operations": report.get("operations"),
        "phases": {k: v.get("status") for k, v in (report.get("phases") or {}).items()},
        "test_cases": report.get("test_cases"),
        "failures": len(failures),
        "server_errors": sum(1 for f in failures if "server_error" in json.dumps(f)),
        "failures_listed": failures[:20],
        "errors": report.get("errors"),
        "operations_without_test_data": len(
            (report.get("warnings") or {}).get("missing_test_data") or []
        ),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=40, help="per operation and phase")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--max-time", type=int, default=None, help="seconds; st run's time budget")
    ap.add_argument(
        "--out", type=Path, default=REPO / "bench" / "results" / "schemathesis_run.json"
    )
    args = ap.parse_args()
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    if st is None:
        raise SystemExit("Schemathesis is not installed: `pip install -e '.[test]'` pins it")
    work = Path(tempfile.mkdtemp(prefix="heard-st-"))
    try:
        db = work / "api.duckdb"
        token = build(db)["admin"]
        config = work / "schemathesis.toml"
        config.write_text(OVERRIDE, encoding="utf-8")
        port = free_port()
        server = start_server(db, port, work / "serve.log")
        report_path = work / "report.json"
        cmd = [
            st,
            "--config-file",
            str(config),
            "run",
            f"http://127.0.0.1:{port}/api/v1/openapi.json",
            "--checks",
            "all",
            "-H",
            f"Authorization: Bearer {token}",
            "--max-examples",
            str(args.max_examples),
            "--seed",
            str(args.seed),
            "--workers",
            "1",
            "--report",
            "json",
            "--report-json-path",
            str(report_path),
            "--no-color",
        ]
        if args.max_time:
            cmd += ["--max-time", str(args.max_time)]
        t0 = time.perf_counter()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
        finally:
            server.terminate()
            server.wait(timeout=30)
        seconds = round(time.perf_counter() - t0, 1)
        tail = done.stdout[-4000:]
        if not report_path.exists():
            print(tail, done.stderr[-2000:], sep="\n")
            raise SystemExit(f"st run wrote no report (exit {done.returncode})")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        result = {
            "command": " ".join(c if "Bearer" not in c else "Authorization: Bearer …" for c in cmd),
            "schemathesis_exit": done.returncode,
            "seconds": seconds,
            "seed": args.seed,
            "max_examples": args.max_examples,
            "python": platform.python_version(),
            "load_before": os.getloadavg()[0],
            "report": summarise(report),
            "st_output_tail": tail.splitlines()[-40:],
        }
    finally:
        if os.environ.get("KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "st_output_tail"}, indent=2))
    print("\n".join(result["st_output_tail"]))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
