"""The long run of the OpenAPI truth harness (tests/integration/openapi_truth.py): every
operation of the served schema, many drawn requests each, on the API test store.

    .venv/bin/python bench/openapi_truth.py --examples 300 --seed 16
    (→ bench/results/openapi_truth.json: cases, failures and statuses by operation)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--examples", type=int, default=300, help="drawn requests per operation")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "openapi_truth.json")
    args = ap.parse_args()
    from api_seed import build
    from fastapi.testclient import TestClient
    from openapi_truth import exercise

    from heard.api import create_app
    from heard.settings import Settings

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="openapi_truth_") as tmp:
        db = Path(tmp) / "h.duckdb"
        tokens = build(db)
        app = create_app(Settings(db=db))
        started = time.perf_counter()
        with TestClient(app, raise_server_exceptions=False) as client:
            report = exercise(client, app, tokens, args.examples, seed_=args.seed)
        seconds = time.perf_counter() - started
    result = {
        "command": "bench/openapi_truth.py " + " ".join(sys.argv[1:]),
        "examples_per_operation": args.examples,
        "seed": args.seed,
        "operations": len(report.cases),
        "seconds": round(seconds, 1),
        "machine": f"{os.cpu_count()} cores",
        "load_before": [round(x, 2) for x in load_before],
        **report.to_dict(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    print(json.dumps({k: result[k] for k in ("cases", "failures", "server_errors", "seconds")}))


if __name__ == "__main__":
    main()
