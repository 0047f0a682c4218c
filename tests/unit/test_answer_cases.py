"""The case workflow: FixMyStreet states, their Open311 projection, allowed moves, deadlines in
working days, replies attributed to a department, reopen and dispute."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from heard.answer import cases as c
from heard.errors import InputError

FRI = datetime(2019, 4, 26, 9, 30)  # a Friday


def _case(status: str = "open", **more) -> dict:
    case, _ = c.new_case(
        "board:1",
        FRI,
        "transport",
        deadline_days=15,
        confidence=0.9,
        routed_by="test",
        explanation=None,
        at=FRI,
    )
    return {**case, "status": status, **more}


def test_open311_status_projects_every_state():
    assert {s: c.open311_status(s) for s in c.STATES} == {
        "open": "open",
        "investigating": "open",
        "in_progress": "open",
        "action_scheduled": "open",
        "internal_referral": "open",
        "fixed": "closed",
        "closed": "closed",
        "duplicate": "closed",
        "not_responsible": "closed",
        "no_further_action": "closed",
    }
    with pytest.raises(InputError, match="unknown case status 'done'"):
        c.open311_status("done")


def test_deadline_counts_working_days_from_the_concern():
    assert c.deadline_after(FRI, 1) == datetime(2019, 4, 29, 9, 30)  # Monday
    assert c.deadline_after(FRI, 15) == datetime(2019, 5, 17, 9, 30)  # three weeks on
    sat = datetime(2019, 4, 27, 8, 0)
    assert c.deadline_after(sat, 1) == datetime(2019, 4, 30, 8, 0)  # from Monday: Tuesday
    case, event = c.new_case(
        "board:1",
        FRI,
        "transport",
        deadline_days=1,
        confidence=0.8,
        routed_by="m",
        explanation={},
        at=FRI,
    )
    assert case["deadline_at"] == datetime(2019, 4, 29, 9, 30)
    assert event["kind"] == "opened" and event["case_id"] == case["case_id"] == c.case_id_for(
        "board:1"
    )
    assert not c.is_overdue(case, datetime(2019, 4, 29, 9, 0))
    assert c.is_overdue(case, datetime(2019, 4, 29, 10, 0))
    assert not c.is_overdue({**case, "status": "fixed"}, datetime(2020, 1, 1))


def test_open_states_move_freely_closed_ones_only_by_reopening():
    change = c.change_status(_case(), "investigating", FRI, role="responder", actor="a")
    assert change.changes == {"status": "investigating"}
    assert change.event["from_status"] == "open" and change.event["actor"] == "a"
    closing = c.change_status(_case("in_progress"), "fixed", FRI, role="responder")
    assert closing.changes == {"status": "fixed", "closed_at": FRI}
    with pytest.raises(InputError, match="reopen it first"):
        c.change_status(_case("fixed"), "in_progress", FRI, role="responder")
    with pytest.raises(InputError, match="already open"):
        c.change_status(_case(), "open", FRI, role="responder")
    with pytest.raises(InputError, match="unknown actor role"):
        c.change_status(_case(), "fixed", FRI, role="mayor")


def test_reply_is_attributed_to_the_department_and_may_close():
    change = c.reply(
        _case(), "  已安排维修。 ", "transport", FRI, role="responder", actor="a", close_as="fixed"
    )
    assert change.changes == {
        "reply_text": "已安排维修。",
        "reply_department": "transport",
        "replied_at": FRI,
        "reply_quality": None,  # the replaced reply's scores are not this one's
        "reply_scores": None,
        "status": "fixed",
        "closed_at": FRI,
    }
    assert change.event["note"] == "已安排维修。"  # the published text stays on the record
    later = FRI + timedelta(days=3)
    second = c.reply(_case(replied_at=FRI), "再次答复。", "transport", later, role="responder")
    assert "replied_at" not in second.changes  # the response time runs to the first reply
    assert second.event["at"] == later and second.event["note"] == "再次答复。"
    with pytest.raises(InputError, match="the reply is empty"):
        c.reply(_case(), "   ", "transport", FRI, role="responder")
    with pytest.raises(InputError, match="triage cannot reply"):
        c.reply(_case(), "ok", "triage", FRI, role="responder")
    with pytest.raises(InputError, match="not a closed status"):
        c.reply(_case(), "ok", "transport", FRI, role="responder", close_as="investigating")


def test_reassignment_is_a_correction_and_a_dispute_reopens():
    change = c.reassign(_case(), "health", FRI, role="responder", actor="a")
    assert change.changes == {"department": "health"}
    assert change.correction == {
        "post_id": "board:1",
        "department": "health",
        "at": FRI,
        "actor": "a",
    }
    with pytest.raises(InputError, match="reopen it before reassigning"):
        c.reassign(_case("closed"), "health", FRI, role="responder")
    later = FRI + timedelta(days=30)
    dispute = c.reopen(
        _case("fixed", reopened_count=1), later, deadline_days=5, role="citizen", dispute=True
    )
    assert dispute.changes == {
        "status": "open",
        "closed_at": None,
        "reopened_count": 2,
        "deadline_at": c.deadline_after(later, 5),  # a fresh deadline, from the reopening
    }
    assert dispute.event["kind"] == "disputed"
    assert "(was 2019-" in dispute.event["note"]  # the replaced deadline stays on the record
    with pytest.raises(InputError, match="still open"):
        c.reopen(_case(), FRI, deadline_days=5, role="citizen")


def test_a_department_reopening_needs_the_departments_deadline():
    with pytest.raises(ValueError, match="reopen_days"):
        c.change_status(_case("closed"), "open", FRI, role="responder")
    again = c.change_status(_case("closed"), "open", FRI, role="responder", reopen_days=3)
    assert again.changes["deadline_at"] == c.deadline_after(FRI, 3)
    assert again.event["kind"] == "reopened"


def test_public_tokens_are_stored_as_hashes():
    token, digest = c.new_public_token()
    assert len(token) >= 20 and digest == c.hash_token(token) and token not in digest
    assert c.new_public_token()[0] != token


def test_departments_and_cases_come_from_heard_toml(tmp_path):
    from heard.answer.operator import configured_departments
    from heard.pipeline.assemble import preset_settings
    from heard.settings import load_settings

    config = tmp_path / "heard.toml"
    config.write_text(
        '[heard]\nanswer_cases = true\n\n[[departments]]\ncode = "transport"\n'
        'name_zh = "交通运输"\ndeadline_days = 10\n\n[[departments]]\n'
        'code = "health"\nname_en = "Health"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.answer_cases is True
    depts = configured_departments(settings)
    assert [d.code for d in depts] == ["transport", "health"]
    assert depts[0].deadline_for() == 10
    # the preset does not override departments heard.toml names
    assert preset_settings(settings, "teddycup-replies").department_preset is None
    plain = load_settings(tmp_path / "heard.toml", department_preset="teddycup")
    assert len(configured_departments(plain)) == 2  # heard.toml's tables win over a preset
    bare = tmp_path / "bare.toml"
    bare.write_text("[heard]\n", encoding="utf-8")
    assert configured_departments(load_settings(bare)) == []
    assert preset_settings(load_settings(bare), "teddycup-replies").department_preset == "teddycup"
    with pytest.raises(InputError, match="unknown department preset"):
        configured_departments(load_settings(bare, department_preset="atlantis"))


def test_working_days_are_the_institutions_own():
    """Times are stored in UTC, and the working days were counted on UTC dates: a message sent on
    Friday at 07:00 in Beijing (Thursday 23:00 UTC) with one working day got Friday 23:00 UTC,
    Saturday 07:00 in Beijing, as its deadline (on 附件4, 764 closures late instead of 766).
    Counted in the institution's time zone (the ``timezone`` setting), it is Monday 07:00."""
    from zoneinfo import ZoneInfo

    beijing = ZoneInfo("Asia/Shanghai")
    friday_7am = datetime(2019, 4, 25, 23, 0)  # UTC: Thursday 23:00
    monday_7am = datetime(2019, 4, 28, 23, 0)  # UTC: Sunday 23:00
    assert c.deadline_after(friday_7am, 1) == datetime(2019, 4, 26, 23, 0)  # Saturday in Beijing
    assert c.deadline_after(friday_7am, 1, beijing) == monday_7am
    noon = datetime(2019, 4, 29, 4, 0)  # the same date in both zones: no change
    assert c.deadline_after(noon, 15, beijing) == c.deadline_after(noon, 15)
    case, _ = c.new_case("board:9", friday_7am, "transport", deadline_days=1, confidence=1.0,
                         routed_by="r", explanation=None, at=friday_7am, zone=beijing)  # fmt: skip
    assert case["deadline_at"] == monday_7am
    closed = {**case, "status": "fixed", "closed_at": friday_7am}
    again = c.reopen(closed, friday_7am, deadline_days=1, role="responder", zone=beijing)
    assert again.changes["deadline_at"] == monday_7am
    moved = c.change_status(closed, "open", friday_7am, role="responder", reopen_days=1,
                            zone=beijing)  # fmt: skip
    assert moved.changes["deadline_at"] == monday_7am


