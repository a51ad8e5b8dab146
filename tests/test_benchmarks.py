"""The benchmark scripts keep running: one quick pass of the loss benchmark, its rows checked."""
import runpy

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_bench_loss_runs_and_reports_every_method(capsys):
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_loss.py"))
    rows = bench["main"](["--repeats", "1", "--skip-naive"])
    out = capsys.readouterr().out
    assert "x read" in out and "x torch" in out
    seen = {(n, dtype, name) for n, dtype, name, *_ in rows}
    for n in (500, 49000):
        for dtype in ("float64", "float32"):
            for name in ("read X", "gemm floor", "vectorized", "fast"):
                assert (n, dtype, name) in seen
    assert (500, "float64", "naive") in seen and (49000, "float64", "naive") not in seen   # --skip-naive
    for n, dtype, name, seconds, vs_read, _ in rows:
        assert seconds > 0 and vs_read > 0


def test_bench_train_reports_memory_in_mb_of_a_million_bytes():
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_train.py"))
    assert bench["megabytes"](1_000_000) == pytest.approx(1024)              # ru_maxrss is in KiB
