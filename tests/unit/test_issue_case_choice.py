"""Choosing an issue case's department and building the case (heard.answer.issue_cases): a
person's choice, the majority of its messages' cases (triage when split), else the router; what
the router reads; an issue's case has no post and teaches the router nothing when moved."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from heard.answer import cases as workflow
from heard.answer.issue_cases import MAJORITY_TRIAGE_BELOW, choose_department, issue_text
from heard.answer.routing import Explanation, Route
from heard.errors import InputError

KNOWN = {"water", "transport", "parks"}
AT = datetime(2026, 12, 7, 9, 0)  # a Monday


def _issue(owner=None, posts=()):
    return {"issue_id": 7, "place": "丽发新城", "problem": "搅拌站 噪音", "title": "搅拌站噪音扰民",
            "department": owner, "posts": list(posts)}  # fmt: skip


def _owner(code: str, n: int, total: int) -> dict:
    return {"code": code, "share": round(n / total, 4), "messages_with_it": n,
            "messages_with_a_case": total, "others": {"parks": total - n}}  # fmt: skip


def _route(queue_of: dict[str, float], triage_below: float = 0.5):
    calls = []

    def route(text: str) -> Route:
        calls.append(text)
        codes = list(queue_of)
        return Route.chosen(
            "issue/7",
            codes,
            np.array([queue_of[c] for c in codes]),
            triage_below,
            Explanation(terms=[{"term": "噪音"}]),
            "test-router",
        )

    return route, calls


def test_a_persons_choice_wins_and_must_be_a_department():
    route, calls = _route({"water": 0.9, "parks": 0.1})
    choice = choose_department(_issue(_owner("water", 9, 10)), KNOWN, chosen="parks",
                               role="analyst", route=route)  # fmt: skip
    assert (choice.department, choice.confidence, choice.routed_by) == (
        "parks",
        1.0,
        "person:analyst",
    )
    assert calls == []
    with pytest.raises(InputError, match="no department 'nope'"):
        choose_department(_issue(), KNOWN, chosen="nope")


def test_the_majority_of_its_messages_cases_decides_and_a_split_goes_to_triage():
    route, calls = _route({"water": 0.9, "parks": 0.1})
    clear = choose_department(_issue(_owner("transport", 40, 54)), KNOWN, route=route)
    assert clear.department == "transport" and clear.routed_by == "issue-messages"
    assert clear.confidence == pytest.approx(40 / 54, abs=1e-4)
    assert clear.explanation["messages_with_it"] == 40 and clear.explanation["others"]
    split = choose_department(_issue(_owner("transport", 4, 10)), KNOWN, route=route)
    assert 4 / 10 < MAJORITY_TRIAGE_BELOW
    assert split.department == workflow.TRIAGE and split.explanation["suggested"] == "transport"
    assert calls == []  # the messages' departments were enough: no routing


def test_without_an_owner_the_router_reads_the_issue():
    route, calls = _route({"water": 0.2, "parks": 0.8})
    choice = choose_department(_issue(None), KNOWN, route=route)
    assert choice.department == "parks" and choice.routed_by == "test-router"
    assert choice.confidence == pytest.approx(0.8)
    assert choice.explanation["suggested"] == "parks" and choice.explanation["terms"]
    assert "丽发新城 · 搅拌站 噪音" in calls[0]
    unsure, _ = _route({"water": 0.45, "parks": 0.55}, triage_below=0.6)
    assert choose_department(_issue(None), KNOWN, route=unsure).department == workflow.TRIAGE
    # an owner that is triage, or a department no longer known, is no owner
    for owner in (_owner(workflow.TRIAGE, 9, 10), _owner("gone", 9, 10)):
        assert choose_department(_issue(owner), KNOWN, route=route).department == "parks"
    with pytest.raises(InputError, match="no router is configured") as refused:
        choose_department(_issue(None), KNOWN, route=None)
    assert refused.value.field == "department"  # each surface names it in its own words


def test_the_router_reads_distinct_shown_messages_only():
    posts = [
        {"title": "噪音", "text": "搅拌站晚上施工", "duplicate_of": None},
        {"title": None, "text": "搅拌站晚上施工", "duplicate_of": "s:1"},  # a near copy
        {"title": None, "text": None, "duplicate_of": None},  # removed by a decision
        *({"title": None, "text": f"第{i}条", "duplicate_of": None} for i in range(10)),
    ]
    text = issue_text(_issue(None, posts), limit=3)
    lines = text.splitlines()
    assert lines[:2] == ["丽发新城 · 搅拌站 噪音", "搅拌站噪音扰民"]
    assert lines[2:] == ["噪音 搅拌站晚上施工", "第0条", "第1条"]


def test_an_issue_case_has_no_post_and_its_move_teaches_nothing():
    case, event = workflow.new_issue_case(
        7, "water", deadline_days=5, confidence=0.74, routed_by="issue-messages",
        explanation=None, at=AT, role="analyst", actor="ana", note="opened from issue 7",
    )  # fmt: skip
    assert case["post_id"] is None and case["issue_id"] == 7
    assert case["case_id"] == workflow.case_id_for_issue(7) != workflow.case_id_for("s:7")
    assert case["deadline_at"] == datetime(2026, 12, 14, 9, 0)  # 5 working days from now
    assert event["actor"] == "ana" and event["note"].startswith("opened from issue 7; routed by")
    moved = workflow.reassign(case, "parks", AT, role="analyst")
    assert moved.correction is None and moved.changes == {"department": "parks"}
    post_case, _ = workflow.new_case("s:7", AT, "water", deadline_days=5, confidence=0.7,
                                     routed_by="r", explanation=None, at=AT)  # fmt: skip
    assert workflow.reassign(post_case, "parks", AT, role="analyst").correction is not None
