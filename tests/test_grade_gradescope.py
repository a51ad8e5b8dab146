"""The Gradescope autograder zip, run locally with its root redirected to a temporary folder: with
namespaces (as here), and as Gradescope runs it, as root in a container where creating namespaces
fails (tests/no_namespaces.py), where each child runs as the account setup.sh made."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import numpy
import threadpoolctl
import pytest

from assignment_checks.exercises import EXERCISES
from conftest import CS231N_TOTAL, hold, require
from instructor import grade, gradescope

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
NO_NAMESPACES = Path(__file__).resolve().parent / "no_namespaces.py"


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
    probe = "import importlib.util as u; print([m for m in ('cifar10_data', 'classifiers', 'instructor') if u.find_spec(m)])"
    seen = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=venv).stdout
    assert seen.strip() == "[]", seen
    return str(python)


def run_autograder(root, python=None, seccomp=False):
    """run_autograder as Gradescope runs it (as root); ``seccomp``: where namespaces cannot be created."""
    env = dict(os.environ, AUTOGRADER_ROOT=str(root))
    if seccomp:
        hold("student")             # the account its children run as
    if python:
        env["AUTOGRADER_PYTHON"] = python
    command = ["bash", str(root / "run_autograder")]
    subprocess.run([sys.executable, str(NO_NAMESPACES), *command] if seccomp else command, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=900)
    return json.loads((root / "results" / "results.json").read_text())


def test_bundle_holds_only_what_the_grader_needs(tmp_path):
    """The grader's modules, the harness it hands its children and the solution it cuts into the edition:
    not the release tool or the bundle builder (before: all of instructor/)."""
    bundle = tmp_path / "a.zip"
    gradescope.main([str(bundle)])
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {"setup.sh", "run_autograder", "instructor/grade.py", "instructor/harness.py",
            "instructor/sandbox.py", "instructor/isolation.py", "classifiers/softmax.py",
            "assignment_checks/exercises/linear_losses.py"} <= names
    assert names == {"setup.sh", "run_autograder"} | set(grade.repo_sources(gradescope.SOURCES))
    assert not names & {"instructor/release.py", "instructor/gradescope.py", "instructor/expected.py"}
    assert not any(n.startswith(("tests/", ".venv", "datasets/", "notebooks/")) for n in names)


@pytest.mark.parametrize("options, says", [((), "--layout package"), (("--layout", "cs231n"), "--layout cs231n")])
def test_the_bundle_grades_the_layout_the_instructor_chose(tmp_path, options, says):
    """Not the one a submission comes in (tests/test_grade.py: the maximum is the assignment's)."""
    bundle = tmp_path / "a.zip"
    assert gradescope.main([str(bundle), *options]) == 0
    run = zipfile.ZipFile(bundle).read("run_autograder").decode()
    assert says in run.split("-m instructor grade", 1)[1], run


@pytest.mark.slow
def test_run_autograder_grades_the_submission_folder(tmp_path, bare_python):
    root = install(tmp_path, ["--layout", "cs231n"])       # CS231n's assignment: CS231N_TOTAL points
    shutil.copytree(SUBMISSIONS / "cs231n_old", root / "submission")
    results = run_autograder(root, bare_python)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == CS231N_TOTAL
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
    assert results["score"] < 1000
    assert len(results["tests"]) == sum(len(e.properties) for e in EXERCISES if not e.manual)


def test_run_autograder_keeps_the_graders_message_for_an_unreadable_submission(tmp_path, bare_python):
    root = install(tmp_path)
    (root / "submission").mkdir(parents=True)
    os.symlink(SUBMISSIONS / "half_reg" / "softmax.py", root / "submission" / "softmax.py")
    results = run_autograder(root, bare_python)
    assert results["score"] == 0 and "could not be read" in results["output"] and "symbolic link" in results["output"]


def test_a_zip_left_in_the_submission_folder_is_graded_as_that_zip(tmp_path, bare_python):
    """Before, a zip uploaded as it is scored 0 with "no graded file was found"."""
    root = install(tmp_path)
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(root / "submission" / "submission.zip", "w") as archive:
        archive.write(SUBMISSIONS / "log10" / "softmax.py", "classifiers/softmax.py")
    results = run_autograder(root, bare_python)
    zipped = grade.grade_one(SUBMISSIONS / "log10", grade.Options())
    assert results["score"] == zipped["score"] == 9
    assert "the zip submission.zip in the folder was graded" in results["output"]


def test_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        gradescope.main(["out.tar"])
    assert "must end in .zip" in capsys.readouterr().err


# ---------------------------------------------------------------- as on Gradescope: setup.sh, no namespaces

def test_setup_sh_installs_into_a_virtual_environment_on_an_externally_managed_python(autograder_image):
    """Before, setup.sh ran `python3 -m pip install numpy`, which a Python marked by PEP 668 refuses:
    every student then got 0 with "The autograder itself failed"."""
    venv_python = autograder_image / "venv" / "bin" / "python"
    base = subprocess.run([str(venv_python), "-c", "import sys, sysconfig; print(sysconfig.get_path('stdlib', "
                                                   "vars={'installed_base': sys.base_prefix}))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    require(os.path.exists(os.path.join(base, "EXTERNALLY-MANAGED")), f"the system Python ({base}) is not "
            f"marked externally managed here, so this does not test PEP 668")
    done = subprocess.run([str(venv_python), "-c", "import numpy; print(numpy.__file__)"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith(str(autograder_image / "venv"))
    assert oct(os.stat(autograder_image / "source").st_mode & 0o777) == "0o700"


def whoami_submission(folder, secrets):
    """A softmax.py whose error says who runs it and which of ``secrets`` it can read."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "softmax.py").write_text(
        "import os\n\n\ndef softmax_loss_naive(W, X, y, reg):\n"
        f"    readable = [p for p in {[str(p) for p in secrets]!r} if os.access(p, os.R_OK)]\n"
        "    raise RuntimeError(f'uid {os.getuid()} reads {readable}')\n")


@pytest.mark.slow
def test_without_namespaces_each_child_runs_as_the_student_account(autograder_image, tmp_path):
    """Where namespaces cannot be created (Docker's default seccomp profile), run_autograder grades as
    well, each child running as the account setup.sh made, which can read nothing of the grader."""
    from conftest import account
    uid, _ = account("student")
    root = autograder_image
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.copytree(SUBMISSIONS / "cs231n_old", root / "submission")
    results = run_autograder(root, seccomp=True)
    assert results["score"] == CS231N_TOTAL, results["output"]
    shutil.rmtree(root / "submission")
    whoami_submission(root / "submission", [root / "source", root / "source" / "instructor" / "grade.py",
                                            root / "results", root / "submission", root, "/root"])
    results = run_autograder(root, seccomp=True)
    said = next(t for t in results["tests"] if t["name"] == "softmax_loss_naive: loss value")["output"]
    assert f"uid {uid} reads []" in said, said


@pytest.mark.slow
def test_without_namespaces_the_attacks_still_fail(autograder_image, tmp_path):
    """The attacks of tests/test_grade_hostile.py that reach beyond the child, against run_autograder
    as Gradescope runs it, with the separate account as the only sandbox."""
    root, token = autograder_image, uuid.uuid4().hex
    results_file = root / "results" / "results.json"
    source = {p: p.read_bytes() for p in (root / "source").rglob("*") if p.is_file()}

    def run(fixture, **replace):
        shutil.rmtree(root / "submission", ignore_errors=True)
        shutil.copytree(SUBMISSIONS / fixture, root / "submission")
        path = root / "submission" / "softmax.py"
        text = path.read_text()
        for key, value in replace.items():
            text = text.replace(f"@{key}@", str(value))
        path.write_text(text)
        return run_autograder(root, seccomp=True)

    try:
        results = run("hostile_read_grader")
        assert results["score"] == 0
        assert "# BEGIN SOLUTION" not in json.dumps(results) and "nothing of the grader was found" in json.dumps(results)

        results = run("hostile_daemon", RESULTS=repr(str(results_file)), CSV=repr(str(tmp_path / "x.csv")),
                      TOKEN=token, DELAY=2)
        written = results_file.read_text()
        time.sleep(3)
        assert results_file.read_text() == written and json.loads(written)["score"] == 11

        outside = tmp_path / "outside"
        outside.mkdir()
        results = run("hostile_write_everywhere", TOKEN=token, OUTSIDE=outside)
        assert results["score"] == 11
        assert {p: p.read_bytes() for p in (root / "source").rglob("*") if p.is_file()} == source
        # /tmp and /dev/shm are writable by any account: what it left there is removed after it
        assert [p for p in (outside / token, Path("/tmp") / token, Path("/dev/shm") / token) if p.exists()] == []

        results = run("hostile_fork_bomb", MOST=1000)
        assert results["score"] == 11, results

        heard = []
        with socket.socket() as listener:       # without a network namespace, seccomp refuses the socket
            listener.bind(("127.0.0.1", 0))
            listener.listen(4)
            listener.settimeout(0.1)
            results = run("hostile_network", PORT=listener.getsockname()[1], TOKEN=token)
            try:
                heard.append(listener.accept())
            except OSError:
                pass
        assert results["score"] == 11 and heard == []
    finally:
        from test_grade_hostile import kill_processes_with
        kill_processes_with(token)
        for folder in ("/tmp", "/dev/shm"):
            for p in Path(folder).glob(f"*{token}*"):
                p.unlink()
