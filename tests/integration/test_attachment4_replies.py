"""Teddy Cup 附件4 (2,816 messages with official replies): response times agree with a direct
computation from the file, and the scorer tells form letters from replies the way the stored
annotations do (bench/annotations/reply_quality_a.csv: ids and labels only)."""

from __future__ import annotations

import csv
import statistics
from datetime import datetime
from pathlib import Path

import pytest

from heard.answer.replies import score_relevance
from heard.answer.response_times import board_messages_from_rows, response_time_stats

ANNOTATIONS = Path(__file__).resolve().parents[2] / "bench" / "annotations" / "reply_quality_a.csv"


@pytest.fixture(scope="module")
def attachment4(shared_data) -> list[dict[str, str]]:
    path = shared_data / "teddycup2020_c" / "attachment4_messages_with_official_replies.csv"
    if not path.exists():
        pytest.skip(f"needs {path}")
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_response_times_match_a_direct_computation(attachment4):
    def parse(s: str) -> datetime:
        s = s.strip().replace("-", "/")
        return (
            datetime.strptime(s, "%Y/%m/%d %H:%M:%S")
            if ":" in s
            else datetime.strptime(s, "%Y/%m/%d")
        )

    direct = sorted(
        (parse(r["答复时间"]) - parse(r["留言时间"])).total_seconds() / 86400 for r in attachment4
    )
    [board] = response_time_stats(
        board_messages_from_rows(attachment4), now=lambda: datetime(2020, 1, 1), by_department=False
    )
    assert board.messages == board.answered == len(attachment4) == 2816
    assert board.negative == sum(d < 0 for d in direct)
    assert board.median_days == pytest.approx(statistics.median([d for d in direct if d >= 0]))
    assert board.open_overdue == 0


def test_form_letters_are_told_apart_as_annotated(attachment4):
    by_id = {r["留言编号"]: r for r in attachment4}
    with open(ANNOTATIONS, encoding="utf-8", newline="") as fh:
        labels = {r["留言编号"]: int(r["relevance"]) for r in csv.DictReader(fh)}
    zero_hit = zero_all = other_hit = other_all = 0
    for mid, label in labels.items():
        row = by_id[mid]
        score = score_relevance(row["留言主题"], row["留言详情"], row["答复意见"]).score
        if label == 0:
            zero_all += 1
            zero_hit += score == 0.0
        else:
            other_all += 1
            other_hit += score > 0.0
    # measured without the embedder: 35 of 37 and 252 of 263 (bench/reply_quality_eval.py uses it)
    assert zero_hit / zero_all >= 0.9
    assert other_hit / other_all >= 0.9
