"""What a moderator types, refused the same way everywhere (found by working the queue through
the API and the CLI): facts the DSA database cannot take on the ground 'illegal', an appeal
decided without reasons, and gold items that took input a real flag refuses, and a second
answer, so they gave themselves away and calibration could be redone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from heard.auth.accounts import Accounts
from heard.errors import InputError
from heard.protect.calibration import Calibration
from heard.protect.review import Review
from heard.records import Post
from heard.store import open_store


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "p.duckdb") as s:
        post = Post(
            id="t:1",
            source="t",
            external_id="1",
            text="If you report me again I will burn your house down.",
            author_key="a1",
            created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
        )
        s.write_batch([post], {"lang": ["en"]}, {})
        accounts = Accounts(s)
        accounts.add_user("mod1", "password-1", "moderator")
        accounts.add_user("mod2", "password-2", "moderator")
        yield s


def _report(store, clock):
    return Review(store, clock).report("t:1", "violent_threat")["flag_id"]


def test_illegal_ground_facts_fit_the_dsa_explanation_and_nothing_is_stored(store):
    """On the ground 'illegal' the facts are also the statement's illegal_content_explanation,
    which the DSA transparency database takes up to 2,000 characters: a 2,500-character
    statement was stored and exported, and the database would refuse the export."""
    clock = Clock()
    review = Review(store, clock)
    flag_id = _report(store, clock)
    with pytest.raises(InputError, match="at most 2,000 characters on the ground 'illegal'"):
        review.decide(flag_id, "remove", "x" * 2001, "mod1", ground="illegal", legal_ground="§1")
    with pytest.raises(InputError, match="legal ground is at most 500"):
        review.decide(
            flag_id, "remove", "A threat.", "mod1", ground="illegal", legal_ground="§" * 501
        )
    with pytest.raises(InputError, match="at most 5,000"):
        review.decide(flag_id, "remove", "x" * 5001, "mod1")
    assert store.protect.flag(flag_id)["status"] == "pending"
    d = review.decide(flag_id, "remove", "x" * 2000, "mod1", ground="illegal", legal_ground="§1")
    assert len(d["statement"]["illegal_content_explanation"]) == 2000


def test_a_legal_ground_on_the_ground_incompatible_is_refused_not_dropped(store):
    """A moderator who named a law but left the ground 'incompatible' got a decision whose
    statement had no trace of it (the legal ground is recorded on the ground 'illegal' only):
    what was typed was lost without a word. It is refused, naming the ground to change."""
    clock = Clock()
    review = Review(store, clock)
    flag_id = _report(store, clock)
    with pytest.raises(InputError, match="legal ground .* but the ground is 'incompatible'") as e:
        review.decide(flag_id, "remove", "A threat.", "mod1", legal_ground="刑法 第293条")
    assert e.value.field == "ground"
    assert store.protect.flag(flag_id)["status"] == "pending"
    d = review.decide(flag_id, "remove", "A threat.", "mod1", legal_ground="  ")  # blank: none
    assert d["statement"]["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"


def test_an_appeal_decision_needs_its_reasons(store):
    """DSA Art. 20(5): the author is told the reasoned decision. An appeal was reversed with
    facts '' and the author's page said only 'reversed'."""
    clock = Clock()
    review = Review(store, clock)
    d = review.decide(_report(store, clock), "remove", "A threat to burn a house.", "mod1")
    a = review.appeal(d["decision_id"], "It was a line from a film.")
    for blank in ("", "   \n"):
        with pytest.raises(InputError, match="needs its reasons"):
            review.decide_appeal(a["appeal_id"], "reversed", "mod2", blank)
    with pytest.raises(InputError, match="at most 5,000"):
        review.decide_appeal(a["appeal_id"], "reversed", "mod2", "y" * 5001)
    assert store.protect.appeal(a["appeal_id"])["status"] == "pending"
    done = review.decide_appeal(a["appeal_id"], "reversed", "mod2", "  A film quote.  ")
    assert done["facts"] == "A film quote."


