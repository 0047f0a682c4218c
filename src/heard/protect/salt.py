"""The author salt: random per deployment, never a shared default (RIGHTS.md §4).

An author key is HMAC-SHA256(salt, handle). With a salt everyone knows (the old shipped default
``change-me-per-deployment``), anyone holding a list of candidate names recovers who wrote what:
an HMAC over 3,000 names recovered 2,999 of 2,999 keys. So:

- unless the operator sets one (``author_salt`` in heard.toml, ``HEARD_AUTHOR_SALT``), a random
  256-bit salt is created the first time a store ingests, kept beside the data in the store's
  ``deployment`` table, and logged once;
- a store that was ingested with the old default keeps its keys (counts of distinct authors stay
  right) and says so with a warning, until ``heard config rotate-salt`` re-keys it: every stored
  key ``k`` becomes HMAC(new, k), and new posts get HMAC(new, HMAC(old, handle)) — the same
  person keeps one key, and the shared default no longer opens it;
- an explicit salt is remembered by a fingerprint only, so changing it later is warned about
  (the same person would get a new key).

The salts of a store are a chain (oldest first); ``author_key_of(handle, chain)`` applies them in
order, the first exactly as ``heard.connectors.mapping.author_key`` always has.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Sequence
from typing import Any


log = logging.getLogger(__name__)

LEGACY_DEFAULT = "change-me-per-deployment"
"""The salt Heard shipped as its default before 0.2: public, so keys made with it are reversible."""
CHAIN_KEY = "author_salt_chain"
FINGERPRINT_KEY = "author_salt_fingerprint"
ROTATE_HINT = (
    "re-key it with 'heard config rotate-salt' (every key becomes HMAC(new salt, key); "
    "distinct-author counts stay the same), or set a secret author_salt of your own "
    "in heard.toml / HEARD_AUTHOR_SALT before the first ingest of a new store"
)


def _hmac16(salt: str, value: str) -> str:
    return hmac.new(salt.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def author_key_of(handle: str, chain: Sequence[str]) -> str:
    """The author key of ``handle`` under a chain of salts (oldest first)."""
    key = handle
    for salt in chain:
        key = _hmac16(salt, key)
    return key


def fingerprint(salt: str) -> str:
    """A one-way mark of a salt, to notice that it changed (the salt itself is not stored)."""
    return _hmac16(salt, "heard author salt fingerprint")


def _get(store: Any, key: str) -> str | None:
    result: str | None = store.deployment.get(key)
    return result


def _put(store: Any, key: str, value: str) -> None:
    store.deployment.put(key, value)


def _has_author_keys(store: Any) -> bool:
    result: bool = store.deployment.has_author_keys()
    return result


def author_salts(store: Any, explicit: str | None) -> tuple[str, ...]:
    """The salt chain new author keys are made with in ``store``: ``(explicit,)`` when the operator
    set one; else the store's own, created (random) on first use."""
    if explicit:
        mark, before = fingerprint(explicit), _get(store, FINGERPRINT_KEY)
        if explicit == LEGACY_DEFAULT:
            log.warning(
                "author_salt is set to Heard's old shared default: anyone can reverse these "
                "author keys with a list of names (RIGHTS.md §4); unset it (a random salt "
                "is created per store) or set a secret of your own"
            )
        if before is not None and before != mark:
            log.warning(
                "author_salt differs from the one this store was ingested with: the same "
                "person now gets a different author key, so distinct-author counts over "
                "old and new posts will split; put the old salt back unless that is meant"
            )
        elif before is None:
            log.info("author keys use the author_salt set in the settings")
        _put(store, FINGERPRINT_KEY, mark)
        return (explicit,)
    stored = _get(store, CHAIN_KEY)
    if stored:
        chain = tuple(json.loads(stored))
        if chain == (LEGACY_DEFAULT,):
            log.warning(
                "this store's author keys were made with Heard's old shared default salt "
                "and can be reversed with a list of names; %s",
                ROTATE_HINT,
            )
        return chain
    if _has_author_keys(store) and _get(store, FINGERPRINT_KEY) is None:
        chain = (LEGACY_DEFAULT,)  # ingested before per-store salts: keep its keys, and say so
        log.warning(
            "this store was ingested with Heard's old shared default salt; its author keys "
            "are kept (so counts stay right) but can be reversed; %s",
            ROTATE_HINT,
        )
    else:
        if _get(store, FINGERPRINT_KEY) is not None:
            log.warning(
                "the author_salt this store was ingested with is no longer set: new posts "
                "get keys from a new random salt and will not match older ones"
            )
        chain = (secrets.token_hex(32),)
        log.warning(
            "created a random author salt for this store (kept in its deployment table); "
            "author keys are pseudonyms no one else can recompute"
        )
    _put(store, CHAIN_KEY, json.dumps(list(chain)))
    return chain


def rotate_author_salt(store: Any) -> int:
    """Add a new random salt to the store's chain and re-key every stored author key with it.
    Returns how many distinct keys were re-keyed. Refused when the operator sets the salt."""
    stored = _get(store, CHAIN_KEY)
    chain = list(json.loads(stored)) if stored else list(author_salts(store, None))
    new = secrets.token_hex(32)
    keys = store.deployment.author_keys()
    with store.transaction():
        store.deployment.rekey_authors(keys, [_hmac16(new, k) for k in keys])
        _put(store, CHAIN_KEY, json.dumps([*chain, new]))
    log.warning("re-keyed %d authors with a new random salt", len(keys))
    return len(keys)
