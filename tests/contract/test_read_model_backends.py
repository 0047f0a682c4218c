"""The read model on both stores: what the surfaces read (``heard.read``, whose SQL is in
``heard.store.queries``) comes out the same from a DuckDB file and a PostgreSQL database holding
the same posts, topics, issues, flags, decisions and appeals.

The demo corpus's first 240 posts are ingested into each through every standard stage; on each,
the same reports are filed, decided and appealed at the same (fixed) times. Every query module of
``store/queries/`` is run through the read functions below."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 10, 30, 12, 0)
"""A moment inside the ingested posts, for the reads as of ``--at``."""
K = 2
"""Small enough that the 240 demo posts give topics and groups on both sides of it."""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=7)
        return self.now


def _fill(target: Any, files: list[Path]) -> Any:
    from heard.auth.accounts import Accounts
    from heard.connectors.mapping import Mapper, fieldmap_for
    from heard.pipeline.builder import build_pipeline
    from heard.pipeline.runner import ingest_paths
    from heard.protect.review import Review
    from heard.settings import Settings
    from heard.stages import default_stages
    from heard.store.backends import open_store

    store = open_store(target)
    ingest_paths(
        store,
        files,
        build_pipeline(default_stages(Settings())),
        batch_size=64,
        make_mapper=lambda source: Mapper(
            fieldmap_for("social"), source=source, tz="Asia/Shanghai", salt="s"
        ),
    )
    Accounts(store).add_user("mod1", "password-1", "moderator")
    Accounts(store).add_user("mod2", "password-2", "moderator")
    ids = [r["id"] for r in store.rows("SELECT id FROM posts ORDER BY id LIMIT 6")]
    review = Review(store, Clock())
    flags = [
        review.report(ids[0], "harassment", note="call me on 13812345678"),
        review.report(ids[1], "scam_fraud"),
        review.report(ids[2], "spam"),
        review.report(ids[3], "harassment"),
        review.report(ids[3], "violent_threat"),
    ]
    removed = review.decide(flags[0]["flag_id"], "remove", "Insults a neighbour.", "mod1")
    limited = review.decide(flags[1]["flag_id"], "limit_visibility", "A scam pattern.", "mod1")
    review.decide(flags[2]["flag_id"], "no_action", "Not spam.", "mod2")
    appeal = review.appeal(removed["decision_id"], "It was a quote, not an insult.")
    review.decide_appeal(appeal["appeal_id"], "reversed", "mod2", "The post quotes a sign.")
    review.appeal(limited["decision_id"], "Not a scam: a shop's real offer.")  # left pending
    return store


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, pg_server: Any) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("read")
    lines = (ROOT / "data" / "demo" / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    corpus = tmp / "demo240.jsonl"
    corpus.write_text("\n".join(lines[:240]) + "\n", encoding="utf-8")
    broken = tmp / "broken.jsonl"
    broken.write_text('{"text": "no date"}\nnot json\n', encoding="utf-8")
    files = [corpus, broken]
    opened = {
        "duckdb": _fill(tmp / "r.duckdb", files),
        "postgres": _fill(pg_server.create_database(), files),
    }
    try:
        yield opened
    finally:
        for store in opened.values():
            store.close()


UNCOMPARED = {
    "quarantined_at": "the wall-clock time of each ingest",
    "places": "a topic's places tie at the cut (most_common) and the tie goes either way "
    "(test_ingest_backends leaves them out too)",
}
"""Keys left out of the comparison, and why."""


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in UNCOMPARED}
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    return value


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal, floats to 1e-6 (an average may differ in its last bits between the engines)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), where
        assert math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6), (where, a, b)
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), (where, sorted(a), sorted(b))
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b), (where, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def _first_topic(db: Any) -> int:
    from heard.read.topics import list_topics

    return int(list_topics(db, K, limit=1)["topics"][0]["topic_id"])


def _two_pages(db: Any, **filters: Any) -> list[Any]:
    from heard.read.posts import PostFilter, search

    first = search(db, PostFilter(**filters), limit=7)
    second = search(db, PostFilter(**filters), limit=7, cursor=first["next_cursor"])
    return [first, second]


def _ids(page: dict[str, Any]) -> list[str]:
    return sorted(p["id"] for p in page["posts"])


def _stats(db: Any) -> Any:
    from heard.read import stats

    return [
        stats.stats(db),
        stats.stats(db, ZONE),
        stats.quarantine(db),
        stats.brief_facts(db),
        sorted(stats.sentiment_by_local_day(db, ZONE).items()),
        {k: v for k, v in stats.store_health(db).items()},
        stats.brief_facts(db, AT),
        sorted(stats.sentiment_by_local_day(db, ZONE, AT).items()),
    ]


def _overview(db: Any) -> Any:
    from heard.read.common import jsonable
    from heard.read.overview import overview, quarantine

    return [
        jsonable(overview(db, K)),
        jsonable(overview(db, 50)),
        jsonable(overview(db, K, ZONE)),
        quarantine(db),
    ]


def _posts(db: Any) -> Any:
    from heard.read.posts import get_post

    pages = _two_pages(db) + _two_pages(db, lang="zh", sentiment="negative")
    topic = _two_pages(db, topic=str(_first_topic(db)), since=datetime(2020, 1, 1))
    return [*pages, *topic, get_post(db, pages[0]["posts"][0]["id"]), get_post(db, "no:such")]


def _search(db: Any) -> Any:
    """Ranked matches: the same posts with the same scores (ties between equal scores may come
    in another order: ``heard.store.duckdb_search``); and two pages of the scan a store without
    its index yet searches by."""
    from heard.read.posts import PostFilter, _scan_match, search, search_terms
    from heard.store.queries.posts import PostWhere

    first = _scan_match(db, search_terms("公交"), PostWhere(lang="zh"), 4, None)
    second = _scan_match(db, search_terms("公交"), PostWhere(lang="zh"), 4, first[1])
    out: list[Any] = [first, second]
    for q in ("公交", "building fire"):
        page = search(db, PostFilter(q=q), limit=200)
        out += [sorted((p["id"], p["score"]) for p in page["posts"]), page["query_terms"]]
    return out


def _topics(db: Any) -> Any:
    from heard.read.common import jsonable
    from heard.read.issues import issues_as_of
    from heard.read.topics import (
        decode_mark,
        list_topics_json,
        parse_since,
        topic_detail_json,
        topics_as_of,
    )

    first = list_topics_json(db, K, limit=3)
    rest = list_topics_json(db, K, limit=3, cursor=first["next_cursor"])
    for page in (first, rest):  # the mark's instant is the wall-clock time of the last ingest
        page["next_cursor"] = page["next_cursor"] and decode_mark(page["next_cursor"])[1:]
    detail = topic_detail_json(db, _first_topic(db), K)
    for key in ("created_at", "updated_at"):  # the wall-clock time of each ingest
        detail.pop(key, None)
    for event in detail["history"]:
        event.pop("at")
    local = topic_detail_json(db, _first_topic(db), K, ZONE)["series"]
    return [
        first,
        rest,
        list_topics_json(db, K, q="a", since=parse_since("30d", db)),
        list_topics_json(db, 50),
        detail,
        local,
        jsonable(topics_as_of(db, K, AT)),
        jsonable(issues_as_of(db, K, AT, limit=50)),
    ]


def _hotspots(db: Any) -> Any:
    from heard.clock import parse_span
    from heard.read.hotspots import alerts, data_span, quiet_advice

    return [data_span(db), alerts(db, K), quiet_advice(db, K, parse_span("24h"))]


def _export(db: Any) -> Any:
    from heard.read.export import ExportFilter, rows

    since = ExportFilter(since=datetime(2026, 10, 28), until=AT, lang="zh", sentiment="negative")
    return [
        rows(db, "posts", K),
        rows(db, "topics", K),
        rows(db, "alerts", K),
        rows(db, "posts", K, since),
        rows(db, "posts", K, ExportFilter(topic=_first_topic(db))),
        rows(db, "topics", K, ExportFilter(min_size=5, q="a")),
        rows(db, "issues", K, ExportFilter(window="3d")),
    ]


def _detector_times_dropped(listing: Any) -> Any:
    """A detector's flag is stamped with the wall-clock time of the ingest that made it, which
    differs between the two stores' ingests (by seconds on a loaded machine); reports and
    decisions use the test's clock and keep theirs."""
    flags = [
        {k: v for k, v in f.items() if not (k == "created_at" and f.get("source") == "detector")}
        for f in listing["flags"]
    ]
    return {**listing, "flags": flags}


