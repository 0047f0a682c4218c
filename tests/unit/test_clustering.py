"""Streaming topic discovery on synthetic embeddings: recovery, determinism, pool, merge, split."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from heard.listen.analysis.clustering import ClusterParams, StreamingClusterer, cluster_array
from heard.listen.analysis.keywords import class_tfidf, label_from


def blobs(
    n_per: int, k: int, spread: float, dim: int = 64, seed: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` tight groups of unit vectors around random directions, shuffled."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.repeat(np.arange(k), n_per)
    vecs = centres[labels] + spread * rng.normal(size=(len(labels), dim)) / np.sqrt(dim)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    order = rng.permutation(len(labels))
    return vecs[order].astype(np.float32), labels[order]


def test_recovers_separated_groups_without_an_outlier_topic():
    vecs, gold = blobs(60, 6, spread=0.6)
    labels, clusterer = cluster_array(vecs, batch_size=50)
    assert (labels >= 0).mean() > 0.98
    assert adjusted_rand_score(gold, labels) > 0.95
    assert clusterer.n_topics == 6


def test_same_input_and_seed_give_the_same_topics_and_ids():
    vecs, _ = blobs(40, 5, spread=0.9, seed=3)
    a, ca = cluster_array(vecs, ClusterParams(seed_rng=7), batch_size=32)
    b, cb = cluster_array(vecs, ClusterParams(seed_rng=7), batch_size=32)
    assert np.array_equal(a, b)
    assert ca.ids == cb.ids


def test_scattered_posts_wait_in_the_pool_and_never_form_a_topic():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(40, 64)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    clusterer = StreamingClusterer(64)
    out = clusterer.add(list(range(40)), noise)
    assert clusterer.n_topics == 0
    assert all(a.topic_id is None for a in out) and len(out) == 40
    assert len(clusterer.pool_keys) == 40


def test_pool_is_bounded_oldest_leave_first():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(30, 64)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    clusterer = StreamingClusterer(64, ClusterParams(pool_max=10, seed_every=1))
    clusterer.add(list(range(30)), noise)
    assert clusterer.pool_keys == list(range(20, 30))


def test_pool_pairs_stay_in_step_with_the_pool_through_seeding_and_eviction():
    """The pooled-pairs matrix is cut, not recomputed, when posts leave the pool (by eviction: a
    run of the oldest rows; by seeding or joining: scattered rows). It must always equal the
    pairs recomputed from the pooled vectors."""
    groups, _ = blobs(5, 8, spread=0.4, seed=9)  # posts that seed topics, leaving scattered holes
    rng = np.random.default_rng(2)
    noise = rng.normal(size=(120, 64)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    stream = np.vstack([noise[:60], groups, noise[60:]])
    params = ClusterParams(pool_max=50, seed_every=1)
    clusterer = StreamingClusterer(64, params)
    for start in range(0, len(stream), 16):
        clusterer.add(list(range(start, min(start + 16, len(stream)))), stream[start : start + 16])
        want = (clusterer.pool_vecs @ clusterer.pool_vecs.T) >= params.seed
        np.fill_diagonal(want, False)
        assert np.array_equal(clusterer._pool_adj, want)
        assert len(clusterer.pool_keys) <= params.pool_max
    assert clusterer.n_topics >= 1  # seeding did take scattered rows out of the pool


def test_late_posts_seed_a_topic_with_pooled_ones():
    vecs, _ = blobs(6, 1, spread=0.3, seed=5)
    clusterer = StreamingClusterer(64, ClusterParams(min_topic_size=3, seed_every=1))
    first = clusterer.add([0, 1], vecs[:2])
    assert [a.topic_id for a in first] == [None, None]
    second = clusterer.add([2, 3], vecs[2:4])
    joined = {a.key: a.topic_id for a in second}
    assert set(joined) == {0, 1, 2, 3} and len(set(joined.values())) == 1
    assert clusterer.pool_keys == []


def test_close_topics_merge_into_the_older_id_and_it_is_recorded():
    vecs, _ = blobs(20, 1, spread=0.2, seed=9)
    clusterer = StreamingClusterer(64, ClusterParams(merge=0.8, consolidate_min_posts=0))
    # two topics on one group of posts, as streaming can make before their centroids converge
    first = clusterer._new_topic(vecs[:10].astype(np.float64).sum(axis=0), 10, {"from": "test"})
    second = clusterer._new_topic(vecs[10:].astype(np.float64).sum(axis=0), 10, {"from": "test"})
    result = clusterer.consolidate()
    assert result.merged == {second: first}
    assert clusterer.ids == [first] and int(clusterer.sizes[0]) == 20
    kinds = [(e.kind, e.topic_id, e.other_id) for e in clusterer.drain_events()]
    assert ("merged", second, first) in kinds


def test_a_loose_post_waits_instead_of_joining_a_tight_topic():
    vecs, _ = blobs(12, 1, spread=0.2, seed=4)
    centre = vecs.sum(axis=0) / np.linalg.norm(vecs.sum(axis=0))
    other = np.random.default_rng(4).normal(size=64)
    other -= (other @ centre) * centre
    loose = (0.6 * centre + 0.8 * other / np.linalg.norm(other)).astype(np.float32)[
        None, :
    ]  # cosine 0.6
    for margin, joined in ((0.2, False), (None, True)):
        clusterer = StreamingClusterer(64, ClusterParams(join_margin=margin, seed_every=1))
        clusterer.add(list(range(12)), vecs)
        assert clusterer.n_topics == 1 and clusterer.coherence()[0] > 0.9
        (assignment,) = clusterer.add(["loose"], loose)
        assert (assignment.topic_id is not None) is joined, margin


def test_incoherent_topic_is_split_and_the_child_gets_a_new_id():
    vecs, gold = blobs(30, 2, spread=0.3, seed=11)
    clusterer = StreamingClusterer(
        64, ClusterParams(split_below=0.9, min_split_size=20, consolidate_min_posts=0)
    )
    tid = clusterer._new_topic(vecs.astype(np.float64).sum(axis=0), len(vecs), {"from": "test"})
    clusterer._reindex()
    result = clusterer.consolidate(lambda t: (list(range(len(vecs))), vecs))
    assert clusterer.n_topics == 2
    child = clusterer.ids[1]
    moved = {a.key for a in result.moved if a.topic_id == child}
    assert 25 <= len(moved) <= 35  # one of the two groups
    assert len(set(gold[sorted(moved)])) == 1
    split = [e for e in clusterer.drain_events() if e.kind == "split"]
    assert split and split[0].topic_id == tid and split[0].other_id == child


def test_state_restores_to_the_same_assignments():
    vecs, _ = blobs(30, 4, spread=0.6, seed=13)
    whole = StreamingClusterer(64)
    whole.add(list(range(60)), vecs[:60])
    resumed = StreamingClusterer(64)
    resumed.restore(whole.topics(), whole.pool_keys, whole.pool_vecs, whole.next_id, whole.step)
    a = whole.add(list(range(60, 120)), vecs[60:])
    b = resumed.add(list(range(60, 120)), vecs[60:])
    assert [(x.key, x.topic_id) for x in a] == [(x.key, x.topic_id) for x in b]


def test_class_tfidf_prefers_terms_specific_to_a_topic():
    counts = [
        (1, "噪音", 8),
        (1, "油烟", 5),
        (1, "小区", 6),
        (1, "的", 30),
        (2, "实习", 9),
        (2, "学生", 7),
        (2, "小区", 6),
    ]
    top = class_tfidf(counts, top_n=3)
    assert top[1][0][0] == "噪音" and "的" not in dict(top[1])
    assert [t for t, _ in top[2]][:2] == ["实习", "学生"]
    assert label_from(top[2], 2) == "实习 · 学生"


def test_centering_separates_topics_that_share_a_strong_common_direction():
    vecs, gold = blobs(40, 4, spread=0.5, seed=17)
    common = np.random.default_rng(2).normal(size=64)
    common /= np.linalg.norm(common)
    shifted = vecs + 1.5 * common  # one domain: every post leans the same way
    shifted /= np.linalg.norm(shifted, axis=1, keepdims=True)
    plain, _ = cluster_array(shifted.astype(np.float32), batch_size=160)
    centred, clusterer = cluster_array(
        shifted.astype(np.float32), ClusterParams(center=True), batch_size=160
    )
    assert adjusted_rand_score(gold, plain) < 0.5  # big topics swallow the others
    assert adjusted_rand_score(gold, centred) > 0.95
    resumed = StreamingClusterer(
        64
    )  # a later run with the default parameters: the saved mean decides
    resumed.restore(
        clusterer.topics(),
        [],
        np.zeros((0, 64), np.float32),
        clusterer.next_id,
        clusterer.step,
        clusterer.mu,
    )
    assert np.allclose(resumed.transform(shifted[:3]), clusterer.transform(shifted[:3]))


def bilingual(n_per: int = 60, k: int = 3, dim: int = 64, seed: int = 23):
    """``k`` subjects, each told in two languages: subject direction ± a shared language
    direction."""
    rng = np.random.default_rng(seed)
    subjects = rng.normal(size=(k, dim))
    subjects /= np.linalg.norm(subjects, axis=1, keepdims=True)
    lang_dir = rng.normal(size=dim)
    lang_dir /= np.linalg.norm(lang_dir)
    subject = np.tile(np.repeat(np.arange(k), n_per), 2)
    is_zh = np.repeat([True, False], k * n_per)
    vecs = subjects[subject] + np.where(is_zh, 0.9, -0.9)[:, None] * lang_dir
    vecs += 0.4 * rng.normal(size=vecs.shape) / np.sqrt(dim)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    order = rng.permutation(len(vecs))
    langs = np.where(is_zh, "zh", "en")[order].tolist()
    return vecs[order].astype(np.float32), subject[order], langs


def test_one_subject_in_two_languages_becomes_one_topic_and_unrelated_ones_do_not():
    vecs, subject, langs = bilingual()
    group = subject * 2 + (np.asarray(langs) == "zh")
    every = ClusterParams(seed_every=1)  # seed rounds at every batch of 60, as the test was made
    raw, _ = cluster_array(
        vecs, every, batch_size=60
    )  # no languages: one topic per subject and language
    assert adjusted_rand_score(group, raw) > 0.95
    labels, clusterer = cluster_array(vecs, every, batch_size=60, langs=langs)
    assert clusterer.n_topics == 3 and adjusted_rand_score(subject, labels) > 0.95
    merges = [e for e in clusterer.events if e.kind == "merged"]
    assert len(merges) == 3 and all(e.detail.get("language_neutral") for e in merges)
    off, _ = cluster_array(
        vecs, ClusterParams(language_neutral=False, seed_every=1), batch_size=60, langs=langs
    )
    assert (off == raw).all()


def test_one_language_stream_is_untouched_by_the_language_view():
    vecs, _, langs = bilingual()
    zh = np.flatnonzero(np.asarray(langs) == "zh")
    plain, _ = cluster_array(vecs[zh], batch_size=60)
    tagged, clusterer = cluster_array(vecs[zh], batch_size=60, langs=["zh"] * len(zh))
    assert (plain == tagged).all() and clusterer.language_view() is None


def test_language_sums_restore_with_the_state():
    vecs, _, langs = bilingual()
    whole = StreamingClusterer(64)
    whole.add(list(range(len(vecs))), vecs, langs)
    saved = {
        lang: (whole.language_counts[lang], whole.language_sums[lang].tolist())
        for lang in whole.language_counts
    }
    resumed = StreamingClusterer(64)
    resumed.restore(
        whole.topics(), [], np.zeros((0, 64), np.float32), whole.next_id, whole.step, None, saved
    )
    a, b = whole.language_view(), resumed.language_view()
    assert a is not None and b is not None and a.languages == b.languages == ["en", "zh"]
    assert np.allclose(a.axes, b.axes) and np.allclose(a.anchors, b.anchors)


def _topic_and_a_straggler(params: ClusterParams):
    """12 posts around one direction (one topic) and a post at cosine ~0.5 to them: too far to
    join or seed with them, but its nearest posts are all the topic's, so the vote places it."""
    rng = np.random.default_rng(5)
    dim = 16
    core = np.zeros((12, dim), np.float32)
    core[:, 0] = 1.0
    core += 0.05 * rng.normal(size=core.shape).astype(np.float32)
    straggler = np.zeros((1, dim), np.float32)
    straggler[0, 0], straggler[0, 1] = 0.5, 0.866
    vecs = np.vstack([core, straggler])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    labels, clusterer = cluster_array(vecs, params, batch_size=13, final_attach=False)
    return labels, clusterer