def test_a_deadline_keeps_the_local_time_of_day_across_a_clock_change():
    """The days were added in UTC: across a change to summer time the deadline moved an hour
    on the local clock, and a concern sent late on Friday evening in New York was due after
    midnight, on the next day, instead of on Monday evening."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")  # summer time from Sunday 8 March 2026, 02:00
    friday_late = datetime(2026, 3, 7, 4, 30)  # UTC: Friday 6 March, 23:30 in New York (EST)
    due = c.deadline_after(friday_late, 1, new_york)
    local = due.replace(tzinfo=timezone.utc).astimezone(new_york)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-03-09", 23, 30)
    assert due == datetime(2026, 3, 10, 3, 30)  # UTC: Monday 23:30 EDT
    aware = c.deadline_after(friday_late.replace(tzinfo=timezone.utc), 1, new_york)
    assert aware == due.replace(tzinfo=timezone.utc)


def test_a_reopening_names_the_deadlines_in_the_institutions_time():
    """The reopening's note ("new deadline …") is shown on the public case page and in Open311's
    updates beside times in the institution's zone; it was written in UTC ("2019-04-29 01:00
    UTC" for a deadline of Monday 09:00 in Beijing)."""
    from zoneinfo import ZoneInfo

    beijing = ZoneInfo("Asia/Shanghai")
    closed = {**_case(), "status": "fixed", "deadline_at": datetime(2019, 4, 26, 1, 0)}
    change = c.reopen(closed, datetime(2019, 4, 26, 1, 0), deadline_days=1, role="citizen",
                      note="closed, not fixed", dispute=True, zone=beijing)  # fmt: skip
    assert change.changes["deadline_at"] == datetime(2019, 4, 29, 1, 0)
    assert change.event["note"] == (
        "closed, not fixed · new deadline 2019-04-29 09:00 +08:00 (was 2019-04-26 09:00 +08:00)"
    )
    plain = c.reopen(closed, datetime(2019, 4, 26, 1, 0), deadline_days=1, role="citizen")
    assert plain.event["note"] == "new deadline 2019-04-29 01:00 UTC (was 2019-04-26 01:00 UTC)"


def test_a_text_of_fillers_or_lone_combining_marks_is_empty():
    """Hangul fillers (U+3164 …), the blank Braille pattern and combining marks with no letter
    to sit on are letters, symbols and marks to Unicode, but show nothing (or a dotted circle):
    a reply or a concern made of them was published or filed as if it said something."""
    for blank in ("\u3164\u3164", "\u115f\u1160", "\uffa0", "\u2800\u2800", "\u0301\u0302",
                  " \u200b\u3164\u0301 "):  # fmt: skip
        assert not c.has_visible_text(blank), repr(blank)
        with pytest.raises(InputError, match="empty"):
            c.reply(_case(), blank, "transport", FRI, role="responder")
    for text in ("e\u0301", "已处理", "ok", "\u3164已处理", "①"):
        assert c.has_visible_text(text), repr(text)
