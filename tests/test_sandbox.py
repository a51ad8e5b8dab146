"""The sandbox (instructor/sandbox.py) on its own: what a child sees, when its inputs arrive, whose clock
times it, that nothing of it outlives run_cases, and where it runs: as root (this suite), as a normal
user with bubblewrap, and nowhere without a sandbox unless asked."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest

from conftest import CS231N_TOTAL, ROOT, account, require, sandbox_problem
from instructor import grade, gradescope, isolation, sandbox
from test_grade_hostile import grader_copy, processes_with, kill_processes_with

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
NO_NAMESPACES = Path(__file__).resolve().parent / "no_namespaces.py"
CASE = {"W": np.ones((3, 2)), "X": np.ones((4, 3)), "y": np.zeros(4, np.int64), "reg": np.float64(0.1)}


def child_files(source):
    """The child's files for a submitted classifiers/softmax.py: the edition's, and that file."""
    return dict(grade.edition_sources(), **{"classifiers/softmax.py": source.encode()})


def run_source(source, cases=({},), limits=None):
    """Run ``source`` (a classifiers/softmax.py whose softmax_loss_naive is called once per case)."""
    task = {"exercise": "softmax_loss_naive", "cases": list(cases)}
    return sandbox.run_cases(task, [dict(CASE) for _ in cases], limits or sandbox.Limits(timeout=10.0),
                             files=child_files(source))


def said(run):
    """What the function said: the text of the RuntimeError it raised."""
    error = run.outcomes[0].error or ""
    assert error.startswith("RuntimeError: "), (error, run.import_error, run.printed)
    return error[len("RuntimeError: "):]


LOOK_AROUND = '''
import hashlib, json, os, sys
def softmax_loss_naive(W, X, y, reg):
    here = os.path.dirname(os.path.abspath(sys.argv[0]))
    box = sorted(os.path.relpath(os.path.join(d, f), here) for d, _, fs in os.walk(here) for f in fs)
    readable = [p for p in @PATHS@ if os.access(p, os.R_OK)]
    raise RuntimeError(json.dumps({"top": sorted(os.listdir("/"))[:40], "etc": sorted(os.listdir("/etc"))[:3],
                                   "box": [len(box), hashlib.sha256("|".join(box).encode()).hexdigest()],
                                   "readable": readable,
                                   "processes": sum(p.isdigit() for p in os.listdir("/proc")),
                                   "uid": os.getuid()}))
'''


def test_the_child_sees_its_runtime_its_files_and_its_scratch_only(sandboxed):
    secrets = [str(ROOT / "instructor" / "grade.py"), str(ROOT / "classifiers" / "softmax.py"), "/root", "/home",
               "/tmp", "/etc/passwd", "/var", str(Path(sys.executable).parent.parent)]
    seen = json.loads(said(run_source(LOOK_AROUND.replace("@PATHS@", repr(secrets)))))
    assert seen["readable"] == []
    assert not set(seen["top"]) & {"home", "root", "tmp", "var", "work", "srv", "opt"}, seen["top"]
    assert {"box", "scratch", "runtime", "usr", "proc", "dev"} <= set(seen["top"])
    assert seen["etc"] == ["ld.so.cache"]
    # its own folder: the harness, task.json and the files the grader handed it; no case's inputs
    expected = sorted([*child_files(""), "harness.py", "task.json"])
    assert seen["box"] == [len(expected), hashlib.sha256("|".join(expected).encode()).hexdigest()]
    assert seen["processes"] == 2       # bubblewrap's init and the harness
    assert seen["uid"] != 0


def test_without_a_sandbox_the_same_child_sees_everything():
    """The probe above can see: run unsandboxed, it reads the grader's files."""
    secrets = [str(ROOT / "instructor" / "grade.py")]
    seen = json.loads(said(run_source(LOOK_AROUND.replace("@PATHS@", repr(secrets)),
                                      limits=sandbox.Limits(timeout=10.0, isolation="none"))))
    assert seen["readable"] == secrets and "box" not in seen["top"]


