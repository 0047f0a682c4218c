"""The enrichment stages on real Chinese and English text, with the real models."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from heard.errors import InputError, PipelineConfigError
from heard.pipeline import Batch, build_pipeline
from heard.records import Post
from heard.stages import (
    EmbedStage,
    LangIdStage,
    LanguageDetector,
    NormaliseStage,
    Segmenter,
    SentimentStage,
    TokensStage,
    default_stages,
    extract_entities,
    normalise_text,
    search_terms,
)


def make_post(text: str, title: str | None = None, n: int = 0) -> Post:
    return Post(id=f"t:{n}", source="t", external_id=str(n), text=text, title=title,
                created_at=datetime(2024, 5, 1, tzinfo=UTC))  # fmt: skip


def make_batch(texts: list[str]) -> Batch:
    return Batch([make_post(t, n=i) for i, t in enumerate(texts)])


@pytest.fixture(scope="module")
def embedder():
    from heard.models import make_embedder

    return make_embedder("use")


# normalise -------------------------------------------------------------------------------------


def test_normalise_folds_full_width_and_collapses_whitespace():
    assert normalise_text("ＡＢＣ　１２３，好！\t\t ok\u200b") == "ABC 123,好! ok"
    assert normalise_text("line one  \n\n\n  line two ") == "line one\nline two"
    assert normalise_text(None) == ""
    assert (
        normalise_text("油烟扰民_x000D_\n请尽快处理_x000a_谢谢") == "油烟扰民\n请尽快处理\n谢谢"
    )  # Excel via CSV


def test_normalise_joins_title_and_body_and_keeps_entities_in_text():
    batch = Batch(
        [make_post("今天@张三_abc: 看 https://t.cn/abc123。 #love", title="#北京暴雨#  积水严重")]
    )
    NormaliseStage().process(batch)
    text = batch["text_norm"][0]
    assert text == "#北京暴雨# 积水严重\n今天@张三_abc: 看 https://t.cn/abc123。 #love"
    assert batch["entities"][0] == {"urls": ["https://t.cn/abc123"], "mentions": ["张三_abc"],
                                    "hashtags": ["北京暴雨", "love"]}  # fmt: skip


def test_entities_weibo_chains_twitter_tags_and_emails():
    assert extract_entities("回复@李四:好的 //@王五: 转发")["mentions"] == ["李四", "王五"]
    assert extract_entities("#周末 #旅行 好开心")["hashtags"] == ["周末", "旅行"]
    assert extract_entities("#新冠疫情 防控# 加油")["hashtags"] == ["新冠疫情 防控"]
    mail = extract_entities("write to a@b.com or @user, see www.example.org/x.")
    assert mail["mentions"] == ["user"]
    assert mail["urls"] == ["www.example.org/x"]


# langid ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("今天天气很好，我们去公园散步", "zh"),
        ("今天天氣很好，我們去公園散步", "zh"),  # traditional → zh
        ("hello world", "en"),  # unrestricted py3langid says Fulah
        ("The water main on Elm Street burst again this morning", "en"),
        ("東京は晴れです。明日も晴れるでしょう", "ja"),
        ("ok", "und"),
        ("", "und"),
        ("@someone https://t.co/xyz", "und"),  # nothing but entities
        ("好的", "zh"),
    ],
)
def test_langid(detector, text, lang):
    assert detector.detect(normalise_text(text)) == lang


def test_langid_stage_names_its_model():
    batch = make_batch(["我爱北京", "I love London"])
    NormaliseStage().process(batch)
    stage = LangIdStage()
    stage.process(batch)
    assert batch["lang"] == ["zh", "en"]
    assert stage.model == "py3langid@0.4.0"


# tokens ----------------------------------------------------------------------------------------


def run_text_stages(texts: list[str], segmenter: Segmenter | None = None) -> Batch:
    batch = make_batch(texts)
    for stage in (NormaliseStage(), LangIdStage(), TokensStage(segmenter)):
        stage.process(batch)
    return batch


def test_tokens_segment_chinese_and_lowercase_english():
    batch = run_text_stages(["这个政府的服务真的不好！看 https://t.cn/x @张三 COVID-19 cases up "
                             "3.5%",
                             "The Mayor's NEW plan for 2025 is not good"])  # fmt: skip
    zh, en = batch["tokens"]
    assert (
        "的" not in zh and "https" not in zh and "张三" not in zh
    )  # stop-word, URL, mention dropped
    assert {"政府", "服务", "不好", "covid", "19"} <= set(zh)
    assert en == ["mayor", "new", "plan", "2025", "not", "good"]
    # search_text keeps every word (stop-words too), lowercased, no URL, and no person's @handle
    # (RIGHTS.md §4: a search for it would find the post that displays it as @[user])
    assert batch["search_text"][1] == "the mayor s new plan for 2025 is not good"
    assert "张三" not in batch["search_text"][0].split() and "的" in batch["search_text"][0].split()
    assert "https" not in batch["search_text"][0]


def test_user_dictionary_uses_a_private_jieba(tmp_path):
    import jieba

    user_dict = tmp_path / "places.txt"
    user_dict.write_text("丽发新城 10 ns\nA2区 5 ns\n", encoding="utf-8")
    text = "A2区丽发新城的居民反映噪音扰民"
    assert "丽发新城" not in Segmenter().words(text)
    with_dict = Segmenter(user_dict)
    assert {"a2区", "丽发新城"} <= set(with_dict.words(text))
    assert with_dict.name.startswith("jieba@")
    assert "丽发新城" not in list(jieba.cut(text))  # the global tokenizer is untouched
    assert search_terms("丽发新城 噪音", user_dict) == "丽发新城 噪音"


def test_missing_user_dictionary_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Segmenter(tmp_path / "nope.txt")


def test_search_terms_match_indexed_text():
    batch = run_text_stages(["北京市朝阳区暴雨积水严重，Metro Line 10 停运"])
    indexed = set(batch["search_text"][0].split())
    query = search_terms("朝阳区 积水 LINE")
    assert query.split() and set(query.split()) <= indexed


# embed + pipeline ------------------------------------------------------------------------------


def test_embed_stage_one_unit_vector_per_post(embedder):
    batch = make_batch(
        ["水管爆裂，整条街停水", "The water main burst and the street has no water", "ok"]
    )
    NormaliseStage().process(batch)
    stage = EmbedStage(embedder)
    stage.process(batch)
    vectors = batch["embedding"]
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert float(vectors[0] @ vectors[1]) > float(
        vectors[0] @ vectors[2]
    )  # translation pair is close
    assert stage.model.startswith("use-multilingual-v3@")


def test_builder_refuses_sentiment_before_embed(embedder):
    stages = [
        NormaliseStage(),
        LangIdStage(),
        TokensStage(),
        SentimentStage(),
        EmbedStage(embedder),
    ]
    with pytest.raises(PipelineConfigError) as err:
        build_pipeline(stages)
    assert "'sentiment' requires 'embedding'" in err.value.what
    assert err.value.fix == "move 'embed' before 'sentiment'"


def test_default_pipeline_end_to_end_bilingual():
    from heard.settings import Settings

    pipeline = build_pipeline(default_stages(Settings()))
    names = [s.name for s in pipeline.stages]
    assert names[:5] == ["normalise", "langid", "tokens", "embed", "sentiment"]  # topics may follow
    texts = ["感谢社区工作人员，问题很快就解决了，非常满意！",
             "Terrible service, the council ignored us for months. Awful."]  # fmt: skip
    batch = pipeline.run(make_batch(texts))
    assert batch["lang"] == ["zh", "en"]
    assert batch["sentiment_label"] == ["positive", "negative"]
    models = pipeline.models()
    assert (
        models["sentiment"] == "heard-sentiment-use@1.3" and models["langid"] == "py3langid@0.4.0"
    )
    assert models["embed"].endswith("+int8")  # the default embedder
    evidence = batch["sentiment_evidence"]
    assert "满意" in evidence[0]["hits"]["zh"]["positive"]
    assert {"terrible", "awful"} <= set(evidence[1]["hits"]["en"]["negative"])
    for ev, score in zip(evidence, batch["sentiment_score"]):
        assert ev["model"] == "heard-sentiment-use@1.3" and ev["score"] == round(score, 4)
        assert (
            ev["thresholds"]["positive_at_or_above"] > 0 > ev["thresholds"]["negative_at_or_below"]
        )
