"""The application's blocked kNN (softmax_cifar10/knn.py) and `train --model knn`: the same neighbours and labels as
the full distance matrix with a stable argsort, in bounded memory; the command line end to end on the sample."""
import contextlib
import json
import os
import re
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from PIL import Image

import cifar10_data
from conftest import ROOT
from softmax_cifar10 import knn
from softmax_cifar10.model_file import CifarModel
from softmax_cifar10.pipeline import TrainConfig


def reference_neighbours(X, X_train):
    """The full matrix of squared distances, exact in int64, and its stable argsort: ties by training index."""
    d = ((X[:, None, :].astype(np.int64) - X_train[None, :, :].astype(np.int64)) ** 2).sum(axis=2)
    return d, np.argsort(d, axis=1, kind="stable")


def reference_vote(labels, k):
    """CS231n's rule, one row at a time: the most common of the k labels, the smaller label on a tie."""
    out = []
    for row in labels:
        counts = {}
        for label in row[:k]:
            counts[label] = counts.get(label, 0) + 1
        out.append(min(counts, key=lambda c: (-counts[c], c)))
    return np.array(out)


def tied_problem(seed, n=60, N=300, D=4, levels=3):
    """Pixels of few levels (many equal distances), test rows that duplicate training rows, duplicated training rows."""
    rng = np.random.default_rng(seed)
    X_train = rng.integers(0, levels, (N, D)).astype(np.uint8)
    X_train[N // 2:N // 2 + 20] = X_train[:20]                     # duplicated training rows
    X = rng.integers(0, levels, (n, D)).astype(np.uint8)
    X[:10] = X_train[5:15]                                           # test rows equal to training rows
    return X, X_train, rng.integers(0, 4, N)


@pytest.mark.parametrize("seed, memory_mb", [(0, 1.0), (1, 0.06), (2, 0.045)])
def test_nearest_are_the_stable_argsort_of_the_full_matrix_with_ties_and_duplicates(seed, memory_mb):
    X, X_train, _ = tied_problem(seed)
    d, order = reference_neighbours(X, X_train)
    K = 37
    rows, train_rows = knn.block_sizes(len(X), len(X_train), X.shape[1], K, memory_mb)
    assert memory_mb == 1.0 or (rows < len(X) and train_rows < len(X_train))      # several blocks each way
    dist, idx = knn.nearest(X, X_train, K, memory_mb=memory_mb)
    np.testing.assert_array_equal(idx, order[:, :K])
    np.testing.assert_array_equal(dist, np.take_along_axis(d, order[:, :K], 1))
    assert (np.diff(d, axis=1) == 0).any()      # the problem does have ties that the order settles


def test_a_tie_at_the_kth_place_keeps_the_smaller_training_index():
    d = np.array([[3.0, 1.0, 2.0, 2.0, 2.0, 0.0]])
    index = np.array([[0, 1, 5, 3, 4, 2]])
    dist, idx = knn.smallest(d, index, 3)
    assert idx.tolist() == [[2, 1, 3]] and dist.tolist() == [[0.0, 1.0, 2.0]]


def test_ties_inside_the_k_nearest_are_ordered_by_training_index():
    rng = np.random.default_rng(0)
    d = np.concatenate([np.zeros(50), rng.permutation(np.arange(1.0, 151.0))])[None, :]
    index = rng.permutation(200)[None, :]                       # the ties' positions are not their index order
    dist, idx = knn.smallest(d, index, 60)
    assert idx[0, :50].tolist() == sorted(index[0, :50]) and dist[0].tolist() == [0.0] * 50 + list(range(1, 11))


def test_pixels_give_exact_distances_where_one_float32_product_rounds():
    rng = np.random.default_rng(0)
    X_train = rng.integers(200, 256, (200, 3072)).astype(np.uint8)      # bright: 512 products pass 2^24
    X = np.concatenate([X_train[:5], rng.integers(200, 256, (20, 3072)).astype(np.uint8)])
    d, order = reference_neighbours(X, X_train)
    dist, idx = knn.nearest(X, X_train, 200)
    np.testing.assert_array_equal(dist, np.take_along_axis(d, order, 1))
    np.testing.assert_array_equal(idx, order)
    A, B = X.astype(np.float32), X_train.astype(np.float32)
    d32 = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2 * A @ B.T
    assert (d32 != d).any()         # float32 rounds these sums: why the pixels are multiplied in chunks


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7, 20])
def test_predictions_are_cs231n_majority_vote_with_ties_to_the_smaller_label(k):
    X, X_train, y_train = tied_problem(3)
    _, order = reference_neighbours(X, X_train)
    model = knn.BlockedKNN(k, memory_mb=0.05).train(X_train, y_train, num_classes=4)
    np.testing.assert_array_equal(model.predict(X), reference_vote(y_train[order], k))


