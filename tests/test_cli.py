"""The command line end to end: on the bundled sample (fast) and, for the accuracy floor, the full set."""
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error

import numpy as np
import pytest
from PIL import Image

import cifar10_data
from classifiers.linear_classifier import Softmax
from softmax_cifar10 import blas_kernel, pipeline, search
from softmax_cifar10.__main__ import main
from softmax_cifar10.pipeline import CifarModel
from conftest import ROOT, require, write_cifar_folder

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
    _, _, Xte, yte = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
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
    Xtr, ytr, _, _ = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
    Image.fromarray(Xtr[0]).save(tmp_path / "small.png")
    Image.fromarray(Xtr[1]).resize((96, 64)).save(tmp_path / "large.jpg")
    proc = run_cli("predict", str(out / "model.npz"), str(tmp_path / "small.png"), str(tmp_path / "large.jpg"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(str(tmp_path / "small.png"))
    probs = [float(part.split()[-1]) for part in lines[0].split("(")[1].rstrip(")").split(", ")]
    assert len(probs) == 3 and probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1
    proc = run_cli("evaluate", str(out / "model.npz"), "--data-dir", str(cifar10_data.SAMPLE_PATH.parent / "none"),
                   "--no-download")
    assert proc.returncode == 2 and "no CIFAR-10 data in" in proc.stderr


@pytest.mark.parametrize("args,message", [
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--lr", "0"], "argument --lr: must be a positive number, got 0"),
    (["train", "--lr", "-0.001"], "argument --lr: must be a positive number, got -0.001"),
    (["train", "--lr=-1e-3"], "argument --lr: must be a positive number, got -1e-3"),
    (["train", "--reg", "-1"], "argument --reg: must be a number >= 0, got -1"),
    (["train", "--lr", "-1e-3"], "argument --lr: must be a positive number, got -1e-3"),
    (["train", "--reg", "-2.5e4"], "argument --reg: must be a number >= 0, got -2.5e4"),
    (["train", "--lr", "abc"], "argument --lr: 'abc' is not a number"),
    (["train", "--batch-size", "0"], "must be a positive integer"),
    (["train", "--sample", "--out", "/proc/forbidden/run"], "cannot write to the output folder"),
    (["train", "--data-dir", "{missing}", "--no-download"], "no CIFAR-10 data in"),
    (["train", "--data-dir", "{corrupt}"], "is truncated or corrupt"),
    (["evaluate", "{foreign}"], "foreign.npz is not a model file saved by this package (it has entries"),
    (["predict", "{foreign}", "x.png"], "foreign.npz is not a model file saved by this package (it has entries"),
    (["predict", "{bare}", "x.png"], "bare.npz holds a Softmax classifier without the preprocessing statistics"),
    (["evaluate", "{missing}/model.npz"], "no model file at"),
], ids=["unknown flag", "zero lr", "negative lr", "negative lr exponent", "negative reg",
        "negative lr exponent spaced", "negative reg exponent", "lr not a number", "zero batch",
        "unwritable out", "missing data", "corrupt data", "foreign model", "foreign model predict",
        "classifier without preprocessing", "missing model"])
def test_bad_input_gets_one_line_and_status_2(tmp_path, args, message):
    corrupt = tmp_path / "corrupt" / cifar10_data.FOLDER
    corrupt.mkdir(parents=True)
    for name in cifar10_data.TRAIN_BATCHES + (cifar10_data.TEST_BATCH,):
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
    for flag in ("--model", "--data-dir", "--no-download", "--sample", "--out", "--seed", "--classic", "--preprocess",
                 "--dtype", "--lr", "--reg", "--epochs", "--num-iters", "--batch-size", "--momentum",
                 "--lr-decay", "--average-epochs", "--no-mirror", "--quiet", "--jobs"):
        assert flag in proc.stdout


def interrupt_after(count, monkeypatch):
    """Make Ctrl-C arrive in the search's parent after ``count`` configurations have finished."""
    original = search._finished_configurations

    def interrupted(*args):
        finished = original(*args)
        try:
            for _ in range(count):
                yield next(finished)
            raise KeyboardInterrupt
        finally:
            finished.close()

    monkeypatch.setattr(search, "_finished_configurations", interrupted)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_keeps_the_best_model_and_says_where(tmp_path, monkeypatch, capsys, jobs):
    interrupt_after(1, monkeypatch)
    code = main(["train", *FAST, "--out", str(tmp_path), "--jobs", jobs])
    err = capsys.readouterr().err
    assert code == 130
    assert f"is saved in {tmp_path / 'model.npz'}" in err and "interrupted: the best model so far" in err
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["interrupted"] is True and len(results["search"]) == 1
    assert CifarModel.load(tmp_path / "model.npz").hyperparams["reg"] == results["best"]["reg"]


def test_classic_flags_set_the_classic_recipe():
    from softmax_cifar10.__main__ import build_parser, config_from_args
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
    doc = (ROOT / "docs" / "command-line.md").read_text()
    figure = re.search(r"^\| \(none: the default\) \| standardized float32 pixels.*\*\*(0\.\d{4})\*\* \|$", doc, re.M)
    if blas_kernel.runs_kernel():       # docs/command-line.md's figure to its last digit, where the command pins the kernel
        assert f"{results['test_acc']:.4f}" == figure.group(1)


def test_a_diverging_configuration_is_reported_and_skipped(tmp_path):
    proc = run_cli("train", "--sample", "--quiet", "--epochs", "1", "--lr", "1e-3", "1e9", "--reg", "1e-2",
                   "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "lr=1e+09 reg=0.01 diverged; lower the learning rate" in proc.stdout
    rows = json.loads((tmp_path / "results.json").read_text())["search"]
    assert "diverged at iteration" in rows[1]["diverged"]
    assert CifarModel.load(tmp_path / "model.npz").hyperparams["learning_rate"] == 1e-3
    assert any(line.split()[-2] == "diverged" for line in proc.stdout.splitlines() if "1e+09" in line)


# ============================================================================ messages and behaviour (issue 12)

def offline_download(root, log=print, **kwargs):
    """What download_CIFAR10 does on a machine without network."""
    log(f"downloading https://example.invalid/cifar-10-python.tar.gz to {root}")
    raise cifar10_data.DownloadError("could not download CIFAR-10 from https://example.invalid/cifar-10-python.tar.gz "
                                   "([Errno -2] Name or service not known). Without network: copy the official "
                                   "folder, or pass --data-dir pointing at it")


def offline_urlopen(*args, **kwargs):
    """What urllib does on a machine without network."""
    raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))


def test_a_data_dir_is_not_created_when_nothing_is_downloaded_into_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cifar10_data.download.urllib.request, "urlopen", offline_urlopen)
    code = main(["train", "--data-dir", str(tmp_path / "nonexistent" / "cifar"), "--quiet", "--out",
                 str(tmp_path / "run")])
    assert code == 2 and "could not download" in capsys.readouterr().err
    assert not (tmp_path / "nonexistent").exists()
    assert main(["download", "--data-dir", str(tmp_path / "other")]) == 2
    assert not (tmp_path / "other").exists()