def test_a_timed_case_is_timed_on_the_graders_clock(sandboxed):
    """The function sleeps 0.3 s with every clock of its process frozen: the grader's clock still
    says 0.3 s. An untimed case has no time."""
    source = '''
import time
time.perf_counter = time.monotonic = time.time = lambda: 0.0
def softmax_loss_naive(W, X, y, reg):
    time.sleep(0.3)
    return 0.0, W
'''
    run = run_source(source, cases=({"timed": True}, {}))
    assert 0.3 <= run.outcomes[0].seconds < 5 and run.outcomes[0].out is not None
    assert run.outcomes[1].seconds is None


def test_nothing_of_a_child_outlives_run_cases(sandboxed):
    """A daemon in a session of its own, double-forked, running a command that names a token."""
    token = uuid.uuid4().hex
    source = f'''
import os, sys
def softmax_loss_naive(W, X, y, reg):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", "{token}"])
        os._exit(0)
    return 0.0, W
'''
    try:
        run = run_source(source)
        assert run.outcomes[0].out is not None
        assert processes_with(token) == []
    finally:
        kill_processes_with(token)


def test_a_result_for_another_case_answers_nothing(sandboxed):
    """The first call also writes, into the result pipe, a result for the next case: each case takes
    the result that names it, sent after its inputs, so each call's own answer counts."""
    source = """
import json, os, sys
calls = []
def softmax_loss_naive(W, X, y, reg):
    calls.append(1)
    if len(calls) == 1:
        forged = {"event": "result", "case": 1, "ok": True, "out": {"loss": {"number": 1234.0}}}
        os.write(int(sys.argv[2]), (json.dumps(forged) + "\\n").encode())
    return float(len(calls)), W
"""
    run = run_source(source, cases=({}, {}))
    assert [o.out["loss"]["number"] for o in run.outcomes] == [1.0, 2.0]


def test_a_result_far_larger_than_its_case_says_so():
    """A dW of 1000 x 1000 for a W of 3 x 2 (8 MB of values, past the case's 88 KB): the grader would drop the
    line unread, so the harness sends an error saying why instead (without it the case ran to its time limit)."""
    source = "import numpy as np\ndef softmax_loss_naive(W, X, y, reg):\n    return 0.0, np.zeros((1000, 1000))\n"
    error = run_source(source).outcomes[0].error
    assert error.startswith("it returned 10.7 MB of values, more than the grader reads for this case (0.1 MB"), error


def test_a_line_of_many_brackets_is_not_parsed():
    """Lists of empty lists take the JSON parser 28 times the line: a line with more brackets and commas than
    any result has is garbled, unparsed, whatever its length."""
    right = json.dumps({"event": "result", "case": 0, "ok": True, "out": {"loss": {"number": 1.0}}}).encode()
    assert sandbox.Child._parse(right)["ok"] is True
    assert sandbox.Child._parse(b'{"event": "x", "lists": [' + b"[]," * 5000 + b"[]]}") == {"event": "garbled"}


def test_the_harness_computes_no_right_answer():
    """The harness defines no function that takes a loss's arguments, and the train case's recording loss
    (in the exercise's definition) returns neither the softmax nor the SVM loss or gradient: a submission
    in the child's process finds no answer to take."""
    import inspect
    from assignment_checks.exercises.linear_classifier import least_squares
    from classifiers.linear_svm import svm_loss_vectorized
    from classifiers.softmax import softmax_loss_vectorized
    from instructor import harness
    takers = [name for name, f in inspect.getmembers(harness, inspect.isfunction)
              if {"W", "X", "y", "reg"} <= set(inspect.signature(f).parameters)]
    assert takers == []
    rng = np.random.default_rng(0)
    W, X, y = rng.standard_normal((5, 4)), rng.standard_normal((8, 5)), rng.integers(0, 4, 8)
    answers = [v for f in (softmax_loss_vectorized, svm_loss_vectorized) for v in f(W, X, y, 0.1)]
    for value in least_squares(W.copy(), X.copy(), y.copy(), 0.1):
        assert not any(np.shape(value) == np.shape(a) and np.allclose(value, a) for a in answers)


