"""``heard demo`` end to end on the bundled corpus: the sudden incident is one topic in both of its
languages, the top hot spot of the last week, and fires exactly one alert; the brief is written.

Real components throughout: the full ingest pipeline (langid, jieba, the USE embedder, the
sentiment head, streaming topics), a DuckDB file, the alert engine with its JSONL log.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from heard.cli import run
from heard.cli.demo import INCIDENT
from heard.read.redact import redact
from heard.stages.tokens import Segmenter
from heard.store import open_store


def test_demo_incident_is_one_bilingual_topic_the_top_hot_spot_with_one_alert(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_ALERT_LOG", str(tmp_path / "alerts.jsonl"))
    db = tmp_path / "demo.duckdb"
    assert run(["demo", "--db", str(db), "--out", str(tmp_path / "brief")]) == 0
    assert (tmp_path / "brief" / "index.html").exists()
    assert redact("@澜河水务") == "@[user]"  # the demo names its city's accounts only while it runs

    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT p.text, p.lang, pt.topic_id FROM posts p "
            "JOIN post_topics pt ON pt.post_id = p.id WHERE pt.topic_id IS NOT NULL"
        )
    incident = [(r["lang"], r["topic_id"]) for r in rows if INCIDENT.search(r["text"])]
    by_lang = {lang: Counter(t for lg, t in incident if lg == lang) for lang in ("zh", "en")}
    assert sum(by_lang["zh"].values()) >= 10 and sum(by_lang["en"].values()) >= 5
    topic = by_lang["zh"].most_common(1)[0][0]
    # most of the incident's posts in either language are in the same topic
    for lang, counts in by_lang.items():
        assert counts[topic] >= 0.8 * sum(counts.values()), (lang, counts)

    logged = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    alerts = [a for a in logged if a.get("kind") != "issue"]  # topic alerts; issue alerts beside
    assert [a["topic_id"] for a in alerts] == [topic]
    capsys.readouterr()
    assert run(["hot", "--db", str(db), "--window", "7d", "--json"]) == 0
    hot = json.loads(capsys.readouterr().out)
    assert hot["hotspots"][0]["topic_id"] == topic

    # `make demo` again on the same file: nothing new is stored, no alert fires twice, and the
    # demo says that the incident's alert went out on the first run
    capsys.readouterr()
    assert run(["demo", "--db", str(db), "--out", str(tmp_path / "brief"), "--json"]) == 0
    out = capsys.readouterr()
    done = json.loads(out.out)
    assert done["stored"] == 0 and done["posts"] == 625 and done["alerts_fired"] == 0
    assert done["hotspots"][0]["topic_id"] == topic and done["brief"].endswith("index.html")
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == len(logged)
    assert f"alert already fired by an earlier run: topic #{topic}" in out.err
    # it said "already ingested" and then "0 new posts stored (0 were there already)"
    assert "already ingested by an earlier run" in out.err and "0 new posts" not in out.err

    # answer: every post was routed (the unsure ones to triage), except the spam and scams
    # decided automatically; protect: the later file's harms are flagged, and its criticism,
    # satire, protest call and whistleblowing are not (RIGHTS.md)
    with open_store(db, read_only=True) as store:
        cases = store.rows("SELECT post_id FROM cases")
        decided = store.rows("SELECT post_id FROM decisions WHERE automated_decision")
    assert sum(d["cases"] for d in done["departments"]) == len(cases) == 625 - len(decided)
    assert {d["code"] for d in done["departments"]} >= {"triage", "transport"}
    assert not {c["post_id"] for c in cases} & {d["post_id"] for d in decided}
    flagged = {(f["post_id"], f["label"]) for f in done["protect"]["flags"]}
    assert {label for _, label in flagged} >= {"scam_fraud", "doxxing", "violent_threat"}
    legitimate = {f"demo:l00{i}" for i in (4, 5, 6, 7)} | {"demo:l010", "demo:l011", "demo:l012"}
    assert not {post for post, _ in flagged} & legitimate
    assert "4/6 answer" in out.err and "5/6 protect" in out.err


def test_demo_issues_through_cli_api_page_brief_and_export(tmp_path, monkeypatch, capsys):
    """The water-main burst on 长乐路 / Changle Road is an issue (issue 17 §2) on every surface."""
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_ALERT_LOG", str(tmp_path / "alerts.jsonl"))
    db = tmp_path / "demo.duckdb"
    assert run(["demo", "--db", str(db), "--out", str(tmp_path / "brief")]) == 0
    capsys.readouterr()
    assert run(["issues", "--json", "--db", str(db)]) == 0
    found = json.loads(capsys.readouterr().out)
    burst = [
        i
        for i in found["issues"]
        if ("长乐路" in i["place"] or "changle" in i["place"]) and INCIDENT.search(i["title"])
    ]
    assert burst, found["issues"]
    assert all(i["authors"] >= found["k"] for i in found["issues"])
    brief = (tmp_path / "brief" / "index.html").read_text(encoding="utf-8")
    assert 'id="issues"' in brief and brief.index('id="issues"') < brief.index('id="hot-')
    assert burst[0]["place"] in brief

    with TestClient(create_app(Settings(db=db))) as client:
        assert client.get("/api/v1/issues").status_code == 401  # no anonymous reads
        form = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        client.post(
            "/login", data={"username": "demo", "password": "heard-demo", "csrf_token": csrf}
        )
        listed = client.get("/api/v1/issues", params={"window": "all"}).json()
        assert [i["issue_id"] for i in listed["issues"]] == [i["issue_id"] for i in found["issues"]]
        one = client.get(f"/api/v1/issues/{burst[0]['issue_id']}").json()["issue"]
        assert one["posts"] and all("author_key" not in p for p in one["posts"])
        assert client.get("/api/v1/issues/99999").status_code == 404
        assert client.get("/api/v1/issues", params={"window": "soon"}).status_code == 422
        page = client.get("/issues")
        assert page.status_code == 200 and burst[0]["place"] in page.text
        detail = client.get(f"/issues/{burst[0]['issue_id']}")
        assert detail.status_code == 200 and ("长乐路" in detail.text or "Changle" in detail.text)
        # each problem term is a word its messages used, not a piece the search index cut out
        # of a longer word (交公 of 公交公司 was the bus issue's term)
        for issue in found["issues"]:
            posts = client.get(f"/api/v1/issues/{issue['issue_id']}").json()["issue"]["posts"]
            texts = [f"{p.get('title') or ''} {p['text']}" for p in posts]
            for term in issue["terms"]:
                assert _a_word_of(term, texts), (issue["place"], term, issue["terms"])
    assert (
        run(["export", "--what", "issues", "--out", str(tmp_path / "i.jsonl"), "--db", str(db)])
        == 0
    )
    rows = [json.loads(x) for x in (tmp_path / "i.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["issue_id"] for r in rows} == {i["issue_id"] for i in found["issues"]}

    # each topic keyword is a word its posts used (化器 of 净化器, 委会 of 业委会 were keywords)
    capsys.readouterr()
    assert run(["topics", "--json", "--limit", "0", "--db", str(db)]) == 0
    topics = json.loads(capsys.readouterr().out)["topics"]
    with open_store(db, read_only=True) as store:
        posts = store.rows(
            "SELECT p.text, pt.topic_id FROM posts p "
            "JOIN post_topics pt ON pt.post_id = p.id WHERE pt.topic_id IS NOT NULL"
        )
    assert topics and all(t["keywords"] for t in topics)
    for topic in topics:
        texts = [r["text"] for r in posts if r["topic_id"] == topic["topic_id"]]
        for kw in topic["keywords"]:
            assert _a_word_of(kw["term"], texts), (topic["label"], kw["term"])


def _a_word_of(term: str, texts: list[str]) -> bool:
    """Whether ``term`` is one of the words the segmenter cuts (precise mode) from some text."""
    if not re.search(r"[\u4e00-\u9fff]", term):
        return True  # English terms are whole words already
    seg = Segmenter()
    return any(term in seg.words(t, "zh") for t in texts if term in t)