def _protect(db: Any) -> Any:
    from heard.read import protect

    decisions = protect.list_decisions(db)["decisions"]
    post = decisions[0]["post_id"]
    flags = protect.list_flags(db)["flags"]
    return [
        _detector_times_dropped(protect.list_flags(db, label="harassment", status="pending")),
        _detector_times_dropped({"flags": flags})["flags"],
        decisions,
        protect.statement_of(db, decisions[0]["decision_id"]),
        protect.pending_appeals(db),
        protect.statements_of_post(db, post),
        protect.dsa_statements(db),
        protect.transparency(db),
        protect.review_item(db, {**flags[0], "gold": False}),
    ]


def _moderation(db: Any) -> Any:
    from heard.read import moderation

    ids = [r["id"] for r in db.rows("SELECT id FROM posts ORDER BY id LIMIT 6")]
    return moderation.in_force(db, ids)


def _reindex(db: Any) -> Any:
    from heard.read.reindex import ensure_store_private, search_redaction_version

    ensure_store_private(db)  # already private: changes nothing
    return search_redaction_version(db)


READS: dict[str, Callable[[Any], Any]] = {
    "stats": _stats,
    "overview": _overview,
    "posts": _posts,
    "search": _search,
    "topics": _topics,
    "hotspots": _hotspots,
    "export": _export,
    "protect": _protect,
    "moderation": _moderation,
    "reindex": _reindex,
}


