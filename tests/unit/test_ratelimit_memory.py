"""The rate limiter forgets client addresses with no attempt left in its window: a server that
stays up counted every address it ever saw, so its memory grew with each new client (found by
the answer-side pass, 2026-12-07). Limits still hold for addresses seen within the window."""

from __future__ import annotations

from heard.auth.ratelimit import PRUNE_MIN_KEYS, LoginLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_addresses_gone_quiet_are_forgotten_and_recent_ones_still_limited():
    clock = Clock()
    limiter = LoginLimiter(max_failures=2, window_s=60, clock=clock)
    for i in range(20 * PRUNE_MIN_KEYS):  # a day of clients, one attempt each, 1 s apart
        clock.now = float(i)
        assert limiter.take(f"ip:10.0.{i // 256}.{i % 256}") == 0.0
    assert len(limiter._failures) < 3 * PRUNE_MIN_KEYS  # was 20 × 1,024 keys, never dropped
    recent = f"ip:10.0.{(20 * PRUNE_MIN_KEYS - 1) // 256}.{(20 * PRUNE_MIN_KEYS - 1) % 256}"
    assert limiter.take(recent) == 0.0  # its second attempt in the window
    assert limiter.take(recent) > 0  # the third is refused: the limit still holds
