"""The literals a cue needs rule cues out, never in: the rule detectors give the same answers
with the index as their expressions alone (``heard.protect.detectors.literals``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.protect.detectors import RULE_LABELS
from heard.protect.detectors.fold import fold_text, lower_text
from heard.protect.detectors.literals import LiteralIndex, required_literals
from heard.protect.detectors.rules import RULES_DIR, load_ruleset

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "src" / "heard" / "protect" / "taxonomy" / "examples.jsonl"


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        ("安全账户", {"安全账户"}),
        ("(hi|hey) (mum|mom|dad)", {"mum", "mom", "dad"}),
        ("(this is )?my new number", {"my new number"}),
        ("(?:转账)|(?:汇款)", {"转账", "汇款"}),
        ("我是[王李张]?(总|局长)", {"我是"}),
        ("[王李张]+", {"王", "李", "张"}),
        ("abb+c", {"ab"}),
        ("[$£€][\\d,]+", {"$", "£", "€"}),
        ("(?:x)?y{2,}", {"y"}),
        ("\\d+元|钱", {"元", "钱"}),
    ],
)
def test_the_required_literals_of_a_pattern(pattern, needs):
    assert required_literals(pattern) == frozenset(needs)


@pytest.mark.parametrize(
    "pattern",
    ["[\\d,]+", "(a|\\w+)", "(?:x)?", ".{0,4}", "(?i)abc", "[a-z]{3}", "(?:ab)*"],
)
def test_a_pattern_with_no_literal_every_match_contains_names_none(pattern):
    assert required_literals(pattern) is None


def test_the_index_rules_out_only_cues_whose_literals_are_absent():
    needs = {"scam": frozenset({"安全账户", "转"}), "any": None, "x": frozenset({"x"})}
    index = LiteralIndex(needs)
    assert index.possible("请转到安全账户") == {"scam", "any"}
    assert index.possible("你好") == {"any"}
    assert index.possible("box") == {"any", "x"}


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in EXAMPLES.open(encoding="utf-8")]
    for name in ("protect_probes_dev", "protect_probes_v3", "protect_probes_v4", "rights_speech"):
        texts += [json.loads(line)["text"] for line in (FIXTURES / f"{name}.jsonl").open()]
    texts += ["", "  ", "ＷＩＮ　ａ　ＰＲＩＺＥ", "v.i.s.i.t w w w", "转 账", "İSTANBUL ΣΑΣ"]
    return texts


@pytest.mark.parametrize("label", [*RULE_LABELS, "doxxing", "harassment", "hate"])
def test_no_cue_that_matches_a_text_is_ruled_out_by_its_literals(label):
    rules = load_ruleset(RULES_DIR / f"{label}.toml")
    named = 0
    for text in _texts():
        lowered = fold_text(text)[0] if rules.fold else lower_text(text)
        possible = rules.literals.possible(lowered)
        for cue, (pattern,) in rules.cues.items():
            if pattern.search(lowered):
                assert cue in possible, (label, cue, text)
    for cue, (pattern,) in rules.cues.items():
        named += required_literals(pattern.pattern) is not None
    assert named >= len(rules.cues) // 2  # the index has something to rule out
