"""A head stored as two files beside each other, never as a pickle.

- ``NAME.npz`` — float64 arrays, written byte-identically on every run (no zip timestamps);
- ``NAME.json`` — what the head is (name, version, classes, thresholds, the embedder it read, how
  it was trained) and the npz's sha256: a mismatched pair is refused.

The sentiment, intent and ``harm_embedded`` heads share this format; each reads its own keys.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import ModelError


def write_npz_deterministic(path: Path, **arrays: np.ndarray) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for key, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, buffer.getvalue())


def write_pair(
    directory: Path, stem: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]
) -> tuple[Path, Path]:
    """Write ``stem.npz`` (``arrays`` as float64) and ``stem.json`` (``meta`` + the npz's
    sha256) into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    npz, meta_path = directory / f"{stem}.npz", directory / f"{stem}.json"
    write_npz_deterministic(npz, **{k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()})
    meta = {**meta, "npz_sha256": hashlib.sha256(npz.read_bytes()).hexdigest()}
    meta_path.write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return npz, meta_path


def read_pair(
    directory: Path, stem: str, what: str, fix: str
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """``stem.json``'s meta and ``stem.npz``'s arrays (float64); ``ModelError`` (naming ``what``,
    e.g. "intent head", with ``fix``) for a missing, mismatched or unreadable pair."""
    npz, meta_path = directory / f"{stem}.npz", directory / f"{stem}.json"
    if not npz.is_file() or not meta_path.is_file():
        raise ModelError(
            f"{what} {stem!r} not found in {directory} (needs {npz.name} and {meta_path.name})",
            fix,
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError(f"{meta_path.name} holds no JSON object")
        if meta.get("npz_sha256") != hashlib.sha256(npz.read_bytes()).hexdigest():
            raise ModelError(f"{npz} does not match {meta_path.name} (sha256 differs)", fix)
        with np.load(npz, allow_pickle=False) as data:
            arrays = {k: np.asarray(data[k], dtype=np.float64) for k in data.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{what} {npz} cannot be read: {exc}", fix) from exc
    return meta, arrays