def test_no_rows_have_no_neighbours():
    dist, idx = knn.nearest(np.zeros((0, 3), np.uint8), np.zeros((4, 3), np.uint8), 2)
    assert dist.shape == idx.shape == (0, 2)


def test_vote_breaks_a_tie_toward_the_smaller_label():
    labels = np.array([[3, 1, 1, 3, 0], [2, 0, 0, 2, 2]])
    assert knn.vote(labels, 4, 4).tolist() == [1, 0] and knn.vote(labels, 5, 4).tolist() == [1, 2]


def test_cross_validation_is_cs231n_folds_scored_for_every_k():
    X, X_train, y_train = tied_problem(4, N=103)
    k_choices = (1, 3, 8, 20)
    acc = knn.cross_validate(X_train, y_train, k_choices, num_folds=5, num_classes=4, memory_mb=0.05)
    X_folds, y_folds = np.array_split(X_train, 5), np.array_split(y_train, 5)
    for f in range(5):
        Xtr = np.concatenate(X_folds[:f] + X_folds[f + 1:])
        ytr = np.concatenate(y_folds[:f] + y_folds[f + 1:])
        _, order = reference_neighbours(X_folds[f], Xtr)
        for j, k in enumerate(k_choices):
            assert acc[f, j] == np.mean(reference_vote(ytr[order], k) == y_folds[f])


def test_the_blocks_stay_within_the_memory_budget():
    rng = np.random.default_rng(0)
    X_train, X = rng.integers(0, 256, (3000, 256)).astype(np.uint8), rng.integers(0, 256, (1000, 256)).astype(np.uint8)
    budget, K = 4.0, 20
    assert 8 * len(X) * len(X_train) > 5 * budget * 1e6      # the full float64 matrix would be 24 MB
    rows, train_rows = knn.block_sizes(len(X), len(X_train), X.shape[1], K, budget)
    assert knn.block_bytes(rows, train_rows, X.shape[1], K) + 16 * len(X) * K <= budget * 1e6
    tracemalloc.start()
    try:
        knn.nearest(X, X_train, K, memory_mb=budget)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= budget * 1e6, peak


