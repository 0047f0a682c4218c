"""Routing: trained, zero-shot and corrected routers, real embedder, on texts written here."""

from __future__ import annotations

import csv
from dataclasses import replace
import json

import numpy as np
import pytest

import heard.answer
from heard.answer import (
    Department,
    LabelledText,
    Router,
    RouterConfig,
    ZeroShotRouter,
    calibration_report,
    choose_triage_threshold,
    fit_temperature,
    load_router,
    open_router,
    save_router,
    teddycup_departments,
    training_set,
)
from heard.answer.zero_shot import keyword_finder
from heard.errors import InputError, ModelError
from heard.models import make_embedder

DEPTS = [
    Department(
        "transport", "交通运输", "Transport", "公交和出租车", "buses and taxis", ("公交", "bus")
    ),
    Department(
        "housing", "城乡建设", "Housing", "小区物业和房屋", "housing estates", ("物业", "小区")
    ),
    Department("health", "卫生计生", "Health", "医院与看病", "hospitals", ("医院", "hospital")),
]
HISTORY = {
    "transport": [
        "12路公交车晚上停运太早",
        "公交站台没有遮雨棚",
        "出租车司机拒载还绕路",
        "希望增开到高铁站的公交线路",
        "公交车司机开车太猛",
        "出租车不打表乱收费",
        "郊区公交班次太少",
        "公交卡充值点太少",
        "The bus to the station never comes on time",
        "Taxi drivers refuse short trips",
        "Please add a night bus route",
        "The bus stop has no shelter",
    ],
    "housing": [
        "小区物业不作为垃圾没人清理",
        "开发商延期交房一年",
        "物业费上涨没有公示",
        "小区电梯经常坏",
        "房屋墙体开裂漏水",
        "小区停车位被物业高价出售",
        "业主办不了房产证",
        "老旧小区改造进度太慢",
        "The property manager ignores broken lifts",
        "Our flat leaks when it rains",
        "The developer delayed the handover",
        "The estate's gate has been broken for weeks",
    ],
    "health": [
        "医院挂号排队太久",
        "医生态度恶劣",
        "卫生院药价比药店贵",
        "医院乱收检查费",
        "孩子打疫苗要排半天",
        "住院报销手续太麻烦",
        "医院停车难看病难",
        "乡村医生缺少",
        "The hospital queue takes all day",
        "The clinic overcharges for tests",
        "Vaccination appointments are impossible to get",
        "The doctor was rude to my mother",
    ],
}
HELD_OUT = [
    ("公交车半小时才来一趟", "transport"),
    ("小区物业乱收费", "housing"),
    ("医院看病排队三个小时", "health"),
    ("The night bus was cancelled again", "transport"),
]


@pytest.fixture(scope="module")
def embedder():
    return make_embedder("use-int8")


