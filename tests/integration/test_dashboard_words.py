"""What an official reads on the dashboard and in the brief (issue 16 §17): Chinese throughout
(heat components, evidence, axes, k), alert evidence in words, sentiment to two decimals, an
HTML 404 page for an unknown topic, the topic's languages and history, a Chinese brief."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store
from heard.web.wording import evidence_words, mean2

from api_seed import PASSWORD, build

EVIDENCE = {
    "count": 12,
    "authors": 9,
    "expected": 0.0915,
    "rate_ratio": 131.1,
    "p_value": 0.0,
    "window_start": "2026-11-03T00:00:00Z",
    "window_end": "2026-11-03T06:00:00Z",
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("words") / "seed.duckdb"
    build(db)
    with open_store(db) as store:
        t = datetime(2026, 11, 3, 6)
        alert = {
            "alert_id": "a1",
            "topic_id": 1,
            "label": "东湖路 停水",
            "keywords": ["停水"],
            "onset": "2026-11-03T01:00:00Z",
            "detected_at": "2026-11-03T06:00:00Z",
            "evidence": EVIDENCE,
        }
        store.con.execute(
            "INSERT INTO alerts VALUES ('a1', 1, ?, ?, ?, 21600, 12, 0.0915, 0.0, 9, ?, NULL)",
            [t - timedelta(hours=5), t, t, json.dumps(alert, ensure_ascii=False)],
        )
        store.con.execute(
            "INSERT INTO topic_events VALUES (900, ?, 'merged', 3, 1, '{\"posts\": 4}')", [t]
        )
        store.con.execute("UPDATE topics SET sentiment_mean = -0.61234 WHERE topic_id = 1")
    return db


@pytest.fixture()
def client(tmp_path, seeded):
    db = tmp_path / "seed.duckdb"
    shutil.copy(seeded, db)
    with TestClient(create_app(Settings(db=db))) as c:
        form = c.get("/login")
        csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        c.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": csrf})
        yield c


def test_evidence_and_means_read_as_words():
    assert (
        evidence_words(EVIDENCE)
        == "12 posts from 9 authors · ≈0.091 expected · 131× the usual rate · p < 1e-12"
    )
    assert "为平常的 131 倍" in evidence_words(EVIDENCE, "zh")
    assert [mean2(x) for x in (-0.61234, 0.001, 0.2)] == ["-0.61", "0.00", "+0.20"]


def test_chinese_hotspot_page_has_no_english_words_left(client):
    client.cookies.set("heard_lang", "zh")
    page = client.get("/hotspots", params={"window": "all"}).text
    heat = re.search(r'class="muted heat-parts">(.*?)</small>', page, re.S).group(1)
    assert "帖量" in heat and "负面度" in heat and not re.search(r"[a-z]{4,}", heat)
    assert "<th>依据</th>" in page and ">evidence<" not in page
    assert "为平常的 131 倍 · p &lt; 1e-12" in page and "rate_ratio" not in page
    assert "fewer than k" not in page


def test_topic_page_two_decimals_languages_history(client):
    page = client.get("/topics/1").text
    assert "-0.61" in page and "-0.6123" not in page
    assert (
        'id="topic-languages"' in page
        and 'id="topic-history"' in page
        and "← #3" in page  # topic 3 is not in the seed: named, not linked to a 404
    )
    topics = client.get("/topics").text
    assert "-0.61" in topics and "-0.6123" not in topics


def test_unknown_topic_is_an_html_page_in_the_browser_and_json_for_the_api(client):
    page = client.get("/topics/999", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert '<h1 id="error-title">404 · ' in page.text and '"ok": false' not in page.text
    api = client.get("/api/v1/topics/999", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json()["ok"] is False


def test_chart_axes_are_translated(client):
    client.cookies.set("heard_lang", "zh")
    page = client.get("/").text
    charts = json.loads(
        page.split('<script type="application/json" id="chart-data">')[1].split("</script>")[0]
    )
    titles = [c["layout"].get("xaxis", {}).get("title", {}).get("text", "") for c in charts]
    assert any(t.startswith("时间") for t in titles)


def test_chinese_brief(seeded, tmp_path, capsys):
    out = tmp_path / "brief"
    assert (
        run(
            [
                "report",
                "--out",
                str(out),
                "--lang",
                "zh",
                "--window",
                "all",
                "--json",
                "--db",
                str(seeded),
            ]
        )
        == 0
    )
    info = json.loads(capsys.readouterr().out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert info["lang"] == "zh" and '<html lang="zh-Hans">' in html
    assert "热点" in html and "预警" in html and "主要话题" in html and "为平常的 131 倍" in html
    assert "Hot spots" not in html and "burst began" not in html
    assert run(["report", "--out", str(out), "--lang", "fr", "--db", str(seeded)]) == 2
