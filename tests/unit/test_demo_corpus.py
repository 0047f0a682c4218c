"""The demo corpus (data/demo/) and the rights/hostile fixtures keep the promises their READMEs
make."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from heard.records import MAX_TEXT_CHARS

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
FIXTURES = REPO / "tests" / "fixtures"
TZ8 = timezone(timedelta(hours=8))
WINDOW = (datetime(2026, 10, 26, tzinfo=TZ8), datetime(2026, 11, 9, tzinfo=TZ8))
INCIDENT_START = datetime(2026, 11, 5, 14, 0, tzinfo=TZ8)
INCIDENT_WORDS = re.compile(r"长乐路|Changle|爆管|water main", re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"{path.name}:{n} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{n} is not a JSON object"
        rows.append(row)
    return rows


def language(text: str) -> str:
    cjk, latin = len(CJK.findall(text)), len(LATIN.findall(text))
    return "zh" if cjk / max(1, cjk + latin / 4) >= 0.5 else "en"


@pytest.fixture(scope="module")
def posts() -> list[dict]:
    return read_jsonl(DEMO / "posts.jsonl")


@pytest.fixture(scope="module")
def themes() -> dict[str, str]:
    with (DEMO / "themes.csv").open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["theme"] for row in csv.DictReader(f)}


def when(post: dict) -> datetime:
    return datetime.fromisoformat(post["created_at"])


def test_posts_have_the_documented_fields(posts):
    assert len(posts) >= 560
    ids = [p["id"] for p in posts]
    assert len(set(ids)) == len(ids), "ids repeat"
    assert all(re.fullmatch(r"d\d{4}", i) for i in ids)
    for p in posts:
        assert p["source"] in {"cityboard", "microblog"}, p["id"]
        assert p["author"] and isinstance(p["author"], str), p["id"]
        assert ("title" in p) == (p["source"] == "cityboard"), (
            f"{p['id']}: only board posts have titles"
        )
        assert 10 <= len(p["text"]) <= 400, f"{p['id']}: text length {len(p['text'])}"
        for count in ("likes", "shares", "replies", "dislikes"):
            assert isinstance(p[count], int) and p[count] >= 0, (p["id"], count)
        if "url" in p:
            assert p["url"].startswith("https://") and ".example/" in p["url"], p["id"]
        assert set(p) <= {
            "id",
            "source",
            "author",
            "title",
            "text",
            "created_at",
            "likes",
            "shares",
            "replies",
            "dislikes",
            "place",
            "url",
        }, p["id"]


def test_times_are_in_the_window_with_the_city_offset(posts):
    for p in posts:
        t = when(p)
        assert t.utcoffset() == timedelta(hours=8), p["id"]
        assert WINDOW[0] <= t < WINDOW[1], p["id"]
    assert [when(p) for p in posts] == sorted(when(p) for p in posts), "file is ordered by time"
    days = Counter(when(p).date() for p in posts)
    assert len(days) == 14, "every day of the two weeks has posts"


def test_evenings_are_busier_than_nights(posts):
    hours = Counter(when(p).hour for p in posts)
    assert sum(hours[h] for h in range(18, 23)) > 4 * sum(hours[h] for h in range(1, 6))


def test_both_languages_about_sixty_forty(posts):
    langs = Counter(language((p.get("title") or "") + p["text"]) for p in posts)
    share_zh = langs["zh"] / len(posts)
    assert 0.5 <= share_zh <= 0.7, langs
    mixed = [
        p
        for p in posts
        if len(CJK.findall(p["text"])) >= 3 and len(re.findall(r"[A-Za-z]{3,}", p["text"])) >= 3
    ]
    assert len(mixed) >= 3, "a few mixed-language posts"


def test_authors_are_many_and_some_post_repeatedly(posts):
    per_author = Counter(p["author"] for p in posts)
    assert 130 <= len(per_author) <= 180
    assert sum(1 for n in per_author.values() if n >= 5) >= 20
    assert max(per_author.values()) <= 40, "no single author dominates"


def test_no_near_duplicate_texts_beyond_reposts(posts):
    seen: dict[str, str] = {}
    for p in posts:
        key = re.sub(r"\W+", "", p["text"].lower())[:40]
        assert key not in seen, f"{p['id']} repeats {seen[key]}"
        seen[key] = p["id"]


def test_recurring_concerns_have_thirty_to_seventy_posts_in_both_languages(posts, themes):
    assert set(themes) == {p["id"] for p in posts}, "answer key covers exactly the corpus"
    by_theme: dict[str, list[dict]] = {}
    for p in posts:
        by_theme.setdefault(themes[p["id"]], []).append(p)
    for theme in (
        "construction_noise",
        "bus12",
        "cooking_fumes",
        "forced_internship",
        "property_fees",
        "garbage_collection",
        "streetlights",
    ):
        items = by_theme[theme]
        assert 30 <= len(items) <= 70, (theme, len(items))
        assert {language(p["text"]) for p in items} == {"zh", "en"}, theme
        assert len({when(p).date() for p in items}) >= 6, f"{theme} recurs over the fortnight"


def test_water_main_surge_on_5_november_and_nothing_before(posts, themes):
    incident = [p for p in posts if themes[p["id"]] == "water_main_burst"]
    surge = [p for p in incident if INCIDENT_START <= when(p) < INCIDENT_START + timedelta(hours=6)]
    assert 60 <= len(surge) <= 80
    before = [p for p in incident if when(p) < INCIDENT_START]
    assert len(before) <= 1, "at most one early sign before the burst"

    # the surge is visible in the text too, not only in the answer key
    def mentions(lo: datetime, hi: datetime) -> int:
        return sum(
            1
            for p in posts
            if lo <= when(p) < hi and INCIDENT_WORDS.search((p.get("title") or "") + p["text"])
        )

    assert mentions(INCIDENT_START, INCIDENT_START + timedelta(hours=6)) >= 40
    assert mentions(WINDOW[0], INCIDENT_START) <= 2
    # it rises fast: over a third of the six-hour surge lands in its first two hours
    first_two_hours = sum(1 for p in surge if when(p) < INCIDENT_START + timedelta(hours=2))
    assert first_two_hours >= 25

    # and it is heavily shared: median likes well above the rest of the corpus
    def median(xs: list[int]) -> float:
        xs = sorted(xs)
        return xs[len(xs) // 2]

    rest = [p["likes"] for p in posts if themes[p["id"]] != "water_main_burst"]
    assert median([p["likes"] for p in surge]) >= 2 * median(rest)


def test_committed_corpus_matches_its_build_script(monkeypatch):
    spec = importlib.util.spec_from_file_location("build_corpus", DEMO / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_corpus", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    posts_text, themes_text = module.build()
    assert (DEMO / "posts.jsonl").read_text(encoding="utf-8") == posts_text, (
        "run data/demo/build_corpus.py"
    )
    assert (DEMO / "themes.csv").read_text(encoding="utf-8") == themes_text, (
        "run data/demo/build_corpus.py"
    )


def test_rights_fixture_covers_protected_speech_in_both_languages():
    rows = read_jsonl(FIXTURES / "rights_speech.jsonl")
    assert len(rows) >= 35
    assert len({r["id"] for r in rows}) == len(rows)
    kinds = Counter(r["kind"] for r in rows)
    for kind in (
        "criticism_official",
        "criticism_police",
        "criticism_court",
        "criticism_government",
        "satire",
        "protest_announcement",
        "strike_announcement",
        "petition",
        "journalism",
        "whistleblowing",
        "religious_practice",
        "minority_language",
        "harsh_complaint",
    ):
        assert kinds[kind] >= 1, kind
    langs = Counter(r["lang"] for r in rows)
    assert langs["zh"] >= 12 and langs["en"] >= 12, langs
    for r in rows:
        assert r["text"].strip() and r["author"], r["id"]
        assert WINDOW[0] <= datetime.fromisoformat(r["created_at"]) < WINDOW[1], r["id"]


def test_hostile_fixture_is_small_and_carries_each_attack():
    path = FIXTURES / "hostile_posts.jsonl"
    assert path.stat().st_size < 200_000
    rows = read_jsonl(path)
    by_kind = {r["kind"]: r for r in rows}
    assert len(by_kind) == len(rows) >= 15
    assert len(by_kind["long_text_at_limit"]["text"]) == MAX_TEXT_CHARS == 100_000
    assert "<script>alert(1)</script>" in by_kind["script_tag"]["text"]
    assert "onerror=alert(1)" in by_kind["img_onerror"]["text"]
    assert "](javascript:" in by_kind["markdown_javascript_link"]["text"]
    assert by_kind["raw_javascript_url"]["url"].startswith("javascript:")
    assert '"><svg onload=' in by_kind["attribute_breakout_svg"]["text"]
    assert "\u202e" in by_kind["rtl_override"]["text"]
    assert "\u200b" in by_kind["zero_width"]["text"]
    assert "{{7*7}}" in by_kind["template_injection"]["text"]
    assert "DROP TABLE" in by_kind["sql_injection"]["text"]
    for r in rows:
        assert {"id", "author", "text", "created_at"} <= set(r)
        assert WINDOW[0] <= datetime.fromisoformat(r["created_at"]) < WINDOW[1]