def test_printable_removes_controls_and_escapes_surrogates():
    assert sandbox.printable("a\x1b[2Jb\x9bc\u202ed\ud800e\tf\ng") == "a[2Jbcd\\ud800e\tf\ng"
    sandbox.printable("\udcff").encode("utf-8")      # writable as UTF-8


# ---------------------------------------------------------------- where it runs

def as_user(name, command, cwd, timeout=600):
    """``command`` run as the account ``name`` (runuser), its output."""
    return subprocess.run(["runuser", "-u", name, "--", *map(str, command)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def user_checkout(tmp_path_factory, autograder_image):
    """The grader's sources, two submissions and an output folder owned by a normal account, and a Python
    with numpy it may run (the virtual environment setup.sh made)."""
    require(shutil.which("runuser") is not None, "runuser (util-linux) is not installed")
    uid, gid = account("grader-test")
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="user-checkout-"))
    for rel, data in grade.repo_sources(gradescope.SOURCES).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    shutil.copytree(SUBMISSIONS / "cs231n_old", folder / "good")
    shutil.copytree(SUBMISSIONS / "hostile_read_grader", folder / "hostile")
    shutil.copy(NO_NAMESPACES, folder)      # the checkout may be in a folder the account cannot enter
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(folder)], check=True)
    os.chmod(folder, 0o755)
    yield folder, str(autograder_image / "venv" / "bin" / "python")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_as_a_normal_user_with_bubblewrap(user_checkout, sandboxed):
    """An instructor's laptop: the grader runs as a normal user and seals each child with unprivileged
    user namespaces."""
    folder, python = user_checkout
    done = as_user("grader-test", [python, "-m", "instructor", "grade", "good", "hostile", "--csv", "book.csv",
                                   "--layout", "cs231n", "--quiet"], folder)
    assert done.returncode == 0, done.stderr
    assert f"good: {CS231N_TOTAL} / {CS231N_TOTAL}" in done.stdout and f"hostile: 0 / {CS231N_TOTAL}" in done.stdout
    check = as_user("grader-test", [python, "-c", "from instructor import isolation; print(isolation.find().kind)"],
                    folder)
    assert check.stdout.strip() == "namespaces", check.stderr


@pytest.mark.slow
@pytest.mark.parametrize("way", ["race", "read-only"])
def test_the_grader_changes_nothing_outside_the_scratch_folder(user_checkout, way, sandboxed):
    """As a normal user, the grader cannot list a folder of mode 000, nor remove a link from a folder of mode
    500, in a scratch folder; it opened them up with chmod, which followed a symbolic link swapped in for the
    folder by the watchdog's side, or the link itself when removing the folder, and changed the mode of a
    file of the grader's user (tests/submissions/hostile_chmod_race: 0644 to 0700)."""
    folder, python = user_checkout
    victim = folder / "victim"
    victim.write_text("the grader's own file\n")
    os.chmod(victim, 0o644)
    shutil.rmtree(folder / "race", ignore_errors=True)
    shutil.copytree(SUBMISSIONS / "hostile_chmod_race", folder / "race")
    path = folder / "race" / "softmax.py"
    path.write_text(path.read_text().replace("@VICTIM@", str(victim)).replace("@WAY@", way))
    uid, gid = account("grader-test")
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(folder / "race"), str(victim)], check=True)
    done = as_user("grader-test", [python, "-m", "instructor", "grade", "race", "--quiet"], folder)
    assert done.returncode == 0, done.stderr
    assert oct(victim.stat().st_mode & 0o777) == oct(0o644)


@pytest.mark.slow
def test_no_sandbox_refuses_unless_asked_and_says_what_is_not_protected(user_checkout):
    """A normal user where namespaces cannot be created (and who cannot switch users): grade refuses;
    with --no-sandbox it grades and says in one line what it does not protect."""
    folder, python = user_checkout
    refused = as_user("grader-test", [python, NO_NAMESPACES.name, python, "-m", "instructor", "grade", "good",
                                      "--quiet"], folder)
    assert refused.returncode == 2 and refused.stdout == ""
    assert "no sandbox can run here" in refused.stderr and "--no-sandbox" in refused.stderr
    graded = as_user("grader-test", [python, NO_NAMESPACES.name, python, "-m", "instructor", "grade", "good",
                                     "--layout", "cs231n", "--no-sandbox"], folder)
    assert graded.returncode == 0 and f"good: {CS231N_TOTAL} / {CS231N_TOTAL}" in graded.stdout, graded.stdout + graded.stderr
    warning = [line for line in graded.stderr.splitlines() if line]
    assert len(warning) == 1 and warning[0].startswith("warning: --no-sandbox: submitted code runs as grader-test")