def test_a_gold_item_refuses_what_a_flag_refuses_and_is_answered_once(store):
    clock = Clock()
    review, cal = Review(store, clock), Calibration(store, clock)
    flag_id = _report(store, clock)
    gold_id = cal.add_gold("Buy followers now, 1000 for $5", "spam", "remove")["gold_id"]
    bad = [
        dict(facts="  "),
        dict(facts="Spam.", ground="illegal"),
        dict(facts="Spam.", label="politics"),
    ]
    for kwargs in bad:
        facts = kwargs.pop("facts")
        with pytest.raises(InputError) as real:
            review.decide(flag_id, "remove", facts, "mod1", **kwargs)
        with pytest.raises(InputError) as gold:
            cal.answer(gold_id, "remove", "mod1", facts, **kwargs)
        assert str(gold.value) == str(real.value)
    assert cal.report() == []  # nothing was recorded

    review.decide(flag_id, "no_action", "Not a threat: a film line.", "mod1")
    cal.answer(gold_id, "no_action", "mod1", "Not spam.")
    with pytest.raises(InputError) as real:
        review.decide(flag_id, "remove", "Second thoughts.", "mod1")
    with pytest.raises(InputError) as gold:
        cal.answer(gold_id, "remove", "mod1", "Second thoughts.")
    assert str(real.value).replace(flag_id, "ID") == str(gold.value).replace(gold_id, "ID")
    (mod1,) = cal.report()
    assert (mod1["answered"], mod1["agreement"]) == (1, 0.0)  # the first answer stands


def test_no_new_decision_goes_around_a_pending_appeal(store):
    """Found through the API: mod1 labelled a post, the author appealed, and mod1 (who may not
    decide the appeal) reported the post again and removed it: the appealed decision was
    replaced, the appeal left against a decision no longer in force."""
    clock = Clock()
    review = Review(store, clock)
    d = review.decide(_report(store, clock), "label", "A threat, labelled.", "mod1")
    a = review.appeal(d["decision_id"], "It is a film line.")
    again = review.report("t:1", "harassment", flagger="mod1")["flag_id"]
    for who in ("mod1", "mod2"):
        with pytest.raises(InputError, match=f"appeal {a['appeal_id']} .* waits"):
            review.decide(again, "remove", "Removing it while the appeal waits.", who)
    assert [x["decision_id"] for x in store.protect.decisions_of_post("t:1")] == [d["decision_id"]]
    assert store.protect.flag(again)["status"] == "pending"
    review.decide_appeal(a["appeal_id"], "upheld", "mod2", "A threat, not a film line.")
    later = review.decide(again, "remove", "Harassment as well as the threat.", "mod2")
    assert later["decision"] == "remove"


def test_a_decision_to_take_no_action_is_not_appealed(store):
    """The /statement page offers no appeal form for "no action", but the API and the CLI took
    one: the author's one appeal was spent on a decision that restricted nothing, and (a pending
    appeal holding the post) the post could take no decision until someone answered it."""
    clock = Clock()
    review = Review(store, clock)
    d = review.decide(_report(store, clock), "no_action", "A film line, not a threat.", "mod1")
    with pytest.raises(InputError, match="took no action on the post: there is nothing to appeal"):
        review.appeal(d["decision_id"], "Why was my post looked at at all?")
    with pytest.raises(InputError, match="nothing to appeal"):
        review.appeal_with_notice(d["author_token"], d["decision_id"], "Why?")
    assert store.protect.appeal_of_decision(d["decision_id"]) is None


def test_no_automated_decision_goes_around_a_pending_appeal(store):
    """The same for detectors: a rescan that raises spam or scam flags on a post whose decision
    is under appeal would decide it automatically and replace the appealed decision. The flags
    now wait for a person."""
    from heard.protect.stage import HarmStage

    scam = "我是你们王总，换了新号码，现在急需转一笔款，先转5万到这个账户，别打电话，办完再说。"
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    posts = [
        Post(id=f"t:{n}", source="t", external_id=n, text=scam, author_key=f"a{n}", created_at=at)
        for n in "23"
    ]
    store.write_batch(posts, {"lang": ["zh", "zh"]}, {})
    clock = Clock()
    review = Review(store, clock)
    reported = review.report("t:2", "harassment")["flag_id"]
    d = review.decide(reported, "label", "Rude to a colleague.", "mod1")
    review.appeal(d["decision_id"], "It is not about a person.")
    flags = HarmStage(nearest=0).flag_texts([scam])[0]
    counts = review.record_detector_flags([("t:2", flags)], 0.5)
    assert counts["flags"] >= 1 and counts["automated_decisions"] == 0
    assert [x["decision_id"] for x in store.protect.decisions_of_post("t:2")] == [d["decision_id"]]
    # without the appeal the same flags are decided automatically (the test can fail)
    assert review.record_detector_flags([("t:3", flags)], 0.5)["automated_decisions"] == 1
