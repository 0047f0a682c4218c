"""The HTML brief: self-contained (plotly.js inline, no CDN, no external fetch), escaped, k-safe."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hotspot_store import NOW, build

from heard.errors import InputError
from heard.clock import parse_span
from heard.listen.hotspots import AlertEngine
from heard.report import _bucket_name, write_report
from heard.store import open_store


def test_report_is_self_contained_escaped_and_shows_the_burst(tmp_path):
    path = build(tmp_path / "h.duckdb")
    with open_store(path) as store:
        # the second most-liked burst post (a sample post) carries markup
        store.con.execute(
            "UPDATE posts SET text = '<script>alert(\"heard-xss\")</script> 停水' WHERE id = 't:80'"
        )
        AlertEngine(store, clock=lambda: datetime(2026, 3, 6)).scan()
        page = write_report(
            store,
            tmp_path / "out",
            window=parse_span("24h"),
            now=NOW,
            clock=lambda: datetime(2026, 3, 6, 12),
        )
    html = page.read_text(encoding="utf-8")
    assert page.name == "index.html"
    # offline: plotly.js inlined once, nothing loaded from elsewhere
    assert html.count("plotly.js v") >= 1 and len(html) > 3_000_000
    assert not re.search(r"<script[^>]+src=", html) and "cdn.plot.ly/plotly" not in html
    assert not re.search(r"<link[^>]+href=\"http", html)
    # the burst is the top hot spot, with its chart, alert and evidence
    first_spot = html.index('id="hot-')
    assert html[first_spot : first_spot + 20].startswith('id="hot-2"')
    assert "停水 水管 爆裂" in html and "Alerts" in html and "burst began" in html
    assert set(re.findall(r"posts per ([^(]+) \(Asia[^)]*\)(?! by sentiment)", html)) == {
        "hour"
    }  # not "per 60 min"
    # post text escaped; personal data masked; authors never shown
    assert (
        '<script>alert("heard-xss")' not in html
        and "&lt;script&gt;alert(&#34;heard-xss&#34;)" in html
    )
    assert "&lt;b&gt;急&lt;/b&gt;" in html
    assert "13812345678" not in html
    assert "author-key" not in html  # authors' (salted) keys are never shown
    assert "刷屏" not in html  # topic 3 has 3 authors: under k, not shown


def test_report_refuses_an_empty_store(tmp_path):
    with open_store(tmp_path / "e.duckdb") as store, pytest.raises(InputError, match="no posts"):
        write_report(store, tmp_path / "out", window=parse_span("24h"))


def test_chart_buckets_are_named_in_words():
    assert [_bucket_name(s) for s in (60, 900, 3600, 6 * 3600, 86400, 2 * 86400, 7 * 86400)] == [
        "minute",
        "15 min",
        "hour",
        "6 hours",
        "day",
        "2 days",
        "week",
    ]


def test_the_chinese_brief_names_sentiment_in_chinese(tmp_path):
    """The zh brief printed each sample post's sentiment as "negative" / "positive" beside a
    Chinese page; the chart's legend was already Chinese."""
    path = build(tmp_path / "z.duckdb")
    with open_store(path) as store:
        page = write_report(
            store,
            tmp_path / "zh",
            window=parse_span("24h"),
            now=NOW,
            clock=lambda: datetime(2026, 3, 6, 12),
            lang="zh",
        )
    html = page.read_text(encoding="utf-8")
    shown = re.findall(r"\+08:00 · ([^<]+)</div>", html)
    assert shown and set(shown) <= {"负面", "中性", "正面"}, shown