def test_user_mode_refuses_when_its_account_can_read_the_grader(tmp_path):
    """Without namespaces the account is the only wall: grade checks it cannot read the grader's files."""
    require(os.geteuid() == 0, "user mode needs root")
    account("student")
    folder = Path(__import__("tempfile").mkdtemp(prefix="readable-grader-"))
    try:
        for rel, data in grade.repo_sources(gradescope.SOURCES).items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
        os.chmod(folder, 0o755)
        done = subprocess.run([sys.executable, "-m", "instructor", "grade", str(SUBMISSIONS / "log10"), "--sandbox",
                               "user", "--sandbox-user", "student"], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 2 and done.stdout == ""
        assert f"the sandbox's account can read {folder}/instructor" in done.stderr, done.stderr
        for name in grade.SEALED:           # each folder with a solution region counts, not only the first
            os.chmod(folder / name, 0o700)
        os.chmod(folder / "assignment_checks", 0o755)
        done = subprocess.run([sys.executable, "-m", "instructor", "grade", str(SUBMISSIONS / "log10"), "--sandbox",
                               "user", "--sandbox-user", "student"], cwd=folder, capture_output=True, text=True)
        assert done.returncode == 2 and f"the sandbox's account can read {folder}/assignment_checks" in done.stderr, done.stderr
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def private_python(tmp_path_factory):
    """(a folder only root may enter, as ``mktemp -d`` makes, or a home folder; a Python in a virtual
    environment there whose numpy and threadpoolctl are there too: hard links, or copies)."""
    require(os.geteuid() == 0, "the folder is root's, and the grader runs as root")
    parent = tmp_path_factory.mktemp("private")
    os.chmod(parent, 0o700)
    venv = parent / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    for path, name in isolation._packages():
        if os.path.isdir(path):
            shutil.copytree(path, site / name, copy_function=isolation._link_or_copy)
        else:
            isolation._link_or_copy(path, site / name)
    return parent, str(python)


@pytest.mark.parametrize("mode", ["namespaces", "user"])
def test_grading_from_a_folder_only_its_owner_may_enter(private_python, mode):
    """The grader, its numpy and the submission in a folder of mode 0700, graded by root: the account that runs
    the child (nobody for bubblewrap, the sandbox's account in user mode) cannot read numpy there. Before,
    user mode refused ("the account cannot run Python with numpy"), and bubblewrap ran as root with the
    grader's Python bound at its own path (a private home folder showed in the child) and without the
    kernel's process limit. Now the grader links the runtime where every account may read it."""
    if mode == "namespaces":
        require(sandbox_problem() is None, f"the grader's sandbox cannot run here: {sandbox_problem()}")
    else:
        account("student")
    parent, python = private_python
    grader = grader_copy(parent / mode)
    shutil.copytree(SUBMISSIONS / "cs231n_old", parent / mode / "good")
    users = ["--sandbox-user", "student"] if mode == "user" else []
    done = subprocess.run([python, "-m", "instructor", "grade", parent / mode / "good", "--sandbox", mode, *users,
                           "--layout", "cs231n", "--quiet"], cwd=grader, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and f"good: {CS231N_TOTAL} / {CS231N_TOTAL}" in done.stdout, done.stdout + done.stderr
    if mode == "namespaces":
        probe = "from instructor import isolation; print(isolation.find('namespaces').drop)"
        drop = subprocess.run([python, "-c", probe], cwd=grader, capture_output=True, text=True, check=True).stdout
        assert drop.strip() == str(isolation.NOBODY)
