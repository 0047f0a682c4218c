"""Prometheus text-format metrics kept in process: requests by route and status, latency."""

from __future__ import annotations

import threading
from collections import defaultdict

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.buckets: dict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.sums: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.ingested_posts = 0
        self.quarantined_rows = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            b = self.buckets[route]
            for i, edge in enumerate(BUCKETS):
                if seconds <= edge:
                    b[i] += 1
            b[-1] += 1
            self.sums[route] += seconds
            self.counts[route] += 1

    def render(self, extra: dict[str, float] | None = None) -> str:
        def esc(v: str) -> str:
            return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

        out = [
            "# HELP heard_http_requests_total HTTP requests by method, route and status.",
            "# TYPE heard_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                out.append(
                    f'heard_http_requests_total{{method="{method}",route="{esc(route)}",'
                    f'status="{status}"}} {n}'
                )
            out += [
                "# HELP heard_http_request_seconds Request latency by route.",
                "# TYPE heard_http_request_seconds histogram",
            ]
            for route in sorted(self.buckets):
                b = self.buckets[route]
                for edge, n in zip(BUCKETS, b):
                    out.append(
                        f'heard_http_request_seconds_bucket{{route="{esc(route)}",le="{edge}"}} {n}'
                    )
                out.append(
                    f'heard_http_request_seconds_bucket{{route="{esc(route)}",le="+Inf"}} {b[-1]}'
                )
                out.append(
                    f'heard_http_request_seconds_sum{{route="{esc(route)}"}} {self.sums[route]:.6f}'
                )
                out.append(
                    f'heard_http_request_seconds_count{{route="{esc(route)}"}} {self.counts[route]}'
                )
            out += [
                "# HELP heard_uploaded_posts_total Posts stored through the upload API.",
                "# TYPE heard_uploaded_posts_total counter",
                f"heard_uploaded_posts_total {self.ingested_posts}",
                "# HELP heard_uploaded_quarantined_total Rows quarantined through the upload API.",
                "# TYPE heard_uploaded_quarantined_total counter",
                f"heard_uploaded_quarantined_total {self.quarantined_rows}",
            ]
        for name, value in (extra or {}).items():
            out += [f"# TYPE {name} gauge", f"{name} {value}"]
        return "\n".join(out) + "\n"
