"""The shipped sentiment head, its lexicon evidence, and reproducible training."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from heard.errors import ModelError
from heard.models.sentiment_head import HEADS_DIR, load_head
from heard.models.sentiment_lexicon import SentimentLexicon
from heard.models.train_sentiment import train, training_set
from heard.stages.sentiment import SentimentScorer
from heard.stages.tokens import Segmenter, content_tokens

POSITIVE = [
    "感谢社区工作人员，问题很快就解决了，非常满意！",
    "这家餐厅太好吃了，服务也很棒，强烈推荐",
    "Thank you so much, the new park is wonderful and my kids love it!",
    "Great job by the volunteers today, really happy with the result.",
]
NEGATIVE = [
    "垃圾服务，等了三个小时没人管，太失望了",
    "小区停水三天了，物业一直推脱，气死人了",
    "Terrible service, the council ignored us for months. Awful.",
    "I hate this app, it crashes all the time and support never answers.",
]


@pytest.fixture(scope="module")
def embedder():
    from heard.models import make_embedder

    return make_embedder("use")


@pytest.fixture(scope="module")
def scorer():
    return SentimentScorer()


def score_texts(scorer, embedder, texts):
    seg = Segmenter()
    langs = ["zh" if any("\u4e00" <= c <= "\u9fff" for c in t) else "en" for t in texts]
    tokens = [content_tokens(seg.words(t, lang)) for t, lang in zip(texts, langs)]
    return scorer.score(embedder.encode(texts), texts, tokens, langs)


def test_shipped_head_loads_with_its_card():
    head = load_head()
    assert head.name == "heard-sentiment-use@1.3"
    assert head.coef.shape == (512,) and head.embedder.startswith("use-multilingual-v3@")
    assert -1 < head.negative_at_or_below < head.positive_at_or_above < 1
    assert (HEADS_DIR / "sentiment.MODEL_CARD.md").is_file()
    assert (HEADS_DIR / "sentiment.npz").stat().st_size < 20_000  # a few KB, not a blob
    licences = {src["license"] for src in head.meta["training_data"].values()}
    assert licences <= {"MIT", "MIT (both packages)"}


def test_head_alone_gets_the_sign_of_obvious_sentences(embedder):
    head = load_head()
    scores = head.score(embedder.encode(POSITIVE + NEGATIVE))
    assert (scores[: len(POSITIVE)] > 0).all(), scores
    assert (scores[len(POSITIVE) :] < 0).all(), scores


def test_scorer_labels_and_explains_bilingual_sentences(scorer, embedder):
    scores, labels, evidence = score_texts(scorer, embedder, POSITIVE + NEGATIVE)
    assert labels == ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE)
    assert all(-1 <= s <= 1 for s in scores)
    first, last = evidence[0], evidence[-1]
    assert first["model"] == "heard-sentiment-use@1.3" and "满意" in first["hits"]["zh"]["positive"]
    assert "hate" in last["hits"]["en"]["negative"]
    assert set(first) >= {
        "score",
        "label",
        "thresholds",
        "head_score",
        "lexicon_score",
        "lexicon_weight",
    }


def test_plain_statement_is_neutral(scorer, embedder):
    _scores, labels, _ev = score_texts(
        scorer, embedder, ["The meeting is at 3pm in room 204.", "会议下午三点在204会议室召开"]
    )
    assert labels == ["neutral", "neutral"]


def test_lexicon_negation_and_weibo_emoticons():
    lexicon = SentimentLexicon()
    text = "今天好累[泪] 但是吃到了蛋糕[哈哈]，不满意"
    hits = lexicon.chinese(content_tokens(Segmenter().words(text)), text)
    assert (
        "[泪]" in hits["negative"]
        and "[哈哈]" in hits["positive"]
        and "不+满意" in hits["negative"]
    )
    english = lexicon.english("This is not good at all, terrible service")
    assert english["compound"] < 0 and english["negative"] == ["not+good", "terrible"]


def test_a_mismatched_or_missing_head_is_refused(tmp_path):
    shutil.copy(HEADS_DIR / "sentiment.npz", tmp_path / "sentiment.npz")
    meta = json.loads((HEADS_DIR / "sentiment.json").read_text(encoding="utf-8"))
    meta["npz_sha256"] = "0" * 64
    (tmp_path / "sentiment.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="sha256 differs"):
        load_head(tmp_path)
    with pytest.raises(ModelError, match="not found") as err:
        load_head(tmp_path, "other")
    assert "heard train sentiment" in err.value.fix


def test_training_data_is_permissive_and_seeded():
    a, b = training_set(seed=3, limit=50), training_set(seed=3, limit=50)
    assert a.texts == b.texts and training_set(seed=4, limit=50).texts != a.texts
    assert all("shared" not in key for key in a.sources)  # never the evaluation sets


def test_training_is_deterministic_for_a_seed(embedder, tmp_path):
    first = train(embedder, seed=11, limit=60)
    second = train(embedder, seed=11, limit=60)
    assert np.array_equal(first.coef, second.coef) and first.intercept == second.intercept
    assert first.meta["examples"] == 60 and first.meta["seed"] == 11
    npz1, _ = first.save(tmp_path / "a")
    npz2, _ = second.save(tmp_path / "b")
    assert npz1.read_bytes() == npz2.read_bytes()
    loaded = load_head(tmp_path / "a")
    assert np.array_equal(loaded.coef, first.coef)


@pytest.mark.slow
def test_train_command_writes_a_loadable_head(tmp_path):
    import heard.cli as cli
    from heard.cli.app import app

    cli._register()
    result = CliRunner().invoke(
        app,
        ["train", "sentiment", "--out", str(tmp_path), "--limit", "120", "--seed", "5", "--json"],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["examples"] == 120 and out["seed"] == 5
    assert (
        load_head(tmp_path).name == "heard-sentiment-use-trained@1.3+s5.n120"
    )  # not the shipped name
    bad = CliRunner().invoke(app, ["train", "sentiment", "--out", str(tmp_path), "--limit", "3"])
    assert bad.exit_code != 0 and "too small" in str(bad.exception)


COMPLAINTS = [
    "长乐路又停水了，已经三天了，谁来管管？",
    "XX化工厂排放废气，气味刺鼻，令人作呕",
    "希望有关部门尽快解决小区门口的安全隐患，保障居民出行安全",
    "Still no water on Elm St after 3 days, nobody fixed it. We are fed up and sick of waiting.",
]


def test_complaints_are_negative_unless_they_praise(scorer, embedder):
    _scores, labels, evidence = score_texts(scorer, embedder, COMPLAINTS)
    assert labels == ["negative"] * len(COMPLAINTS), [
        (e["blended_score"], e["rule"]) for e in evidence
    ]
    assert evidence[0]["rule"] == "complaint" and "谁来管" in evidence[0]["rule_cues"]["complaint"]
    praise = "感谢社区工作人员，停水问题很快就解决了，非常满意！"
    _s, labels, evidence = score_texts(scorer, embedder, [praise])
    assert labels == ["positive"] and evidence[0]["rule"] is None


def test_a_chinese_question_is_at_most_neutral(scorer, embedder):
    text = "咨询A市人才购房补贴\n请问新引进的高级技师在哪里申请购房补贴？政策很好，希望了解流程。"
    scores, labels, evidence = score_texts(scorer, embedder, [text])
    assert labels[0] != "positive" and scores[0] < scorer.head.positive_at_or_above
    assert evidence[0]["blended_score"] >= evidence[0]["score"]


def test_weibo_emoticons_outweigh_dictionary_words():
    lexicon = SentimentLexicon()
    text = "排队排了好久，累死了，不过终于买到了[哈哈]"
    hits = lexicon.chinese(content_tokens(Segmenter().words(text)), text)
    assert "[哈哈]" in hits["positive"] and hits["balance"] > 0, hits


def test_train_command_never_overwrites_the_shipped_head(tmp_path, monkeypatch):
    import heard.cli as cli
    from heard.cli.app import app
    from heard.models.sentiment_head import HEADS_DIR

    cli._register()
    before = (HEADS_DIR / "sentiment.npz").read_bytes()
    refused = CliRunner().invoke(
        app, ["train", "sentiment", "--out", str(HEADS_DIR), "--limit", "20"]
    )
    assert refused.exit_code != 0 and "shipped with Heard" in str(refused.exception)
    assert (HEADS_DIR / "sentiment.npz").read_bytes() == before
    from heard.cli.admin import user_heads_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_heads_dir() == tmp_path / "heard" / "heads"