@pytest.fixture(scope="module")
def history() -> list[LabelledText]:
    return [
        LabelledText(f"{code}-{i}", text, code)
        for code, texts in HISTORY.items()
        for i, text in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def router(history, embedder) -> Router:
    return Router.train(
        history, DEPTS, embedder=embedder, data_description="texts written for the tests"
    )


def test_public_surface_is_pinned():
    assert sorted(heard.answer.__all__) == sorted(
        [
            "Department",
            "Explanation",
            "FeatureConfig",
            "LabelledText",
            "Route",
            "Router",
            "RouterConfig",
            "ZeroShotRouter",
            "calibration_report",
            "choose_triage_threshold",
            "fit_temperature",
            "load_router",
            "load_teddycup_taxonomy",
            "model_card",
            "open_router",
            "parse_departments",
            "read_labelled",
            "save_router",
            "teddycup_departments",
            "training_set",
            "triage_report",
            "with_taxonomy_keywords",
        ]
    )


def test_trained_router_routes_unseen_texts_and_explains(router, history):
    routes = router.route([t for t, _ in HELD_OUT], ids=[f"new{i}" for i in range(len(HELD_OUT))])
    assert [r.department for r in routes] == [d for _, d in HELD_OUT]
    known_ids = {h.id for h in history}
    for route in routes:
        assert 0 < route.confidence <= 1
        assert sum(route.scores.values()) == pytest.approx(1.0)
        assert route.confidence == max(route.scores.values())
        assert (
            route.explanation.neighbours
            and {n["id"] for n in route.explanation.neighbours} <= known_ids
        )
        assert route.explanation.terms and all(t["weight"] > 0 for t in route.explanation.terms)
        json.dumps(route.to_dict(), ensure_ascii=False)  # serialisable for the API
    bus = routes[0]
    assert any("公交" in t["term"] for t in bus.explanation.terms)
    assert bus.explanation.neighbours[0]["department"] == "transport"
    assert 0 < router.temperature and 0 <= router.triage_below <= 1
    assert router.meta["examples"] == len(history)


def test_low_confidence_goes_to_triage(router):
    strict = Router(**{**router.__dict__, "triage_below": 0.999})
    route = strict.route(["请问这个怎么办"])[0]
    assert route.triage and route.queue == "triage"
    assert route.department in router.codes  # the best guess is still there for the person deciding


def test_save_and_load_round_trip(router, tmp_path, embedder):
    out = save_router(router, tmp_path / "router", metrics={"note": "unit test"})
    assert sorted(p.name for p in out.iterdir()) == [
        "MODEL_CARD.md",
        "router.json",
        "router.npz",
        "vocab.json",
    ]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert (
        "texts written for the tests" in card
        and router.meta["trained_at"] in card
        and "unit test" in card
    )
    assert "公交车" not in (out / "router.json").read_text(
        encoding="utf-8"
    )  # past cases by id, not text
    loaded = load_router(out)
    loaded.embedder = embedder
    texts = [t for t, _ in HELD_OUT]
    np.testing.assert_allclose(loaded.probabilities(texts), router.probabilities(texts), atol=1e-5)
    assert [r.to_dict()["explanation"] for r in loaded.route(texts)] == [
        r.to_dict()["explanation"] for r in router.route(texts)
    ]


def test_load_refuses_missing_or_altered_files(router, tmp_path):
    with pytest.raises(ModelError, match="missing router.json"):
        load_router(tmp_path / "nothing")
    out = save_router(router, tmp_path / "r")
    (out / "vocab.json").write_text('{"char": [], "word": []}', encoding="utf-8")
    with pytest.raises(ModelError, match="sha256 differs"):
        load_router(out)


def test_training_refuses_unknown_or_single_departments(embedder):
    with pytest.raises(InputError, match="not configured"):
        Router.train(
            [LabelledText("1", "公交", "parks"), LabelledText("2", "医院", "health")],
            DEPTS,
            embedder=embedder,
        )
    with pytest.raises(InputError, match="two or more"):
        Router.train([LabelledText("1", "公交", "transport")], DEPTS, embedder=embedder)


def test_a_correction_outweighs_history_and_replaces_its_label(history, embedder):
    text = "地铁站出口的电梯坏了"  # lift (housing) or station (transport)? the responder decides
    before = Router.train(history, DEPTS, embedder=embedder, config=RouterConfig(calibrate=False))
    wrong = before.route([text])[0].department
    right = "housing" if wrong != "housing" else "transport"
    corrections = [
        LabelledText(f"c{i}", t, right) for i, t in enumerate([text, "地铁站电梯坏了没人修"])
    ]
    merged = training_set(
        history + [LabelledText("c0", text, wrong)], corrections, correction_weight=3.0
    )
    assert [e.department for e in merged if e.id == "c0"] == [right]  # the reassignment wins
    assert {e.weight for e in merged if e.id.startswith("c")} == {3.0}
    after = Router.train(merged, DEPTS, embedder=embedder, config=RouterConfig(calibrate=False))
    assert after.route(["地铁站的电梯又坏了"])[0].department == right
    assert after.meta["weighted_examples"] == 2


def test_zero_shot_routes_from_descriptions_and_keywords(embedder):
    router = ZeroShotRouter(teddycup_departments(), embedder=embedder)
    cases = [
        ("公交车司机拒载乘客", "transport"),
        ("拖欠农民工工资三个月", "labour_social_security"),
        ("化工厂夜间偷排废气恶臭扰民", "environmental_protection"),
        ("孩子小学入学没有学位", "education_culture_sports"),
        ("开发商延期交房", "urban_rural_construction"),
        ("医院乱收检查费", "health_family_planning"),
        ("景区门票涨价", "commerce_tourism"),
        ("The hospital refused to treat my father", "health_family_planning"),
    ]
    routes = router.route([t for t, _ in cases])
    assert [r.department for r in routes] == [d for _, d in cases]
    assert any(t["kind"] == "keyword" and t["term"] == "拒载" for t in routes[0].explanation.terms)
    assert routes[0].explanation.neighbours == []


def test_zero_shot_explanation_names_each_term_once(embedder):
    # "积水" is a keyword of 城乡建设 and the nearest of its description phrases: it was listed
    # twice ("because of: 积水, 道路破损, 下水道, 排水, 积水")
    router = ZeroShotRouter(teddycup_departments(), embedder=embedder)
    [route] = router.route(["道路积水严重，请处理"], ["a"])
    terms = [t["term"] for t in route.explanation.terms]
    assert "积水" in terms
    assert len(terms) == len(set(terms)), terms
    assert len(terms) == 5  # still the top five, with another phrase in place of the repeat


def test_latin_keywords_match_whole_words_and_acronyms_as_written():
    """A Latin keyword was found anywhere in the lower-cased text: "dust" in "industrial",
    "shop" in "workshop", and the toll system's "ETC" in every "etc." of an English list."""
    found = {k: keyword_finder(k) for k in ("dust", "wage", "ETC", "bus stop", "积水")}

    def hits(text: str) -> set[str]:
        return {k for k, f in found.items() if f(text, text.lower())}

    assert hits("The industrial park is busy, workshops etc. are open") == set()
    assert hits("Dust everywhere; unpaid wages; the bus stops moved") == {
        "dust",
        "wage",
        "bus stop",
    }
    assert hits("高速ETC扣费两次，路面积水") == {"ETC", "积水"}
    assert hits("the etc lane charged me twice") == set()


def test_english_keywords_do_not_move_a_chinese_text(embedder):
    """A Chinese text is compared with a department's names, descriptions and Chinese keywords:
    English keywords added for English texts moved Chinese titles for no reason of meaning
    (Teddy Cup test macro-F1 0.760 → 0.753); an English text still reads them."""
    plain = teddycup_departments()
    more = [
        replace(d, keywords=d.keywords + ("burst water main", "overflowing drain", "lorry noise"))
        for d in plain
    ]
    chinese = ["长乐路爆管停水两天了", "夜里货车经过噪音很大"]
    before = ZeroShotRouter(plain, embedder=embedder).scores(chinese)
    after = ZeroShotRouter(more, embedder=embedder).scores(chinese)
    assert np.array_equal(before, after)
    english = ["The burst water main on Changle Road", "Lorry noise all night"]
    assert not np.array_equal(
        ZeroShotRouter(plain, embedder=embedder).scores(english),
        ZeroShotRouter(more, embedder=embedder).scores(english),
    )


def test_zero_shot_needs_departments(embedder):
    with pytest.raises(InputError, match="two or more"):
        ZeroShotRouter(DEPTS[:1], embedder=embedder)


def test_self_training_learns_words_the_descriptions_never_named(embedder):
    zs = ZeroShotRouter(DEPTS, embedder=embedder)
    texts = [t for ts in HISTORY.values() for t in ts]
    router = zs.self_train(texts, config=RouterConfig(calibrate=False))
    assert isinstance(router, Router)
    assert router.meta["examples"] < len(texts)  # only the confident share is kept
    assert [r.department for r in router.route([t for t, _ in HELD_OUT[:3]])] == [
        d for _, d in HELD_OUT[:3]
    ]


def test_self_trained_confidence_follows_the_zero_shot_estimate(embedder):
    """Weak labels cannot calibrate (they agree with themselves): the self-trained router's mean
    confidence on its pool is set to the zero-shot router's, which estimates accuracy there."""
    zs = ZeroShotRouter(DEPTS, embedder=embedder)
    texts = [t for ts in HISTORY.values() for t in ts]
    router = zs.self_train(texts)
    assert "zero-shot" in router.meta["calibration"]
    assert router.triage_below == zs.triage_below
    expected = zs.probabilities(texts).max(axis=1).mean()
    assert router.probabilities(texts).max(axis=1).mean() == pytest.approx(expected, abs=1e-3)


def test_temperature_scaling_repairs_overconfidence():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 2000)
    scores = rng.normal(0, 1, (2000, 3))
    scores[np.arange(2000), labels] += 1.0  # right about 60 % of the time …
    scores *= 8  # … but nearly certain every time
    from heard.answer.calibration import softmax

    correct = scores.argmax(1) == labels
    before = calibration_report(softmax(scores).max(1), correct)["ece"]
    t = fit_temperature(scores, labels)
    after = calibration_report(softmax(scores, t).max(1), correct)["ece"]
    assert t > 3 and after < 0.05 < before


