"""The command line end to end: on the bundled sample (fast) and, for the accuracy floor, the full set."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import data_utils
from classifiers import Softmax
from classifiers.__main__ import main
from classifiers.pipeline import CifarModel
from conftest import ROOT, require

FAST = ["--sample", "--epochs", "1", "--lr", "1e-3", "--reg", "1e-2", "3e-2", "--quiet"]


def run_cli(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "classifiers", *args], capture_output=True, text=True,
                          cwd=cwd, env=env)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    proc = run_cli("train", *FAST, "--out", str(out), "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_train_on_sample_writes_every_output(sample_run):
    out, proc = sample_run
    assert "notice: using the bundled sample" in proc.stdout
    assert "test accuracy" in proc.stdout and "learning rate" in proc.stdout      # summary table
    assert sorted(p.name for p in out.iterdir()) == ["confusion.png", "loss.png", "model.npz", "results.json",
                                                     "search.png", "weights.png"]
    results = json.loads((out / "results.json").read_text())
    assert len(results["search"]) == 2 and results["config"]["seed"] == 3
    for key in ("train_acc", "val_acc", "test_acc"):
        assert 0.1 < results[key] <= 1.0                       # better than chance on 10 classes
    for png in ("confusion.png", "loss.png", "search.png", "weights.png"):
        with Image.open(out / png) as img:
            assert img.size[0] > 200 and img.size[1] > 100
    model = CifarModel.load(out / "model.npz")
    assert model.class_names[0] == "airplane" and model.classifier.W.shape == (3073, 10)
    assert model.hyperparams["learning_rate"] == 1e-3
    _, _, Xte, yte = data_utils.load_CIFAR10(data_utils.SAMPLE_PATH, dtype=np.uint8)
    assert np.mean(model.predict(Xte) == yte) == pytest.approx(results["test_acc"])


def test_seed_makes_a_run_repeatable(sample_run, tmp_path):
    out, _ = sample_run
    proc = run_cli("train", *FAST, "--out", str(tmp_path), "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    a = Softmax.load(out / "model.npz").W
    b = Softmax.load(tmp_path / "model.npz").W
    assert np.array_equal(a, b)


def test_predict_and_evaluate(sample_run, tmp_path):
    out, _ = sample_run
    Xtr, ytr, _, _ = data_utils.load_CIFAR10(data_utils.SAMPLE_PATH, dtype=np.uint8)
    Image.fromarray(Xtr[0]).save(tmp_path / "small.png")
    Image.fromarray(Xtr[1]).resize((96, 64)).save(tmp_path / "large.jpg")
    proc = run_cli("predict", str(out / "model.npz"), str(tmp_path / "small.png"), str(tmp_path / "large.jpg"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(str(tmp_path / "small.png"))
    probs = [float(part.split()[-1]) for part in lines[0].split("(")[1].rstrip(")").split(", ")]
    assert len(probs) == 3 and probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1
    proc = run_cli("evaluate", str(out / "model.npz"), "--data-dir", str(data_utils.SAMPLE_PATH.parent / "none"),
                   "--no-download")
    assert proc.returncode == 2 and "no CIFAR-10 data in" in proc.stderr


@pytest.mark.parametrize("args,message", [
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--lr", "0"], "argument --lr: must be a positive number, got 0"),
    (["train", "--lr", "-0.001"], "argument --lr: must be a positive number, got -0.001"),
    (["train", "--lr=-1e-3"], "argument --lr: must be a positive number, got -1e-3"),
    (["train", "--reg", "-1"], "argument --reg: must be a number >= 0, got -1"),
    (["train", "--lr", "abc"], "argument --lr: 'abc' is not a number"),
    (["train", "--batch-size", "0"], "must be a positive integer"),
    (["train", "--sample", "--out", "/proc/forbidden/run"], "cannot write to the output folder"),
    (["train", "--data-dir", "{missing}", "--no-download"], "no CIFAR-10 data in"),
    (["train", "--data-dir", "{corrupt}"], "is truncated or corrupt"),
    (["evaluate", "{foreign}"], "is not a model file saved by LinearClassifier.save"),
    (["predict", "{foreign}", "x.png"], "is not a model file saved by LinearClassifier.save"),
    (["predict", "{bare}", "x.png"], "not a CIFAR-10 model saved by `python -m classifiers train`"),
    (["evaluate", "{missing}/model.npz"], "no model file at"),
], ids=["unknown flag", "zero lr", "negative lr", "negative lr exponent", "negative reg", "lr not a number", "zero batch",
        "unwritable out", "missing data", "corrupt data", "foreign model", "foreign model predict",
        "classifier without preprocessing", "missing model"])
def test_bad_input_gets_one_line_and_status_2(tmp_path, args, message):
    corrupt = tmp_path / "corrupt" / data_utils.FOLDER
    corrupt.mkdir(parents=True)
    for name in data_utils.TRAIN_BATCHES + (data_utils.TEST_BATCH,):
        (corrupt / name).write_bytes(b"\x80\x02}q\x00(U\x04data")         # a truncated pickle
    np.savez(tmp_path / "foreign.npz", weights=np.zeros(3))
    Softmax(np.zeros((3073, 10))).save(tmp_path / "bare.npz")
    paths = {"missing": tmp_path / "missing", "corrupt": tmp_path / "corrupt", "foreign": tmp_path / "foreign.npz",
             "bare": tmp_path / "bare.npz"}
    proc = run_cli(*[a.format(**paths) for a in args])
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "softmax-cifar10")
    require(os.path.exists(script), "the package is not installed in this environment (pip install -e .)")
    proc = subprocess.run([script, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "train" in proc.stdout and "predict" in proc.stdout


def test_help_explains_every_flag():
    proc = run_cli("train", "--help")
    assert proc.returncode == 0
    for flag in ("--data-dir", "--no-download", "--sample", "--out", "--seed", "--classic", "--preprocess",
                 "--dtype", "--lr", "--reg", "--epochs", "--num-iters", "--batch-size", "--momentum",
                 "--lr-decay", "--average-epochs", "--no-mirror", "--quiet"):
        assert flag in proc.stdout


def test_ctrl_c_keeps_the_best_model_and_says_where(tmp_path, monkeypatch, capsys):
    from classifiers import recipe
    calls = []
    original = recipe.train

    def interrupt_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(recipe, "train", interrupt_second)
    code = main(["train", *FAST, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 130
    assert f"is saved in {tmp_path / 'model.npz'}" in err and "interrupted: the best model so far" in err
    assert CifarModel.load(tmp_path / "model.npz").hyperparams["reg"] == 1e-2
    assert json.loads((tmp_path / "results.json").read_text())["interrupted"] is True


def test_classic_flags_set_the_classic_recipe():
    from classifiers.__main__ import build_parser, config_from_args
    cfg = config_from_args(build_parser().parse_args(["train", "--classic"]))
    assert (cfg.preprocess, cfg.learning_rates, cfg.regs, cfg.num_iters, cfg.batch_size, cfg.momentum,
            cfg.mirror, cfg.average_epochs, cfg.replace) == ("mean", (1e-7,), (2.5e4,), 1500, 200, 0.0,
                                                             False, 0.0, True)
    cfg = config_from_args(build_parser().parse_args(["train", "--classic", "--lr", "2e-7", "--epochs", "2"]))
    assert cfg.learning_rates == (2e-7,) and cfg.num_iters is None and cfg.epochs == 2


@pytest.mark.slow
def test_default_command_reaches_the_accuracy_floor_on_full_cifar10(cifar10_dir, tmp_path):
    proc = run_cli("train", "--data-dir", str(cifar10_dir.parent), "--out", str(tmp_path), "--quiet", "--seed", "0")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["data"].startswith("CIFAR-10 from")
    assert results["test_acc"] >= 0.41, results["test_acc"]
    print(f"default command: test accuracy {results['test_acc']:.4f}, {results['seconds']['total']:.1f} s")


def test_a_diverging_configuration_is_reported_and_skipped(tmp_path):
    proc = run_cli("train", "--sample", "--quiet", "--epochs", "1", "--lr", "1e-3", "1e9", "--reg", "1e-2",
                   "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "lr=1e+09 reg=0.01 diverged; lower the learning rate" in proc.stdout
    rows = json.loads((tmp_path / "results.json").read_text())["search"]
    assert "diverged at iteration" in rows[1]["diverged"]
    assert CifarModel.load(tmp_path / "model.npz").hyperparams["learning_rate"] == 1e-3
    assert any(line.split()[-2] == "diverged" for line in proc.stdout.splitlines() if "1e+09" in line)


def test_only_the_packages_own_errors_become_one_line(monkeypatch, capsys, tmp_path):
    # a ValueError from a bug inside the package is not the user's fault: it keeps its traceback
    from classifiers import pipeline

    def buggy(*args, **kwargs):
        raise ValueError("an internal bug")

    monkeypatch.setattr(pipeline, "load_splits", buggy)
    with pytest.raises(ValueError, match="an internal bug"):
        main(["train", *FAST, "--out", str(tmp_path)])
    from classifiers.validation import InvalidValueError

    def bad_input(*args, **kwargs):
        raise InvalidValueError("a message for the user")

    monkeypatch.setattr(pipeline, "load_splits", bad_input)
    assert main(["train", *FAST, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: a message for the user\n"