@pytest.mark.parametrize("call, message", [
    (lambda: knn.block_sizes(10000, 50000, 3072, 100, 10), r"memory_mb \(--memory-mb\) = 10 is too small for 100 "
                                                           r"neighbours of 10000 rows of 3072 features: at least"),
    (lambda: knn.nearest(np.zeros((2, 3)), np.zeros((4, 3)), 5), "K = 5 neighbours asked for, but there are 4"),
    (lambda: knn.BlockedKNN(5).train(np.zeros((4, 3)), [0, 1, 0, 1]).predict(np.zeros((1, 3))),
     r"k = 5 is more than the 4 training images"),
    (lambda: knn.BlockedKNN(1).train(np.zeros((4, 3)), [0, 1, 0, 1]).predict(np.zeros((1, 2))),
     "X must have 3 features per row"),
    (lambda: knn.BlockedKNN(0), "k must be a positive integer, got 0"),
    (lambda: knn.cross_validate(np.zeros((4, 3)), np.zeros(4, int), [1], num_folds=5),
     r"num_folds \(--folds\) must be in \[2, 4\] for 4 training images, got 5"),
])
def test_bad_arguments_get_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_saved_model_keeps_the_training_set_as_uint8(tmp_path):
    X, X_train, y_train = tied_problem(5)
    model = knn.BlockedKNN(3).train(X_train, y_train, num_classes=4)
    model.save(tmp_path / "m.npz", note="kept")
    loaded = knn.BlockedKNN.load(tmp_path / "m.npz")
    assert loaded.X_train.dtype == np.uint8 and (loaded.k, loaded.num_classes) == (3, 4)
    assert str(loaded.extras["note"]) == "kept"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_raw_preprocessing_keeps_the_pixels():
    images = np.random.default_rng(0).integers(0, 256, (5, 32, 32, 3)).astype(np.uint8)
    pre = cifar10_data.Preprocessor("raw", bias=False, dtype=np.uint8).fit(images)
    np.testing.assert_array_equal(pre.transform(images), images.reshape(5, -1))


# ---------------------------------------------------------------------------- the command line

