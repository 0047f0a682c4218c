"""Burst alerts end to end over a real DuckDB store: dedup, JSONL log, webhooks against a real
local HTTP server (retries with backoff, timeouts, no retry on a client error)."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hotspot_store import BURST_AT, NOW, T0, build

from heard.listen.hotspots import AlertEngine, JsonlSink, WebhookSink, rank_hotspots, recent_alerts
from heard.clock import parse_span
from heard.errors import InputError
from heard.store import open_store

CLOCK = lambda: datetime(2026, 3, 6, 12, 0, 0)  # noqa: E731


class Receiver:
    """A local webhook receiver: answers each POST with the next status in ``script``."""

    def __init__(self, script: list[int], delay: float = 0.0):
        self.script = list(script)
        self.delay = delay
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(
                    {"body": json.loads(body), "key": self.headers.get("Idempotency-Key")}
                )
                time.sleep(outer.delay)
                status = outer.script.pop(0) if outer.script else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store(tmp_path):
    path = build(tmp_path / "h.duckdb")
    with open_store(path) as s:
        yield s


def test_burst_fires_one_alert_with_evidence_and_dedups_across_restarts(store, tmp_path):
    log = tmp_path / "alerts.jsonl"
    alerts = AlertEngine(store, [JsonlSink(log)], clock=CLOCK).scan()
    assert [a["topic_id"] for a in alerts] == [2]  # topic 3 is a 3-author flood: under k = 5
    alert = alerts[0]
    ev = alert["evidence"]
    assert ev["count"] >= 5 and ev["authors"] >= 5 and ev["p_value"] < 1e-7
    assert ev["expected"] < 1
    detected = datetime.fromisoformat(alert["detected_at"].rstrip("Z"))
    assert (detected - BURST_AT.replace(tzinfo=None)).total_seconds() <= 120
    assert alert["label"] == "停水 水管 爆裂" and alert["places"] == ["东湖路"]
    text = json.dumps(alert, ensure_ascii=False)
    assert "13812345678" not in text and "[phone]" in text  # personal data masked in samples
    assert "author-key" not in text  # authors' keys never leave the store
    # the same store scanned again, by a new engine (a restart): nothing new
    assert AlertEngine(store, [JsonlSink(log)], clock=CLOCK).scan() == []
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["alert_id"] == alert["alert_id"]
    stored = recent_alerts(store)
    assert [a["alert_id"] for a in stored] == [alert["alert_id"]]
    assert stored[0]["deliveries"][0] == {"sink": "jsonl", "ok": True, "path": str(log)}


def test_webhook_retries_with_backoff_until_the_receiver_recovers(store):
    receiver = Receiver([503, 503, 200])
    waits: list[float] = []
    try:
        failed: list = []
        sink = WebhookSink(
            [receiver.url],
            retries=3,
            backoff=0.5,
            sleep=waits.append,
            on_failure=lambda url, tries: failed.append(url),
        )
        alerts = AlertEngine(store, [sink], clock=CLOCK).scan()
    finally:
        receiver.close()
    delivery = alerts[0]["deliveries"][0]
    assert delivery["ok"] and delivery["targets"][0]["attempts"] == ["503", "503", "200"]
    assert waits == [0.5, 1.0]  # exponential backoff
    assert failed == []  # reached in the end: no warning
    assert len(receiver.received) == 3
    assert {r["key"] for r in receiver.received} == {alerts[0]["alert_id"]}
    assert receiver.received[-1]["body"]["evidence"]["count"] == alerts[0]["evidence"]["count"]
    assert json.loads(store.scalar("SELECT deliveries FROM alerts"))[0]["ok"] is True


def test_webhook_gives_up_on_client_errors_unreachable_hosts_and_timeouts(store):
    bad_request = Receiver([400])
    slow = Receiver([], delay=0.5)
    dead = Receiver([])
    dead_url = dead.url
    dead.close()  # nothing listens there any more
    waits: list[float] = []
    failed: list[tuple[str, list[str]]] = []
    try:
        sink = WebhookSink(
            [bad_request.url, dead_url, slow.url],
            retries=2,
            backoff=0.1,
            timeout=0.2,
            sleep=waits.append,
            on_failure=lambda url, tries: failed.append((url, tries)),
        )
        alert = {"alert_id": "x1", "topic_id": 1}
        result = sink.send(alert)
    finally:
        bad_request.close()
        slow.close()
    by_url = {t["url"]: t for t in result["targets"]}
    assert not result["ok"]
    assert by_url[bad_request.url]["attempts"] == ["400"]  # a 4xx is not retried
    assert (
        by_url[dead_url]["attempts"][0].startswith("unreachable")
        and len(by_url[dead_url]["attempts"]) == 3
    )
    assert by_url[slow.url]["attempts"] == ["timeout"] * 3
    assert waits == [0.1, 0.2, 0.1, 0.2]
    assert failed == [(t["url"], t["attempts"]) for t in result["targets"]]  # each is told


def test_failed_webhook_does_not_stop_alerts_or_the_log(store, tmp_path):
    log = tmp_path / "a.jsonl"
    dead = Receiver([])
    url = dead.url
    dead.close()
    alerts = AlertEngine(
        store, [WebhookSink([url], retries=1, sleep=lambda s: None), JsonlSink(log)], clock=CLOCK
    ).scan()
    assert len(alerts) == 1 and [d["ok"] for d in alerts[0]["deliveries"]] == [False, True]
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1


def test_sinks_refuse_bad_configuration(tmp_path):
    with pytest.raises(InputError, match="not an http"):
        WebhookSink(["ftp://example.org"])
    with pytest.raises(InputError, match="does not exist"):
        JsonlSink(tmp_path / "missing" / "a.jsonl")


def test_hot_ranking_puts_the_burst_first_and_hides_small_groups(store):
    result = rank_hotspots(store, parse_span("24h"), now=NOW)
    spots = result["hotspots"]
    assert [s["topic_id"] for s in spots] == [2, 1][: len(spots)] and spots[0]["topic_id"] == 2
    assert result["hidden_below_k"] == 1  # topic 3: three authors
    top = spots[0]
    assert set(top["heat"]["components"]) == {
        "volume",
        "growth",
        "authors",
        "engagement",
        "negativity",
    }
    assert top["heat"]["volume"] == 30 and top["heat"]["authors"] == 30
    assert top["burst"]["surprise"] > 5 and top["heat"]["negativity"] == pytest.approx(
        0.6, abs=1e-3
    )
    assert sum(top["series"]["count"]) >= 30
    assert "author-key" not in json.dumps(top, ensure_ascii=False)
    with pytest.raises(InputError, match="time span"):
        parse_span("yesterday")


def test_hot_spot_charts_do_not_reach_back_before_the_first_post(store):
    # a 7-day window charts three windows (21 days), but the store holds four days of posts
    top = rank_hotspots(store, parse_span("7d"), now=NOW)["hotspots"][0]
    series = top["series"]
    first_edge = datetime.fromisoformat(series["start"][0].rstrip("Z"))
    first_post = T0.replace(tzinfo=None) + timedelta(minutes=7)  # the store's first post
    assert first_edge <= first_post < first_edge + timedelta(seconds=series["bucket_seconds"])
    assert datetime.fromisoformat(series["start"][-1].rstrip("Z")) < NOW


def test_hot_command_scans_ranks_and_prints_json(tmp_path):
    from typer.testing import CliRunner

    from heard.cli import _register
    from heard.cli.app import app

    _register()
    db = build(tmp_path / "h.duckdb")
    log = tmp_path / "alerts.jsonl"
    env = {"HEARD_ALERT_LOG": str(log)}
    args = ["hot", "--json", "--db", str(db), "--window", "24h", "--at", NOW.isoformat()]
    first = CliRunner().invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["hotspots"][0]["topic_id"] == 2 and data["hidden_below_k"] == 1
    assert [a["topic_id"] for a in data["alerts"]] == [2]
    second = CliRunner().invoke(app, args, env=env)  # run again: the alert is not fired twice
    assert second.exit_code == 0 and len(log.read_text(encoding="utf-8").splitlines()) == 1
    bad = CliRunner().invoke(app, ["hot", "--db", str(db), "--window", "soon"], env=env)
    assert isinstance(bad.exception, InputError) and "time span" in bad.exception.what


def test_merging_the_alerted_topic_does_not_alert_again(store):
    assert len(AlertEngine(store, clock=CLOCK).scan()) == 1
    # consolidation merges topic 2 into a new topic 9: its posts move, the episode is the same
    store.con.execute(
        "INSERT INTO topics (topic_id, label, size, status, created_at, updated_at) "
        "VALUES (9, '停水', 33, 'active', now(), now())"
    )
    store.con.execute("UPDATE topics SET status = 'merged', merged_into = 9 WHERE topic_id = 2")
    store.con.execute("UPDATE post_topics SET topic_id = 9 WHERE topic_id = 2")
    assert AlertEngine(store, clock=CLOCK).scan() == []


def test_alert_sensitivity_comes_from_the_settings(store, tmp_path):
    from heard.settings import Settings

    strict = Settings(alert_alpha=1e-300, alert_log=tmp_path / "a.jsonl")
    engine = AlertEngine.from_settings(store, [], strict)
    assert engine.config.alpha == 1e-300 and engine.config.min_authors == strict.min_group_size
    assert engine.scan() == []  # the planted burst is not that improbable
    default = AlertEngine.from_settings(store, [], Settings(alert_log=tmp_path / "b.jsonl"))
    assert [a["topic_id"] for a in default.scan()] == [2]
    with pytest.raises(ValueError):
        Settings(alert_alpha=0.5)


def test_topics_merged_while_watching_count_together(store):
    engine = AlertEngine(store, [], clock=CLOCK)
    assert [a["topic_id"] for a in engine.scan()] == [2]  # the stored history
    t0 = (BURST_AT + timedelta(days=1)).timestamp()
    # a new incident that streaming seeded as two topics (1 and 3), three authors in each: under k
    early = [(1, t0 + 10 * i, f"x{i}", f"x:{i}") for i in range(3)] + [
        (3, t0 + 5 + 10 * i, f"y{i}", f"y:{i}") for i in range(3)
    ]
    assert engine.feed(early) == []
    store.con.execute(
        "UPDATE topics SET status = 'merged', merged_into = 1, updated_at = ? WHERE topic_id = 3",
        [datetime(2026, 3, 7)],
    )  # what a consolidation writes
    (alert,) = engine.feed([(1, t0 + 40, "x-late", "x:late")])
    assert (
        alert["topic_id"] == 1
        and alert["evidence"]["authors"] == 7
        and alert["evidence"]["count"] == 7
    )