def test_offline_the_data_home_is_not_created_by_a_run_on_the_sample(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cifar10_data.download.urllib.request, "urlopen", offline_urlopen)
    monkeypatch.setattr(cifar10_data.layout, "DATASETS_DIR", tmp_path / "softmax_data")     # as when pip-installed
    assert main(["train", "--epochs", "1", "--lr", "1e-3", "--reg", "1e-2", "--quiet", "--out",
                 str(tmp_path / "run")]) == 0
    assert "notice: using the bundled sample" in capsys.readouterr().out
    assert not (tmp_path / "softmax_data").exists()


def test_seed_is_checked_and_named_before_any_data_is_loaded(tmp_path, monkeypatch):
    proc = run_cli("train", "--seed", "-1", "--data-dir", str(tmp_path / "missing"), "--no-download")
    assert proc.returncode == 2 and "argument --seed: must be an integer >= 0, got -1" in proc.stderr
    loaded = []
    monkeypatch.setattr(pipeline, "load_splits", lambda *a, **k: loaded.append(1))
    with pytest.raises(ValueError, match=r"seed \(--seed\) must be an integer >= 0, got -1"):
        pipeline.train(pipeline.TrainConfig(seed=-1, out=str(tmp_path / "run")))
    assert not loaded and not (tmp_path / "run").exists()


