"""Topic keywords and issue terms leave out the pieces of names the segmenter cut apart.

jieba's precise mode does not know a board's estate names or its anonymised codes and cuts them
into words of their own (伊|景园|滨河|苑, 西地|省纪委), so the index-piece rule
(``keywords.fragments``) cannot see them: on Teddy Cup 附件3, 景园 and 滨河 were keywords of the
伊景园滨河苑 parking topic and 西地 the fourth keyword of the villagers' topic."""

from __future__ import annotations

from heard.listen.analysis.name_pieces import CONTEXT_AFTER, CONTEXT_BEFORE, cut_from_a_name
from heard.listen.topics.represent import N_KEYWORDS, without_name_pieces
from heard.stages.tokens import Segmenter

ESTATE = [
    "A市伊景园滨河苑捆绑销售车位",
    "伊景园滨河苑的车位只卖给广铁职工",
    "投诉伊景园滨河苑开发商强制买车位",
]
PROVINCE = [
    "本人诚请西地省纪委查处拖欠工资的公司",
    "西地省津楚投资有限公司欠村民的钱",
    "我们是西地省A市的村民，土地被征收",
]
KINDS = [
    "阳光幼儿园收费太高，幼儿园老师也不够",
    "月湖公园的厕所坏了，公园没人管",
    "自来水公司停水不通知，自来水发黄",
]


def test_the_segmenter_makes_words_of_the_pieces():
    """What the fix is about: precise mode cuts the names, so the pieces are words in the index
    (no share of "stood alone" can tell them from words)."""
    seg = Segmenter()
    assert "景园" in seg.words(ESTATE[0]) and "滨河" in seg.words(ESTATE[0])
    assert "西地" in seg.words(PROVINCE[0]) and "西地" in seg.words(PROVINCE[1])


def test_pieces_of_names_and_codes_are_cut_kinds_of_places_are_words():
    assert cut_from_a_name("景园", ESTATE) and cut_from_a_name("滨河", ESTATE)
    assert cut_from_a_name("西地", PROVINCE)
    for word in ("幼儿园", "公园", "自来水", "车位", "村民"):
        assert not cut_from_a_name(word, KINDS + ESTATE + PROVINCE), word


class _Contexts:
    """The topics repository's ``term_contexts`` over some texts, as the store cuts them."""

    def __init__(self, texts: dict[int, list[str]]):
        self.texts = texts

    def term_contexts(self, pairs, per_pair, before, after):
        out = {}
        for topic, term in pairs:
            found = [t for t in self.texts[topic] if term in t][:per_pair]
            out[(topic, term)] = [
                t[max(t.find(term) - before, 0) : t.find(term) + len(term) + after] for t in found
            ]
        return out


def test_topic_keywords_leave_out_the_pieces_and_keep_the_rest_in_order():
    ranked = {
        1: [("车位", 0.9), ("景园", 0.8), ("捆绑", 0.7), ("滨河", 0.6), ("职工", 0.5)],
        2: [("村民", 0.9), ("西地", 0.8), ("工资", 0.7)],
        3: [("幼儿园", 0.9), ("公园", 0.8), ("自来水", 0.7)],
    }
    repo = _Contexts({1: ESTATE, 2: PROVINCE, 3: KINDS})
    kept = without_name_pieces(repo, ranked)
    assert [t for t, _ in kept[1]] == ["车位", "捆绑", "职工"]
    assert [t for t, _ in kept[2]] == ["村民", "工资"]
    assert kept[3] == ranked[3]
    assert CONTEXT_BEFORE >= 1 and CONTEXT_AFTER >= 2  # what ``cut_from_a_name`` reads
    many = {4: [(f"词{i}", 1.0 - i / 100) for i in range(3 * N_KEYWORDS)]}
    assert len(without_name_pieces(_Contexts({4: []}), many)[4]) == N_KEYWORDS


COMPANY = [
    "澜河水务关于长乐路供水管道爆裂的情况通报",
    "澜河水务抢修人员已到场",
    "三个小区停水，一句通知都没有。澜河水务你们在干嘛",
]
RIVER = ["小区旁边的河水发臭了", "河水变黑，鱼都死了", "污水直排，河水已经发黑"]


def test_a_word_the_segmenter_cut_out_of_an_organisation_name_is_a_piece():
    """Demo issue 9 had the keyword 河水 (river water) from the water company 澜河水务, which the
    segmenter cuts 澜|河水|务: no place ending follows it, so only the stranded characters on
    both sides tell. 河水 of a river is a word, and so are the words beside a name's last
    character (滨河|苑|捆绑) and the company's own 停水."""
    seg = Segmenter()
    assert "河水" in seg.words(COMPANY[0])  # what the index holds
    assert cut_from_a_name("河水", COMPANY)
    assert not cut_from_a_name("河水", RIVER)
    assert not cut_from_a_name("停水", COMPANY)
    assert not cut_from_a_name("捆绑", ESTATE)
    repo = _Contexts({1: COMPANY + ["长乐路停水，河水哪里来的"]})
    kept = without_name_pieces(repo, {1: [("停水", 0.9), ("河水", 0.8), ("爆裂", 0.7)]})
    assert [t for t, _ in kept[1]] == ["停水", "爆裂"]
