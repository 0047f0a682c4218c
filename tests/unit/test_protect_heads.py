"""The protect heads: the trainer is reproducible, heads load only with a matching hash, and the
shipped heads keep their held-out accuracy on the licensed data."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from heard.errors import InputError, ModelError
from heard.protect import train as trainer
from heard.protect.heads import HEADS_DIR, load_head, make_vectorizer, segment, tfidf_rows

SPAM = [
    "WINNER! Claim your £900 prize, text WIN to 80086 now",
    "FREE ringtones, reply TONE to 87077",
    "URGENT! call 09061701461 to claim your cash award",
    "Win a holiday! txt GO to 85023 T&C apply",
]
HAM = [
    "are we still on for lunch tomorrow?",
    "ok see you at the station at 6",
    "mum says dinner is ready",
    "can you pick up milk on the way home",
    "running late, sorry",
]


def tiny_sms(folder):
    (folder / "sms_spam_collection").mkdir(parents=True)
    rows = [f"spam\t{t} {i}" for i in range(10) for t in SPAM] + [
        f"ham\t{t} {i}" for i in range(12) for t in HAM
    ]
    (folder / "sms_spam_collection" / "SMSSpamCollection.tsv").write_text(
        "\n".join(rows) + "\n", encoding="utf-8"
    )


def test_training_twice_on_the_same_data_gives_the_same_head(tmp_path):
    tiny_sms(tmp_path / "data")
    hashes = []
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        meta = trainer.train("sms_spam", tmp_path / "data", out)
        hashes.append(
            meta["npz_sha256"]
            if "npz_sha256" in meta
            else json.loads((out / "sms_spam.json").read_text())["npz_sha256"]
        )
        head = load_head("sms_spam", out)
        p = head.proba(["WINNER! text WIN to 80086 to claim your prize", "see you at lunch"])
        assert p[0] > 0.5 > p[1]
    assert hashes[0] == hashes[1]


def test_a_head_whose_arrays_do_not_match_its_hash_is_refused(tmp_path):
    for suffix in (".json", ".npz"):
        shutil.copy(HEADS_DIR / f"sms_spam{suffix}", tmp_path / f"sms_spam{suffix}")
    meta = json.loads((tmp_path / "sms_spam.json").read_text())
    meta["npz_sha256"] = "0" * 64
    (tmp_path / "sms_spam.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="does not match the hash"):
        load_head("sms_spam", tmp_path)


def test_a_missing_head_says_how_to_train_it(tmp_path):
    with pytest.raises(ModelError, match="python -m heard.protect.train cold"):
        load_head("cold", tmp_path)


def test_the_trainer_explains_a_wrong_data_folder(tmp_path, capsys):
    assert trainer.main(["cold", "--data", str(tmp_path)]) == InputError.exit_code
    assert "no COLD file" in capsys.readouterr().err


def test_the_explanation_names_ngrams_that_push_toward_spam():
    head = load_head("sms_spam")
    grams = [g for g, _ in head.top_features("Text WIN to 80086 to claim your FREE prize")]
    assert grams and all(isinstance(g, str) for g in grams)


@pytest.mark.slow
@pytest.mark.shared_data
def test_shipped_heads_keep_their_held_out_accuracy(shared_data):
    texts, y = trainer.read_sms(shared_data / "sms_spam_collection")["test"]
    assert float(((load_head("sms_spam").proba(texts) >= 0.5) == y).mean()) >= 0.985
    texts, y = trainer.read_cold(shared_data / "cold")["test"]
    acc = float(((load_head("cold").proba(texts) >= 0.5) == y).mean())
    assert acc >= 0.805  # v2 measured 0.8088 (v1 0.803); the bar of 0.82 is not reached
    assert np.isfinite(acc)


OFFENSIVE = ["那些人都是垃圾，滚出去", "这种人就是猪，滚", "一群废物，都该滚", "他们全是骗子和垃圾"]
SAFE = ["今天的天气很好，我们去公园", "谢谢大家的帮助", "这家店的面条很好吃", "周末一起去看电影吧"]


def tiny_cold(folder):
    """COLD's three csv files (BOM, ``label`` and ``TEXT`` columns), a few rows each."""
    (folder / "cold").mkdir(parents=True)
    for split, reps in (("train", 6), ("dev", 3), ("test", 2)):
        rows = [(1, f"{t}{i}") for i in range(reps) for t in OFFENSIVE]
        rows += [(0, f"{t}{i}") for i in range(reps) for t in SAFE]
        lines = [",split,topic,label,TEXT"] + [
            f"{k},{split},race,{label},{text}" for k, (label, text) in enumerate(rows)
        ]
        (folder / "cold" / f"{split}.csv").write_text(
            "\ufeff" + "\n".join(lines) + "\n", encoding="utf-8"
        )


def test_the_cold_head_has_a_word_part_and_trains_reproducibly(tmp_path):
    tiny_cold(tmp_path / "data")
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        meta = trainer.train("cold", tmp_path / "data", out)
        digests.append(json.loads((out / "cold.json").read_text())["npz_sha256"])
        head = load_head("cold", out)
        assert [p.name for p in head.parts] == ["word"] and meta["version"] == "2"
        p = head.proba(["你们这些垃圾都给我滚", "谢谢你，今天的面条很好吃"])
        assert p[0] > 0.5 > p[1]
        assert meta["metrics"]["test_accuracy"] == 1.0
    assert digests[0] == digests[1]


def test_a_word_part_adds_to_the_char_logit_and_explains_with_words(tmp_path):
    tiny_cold(tmp_path / "data")
    trainer.train("cold", tmp_path / "data", tmp_path)
    head = load_head("cold", tmp_path)
    text = "那些人都是垃圾"
    char_only = dataclasses.replace(head, parts=())
    z = lambda h: float(np.log(h.proba([text])[0] / (1 - h.proba([text])[0])))  # noqa: E731
    word = head.parts[0]
    vec = make_vectorizer(word.spec).transform(segment([text]))
    word_logit = float((tfidf_rows(vec, word.idf) @ word.weights)[0])
    assert word_logit != 0.0
    assert abs(z(head) - z(char_only) - word_logit) < 1e-6
    grams = [g for g, _ in head.top_features(text, k=20)]
    assert any(" " in g for g in grams)  # a word bigram (rjieba words), beside char n-grams


def test_single_character_words_count_in_the_word_part():
    spec = trainer.WORD_PARTS["cold"]
    analyzer = make_vectorizer(spec).build_analyzer()
    assert "滚" in analyzer(segment(["滚"])[0])


def test_the_word_part_and_the_tokens_stage_share_one_segmenter():
    from heard.models.segmenter import shared_rjieba
    from heard.stages.tokens import Segmenter

    assert Segmenter()._cut.__self__ is shared_rjieba()  # one ~60 MB dictionary per process
    assert segment(["河南人都是骗子"]) == [" ".join(shared_rjieba().cut("河南人都是骗子"))]