@pytest.mark.parametrize("name", sorted(READS))
def test_the_read_model_reads_the_same_on_both(stores: dict[str, Any], name: str) -> None:
    duck = READS[name](stores["duckdb"])
    pg = READS[name](stores["postgres"])
    _same(_comparable(duck), _comparable(pg), name)


def test_postgres_keeps_the_intent_labels(stores: dict[str, Any]) -> None:
    """Found by this suite: PostgreSQL's write_batch stored none of the intent stage's columns."""
    from heard.read import stats

    pg = stats.stats(stores["postgres"])["intent"]
    assert pg and pg == stats.stats(stores["duckdb"])["intent"]
    model = (
        "SELECT count(*) FROM posts WHERE intent_model IS NOT NULL AND intent_evidence IS NOT NULL"
    )
    assert stores["postgres"].scalar(model) == stores["duckdb"].scalar(model) > 0


def test_the_reads_are_not_empty(stores: dict[str, Any]) -> None:
    """The comparison above compares something: topics above k, decisions, a reversed appeal."""
    from heard.read import protect, stats
    from heard.read.topics import list_topics

    db = stores["duckdb"]
    assert len(list_topics(db, K)["topics"]) >= 3
    figures = protect.transparency(db)
    assert figures["decisions"]["total"] == 3
    assert figures["appeals"]["by_outcome"] == {"reversed": 1, "pending": 1}
    assert len(stats.quarantine(db)) == 2 and len(stats.stats(db)["intent"]) > 1
    assert _moderation(db)  # the limit_visibility decision is in force
    pages = _two_pages(db)
    assert len(pages[0]["posts"]) == 7 and pages[0]["next_cursor"] and pages[1]["posts"]
    found = _search(db)
    assert len(found[0][0]) == 4 and found[0][1] and found[1][0] and found[2] and found[4]
    topics = _topics(db)
    assert topics[5]["points"] and topics[6]["topics"] and topics[7]["issues"]  # as of AT
    exported = _export(db)
    assert 0 < len(exported[3]) < len(exported[0]) and 0 < len(exported[4]) < len(exported[0])


def test_an_old_store_is_made_private_on_both(open_target: Callable[..., Any]) -> None:
    """``heard.read.reindex`` on each backend: handles leave the raw records and personal data
    the search text, once."""
    import json

    from heard.read.reindex import ensure_raw_scrubbed, ensure_search_redacted

    store = open_target()
    store.execute(  # as an older Heard wrote them
        "INSERT INTO posts (id, source, external_id, text, lang, text_hash, created_at, "
        "ingested_at, raw, search_text) VALUES ('s:1', 's', '1', ?, 'zh', 'h', now(), now(), ?, ?)",
        [
            "停水三天了，电话13812345678",
            json.dumps({"in_reply_to_screen_name": "replied_to_amy", "lang": "zh"}),
            "停水 三天 电话 13812345678",
        ],
    )
    store.execute(
        "INSERT INTO quarantine (key, source, file, position, reason, detail, raw, "
        "quarantined_at) VALUES ('k', 's', 'f.csv', 2, 'malformed_row', '', "
        "'2,@retweeted_bob,停电', now())"
    )
    assert ensure_raw_scrubbed(store) == 2
    assert json.loads(store.scalar("SELECT raw FROM posts")) == {"lang": "zh"}
    assert "retweeted_bob" not in store.scalar("SELECT raw FROM quarantine")
    assert ensure_raw_scrubbed(store) == 0  # once
    assert ensure_search_redacted(store) == 1
    text = store.scalar("SELECT search_text FROM posts")
    assert "停水" in text and "13812345678" not in text
    assert ensure_search_redacted(store) == 0
