"""The benchmark scripts keep running: one quick pass of the loss benchmark, its rows checked; each contender
of the two-layer benchmark on a tiny problem."""
import runpy

import numpy as np
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


def tiny_images(n, seed):
    """n random (32, 32, 3) float32 images in three classes that the brightness of their left edge tells apart."""
    rng = np.random.default_rng(seed)
    y = rng.integers(3, size=n)
    X = rng.standard_normal((n, 32, 32, 3)).astype(np.float32)
    X[:, :, 0, :] += 2.0 * y[:, None, None]
    return X, y


@pytest.fixture(scope="module")
def two_layer_bench():
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_two_layer.py"))
    settings = bench["recipe"](4e-2, 1e-3, epochs=2)
    settings.update(hidden_dim=20, batch_size=20)
    return bench, settings, (*tiny_images(400, 0), *tiny_images(100, 1))


def check_contender(per_epoch, final):
    assert len(per_epoch) == 2 and per_epoch[1][0] > per_epoch[0][0] > 0     # training seconds, growing
    assert all(0 <= acc <= 1 for _, acc in per_epoch) and per_epoch[-1][1] > 0.5 and final > 0.5


def test_bench_two_layer_settings_are_the_default_commands():
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_two_layer.py"))
    s = bench["recipe"](4e-2, 1e-3)
    assert (s["hidden_dim"], s["epochs"], s["batch_size"], s["momentum"], s["lr_decay"], s["average_epochs"]) == \
        (500, 10, 200, 0.9, 0.8, 3)
    assert bench["first_at"]([(1.0, 0.5), (2.0, 0.55), (3.0, 0.6)]) == 2.0 and bench["first_at"]([(1.0, 0.5)]) is None


def test_bench_two_layer_numpy_contender_runs(two_layer_bench):
    bench, settings, data = two_layer_bench
    check_contender(*bench["run_numpy"](settings, *data))


@pytest.mark.oracle
def test_bench_two_layer_torch_contender_runs(two_layer_bench, torch):
    bench, settings, data = two_layer_bench
    check_contender(*bench["run_torch"](settings, *data, 1))


def test_bench_two_layer_sklearn_contender_runs(two_layer_bench):
    pytest.importorskip("sklearn", reason="scikit-learn is an optional reference of the benchmark (the bench extra)")
    bench, settings, data = two_layer_bench
    check_contender(*bench["run_sklearn"](settings, *data))


def test_bench_two_layer_reports_the_median_run_and_ratios_of_time_to_055(capsys):
    from types import SimpleNamespace
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_two_layer.py"))

    def run(train_s, to):
        return {"test_acc": 0.56, "train_s": train_s, "to_target": to, "total_s": train_s + 1, "peak_mb": 1000,
                "epochs": [(to, 0.55)]}
    results = {"numpy": [run(10, 8), run(30, 20), run(12, 9)], "torch": [run(20, 16), run(18, 15), run(25, 19)]}
    bench["report"](results, SimpleNamespace(lr=0.04, reg=0.003, threads=1, repeats=3))
    out = capsys.readouterr().out
    assert "training seconds of each run: 10.0, 30.0, 12.0" in out
    torch_line = next(line for line in out.splitlines() if line.strip().startswith("torch"))
    assert torch_line.split()[3:5] == ["16.0", "1.78x"]                 # medians: 16 s against numpy's 9 s


@pytest.fixture(scope="module")
def knn_bench():
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_knn.py"))
    rng = np.random.default_rng(0)
    Xtr, Xte = rng.integers(0, 256, (300, 12)).astype(np.uint8), rng.integers(0, 256, (40, 12)).astype(np.uint8)
    return bench, Xtr, rng.integers(0, 10, 300), Xte


def check_knn_contender(run, Xtr, ytr, Xte, reference):
    pred, seconds, peak_mb = run
    np.testing.assert_array_equal(pred, reference)
    assert seconds > 0 and peak_mb > 0


@pytest.mark.parametrize("contender", ["run_blocked", "run_full_matrix"])
def test_bench_knn_contenders_run_and_agree(knn_bench, contender):
    bench, Xtr, ytr, Xte = knn_bench
    d = ((Xte[:, None, :].astype(int) - Xtr[None].astype(int)) ** 2).sum(-1)
    reference = bench["knn"].vote(ytr[np.argsort(d, axis=1, kind="stable")[:, :5]], 5, 10)
    check_knn_contender(bench[contender](Xtr, ytr, Xte, 5), Xtr, ytr, Xte, reference)


def test_bench_knn_sklearn_contender_runs_and_agrees(knn_bench):
    pytest.importorskip("sklearn", reason="scikit-learn is an optional reference of the benchmark (the bench extra)")
    bench, Xtr, ytr, Xte = knn_bench
    rows = bench["compare"](Xtr, ytr, Xte, 5, 0.5)          # compare asserts the same labels
    assert set(rows) == {"blocked", "full matrix", "sklearn brute"}
    assert bench["float32_reorders"](Xtr, Xte, 10) == 0.0   # 12 pixels: sums below 2^24, float32 is exact too


def test_bench_knn_compare_refuses_a_contender_that_disagrees(knn_bench, monkeypatch):
    bench, Xtr, ytr, Xte = knn_bench
    monkeypatch.setitem(bench["compare"].__globals__, "run_full_matrix", lambda *a: (np.zeros(len(Xte)), 1.0, 1.0))
    with pytest.raises(AssertionError, match="full matrix predicts differently"):
        bench["compare"](Xtr, ytr, Xte, 1, 0.5, sklearn=False)


@pytest.fixture(scope="module")
def fc_net_bench():
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_fc_net.py"))
    settings = {**bench["SETTINGS"], "hidden": (20, 10), "batch_size": 20, "epochs": 2, "weight_scale": 0.05,
                "learning_rate": 1e-2}
    (X, y), (Xv, yv) = tiny_images(400, 0), tiny_images(100, 1)
    return bench, settings, (X.reshape(400, -1), y, Xv.reshape(100, -1), yv)


def check_curve(per_epoch):
    assert len(per_epoch) == 2 and per_epoch[1][0] > per_epoch[0][0] > 0     # training seconds, growing
    assert all(0 <= acc <= 1 for _, acc in per_epoch) and per_epoch[-1][1] > 0.5


def test_bench_fc_net_numpy_contender_runs(fc_net_bench):
    bench, settings, data = fc_net_bench
    check_curve(bench["run_numpy"](settings, *data))


@pytest.mark.oracle
def test_bench_fc_net_torch_contender_runs(fc_net_bench, torch):
    bench, settings, data = fc_net_bench
    check_curve(bench["run_torch"](settings, *data, 1))


def test_bench_fc_net_reports_the_ratio_of_times_to_the_target(capsys):
    bench = runpy.run_path(str(ROOT / "benchmarks" / "bench_fc_net.py"))
    ratio = bench["report"]({"numpy": [(2.0, 0.45), (4.0, 0.51)], "torch": [(1.0, 0.44), (2.0, 0.52)]}, 2)
    out = capsys.readouterr().out
    assert ratio == 0.5 and " torch      2.0      2.0    0.50x " in out
    assert bench["report"]({"numpy": [(2.0, 0.45)]}, 2) is None and "never" in capsys.readouterr().out