@pytest.mark.parametrize("command", ["evaluate", "predict"])
@pytest.mark.parametrize("kind", ["png", "text", "results.json", "foreign npz", "classifier npz"])
def test_a_file_that_is_not_a_model_gets_one_plain_message(sample_run, tmp_path, command, kind):
    """Whatever the file is, one wording: "PATH is not a model file saved by this package (why)"."""
    out, _ = sample_run
    path = {"png": out / "loss.png", "results.json": out / "results.json", "text": tmp_path / "notes.txt",
            "foreign npz": tmp_path / "foreign.npz", "classifier npz": tmp_path / "other.npz"}[kind]
    if kind == "text":
        path.write_text("not a model\n")
    if kind == "foreign npz":
        np.savez(path, weights=np.zeros(3))
    if kind == "classifier npz":                   # an .npz of another format (an older model's, another tool's)
        np.savez(path, format=np.array("someone-else/classifier"), W=np.zeros((3073, 10)))
    proc = run_cli(command, str(path), *([str(out / "loss.png")] if command == "predict" else []))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {path} is not a model file saved by this package (")
    assert "pickle" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_evaluate_takes_a_run_folder_and_reads_only_the_test_batch(sample_run, tmp_path):
    out, _ = sample_run
    folder, Xte, yte = write_cifar_folder(tmp_path, corrupt=cifar10_data.TRAIN_BATCHES)
    proc = run_cli("evaluate", str(out), "--data-dir", str(tmp_path), "--no-download")
    assert proc.returncode == 0, proc.stderr
    expected = np.mean(CifarModel.load(out / "model.npz").predict(Xte) == yte)
    assert f"test accuracy {expected:.4f} on {len(yte)} images" in proc.stdout
    proc = run_cli("evaluate", str(tmp_path), "--no-download")
    assert proc.returncode == 2 and f"no model.npz in the folder {tmp_path}" in proc.stderr


def test_predict_reports_an_unreadable_image_and_predicts_the_rest(sample_run, tmp_path):
    out, _ = sample_run
    Xtr, _, _, _ = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
    good = [tmp_path / "a.png", tmp_path / "b.png"]
    for path, image in zip(good, Xtr):
        Image.fromarray(image).save(path)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not an image")
    proc = run_cli("predict", str(out), str(good[0]), str(bad), str(good[1]))
    assert proc.returncode == 2
    assert [line.split(":")[0] for line in proc.stdout.splitlines()] == [str(good[0]), str(good[1])]
    assert proc.stderr.strip() == f"error: {bad} is not an image Pillow can read (cannot identify image file " \
                                  f"{str(bad)!r})"


def test_a_missing_data_dir_is_not_told_to_pass_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cifar10_data.loading, "download_CIFAR10", offline_download)
    code = main(["train", "--data-dir", str(tmp_path / "nothing"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and f"no CIFAR-10 data in {tmp_path / 'nothing'}" in err
    assert "Name or service not known" in err and "--sample" in err and "pass --data-dir" not in err


def test_a_partial_data_folder_names_the_missing_files_and_is_not_downloaded_again(tmp_path, monkeypatch, capsys):
    folder, _, _ = write_cifar_folder(tmp_path)
    for name in ("data_batch_3", "data_batch_4", "data_batch_5"):
        (folder / name).unlink()
    downloads = []
    monkeypatch.setattr(cifar10_data.loading, "download_CIFAR10", lambda *a, **k: downloads.append(a))
    for data_dir in (tmp_path, None):
        monkeypatch.setattr(cifar10_data.layout, "DATASETS_DIR", tmp_path)
        code = main(["train", "--quiet", "--out", str(tmp_path / "run")]
                    + (["--data-dir", str(data_dir)] if data_dir else []))
        err = capsys.readouterr().err
        assert code == 2
        assert f"CIFAR-10 in {folder} is incomplete: data_batch_3, data_batch_4, data_batch_5 missing" in err
    assert downloads == []


def test_offline_the_fallback_to_the_sample_is_said_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cifar10_data.loading, "download_CIFAR10", offline_download)
    monkeypatch.setattr(cifar10_data.layout, "DATASETS_DIR", tmp_path / "datasets")
    assert main(["train", "--epochs", "1", "--lr", "1e-3", "--reg", "1e-2", "--quiet",
                 "--out", str(tmp_path / "r")]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if "sample" in line or "download" in line]
    assert len(said) == 1, said
    assert said[0].startswith("notice: using the bundled sample") and "Name or service not known" in said[0]


def test_runs_started_in_the_same_second_get_folders_of_their_own(tmp_path, monkeypatch):
    from datetime import datetime

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 2, 3, 4, 5)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "datetime", Frozen)
    first, created = pipeline.prepare_output(None)
    (first / "model.npz").write_bytes(b"the first run's model")
    assert main(["train", *FAST]) == 0
    assert (first / "model.npz").read_bytes() == b"the first run's model"
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["20260102-030405", "20260102-030405-2"]
    assert CifarModel.load(tmp_path / "runs" / "20260102-030405-2").hyperparams["learning_rate"] == 1e-3