def test_the_vote_takes_a_pooled_post_into_its_topic_by_default():
    labels, c = _topic_and_a_straggler(ClusterParams())
    assert c.n_topics == 1 and labels[12] == c.ids[0]
    assert 12 not in c.pool_keys and int(c.sizes[0]) == 13


def test_vote_keeps_pool_shows_the_post_provisionally_and_keeps_it_pooled():
    labels, c = _topic_and_a_straggler(ClusterParams(vote_keeps_pool=True))
    assert c.n_topics == 1 and labels[12] == c.ids[0]  # shown in the topic
    assert c.pool_keys == [12] and c.provisional == {12: c.ids[0]}  # but still waiting
    assert int(c.sizes[0]) == 12  # and not counted
    assert c.flush_pool() == []  # the end-of-run attach leaves it where the vote put it


def _one_topic(vecs: np.ndarray, params: ClusterParams) -> tuple[StreamingClusterer, int]:
    clusterer = StreamingClusterer(64, params)
    tid = clusterer._new_topic(vecs.astype(np.float64).sum(axis=0), len(vecs), {"from": "test"})
    clusterer._reindex()
    return clusterer, tid


def test_a_large_topic_is_read_whole_for_a_split_only_when_its_sample_splits(monkeypatch):
    from heard.listen.analysis import consolidation

    monkeypatch.setattr(consolidation, "SPLIT_SAMPLE", 40)
    params = ClusterParams(split_below=0.9, min_split_size=20, consolidate_min_posts=0)
    keys = list(range(120))
    two, _ = blobs(60, 2, spread=0.3, seed=11)  # two groups: the sample splits, so does all
    one, _ = blobs(120, 1, spread=1.5, seed=12)  # one loose group: no half is clearly tighter
    for vecs, splits in ((two, True), (one, False)):
        reads: list[int] = []

        def members(t, vecs=vecs, reads=reads):
            reads.append(t)
            return keys, vecs

        def preview(t, vecs=vecs):
            return vecs[np.linspace(0, len(vecs) - 1, 40).round().astype(int)]

        plain, tid = _one_topic(vecs, params)
        assert plain.coherence()[0] < params.split_below  # a candidate for a split either way
        expected = consolidation.split_topics(plain, lambda t, vecs=vecs: (keys, vecs), {})
        sampled, _ = _one_topic(vecs, params)
        got = consolidation.split_topics(sampled, members, {}, preview)
        assert got == expected and bool(got) is splits
        assert reads == ([tid] if splits else [])  # a sample that does not split: no full read
        assert [e.detail for e in sampled.events] == [e.detail for e in plain.events]
