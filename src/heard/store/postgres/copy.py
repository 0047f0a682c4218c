"""Encoding a batch for PostgreSQL's COPY: vectors in the binary format, text made storable."""

from __future__ import annotations

import struct

import numpy as np

_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_TRAILER = struct.pack("!h", -1)
FLOAT4_OID = 700


def text_or_none(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters (DuckDB's can): they are stored as U+FFFD, the
    replacement character, instead of failing the whole batch on one hostile post."""
    if value is None or "\x00" not in value:
        return value
    return value.replace("\x00", "\ufffd")


def embeddings_copy_data(ids: list[str], model: str, vectors: np.ndarray) -> bytes:
    """Rows ``(post_id, model, vec REAL[])`` in COPY's binary format, built with numpy.

    Formatting 512 floats per row as text costs more than the database's own work (about ten
    million floats for 20k posts); in binary each element is a 4-byte length and a big-endian
    float4, laid out for all rows at once.
    """
    n, dim = vectors.shape
    elements = np.empty((n, dim), dtype=[("len", ">i4"), ("val", ">f4")])
    elements["len"] = 4
    elements["val"] = vectors
    array_size = 20 + 8 * dim
    array_head = struct.pack("!iiiii", 1, 0, FLOAT4_OID, dim, 1)
    model_b = model.encode()
    model_field = struct.pack("!i", len(model_b)) + model_b
    parts = [_HEADER]
    for i, post_id in enumerate(ids):
        id_b = post_id.encode()
        parts += [struct.pack("!hi", 3, len(id_b)), id_b, model_field,
                  struct.pack("!i", array_size), array_head, elements[i].tobytes()]
    parts.append(_TRAILER)
    return b"".join(parts)
