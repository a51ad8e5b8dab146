"""The Gradescope autograder zip, run locally with its root redirected to a temporary folder."""
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy
import threadpoolctl
import pytest

from instructor import gradescope

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


def install(tmp_path, options=()):
    """The autograder laid out as Gradescope does: source/, run_autograder, submission/, results/."""
    bundle = tmp_path / "autograder.zip"
    assert gradescope.main([str(bundle), *options]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A fresh venv that has what setup.sh installs (numpy, threadpoolctl) and nothing else: it cannot see this
    checkout (nor its editable install), as Gradescope's image after setup.sh cannot."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    numpy_dir = Path(numpy.__file__).parent
    for name in (numpy_dir.name, numpy_dir.name + ".libs"):
        if (numpy_dir.parent / name).exists():
            os.symlink(numpy_dir.parent / name, Path(site) / name)
    os.symlink(threadpoolctl.__file__, Path(site) / "threadpoolctl.py")
    probe = "import importlib.util as u; print([m for m in ('data_utils', 'classifiers', 'instructor') if u.find_spec(m)])"
    seen = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=venv).stdout
    assert seen.strip() == "[]", seen
    return str(python)


def run_autograder(root, python):
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python)
    subprocess.run(["bash", str(root / "run_autograder")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return json.loads((root / "results" / "results.json").read_text())


def test_bundle_follows_gradescopes_layout(tmp_path):
    bundle = tmp_path / "a.zip"
    gradescope.main([str(bundle)])
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "instructor/grade.py", "instructor/harness.py",
            "classifiers/softmax.py", "data_utils/__init__.py", "checks/exercises/notebooks.py"} <= set(names)
    assert not any(n.startswith(("tests/", ".venv", "datasets/")) for n in names)


@pytest.mark.slow
def test_run_autograder_grades_the_submission_folder(tmp_path, bare_python):
    root = install(tmp_path)
    shutil.copytree(SUBMISSIONS / "cs231n_old", root / "submission")
    results = run_autograder(root, bare_python)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == 51
    assert all(set(t) == {"name", "score", "max_score", "output"} for t in results["tests"])


@pytest.mark.slow
def test_run_autograder_options_and_fake_results_json(tmp_path, bare_python):
    root = install(tmp_path, ["--accept-half-reg"])
    (root / "submission").mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "half_reg" / "softmax.py", root / "submission")
    results = run_autograder(root, bare_python)
    naive = {t["name"]: t["score"] == t["max_score"] for t in results["tests"] if "naive" in t["name"]}
    assert naive["softmax_loss_naive: regularization in the loss"]

    fake = (SUBMISSIONS / "hostile_fake_results" / "softmax.py").read_text()
    target = root / "results" / "results.json"
    (root / "submission" / "softmax.py").write_text(fake.replace("@RESULTS@", str(target)))
    results = run_autograder(root, bare_python)
    assert results["score"] < 1000 and len(results["tests"]) == 43


def test_run_autograder_keeps_the_graders_message_for_an_unreadable_submission(tmp_path, bare_python):
    root = install(tmp_path)
    (root / "submission").mkdir(parents=True)
    os.symlink(SUBMISSIONS / "half_reg" / "softmax.py", root / "submission" / "softmax.py")
    results = run_autograder(root, bare_python)
    assert results["score"] == 0 and "could not be read" in results["output"] and "symbolic link" in results["output"]


def test_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        gradescope.main(["out.tar"])
    assert "must end in .zip" in capsys.readouterr().err
