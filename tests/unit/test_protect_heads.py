"""The protect heads: the trainer is reproducible, heads load only with a matching hash, and the
shipped heads keep their held-out accuracy on the licensed data."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from heard.errors import InputError, ModelError
from heard.protect import train as trainer
from heard.protect.heads import HEADS_DIR, load_head

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
    assert acc >= 0.80  # measured 0.803; the bar of 0.82 is not reached (MODEL_CARD)
    assert np.isfinite(acc)
