"""Issue grouping and ids (heard.listen.issues): whole names as anchors, one problem per issue,
near copies folded, the same result whatever the order, ids that survive new messages."""

from __future__ import annotations

import random

import numpy as np

from heard.listen.issues.grouping import GroupingParams, Message, choose_anchors, find_groups
from heard.listen.issues.measure import IssueRecord, match_ids

DIM = 8
NOISE, ROAD, PARKING = np.eye(DIM)[0], np.eye(DIM)[1], np.eye(DIM)[2]
OTHER = None  # unrelated messages point anywhere


def _board() -> tuple[list[Message], np.ndarray]:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(6):  # one estate, two problems
        rows.append((f"A市丽发新城附近搅拌站噪音扰民{i}", NOISE))
    for i in range(4):
        rows.append((f"A2区丽发新城道路坑洼{i}号", ROAD))
    for i in range(5):  # another estate, named in full or cut in the middle of a sentence
        rows.append((f"投诉伊景园滨河苑捆绑销售车位{i}", PARKING))
    rows.append(("伊景园滨河苑捆绑销售车位0", PARKING))  # an exact copy of a message
    for i in range(30):  # unrelated messages, no recurring place
        rows.append((f"其他问题第{i}条关于某事的咨询{chr(0x4E00 + 37 * i)}", OTHER))
    messages, vectors = [], []
    for n, (title, v) in enumerate(rows):
        text = title.replace("投诉", "")
        messages.append(Message(f"p{n:03d}", title, text, text_hash=text))
        base = rng.standard_normal(DIM) if v is None else v
        vectors.append(base + 0.3 * rng.standard_normal(DIM))
    return messages, np.asarray(vectors, dtype=np.float32)


def test_anchors_are_whole_names_not_fragments():
    messages, _ = _board()
    anchors = [a for a, _ in choose_anchors(messages, GroupingParams())]
    assert "丽发新城" in anchors and "伊景园滨河苑" in anchors
    assert not any(a in ("景园", "滨河苑", "河苑", "发新城") for a in anchors)


def test_one_problem_per_issue_and_copies_fold():
    messages, vectors = _board()
    groups = find_groups(messages, vectors)
    found = {(g.anchor, len(g.members), g.distinct) for g in groups}
    assert ("丽发新城", 6, 6) in found  # the noise, apart from the road
    assert ("丽发新城", 4, 4) in found
    assert ("伊景园滨河苑", 6, 5) in found  # the copy counts once
    assert all("其他" not in g.anchor for g in groups)


def test_the_order_of_arrival_does_not_change_the_issues():
    messages, vectors = _board()
    order = list(range(len(messages)))
    random.Random(3).shuffle(order)
    shuffled = find_groups([messages[i] for i in order], vectors[order])

    def ids(groups, msgs):
        return sorted(tuple(sorted(msgs[i].post_id for i in g.members)) for g in groups)

    assert ids(shuffled, [messages[i] for i in order]) == ids(
        find_groups(messages, vectors), messages
    )


def test_too_few_messages_make_no_issue():
    messages, vectors = _board()
    assert find_groups(messages[:2], vectors[:2]) == []
    assert find_groups([], np.zeros((0, DIM), dtype=np.float32)) == []


def _record(anchor: str, members: list[str]) -> IssueRecord:
    return IssueRecord(anchor, anchor, "", [], "", len(members), len(members), len(members),
                       0.0, 0.0, 0.0, {}, 1.0, False, None, 1.0, members)  # fmt: skip


def test_an_issue_keeps_its_id_as_messages_join_and_new_issues_get_new_ids():
    before = {7: {"a", "b", "c"}, 9: {"x", "y", "z"}}
    grown = _record("丽发新城", ["a", "b", "c", "d"])
    fresh = _record("梅溪湖", ["m", "n", "o"])
    nxt = match_ids([fresh, grown], before, next_id=10)
    assert grown.issue_id == 7 and fresh.issue_id == 10 and nxt == 11


