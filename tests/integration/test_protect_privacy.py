"""Personal data never comes back through a flag's evidence (RIGHTS.md §7), on a real DuckDB file.

A detector's evidence points into the author's raw text: a rule's matched terms, a head's top
n-grams with their spans. Where such a span lies inside a phone number, an ID or a card, its
text is a piece of that number, and the flag lists, the review item and the API showed it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pytest

from heard.protect.detectors import WrittenHeadDetector
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.read.protect import list_flags, review_item
from heard.records import Post
from heard.store import open_store

PHONE = "13712345678"
CARD = "6222021001123456789"
TEXT = f"楼下噪音扰民严重，电话 {PHONE}，银行卡 {CARD} 退款"


class DigitHead:
    """A stand-in spam head whose top n-grams are pieces of the phone number and the card, as
    the shipped ``spam_written`` head's are for a message with a number in it."""

    threshold, model = 0.5, "digits@0"

    def proba(self, texts):
        return np.ones(len(texts))

    def top_features(self, text, k=5):
        return [("1371", 3.0), ("5678", 2.5), ("0112", 2.0), ("退款", 1.0)]


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "p.duckdb") as s:
        post = Post(
            id="t:1",
            source="t",
            external_id="1",
            text=TEXT,
            author_key="a1",
            created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
        )
        s.write_batch([post], {"lang": ["zh"]}, {})
        stage = HarmStage([WrittenHeadDetector({"spam": DigitHead()})], nearest=0)
        Review(s).record_detector_flags([("t:1", stage.flag_texts([TEXT])[0])])
        yield s


def test_evidence_spans_inside_personal_data_are_redacted(store):
    raw = store.rows("SELECT evidence FROM flags")[0]["evidence"]
    assert "1371" in raw  # stored as found: the store keeps what the detector saw

    flags = list_flags(store)["flags"]
    item = review_item(store, {"flag_id": flags[0]["flag_id"], "label": "spam", "post_id": "t:1"})
    for shown in (flags, item):
        dumped = json.dumps(shown, ensure_ascii=False)
        for piece in ("1371", "5678", "0112", PHONE, CARD):
            assert piece not in dumped, (piece, dumped)
    evidence = flags[0]["evidence"]
    texts = {m["text"] for m in evidence["matches"]}
    assert texts == {"[phone]", "[card]", "退款"}, evidence["matches"]
    assert [g for g, _ in evidence["details"]["head_ngrams"]] == [
        "[phone]",
        "[phone]",
        "[card]",
        "退款",
    ]


def test_a_post_removed_after_its_alert_fired_is_hidden_in_the_alert_list(tmp_path):
    """The alerts list (dashboard, GET /api/v1/alerts) showed the sample posts as they were when
    the alert fired: a post removed since (for doxxing, say) still showed its text there."""
    from datetime import datetime as dt

    from hotspot_store import build

    from heard.auth.accounts import Accounts
    from heard.listen.hotspots import AlertEngine
    from heard.read.hotspots import alerts

    path = build(tmp_path / "h.duckdb")
    with open_store(path) as store:
        Accounts(store).add_user("mod1", "password-1", "moderator")
        [fired] = AlertEngine(store, [], clock=lambda: dt(2026, 3, 6, 12, 0, 0)).scan()
        sample = fired["sample_posts"][0]
        assert sample["text"]
        review = Review(store)
        flag = review.report(sample["id"], "doxxing", note="posts a phone number")
        review.decide(flag["flag_id"], "remove", "Posts a private phone number.", "mod1")
        [listed] = alerts(store, 5)
        shown = next(p for p in listed["sample_posts"] if p["id"] == sample["id"])
        assert shown["text"] is None and shown["moderation"]["decision"] == "remove"


def test_a_posts_place_field_is_redacted_like_its_text(tmp_path):
    """A source's place column ('幸福小区5栋302', down to the flat) came out as written in heard
    posts --json, GET /api/v1/posts and every export, where the same words in the text are
    '幸福小区[address]'."""
    from heard.read.export import rows as export_rows
    from heard.read.posts import PostFilter, search

    with open_store(tmp_path / "p.duckdb") as store:
        post = Post(
            id="t:1",
            source="t",
            external_id="1",
            text="小区门口垃圾堆积如山",
            author_key="a1",
            created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
            place="幸福小区5栋302",
        )
        store.write_batch([post], {"lang": ["zh"]}, {})
        [listed] = search(store, PostFilter())["posts"]
        [exported] = export_rows(store, "posts", 1)
        for row in (listed, exported):
            assert row["place"] == "幸福小区[address]", row


def test_an_issue_titled_by_a_removed_message_shows_its_place_and_problem(tmp_path):
    """An issue's title is its representative message's title (or text). When a decision
    removed that message, the issue list, its page and the issues export still showed it."""
    from heard.auth.accounts import Accounts
    from heard.listen.issues.measure import IssueRecord
    from heard.read.issues import issue_detail, list_issues

    rude = "东湖路物业经理王某就是个人渣败类，大家都去骂他"
    texts = [rude] + [f"东湖路停水三天了，物业不管 #{i}" for i in range(6)]
    t0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    posts = [
        Post(
            id=f"t:{i}", source="t", external_id=str(i), text=t, author_key=f"a{i}", created_at=t0
        )  # fmt: skip
        for i, t in enumerate(texts)
    ]
    with open_store(tmp_path / "p.duckdb") as store:
        store.write_batch(posts, {"lang": ["zh"] * len(posts)}, {})
        Accounts(store).add_user("mod1", "password-1", "moderator")
        start = t0.timestamp()
        record = IssueRecord("东湖路", "东湖路", "停水", ["停水"], rude[:60], 7, 7, 7, start,
                             start + 3600, 5.0, {"components": {}}, 0.5, False, None, 0.8,
                             [p.id for p in posts], {}, 1)  # fmt: skip
        store.issues.replace([record], datetime(2026, 12, 1))
        assert list_issues(store, 5, window="all")["issues"][0]["title"] == rude
        review = Review(store)
        flag = review.report("t:0", "harassment")
        review.decide(flag["flag_id"], "remove", "A personal insult and a call to abuse.", "mod1")
        [listed] = list_issues(store, 5, window="all")["issues"]
        shown = issue_detail(store, 1, 5)
        for issue in (listed, shown):
            assert issue["title"] == "东湖路 · 停水", issue["title"]
