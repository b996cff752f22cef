"""bot.ratelimit: a sliding window per key, with a frozen clock."""

from __future__ import annotations

from bot.ratelimit import RateLimiter


def test_each_key_gets_its_limit_per_window_and_refusals_do_not_count():
    now = [0.0]
    limiter = RateLimiter(3, 60.0, clock=lambda: now[0])

    assert [limiter.allow("ann") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("bob")  # another key is not held back
    now[0] = 59.9
    assert not limiter.allow("ann")
    now[0] = 60.1
    assert limiter.allow("ann")


def test_idle_keys_are_forgotten():
    now = [0.0]
    limiter = RateLimiter(1, 10.0, clock=lambda: now[0], max_keys=2)
    for key in ("a", "b", "c"):
        limiter.allow(key)
    assert len(limiter._hits) <= 2
    now[0] = 100.0
    limiter.allow("d")
    assert list(limiter._hits) == ["d"]