def test_a_bursting_issue_alerts_once_per_episode():
    from datetime import datetime, timedelta

    from heard.clock import from_epoch
    from heard.listen.issues.alerts import new_alerts

    hot = _record("丽发新城", [f"m{i}" for i in range(8)])
    hot.issue_id, hot.bursting, hot.burst_count, hot.burst_expected = 4, True, 8, 0.5
    hot.burst_p = 1e-6
    calm = _record("梅溪湖", ["x", "y", "z", "w", "v"])
    calm.issue_id = 5
    end = datetime(2020, 1, 26).timestamp()
    fired = new_alerts([hot, calm], lambda issue_id: None, end, datetime(2026, 12, 5))
    assert [(a["issue_id"], a["kind"], a["evidence"]["count"]) for a, _ in fired] == [
        (4, "issue", 8)
    ]
    recent = from_epoch(end) - timedelta(days=3)  # alerted 3 days before: the same episode
    assert new_alerts([hot], lambda issue_id: recent, end, datetime(2026, 12, 5)) == []
    older = from_epoch(end) - timedelta(days=10)  # a quiet week since: a new episode
    assert len(new_alerts([hot], lambda issue_id: older, end, datetime(2026, 12, 5))) == 1
    small = _record("小区", ["a", "b", "c"])  # fewer than k authors: never alerted
    small.issue_id, small.bursting = 6, True
    assert new_alerts([small], lambda issue_id: None, end, datetime(2026, 12, 5)) == []


def test_a_measured_burst_carries_its_count_and_expectation():
    """The alert says how many messages came in the last 7 days and how many were expected: the
    measured record must carry both (they were left at 0 once: "0 messages … expected 0.00")."""
    from heard.listen.analysis.bursts import DAY
    from heard.listen.issues.grouping import Group
    from heard.listen.issues.measure import MessageFacts, measure

    end = 400 * DAY
    quiet = [end - (300 - 40 * i) * DAY for i in range(6)]  # one every 40 days, long ago
    burst = [end - i * 0.5 * DAY for i in range(8)]  # eight in the last four days
    facts = [
        MessageFacts(f"p{i}", "丽发新城搅拌站噪音", t, f"a{i}", 0, -0.5, ("噪音",))
        for i, t in enumerate(quiet + burst)
    ]
    group = Group("丽发新城", list(range(len(facts))), coherence=0.9)
    record = measure(group, facts, ["噪音"], board_start=0.0, board_end=end)
    assert record.bursting and record.burst_count == 8
    assert 0 < record.burst_expected < 8 and record.burst_p < 0.01


def test_a_generic_name_in_several_cities_is_several_places():
    # 自来水公司 in cities B, F and K (Teddy Cup's anonymised codes): three water companies
    rng = np.random.default_rng(1)
    water = np.eye(DIM)[3]
    rows = [(f"B{i % 3 + 1}区自来水公司水压不足问题{i}", f"B市小区{i}") for i in range(5)]
    rows += [(f"F市自来水公司停水不通知{i}", "") for i in range(4)]
    rows += [(f"自来水公司水质浑浊{i}", f"K{i}区居民反映") for i in range(3)]
    rows += [("自来水公司多次停水无人管", "")]  # no code: joins the largest city, B
    rows += [(f"其他问题第{i}条关于某事的咨询{chr(0x4E00 + 37 * i)}", "") for i in range(30)]
    messages = [Message(f"p{n:03d}", t, t + body, t + body) for n, (t, body) in enumerate(rows)]
    vectors = np.asarray(
        [
            (water if "自来水" in t else rng.standard_normal(DIM)) + 0.1 * rng.standard_normal(DIM)
            for t, _ in rows
        ],
        dtype=np.float32,
    )
    groups = [g for g in find_groups(messages, vectors) if g.anchor == "自来水公司"]
    by_size = sorted((len(g.members), {messages[i].title[0] for i in g.members}) for g in groups)
    assert by_size == [(3, {"自"}), (4, {"F"}), (6, {"B", "自"})]