def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "classifiers", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    proc = run_cli("train", "--model", "knn", "--sample", "--quiet", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_train_cross_validates_k_and_saves_a_model_that_evaluate_and_predict_read(sample_run, tmp_path):
    out, proc = sample_run
    assert sorted(p.name for p in out.iterdir()) == ["confusion.png", "cross_validation.png", "model.npz",
                                                     "results.json"]
    results = json.loads((out / "results.json").read_text())
    assert [row["k"] for row in results["search"]] == [1, 3, 5, 8, 10, 12, 15, 20, 50, 100]
    assert all(len(row["fold_acc"]) == 5 for row in results["search"])
    best = max(results["search"], key=lambda row: row["val_acc"])
    assert results["best"]["k"] == best["k"] and f"best: k={best['k']}" in proc.stdout
    assert "cross-validation accuracy" in proc.stdout and results["train_acc"] is None
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
    model = CifarModel.load(out)
    assert model.classifier.X_train.dtype == np.uint8 and model.classifier.X_train.shape == (2500, 3072)
    assert model.classifier.k == best["k"] and model.hyperparams["k_choices"][-1] == 100
    reference = knn.BlockedKNN(best["k"]).train(Xtr.reshape(2500, -1), ytr, 10)
    pred = model.predict(Xte)
    np.testing.assert_array_equal(pred, reference.predict(Xte.reshape(len(Xte), -1)))
    assert results["test_acc"] == np.mean(pred == yte)
    proc = run_cli("evaluate", str(out), "--data-dir", str(tmp_path / "none"), "--no-download")
    assert proc.returncode == 2 and "error:" in proc.stderr
    Image.fromarray(Xte[0]).save(tmp_path / "image.png")
    proc = run_cli("predict", str(out / "model.npz"), str(tmp_path / "image.png"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{tmp_path / 'image.png'}: {cifar10_data.CLASSES[pred[0]]} (")


def test_predict_names_the_class_predict_gives_when_votes_tie(tmp_path):
    """Two neighbours of labels 1 and 0: the vote ties, predict() gives 0, and so must the printed ranking."""
    Xtr = np.zeros((2, 32, 32, 3), np.uint8)
    Xtr[1] += 2
    model = knn.BlockedKNN(2).train(Xtr.reshape(2, -1), np.array([1, 0]), 10)
    pre = cifar10_data.Preprocessor("raw", bias=False, dtype=np.uint8).fit(Xtr)
    CifarModel(model, pre, cifar10_data.CLASSES).save(tmp_path / "model.npz")
    Image.fromarray(Xtr[0] + 1).save(tmp_path / "image.png")
    proc = run_cli("predict", str(tmp_path / "model.npz"), str(tmp_path / "image.png"), "--top", "2")
    assert proc.returncode == 0, proc.stderr
    assert "airplane (airplane 0.500, automobile 0.500)" in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["--model", "knn", "--k", "0"], "--k: must be a positive integer, got 0"),
    (["--model", "knn", "--lr", "1e-3"], "--lr: --model knn trains nothing, it chooses k by cross-validation"),
    (["--k", "3"], "k_choices (--k) are kNN's; --model softmax has no neighbours"),
    (["--model", "knn", "--folds", "1"], "num_folds (--folds) must be at least 2, got 1"),
])
def test_knn_flags_are_checked_before_any_data(tmp_path, args, message):
    empty = tmp_path / "no-data"
    empty.mkdir()
    proc = run_cli("train", *args, "--data-dir", str(empty), "--no-download", "--quiet", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "r").exists()


@pytest.mark.parametrize("args, message", [
    (["--k", "1", "2001"], "k (--k) = 2001 is more than the 2000 training images of a fold (5 folds of 2500)"),
    (["--memory-mb", "0.5"], "memory_mb (--memory-mb) = 0.5 is too small for 100 neighbours of 500 rows"),
])
def test_k_beyond_a_fold_and_a_budget_too_small_are_refused_before_the_search(tmp_path, args, message):
    proc = run_cli("train", "--model", "knn", "--sample", *args, "--quiet", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert not (tmp_path / "r").exists()


def test_k_and_folds_flags_choose_what_is_cross_validated(tmp_path):
    proc = run_cli("train", "--model", "knn", "--sample", "--k", "2", "7", "--folds", "3", "--quiet", "--out",
                   str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert [row["k"] for row in results["search"]] == [2, 7]
    assert all(len(row["fold_acc"]) == 3 for row in results["search"])


def test_the_blas_threads_are_the_jobs_or_every_core(monkeypatch):
    from softmax_cifar10 import blas_kernel
    from softmax_cifar10.models import KINDS
    seen = []
    monkeypatch.setattr(knn, "threadpool_limits", lambda n: seen.append(n) or contextlib.nullcontext())
    X, X_train, _ = tied_problem(6)
    knn.nearest(X, X_train, 3, threads=1)
    knn.nearest(X, X_train, 3)
    assert seen == [1, blas_kernel.cores()]
    assert KINDS["knn"].options(TrainConfig(model="knn", jobs=3), {})["threads"] == 3


def test_progress_shows_a_bar_over_the_blocks(capsys):
    X, X_train, _ = tied_problem(7)
    knn.nearest(X, X_train, 3, memory_mb=0.06, progress=True)
    assert "kNN distances" in capsys.readouterr().err
    knn.nearest(X, X_train, 3, memory_mb=0.06)
    assert capsys.readouterr().err == ""


def test_knn_has_cs231n_defaults():
    config = TrainConfig(model="knn")
    assert config.k_choices == (1, 3, 5, 8, 10, 12, 15, 20, 50, 100) and config.num_folds == 5
    assert TrainConfig().k_choices is None


@pytest.mark.slow
def test_full_data_knn_gives_the_documented_k_and_accuracy(cifar10_dir, tmp_path):
    """docs/command-line.md's kNN figures to the last digit: distances are exact, so any CPU and thread count agree."""
    proc = run_cli("train", "--model", "knn", "--data-dir", str(cifar10_dir.parent), "--out", str(tmp_path),
                   "--quiet")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    doc = " ".join((ROOT / "docs" / "command-line.md").read_text().split())
    k, cv, test = re.search(r"kNN chose \*\*k = (\d+)\*\* \(cross-validation accuracy (0\.\d{4})\) and reached "
                            r"\*\*(0\.\d{4})\*\* test accuracy", doc).groups()
    assert (results["best"]["k"], f"{results['val_acc']:.4f}", f"{results['test_acc']:.4f}") == (int(k), cv, test)