def test_out_pointing_at_an_earlier_run_is_refused_and_left_alone(sample_run, tmp_path):
    out, _ = sample_run
    earlier = tmp_path / "earlier"
    shutil.copytree(out, earlier)
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}
    proc = run_cli("train", *FAST, "--out", str(earlier))
    assert proc.returncode == 2
    assert f"the output folder {earlier} holds an earlier run (model.npz, results.json)" in proc.stderr
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before


@pytest.mark.parametrize("args,message", [
    (["--sample", "--average-epochs", "10", "--epochs", "6"],
     r"average_epochs \(--average-epochs\) must be at most epochs \(--epochs\), got 10 > 6"),
    (["--sample", "--data-dir", "x"], "argument --data-dir: not allowed with argument --sample"),
    (["--sample", "--epoch", "1"], "unrecognized arguments: --epoch 1"),
    (["--sample", "--jobs", "0"], "argument --jobs: must be a positive integer, got 0"),
], ids=["average longer than training", "sample and data-dir", "abbreviated flag", "zero jobs"])
def test_contradictory_or_abbreviated_flags_are_refused(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) if "average" not in message else contextlib.nullcontext():
        assert main(["train", *args]) == 2
    assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


@pytest.mark.parametrize("args,prog,extra", [
    (["train", "--epoch", "3"], "train", "--epoch 3"),
    (["train", "--sample", "--bogus"], "train", "--bogus"),
    (["evaluate", "runs/x", "--top", "2"], "evaluate", "--top 2"),
    (["download", "--out", "x"], "download", "--out x"),
], ids=["abbreviated flag", "unknown flag", "another command's flag", "download"])
def test_an_unknown_flag_is_reported_by_its_command(capsys, args, prog, extra):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    assert capsys.readouterr().err == f"python -m classifiers {prog}: error: unrecognized arguments: {extra} (see --help)\n"