def test_a_kind_of_place_is_split_by_the_town_that_names_it():
    # 中心小学 (every town has one) in one county: the town before it says which school is meant;
    # a message that does not say is left out rather than guessed
    rng = np.random.default_rng(2)
    school = np.eye(DIM)[4]
    rows = [(f"D7县向阳镇中心小学补课收费{i}", "") for i in range(3)]
    rows += [("希望向阳镇中心小学不要补课", "")]
    rows += [(f"D10县官家嘴镇中心小学招生{i}", "") for i in range(2)]
    rows += [("D6县岣嵝乡中心小学收费", ""), ("反映D1区东阳中心小学补课", "")]
    rows += [("教育局管管学校乱收费", "像河州镇中心小学班主任收补课费"), ("中心小学补课问题", "")]
    rows += [(f"其他问题第{i}条关于某事的咨询{chr(0x4E00 + 37 * i)}", "") for i in range(30)]
    messages = [Message(f"p{n:03d}", t, t + body, t + body) for n, (t, body) in enumerate(rows)]
    vectors = np.asarray(
        [
            (school if "小学" in t + body else rng.standard_normal(DIM))
            + 0.1 * rng.standard_normal(DIM)
            for t, body in rows
        ],
        dtype=np.float32,
    )
    found = sorted((g.anchor, len(g.members)) for g in find_groups(messages, vectors))
    assert found == [("向阳镇中心小学", 4)]  # one town named by four; the others by ≤ 2


def test_an_issues_time_range_spans_its_copies_too():
    """Copies count once in heat and burst, but the issue's first → last is the span of all its
    messages: a message copied by six more people over six days read "2026-11-03 → 2026-11-03" on
    an issue whose page listed messages up to 11-09, and ``--window`` left it out."""
    from heard.listen.analysis.bursts import DAY
    from heard.listen.issues.grouping import Group
    from heard.listen.issues.measure import MessageFacts, measure

    t0 = 100 * DAY
    times = [t0 + i * DAY for i in range(7)]  # the original, then a copy each day
    facts = [
        MessageFacts(f"p{i}", "丽景小区漏水", t, f"a{i}", 0, -0.5, ("漏水",))
        for i, t in enumerate(times)
    ]
    group = Group("丽景小区", list(range(7)), 0.9, duplicates_of={i: 0 for i in range(1, 7)})
    record = measure(group, facts, ["漏水"], board_start=0.0, board_end=times[-1])
    assert record.distinct_messages == 1 and record.messages == 7
    assert record.first_seen == times[0] and record.last_seen == times[-1]


def test_no_issue_bursts_on_a_board_younger_than_ten_days():
    """On a store a few days old an issue's history is the prior alone: six messages in its
    first week read as p ≈ 5e-5 and every issue of a new deployment fired an alert (found by a
    new-user pass, 2026-12-07). The same week after three quiet days of board is a burst."""
    from heard.listen.analysis.bursts import DAY
    from heard.listen.issues.grouping import Group
    from heard.listen.issues.measure import MessageFacts, measure

    def record(board_start: float):
        end = 30 * DAY
        times = [end - i * DAY for i in range(6)]  # six messages in the last six days
        facts = [
            MessageFacts(f"p{i}", "幸福小区垃圾站", t, f"a{i}", 0, -0.5, ("垃圾",))
            for i, t in enumerate(times)
        ]
        group = Group("幸福小区", list(range(6)), coherence=0.9)
        return measure(group, facts, ["垃圾"], board_start=board_start, board_end=end)

    young = record(board_start=24 * DAY)  # the board began six days ago
    assert not young.bursting and young.burst_count == 6  # counted, not called a burst
    older = record(board_start=20 * DAY)  # ten days of board, three before the last week
    assert older.bursting