def test_triage_threshold_meets_the_target_accuracy():
    conf = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5])
    right = np.array([1, 1, 1, 1, 0, 1, 0])
    assert choose_triage_threshold(conf, right, 1.0) == 0.8
    assert choose_triage_threshold(conf, right, 0.8) == 0.6  # 5 of the 6 most confident are right
    assert choose_triage_threshold(conf, np.zeros(7), 0.9) == 1.0  # nothing is good enough
    assert choose_triage_threshold(conf, np.ones(7), 0.9) == 0.0


@pytest.mark.slow
@pytest.mark.shared_data
def test_teddycup_titles_small_sample(shared_data, embedder):
    """1,200 train titles → the 921 test titles: above the zero-shot level (full run: bench)."""
    path = shared_data / "teddycup2020_c" / "messages_titles_labels_all9210.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    depts = teddycup_departments()
    code = {d.name_zh: d.code for d in depts}
    train = [
        LabelledText(str(i), r["留言主题"], code[r["一级标签"]])
        for i, r in enumerate(rows)
        if r["split"] == "train"
    ][:1200]
    test = [r for r in rows if r["split"] == "test"]
    router = Router.train(train, depts, embedder=embedder)
    routes = router.route([r["留言主题"] for r in test])
    from sklearn.metrics import f1_score

    f1 = f1_score(
        [code[r["一级标签"]] for r in test], [r.department for r in routes], average="macro"
    )
    assert len(test) == 921 and f1 > 0.8


def test_open_router_uses_the_model_or_falls_back_to_zero_shot(router, tmp_path, embedder):
    out = save_router(router, tmp_path / "model")
    trained = open_router(out, DEPTS, embedder=embedder)
    assert isinstance(trained, Router) and trained.embedder is embedder
    assert (
        open_router(None, DEPTS, embedder=embedder).route(["公交车太少"])[0].department
        == "transport"
    )
    with pytest.raises(ModelError, match="knows departments"):
        open_router(out, DEPTS[:2], embedder=embedder)
    with pytest.raises(InputError, match="no trained router and no departments"):
        open_router(None, [], embedder=embedder)


def test_an_embedder_of_another_size_is_refused(router):
    class Small:
        name, dim = "small@1", 8

        def encode(self, texts):
            return np.zeros((len(texts), 8), dtype=np.float32)

    other = Router(**{**router.__dict__, "embedder": Small()})
    with pytest.raises(ModelError, match="trained on 512-d embeddings"):
        other.route(["公交"])
