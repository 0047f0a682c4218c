"""The suggestions digest groups what people propose by subject, with k-anonymity."""

from __future__ import annotations

import pytest

from heard.listen.analysis.suggestions import DigestPost, suggestion_digest


def posts():
    out = []
    for i in range(6):  # six authors propose a bus line to the new hospital
        out.append(
            DigestPost(f"b{i}", "suggestion", ["建议", "开通", "公交", "线路", "医院"], f"a{i}")
        )
    for i in range(5):  # five propose streetlights on Oak Road (English)
        out.append(
            DigestPost(f"l{i}", "suggestion", ["should", "install", "streetlights", "oak"], f"c{i}")
        )
    for i in range(3):  # three propose a dog park: too few authors to show
        out.append(DigestPost(f"d{i}", "suggestion", ["建议", "新建", "狗", "公园"], f"d{i}"))
    for i in range(8):  # complaints about the bus are not suggestions
        out.append(DigestPost(f"c{i}", "complaint", ["公交", "迟到", "投诉"], f"e{i}"))
    return out


def test_groups_by_subject_not_by_the_verb_of_proposing():
    groups = suggestion_digest(posts())
    assert len(groups) == 2
    bus, lights = groups  # largest first
    assert bus.keyword in {"公交", "线路", "医院"} and lights.keyword in {"oak", "streetlights"}
    assert set(bus.post_ids) == {f"b{i}" for i in range(6)} and bus.authors == 6
    assert "建议" not in bus.keywords and "开通" in bus.proposes and "建议" in bus.proposes
    assert {"公交", "医院"} & set(bus.keywords)
    assert lights.authors == 5 and lights.proposes == ("install",)
    assert all(not pid.startswith("c") for g in groups for pid in g.post_ids)


def test_groups_below_k_authors_are_left_out():
    groups = suggestion_digest(posts())
    assert all("公园" not in g.keywords for g in groups)
    assert any("公园" in g.keywords for g in suggestion_digest(posts(), min_authors=3))
    one_author = [DigestPost(f"x{i}", "suggestion", ["建议", "公园"], "same") for i in range(9)]
    assert suggestion_digest(one_author) == []


def test_deterministic_and_input_checked():
    backwards = suggestion_digest(list(reversed(posts())))
    assert [g.keywords for g in backwards] == [g.keywords for g in suggestion_digest(posts())]
    first = [g.as_dict() for g in suggestion_digest(posts())]
    assert first == [g.as_dict() for g in suggestion_digest(posts())]
    assert first[0]["posts"] == 6 and first[0]["label"].startswith(first[0]["keyword"])
    with pytest.raises(ValueError, match="min_authors"):
        suggestion_digest(posts(), min_authors=0)
    assert suggestion_digest([]) == []


def test_intent_shares_per_group_with_k_anonymity():
    from heard.listen.analysis.intent_shares import intent_shares

    rows = [("t1", "complaint", f"a{i}") for i in range(6)] + [("t1", "question", "a0")]
    rows += [("t1", "suggestion", None), ("t2", "praise", "b1"), ("t2", "praise", "b2")]
    shares = intent_shares(rows)
    assert set(shares) == {"t1"}  # t2 has two authors: below k = 5
    t1 = shares["t1"]
    assert t1.posts == 8 and t1.authors == 6 and t1.leading == "complaint"
    assert t1.shares["complaint"] == 0.75 and t1.shares["incident_report"] == 0.0
    assert abs(sum(t1.shares.values()) - 1.0) < 1e-9
    assert set(intent_shares(rows, min_authors=2)) == {"t1", "t2"}
    with pytest.raises(ValueError, match="unknown intent label 'rant'"):
        intent_shares([("t", "rant", "a")])


def test_posts_without_an_author_never_help_a_group_pass_k():
    from heard.listen.analysis.intent_shares import intent_shares

    rows = [("t", "complaint", f"a{i}") for i in range(4)] + [("t", "complaint", None)] * 10
    assert intent_shares(rows, min_authors=5) == {}
    rows.append(("t", "question", "a9"))
    share = intent_shares(rows, min_authors=5)["t"]
    assert share.authors == 5 and share.posts == 15