def test_classic_takes_the_flags_given_before_it_too_and_its_help_says_so():
    from softmax_cifar10.__main__ import build_parser, config_from_args, parse
    for args in (["--lr", "3e-7", "--classic", "--epochs", "2"], ["--epochs", "2", "--classic", "--lr", "3e-7"]):
        config = config_from_args(parse(build_parser(), ["train", *args]))
        assert config.learning_rates == (3e-7,) and config.epochs == 2 and config.num_iters is None
        assert config.momentum == 0.0 and config.regs == (2.5e4,)                 # the rest stays classic
    text = " ".join(run_cli("train", "--help").stdout.split())
    start = text.index("--classic the classic")
    classic = text[start:text.index("--preprocess", start)]
    assert "before or after it" in classic and "flags given after it" not in classic


def test_a_failed_or_early_interrupted_run_leaves_no_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--data-dir", str(tmp_path / "missing"), "--no-download"]) == 2
    assert not (tmp_path / "runs").exists()

    interrupt_after(0, monkeypatch)
    assert main(["train", *FAST, "--out", str(tmp_path / "new")]) == 130
    assert "nothing was saved" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_a_reader_that_stops_early_is_no_error(sample_run, tmp_path):
    out, _ = sample_run
    image = tmp_path / "a.png"
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(image)
    read, write = os.pipe()
    os.close(read)                                          # like `| head` after its lines
    try:
        proc = subprocess.run([sys.executable, "-m", "classifiers", "predict", str(out / "model.npz"),
                               *[str(image)] * 50],
                              stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    finally:
        os.close(write)
    assert proc.returncode == 0 and proc.stderr == ""


def test_help_states_each_default_once():
    text = " ".join(run_cli("train", "--help").stdout.split())       # unwrapped
    assert "(default: None)" not in text and "(default: True)" not in text and "(default:" not in text
    assert text.count("[default: standardize]") == 1 and "[default: download it]" in text
    assert "[default: 3]" in run_cli("predict", "--help").stdout


def test_the_console_script_names_itself_in_usage():
    script = os.path.join(os.path.dirname(sys.executable), "softmax-cifar10")
    require(os.path.exists(script), "the package is not installed in this environment (pip install -e .)")
    proc = subprocess.run([script, "train", "--help"], capture_output=True, text=True)
    assert proc.stdout.startswith("usage: softmax-cifar10 train")
    assert run_cli("--help").stdout.startswith("usage: python -m classifiers")


# ============================================================================ the parallel search (issue 12)

def strip_seconds(rows):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_the_search_gives_the_same_results_for_any_number_of_jobs_and_any_order(tmp_path):
    def run(name, jobs, lrs):
        config = pipeline.TrainConfig(sample=True, epochs=1, learning_rates=lrs, regs=(1e-2, 3e-2), jobs=jobs,
                                      progress=False, seed=5, out=str(tmp_path / name))
        results = pipeline.train(config, log=lambda message: None)
        return results, CifarModel.load(tmp_path / name).classifier.W

    sequential, W1 = run("one", 1, (1e-3, 2e-3))
    parallel, W2 = run("two", 2, (1e-3, 2e-3))
    reordered, W3 = run("reordered", 3, (2e-3, 1e-3))
    assert (sequential["jobs"], parallel["jobs"], reordered["jobs"]) == (1, 2, 3)
    assert strip_seconds(parallel["search"]) == strip_seconds(sequential["search"])
    assert strip_seconds(reordered["search"]) == strip_seconds(sequential["search"][2:] + sequential["search"][:2])
    assert np.array_equal(W1, W2) and np.array_equal(W1, W3)
    assert parallel["test_acc"] == sequential["test_acc"]


def test_the_search_trains_in_worker_processes_with_one_blas_thread_each(tmp_path, monkeypatch):
    from threadpoolctl import threadpool_info
    original = search.train_configuration

    def recording(*args):
        row, W, history = original(*args)
        row.update(pid=os.getpid(), blas_threads=sorted({pool["num_threads"] for pool in threadpool_info()}))
        return row, W, history

    monkeypatch.setattr(search, "train_configuration", recording)       # inherited by the forked workers
    config = pipeline.TrainConfig(sample=True, epochs=1, learning_rates=(1e-3, 2e-3), regs=(1e-2,), jobs=2,
                                  progress=False, out=str(tmp_path / "run"))
    rows = pipeline.train(config, log=lambda message: None)["search"]
    assert all(row["pid"] != os.getpid() for row in rows)
    assert all(row["blas_threads"] == [1] for row in rows)


def test_one_progress_bar_shows_the_accuracy_the_search_keeps(tmp_path, capsys):
    results = pipeline.train(pipeline.TrainConfig(sample=True, epochs=2, learning_rates=(1e-3, 2e-3), regs=(1e-2,),
                                                  jobs=2, out=str(tmp_path / "run")))
    err = capsys.readouterr().err
    assert "search, 2 at once" in err and "lr=" not in err                    # no bar per configuration
    assert f"best validation accuracy {results['val_acc']:.4f}" in err


def test_only_the_packages_own_errors_become_one_line(monkeypatch, capsys, tmp_path):
    # a ValueError from a bug inside the package is not the user's fault: it keeps its traceback
    from softmax_cifar10 import pipeline

    def buggy(*args, **kwargs):
        raise ValueError("an internal bug")

    monkeypatch.setattr(pipeline, "load_splits", buggy)
    with pytest.raises(ValueError, match="an internal bug"):
        main(["train", *FAST, "--out", str(tmp_path)])
    from softmax_safeguards.validation import InvalidValueError

    def bad_input(*args, **kwargs):
        raise InvalidValueError("a message for the user")

    monkeypatch.setattr(pipeline, "load_splits", bad_input)
    assert main(["train", *FAST, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: a message for the user\n"


# ============================================================================ the model seam (issue 19)

def test_a_second_model_kind_plugs_into_the_search_run_folder_evaluate_and_predict(tmp_path, monkeypatch):
    """A kind with one hyperparameter and CS231n's plain training loop: the search, the table, the run
    folder, evaluate and predict take it as they take the default one."""
    from softmax_cifar10 import models

    class PlainSGD(models.SoftmaxKind):
        name = "plain-sgd"
        hyperparameters = {"learning_rate": "lr"}

        def grid(self, config):
            return [{"learning_rate": lr} for lr in config.learning_rates]

        def train(self, hyper, data, options, seed):
            clf = Softmax()
            loss = clf.train(data["X_train"], data["y_train"], hyper["learning_rate"], 1e-3, num_iters=30, seed=seed)
            return clf, {"loss": loss, "val_acc": []}

    monkeypatch.setitem(models.KINDS, "plain-sgd", PlainSGD())
    config = pipeline.TrainConfig(model="plain-sgd", sample=True, learning_rates=(1e-4, 1e-3), progress=False,
                                  jobs=2, out=str(tmp_path / "run"))
    said = []
    results = pipeline.train(config, log=said.append)
    assert [sorted(row) for row in results["search"]] == [["final_loss", "learning_rate", "seconds", "val_acc"]] * 2
    assert any(line.startswith("[1/2] lr=") for line in said)
    table = pipeline.summary_table(results).splitlines()
    assert table[0].split() == ["learning", "rate", "val", "acc", "seconds"] and len(table) == 3
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["confusion.png", "loss.png", "model.npz",
                                                                   "results.json", "search.png", "weights.png"]
    model = CifarModel.load(tmp_path / "run")
    assert model.hyperparams["learning_rate"] == results["best"]["learning_rate"]
    _, _, Xte, yte = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
    assert np.mean(model.predict(Xte) == yte) == pytest.approx(results["test_acc"])
    assert len(pipeline.evaluate(tmp_path / "run", log=said.append)["per_class"]) == 10
    Image.fromarray(Xte[0]).save(tmp_path / "cat.png")
    assert main(["predict", str(tmp_path / "run"), str(tmp_path / "cat.png")]) == 0
