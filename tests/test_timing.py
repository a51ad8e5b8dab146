"""softmax_cifar10.timing.best_time: a benchmark's timing (a warm-up call, then the best of several)."""
import pytest

from softmax_cifar10 import timing
from softmax_safeguards.validation import InvalidValueError


class FakeClock:
    """time.perf_counter for the timed function: each call of it moves the clock by the next step."""

    def __init__(self, steps):
        self.now, self.steps, self.calls = 0.0, list(steps), 0

    def __call__(self):
        return self.now

    def work(self, x, scale=1):
        self.now += self.steps[self.calls]
        self.calls += 1
        return x * scale


def test_the_first_call_is_not_timed_and_the_fastest_is_kept(monkeypatch):
    clock = FakeClock([10.0, 3.0, 1.0, 2.0])        # a slow first call (cold caches), then three warm ones
    monkeypatch.setattr(timing.time, "perf_counter", clock)
    seconds, out = timing.best_time(clock.work, 21, repeats=3, scale=2)
    assert (seconds, out, clock.calls) == (1.0, 42, 4)


def test_repeats_must_be_a_positive_integer():
    with pytest.raises(InvalidValueError, match="repeats must be a positive integer, got 0"):
        timing.best_time(print, repeats=0)
