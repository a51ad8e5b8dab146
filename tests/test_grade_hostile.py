"""Hostile submissions cost the part they attack and nothing else, and reach nothing of the grader.

Each hostile softmax.py in tests/submissions/hostile_* attacks in softmax_loss_naive (or at
import) and, where it has one, a right softmax_loss_vectorized that must keep its full marks.
The tests after the first section take the attacks of the sealed-grader issue one class at a
time; each failed against the grader before the sandbox (instructor/sandbox.py).
"""
import contextlib
import ctypes
import html
import importlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pytest

from assignment_checks import local, values
import conftest
from assignment_checks.exercises import EXERCISES, by_name, linear_losses
from assignment_checks.framework import Failed
from conftest import CS231N_TOTAL, account, require
from instructor import grade, gradescope, harness, sandbox

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOFTMAX = {"softmax_loss_naive", "softmax_loss_vectorized"}
LIMITS = sandbox.Limits(timeout=3.0, memory_bytes=1 << 30)


def grade_softmax(folder, limits=LIMITS, only=SOFTMAX):
    result = grade.grade_one(folder, grade.Options(limits=limits), only=only)
    by_function = {}
    for t in result["tests"]:
        by_function.setdefault(t["name"].split(":")[0], []).append(t)
    return by_function


def copy_with(tmp_path, fixture, **replace):
    """A hostile fixture copied to tmp_path with its @PLACEHOLDERS@ filled in."""
    folder = tmp_path / fixture
    shutil.copytree(SUBMISSIONS / fixture, folder)
    path = folder / "softmax.py"
    text = path.read_text()
    for key, value in replace.items():
        text = text.replace(f"@{key}@", str(value))
    path.write_text(text)
    return folder


def grader_copy(tmp_path):
    """The grader's sources copied out of the checkout (those of the Gradescope bundle), to run as
    ``python -m instructor grade`` where a submission may attack the grader's process and files."""
    folder = tmp_path / "grader"
    for rel, data in grade.repo_sources(gradescope.SOURCES).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def run_grader(folder, args, timeout=300):
    """``python -m instructor grade ARGS`` run from ``folder``: the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "instructor", "grade", *map(str, args)], cwd=folder,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def processes_with(token):
    """The pids of processes whose command line holds ``token``."""
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                if token.encode() in f.read() and int(name) != os.getpid():
                    found.append(int(name))
        except (OSError, ValueError):
            pass
    return found


def kill_processes_with(token):
    for pid in processes_with(token):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def classmate(tmp_path):
    """A right CS231n submission, copied where a classmate's attack could reach it."""
    folder = tmp_path / "classmate"
    shutil.copytree(SUBMISSIONS / "cs231n_old", folder)
    return folder


def gradebook(path):
    """{submission: score} of a gradebook CSV."""
    rows = path.read_text().splitlines()[1:]
    return {row.split(",")[0]: float(row.split(",")[1]) for row in rows}


HOSTILE = [  # fixture, what the feedback of every naive test says
    pytest.param("hostile_infinite_loop", "time limit of 3 s", marks=pytest.mark.slow),
    ("hostile_sys_exit", "SystemExit"),
    ("hostile_os_exit_in_call", "the process exited with status 0 before returning"),
    ("hostile_keyboard_interrupt", "KeyboardInterrupt"),
    ("hostile_huge_allocation", "MemoryError"),
    ("hostile_lying_objects", "a Liar, not a number or numpy array"),
]


@pytest.mark.parametrize("fixture, says", HOSTILE)
def test_hostile_call_costs_only_that_function(fixture, says):
    tests = grade_softmax(SUBMISSIONS / fixture)
    naive, vectorized = tests["softmax_loss_naive"], tests["softmax_loss_vectorized"]
    assert all(t["score"] == 0 for t in naive), naive
    assert all(says in t["output"] for t in naive if t["score"] == 0), [t["output"] for t in naive]
    assert all(t["score"] == t["max_score"] for t in vectorized), [t["output"] for t in vectorized]


@pytest.mark.slow
def test_endless_loop_charges_two_cases_then_stops_waiting():
    tests = grade_softmax(SUBMISSIONS / "hostile_infinite_loop")["softmax_loss_naive"]
    assert "time limit" in tests[0]["output"]
    assert "not run, as two cases before it ended the process" in tests[-1]["output"]


@pytest.mark.slow
def test_alternating_hangs_cost_at_most_two_time_limits():
    """Every other case sleeps past the 3 s limit: a function that hits its time limit adds at most two
    limits, in a row or not (counting only those in a row, softmax_loss_naive's 12 cases took six, 18 s):
    after the second, the cases left are charged without being run."""
    outputs = [t["output"] for t in grade_softmax(SUBMISSIONS / "hostile_alternate_hang",
                                                  only={"softmax_loss_naive"})["softmax_loss_naive"]]
    not_run = [o for o in outputs if "not run, as two cases before it ended the process" in o]
    limits = [o for o in outputs if "ran longer than the time limit" in o and o not in not_run]
    assert not_run and len(limits) <= 2, outputs


@pytest.mark.parametrize("fixture, says", [
    ("hostile_os_exit_at_import", "exited with status 3"),
    ("hostile_syntax_error", "SyntaxError"),
])
def test_file_that_cannot_be_imported_costs_its_functions_only(tmp_path, fixture, says):
    folder = tmp_path / "sub"
    shutil.copytree(SUBMISSIONS / fixture, folder)
    shutil.copy(SUBMISSIONS / "cs231n_old/cs231n/classifiers/linear_svm.py", folder)
    result = grade.grade_one(folder, grade.Options(limits=LIMITS),
                             only=SOFTMAX | {"svm_loss_naive", "svm_loss_vectorized"})
    for t in result["tests"]:
        if t["name"].startswith("softmax"):
            assert t["score"] == 0 and "could not be imported" in t["output"] and says in t["output"], t
        else:
            assert t["score"] == t["max_score"], t


def test_a_file_too_deep_to_parse_costs_its_functions_only(tmp_path):
    """A softmax.py of one sum of 200,000 terms: Python cannot compile it, nor could the grader read its
    imports (RecursionError, not SyntaxError): before, the whole submission got "the grader failed" and 0."""
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "softmax.py").write_text("x = 1" + " + 1" * 200000 + "\n")
    shutil.copy(SUBMISSIONS / "cs231n_old/cs231n/classifiers/linear_svm.py", folder)
    result = grade.grade_safely(folder, grade.Options(limits=LIMITS))
    assert not result.get("unreadable"), result["output"]
    for t in result["tests"]:
        if t["name"].split(":")[0] in SOFTMAX:
            assert t["score"] == 0 and "could not be imported" in t["output"], t
        elif t["name"].startswith("svm_loss_"):
            assert t["score"] == t["max_score"], t


def test_parses_in_threads_side_by_side_read_every_file_right():
    """The grader grades submissions in threads (--jobs): a thread reading a file too deep to parse beside
    threads reading the solution's files. With ast.parse called as is, Python 3.11 gave correct files
    SystemError "AST constructor recursion depth mismatch" or RecursionError (CPython gh-106905): the
    import scan took such a file as importing nothing, the release's marker reader failed."""
    from instructor.markers import strip_python
    deep = "x = 1" + " + 1" * 200000 + "\n"
    grade_py, softmax_py = (ROOT / "instructor/grade.py").read_text(), (ROOT / "classifiers/softmax.py").read_text()
    imports, stripped = grade.imports_of(grade_py), strip_python(softmax_py, "classifiers/softmax.py")
    done, wrong = threading.Event(), []

    class Cycle:                        # garbage whose collection runs Python code, as a grader's does
        def __del__(self):
            pass

    def collect():
        while not done.is_set():
            cycle = Cycle()
            cycle.me = cycle

    def read_deep():
        while not done.is_set():
            wrong.extend(["deep file"] if grade.imports_of(deep) else [])

    def read(rounds):
        for _ in range(rounds):
            try:
                wrong.extend([] if grade.imports_of(grade_py) == imports else ["imports of grade.py"])
                wrong.extend([] if strip_python(softmax_py, "classifiers/softmax.py") == stripped else ["release"])
            except (SystemError, RecursionError) as exc:
                wrong.append(repr(exc))

    background = [threading.Thread(target=collect), threading.Thread(target=read_deep)]
    readers = [threading.Thread(target=read, args=(30,)) for _ in range(2)]
    for thread in background + readers:
        thread.start()
    for thread in readers:
        thread.join()
    done.set()
    for thread in background:
        thread.join()
    assert wrong == []


def test_megabytes_of_printing_are_drained_and_graded():
    tests = grade_softmax(SUBMISSIONS / "hostile_printing")
    assert all(t["score"] == t["max_score"] for ts in tests.values() for t in ts)


def test_patched_numpy_comparisons_do_not_reach_the_grader():
    tests = grade_softmax(SUBMISSIONS / "hostile_patch_numpy")
    scores = {t["name"].split(": ")[1]: t["score"] for t in tests["softmax_loss_naive"]}
    # it returns 0.0 and zeros: nothing, not even the tests of its form (tests/submissions/hostile_constant_stubs)
    assert not any(scores.values()), scores
    assert all(t["score"] == t["max_score"] for t in tests["softmax_loss_vectorized"])
    assert np.allclose(0.0, 1.0) is False     # and this process's numpy is untouched


@pytest.mark.parametrize("fixture", ["hostile_pickled_payload", "hostile_forged_result"])
def test_pickled_payloads_are_never_unpickled(tmp_path, fixture, monkeypatch):
    marker = tmp_path / "PAYLOAD_RAN"
    monkeypatch.chdir(tmp_path)
    folder = copy_with(tmp_path, fixture, MARKER=marker)
    result = grade.grade_one(folder, grade.Options(limits=LIMITS), only={"softmax_loss_naive"})
    assert not marker.exists()
    assert all(t["score"] == 0 for t in result["tests"])
    value = next(t for t in result["tests"] if t["name"].endswith("loss value"))["output"]
    assert ("could not be read safely" in value or "dtype object" in value), value


def test_fake_results_json_is_replaced_by_the_graders_own(tmp_path):
    results = tmp_path / "results" / "results.json"
    folder = copy_with(tmp_path, "hostile_fake_results", RESULTS=results)
    assert grade.main([str(folder), "--json", str(results), "--quiet"]) == 0
    written = json.loads(results.read_text())
    assert written["score"] < 1000
    assert "everything" not in {t["name"] for t in written["tests"]}
    assert len(written["tests"]) == sum(len(e.properties) for e in EXERCISES if not e.manual)


def test_hostile_submission_does_not_change_another_submissions_score(tmp_path):
    book = tmp_path / "grades.csv"
    subs = [str(SUBMISSIONS / "hostile_os_exit_in_call"), str(SUBMISSIONS / "cs231n_old")]
    assert grade.main(subs + ["--csv", str(book), "--jobs", "2", "--quiet", "--timeout", "3"]) == 0
    rows = book.read_text().splitlines()
    assert rows[2].split(",")[1] == f"{CS231N_TOTAL:.1f}"


def test_decode_refuses_object_arrays_and_foreign_values():
    import base64
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(values.ResultError, match="could not be read safely"):
        values.decode({"npy": base64.b64encode(buffer.getvalue()).decode()})
    with pytest.raises(values.ResultError):
        values.decode({"pickle": "gASVAAAAAAAAAAB9lC4="})
    assert values.decode({"number": 2}) == 2.0


# ---------------------------------------------------------------- reading the grader

def test_the_solution_and_the_hidden_cases_are_out_of_reach(sandboxed):
    """No loss code of its own: it looks for the grader's files from its command line, working folders
    and /autograder/source, and for the harness's reference in its own process. Before the sandbox it
    got full marks on softmax_loss_naive and printed the solution into softmax_loss_vectorized's feedback."""
    tests = grade_softmax(SUBMISSIONS / "hostile_read_grader")
    assert all(t["score"] == 0 for ts in tests.values() for t in ts), tests
    outputs = " ".join(t["output"] for ts in tests.values() for t in ts)
    assert "nothing of the grader was found" in outputs
    for secret in ("# BEGIN SOLUTION", "def loss_cases", "def regularization_loss"):
        assert secret not in outputs


# ---------------------------------------------------------------- results changed after the grader decided

def test_nothing_a_submission_starts_outlives_its_grading(tmp_path, sandboxed):
    """A double-forked daemon in a session of its own waits, then rewrites results.json and the
    gradebook: before the sandbox it escaped the process-group kill and did."""
    results, book, token = tmp_path / "results.json", tmp_path / "grades.csv", uuid.uuid4().hex
    folder = copy_with(tmp_path, "hostile_daemon", RESULTS=repr(str(results)), CSV=repr(str(book)), TOKEN=token,
                       DELAY=2)
    try:
        assert grade.main([str(folder), "--json", str(results), "--csv", str(book), "--quiet"]) == 0
        assert processes_with(token) == []
        written = results.read_text(), book.read_text()
        time.sleep(3)                   # past the daemon's delay
        assert (results.read_text(), book.read_text()) == written
        assert json.loads(written[0])["score"] == 11.0 and "1000" not in written[1]
    finally:
        kill_processes_with(token)


# ---------------------------------------------------------------- other submissions in a batch

def test_a_classmates_files_cannot_be_run_as_ones_own(tmp_path, sandboxed):
    """No loss code of its own: it runs the classmate's softmax.py, found from the grader's command
    line or the grader's temporary folder (before the sandbox: 11 + 12 points)."""
    mate, book = classmate(tmp_path), tmp_path / "grades.csv"
    done = run_grader(grader_copy(tmp_path), [SUBMISSIONS / "hostile_steal_classmate", mate, "--jobs", "2",
                                              "--csv", book, "--quiet"])
    assert done.returncode == 0, done.stderr
    scores = gradebook(book)
    assert scores[str(SUBMISSIONS / "hostile_steal_classmate")] == 0 and scores[str(mate)] == CS231N_TOTAL


def test_a_classmates_files_cannot_be_altered(tmp_path, sandboxed):
    """It overwrites every classmate's softmax.py named on the grader's command line (before the
    sandbox the classmate, graded next, got 0 on softmax)."""
    mate, book = classmate(tmp_path), tmp_path / "grades.csv"
    before = {p: p.read_bytes() for p in mate.rglob("*.py")}
    done = run_grader(grader_copy(tmp_path), [SUBMISSIONS / "hostile_alter_classmate", mate, "--csv", book, "--quiet"])
    assert done.returncode == 0, done.stderr
    assert {p: p.read_bytes() for p in mate.rglob("*.py")} == before
    assert gradebook(book)[str(mate)] == CS231N_TOTAL


@pytest.mark.slow
def test_a_classmates_children_cannot_be_killed(tmp_path, sandboxed):
    """For 6 s at import it kills every other grading child it can see (before the sandbox, the
    classmate graded beside it with --jobs 2 lost its points)."""
    mate, book = classmate(tmp_path), tmp_path / "grades.csv"
    hostile = copy_with(tmp_path, "hostile_kill_classmate", SECONDS=6)
    done = run_grader(grader_copy(tmp_path), [hostile, mate, "--jobs", "2", "--timeout", "20", "--csv", book,
                                              "--quiet"])
    assert done.returncode == 0, done.stderr
    assert gradebook(book)[str(mate)] == CS231N_TOTAL


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGSTOP"])
def test_the_grader_cannot_be_signalled(tmp_path, sig, sandboxed):
    """At import it sends SIGKILL or SIGSTOP to its parent: before the sandbox that was the grader, and
    the batch's gradebook was lost or the batch hung."""
    mate, book = classmate(tmp_path), tmp_path / "grades.csv"
    hostile = copy_with(tmp_path, "hostile_signal_grader", SIGNAL=sig)
    done = run_grader(grader_copy(tmp_path), [hostile, mate, "--csv", book, "--quiet"], timeout=120)
    assert done.returncode == 0, done.stderr
    assert gradebook(book) == {str(hostile): 0.0, str(mate): float(CS231N_TOTAL)}


# ---------------------------------------------------------------- escaping the child

def test_nothing_is_written_outside_the_scratch_folder(tmp_path, sandboxed):
    """It writes beside the harness it runs from (the grader's instructor/), appends to harness.py (so
    later children and later runs fail), and writes into a folder of the test, /tmp, /dev/shm and
    root's home: before the sandbox, all of that worked."""
    token, outside = uuid.uuid4().hex, tmp_path / "outside"
    outside.mkdir()
    grader = grader_copy(tmp_path)
    harness = (grader / "instructor" / "harness.py").read_bytes()
    folder = copy_with(tmp_path, "hostile_write_everywhere", TOKEN=token, OUTSIDE=outside)
    places = [grader / "instructor" / token, outside / token, Path("/tmp") / token, Path("/dev/shm") / token,
              Path(os.path.expanduser("~root")) / token]
    try:
        done = run_grader(grader, [folder, "--json", tmp_path / "results.json"])
        assert done.returncode == 0, done.stderr
        assert (grader / "instructor" / "harness.py").read_bytes() == harness
        assert [p for p in places if p.exists()] == []
        assert json.loads((tmp_path / "results.json").read_text())["score"] == 11
    finally:
        for place in places:
            if place.exists():
                place.unlink()


def test_no_network(tmp_path, sandboxed):
    """It connects to a listener of this test (TCP over IPv4 and IPv6, and UDP) at import and in every
    call: before the sandbox it got through."""
    token = uuid.uuid4().hex
    tcp, udp = socket.socket(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp.bind(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    udp.bind(("127.0.0.1", port))
    tcp.listen(16)
    tcp.settimeout(0.2)
    udp.settimeout(0.2)
    heard, stop = [], threading.Event()

    def listen():
        while not stop.is_set():
            for sock in (tcp, udp):
                try:
                    heard.append(sock.accept()[0].recv(100) if sock is tcp else sock.recv(100))
                except OSError:
                    pass

    listener = threading.Thread(target=listen)
    listener.start()
    try:
        folder = copy_with(tmp_path, "hostile_network", PORT=port, TOKEN=token)
        tests = grade_softmax(folder, only={"softmax_loss_naive"})
    finally:
        stop.set()
        listener.join()
        tcp.close()
        udp.close()
    assert heard == []
    assert all(t["score"] == t["max_score"] for t in tests["softmax_loss_naive"])


@pytest.mark.parametrize("mode", ["namespaces", "user"])
def test_no_local_sockets(tmp_path, mode):
    """It connects to an abstract Unix socket and to one in /tmp that any account may write, both this test's,
    at import and in every call. In user mode, before the network filter refused Unix sockets too, both heard
    its token: an abstract socket has no permissions, so any service's (or a classmate child's) was open to it."""
    if mode == "user":
        require(os.geteuid() == 0, "user mode needs root")
        account("student")
    else:
        require(conftest.sandbox_problem() is None, "the grader's sandbox cannot run here")
    token = uuid.uuid4().hex
    path = Path("/tmp") / f"grader-test-{token}.sock"
    listeners = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)]
    listeners[0].bind("\0grader-test-" + token)
    listeners[1].bind(str(path))
    os.chmod(path, 0o777)
    heard, stop = [], threading.Event()

    def listen(sock):
        sock.listen(16)
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                heard.append(sock.accept()[0].recv(100))
            except OSError:
                pass

    threads = [threading.Thread(target=listen, args=(sock,)) for sock in listeners]
    for thread in threads:
        thread.start()
    limits = sandbox.Limits(timeout=10.0, isolation=mode, users=("student",) if mode == "user" else ())
    try:
        folder = copy_with(tmp_path, "hostile_unix_socket", ABSTRACT=f"grader-test-{token}", PATH=path, TOKEN=token)
        tests = grade_softmax(folder, limits, only={"softmax_loss_naive"})["softmax_loss_naive"]
    finally:
        stop.set()
        for thread, sock in zip(threads, listeners):
            thread.join()
            sock.close()
        path.unlink()
    assert heard == []
    assert all(t["score"] == t["max_score"] for t in tests), [t["output"] for t in tests]


def test_one_memory_budget_for_all_the_processes_of_a_submission(tmp_path, sandboxed):
    """Each call forks 12 processes of 150 MB: each under the 1 GB limit, together past it. Before the
    sandbox the limit was per process, and the call got full marks."""
    folder = copy_with(tmp_path, "hostile_fork_memory", FORKS=12, MB=150)
    limits = sandbox.Limits(timeout=20.0, memory_bytes=1000 * sandbox.MB)   # memory fills slowly on a busy machine
    tests = grade_softmax(folder, limits, only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert all(t["score"] == 0 for t in tests)
    assert "past the memory budget of 1000 MB" in tests[0]["output"], tests[0]


@pytest.mark.parametrize("way", ["sysv", "memfd"])
def test_memory_no_process_maps_is_refused(tmp_path, way, sandboxed):
    """Each call holds 600 MB in System V shared memory or in memory files, filled and never left mapped:
    no process's proportional set size shows it. Before, the call got full marks under a 300 MB budget
    (and 3 GB a call ran the host out of memory; in user mode the segments outlived grading)."""
    limits = sandbox.Limits(timeout=20.0, memory_bytes=300 * sandbox.MB)
    tests = grade_softmax(copy_with(tmp_path, "hostile_hidden_memory", WAY=way, MB=600), limits,
                          only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert all(t["score"] == 0 for t in tests), [t["output"] for t in tests]


def test_pipes_no_process_reads_cannot_hold_memory_past_the_budget(tmp_path, sandboxed):
    """8 processes fill pipes until they may open no more descriptors: before the child's descriptors
    were limited, they held 500 MB (kernel memory, in no process's set size) under a 300 MB budget."""
    limits = sandbox.Limits(timeout=20.0, memory_bytes=300 * sandbox.MB)
    tests = grade_softmax(copy_with(tmp_path, "hostile_pipe_memory", FORKS=8, MB=300), limits,
                          only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert all(t["score"] == 0 for t in tests), [t["output"] for t in tests]


def system_v_objects(uid):
    """[(kind, id)] of the System V shared memory segments and message queues ``uid`` owns."""
    found = []
    for kind in ("shm", "msg"):
        rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()
        columns = rows[0].split()
        for row in rows[1:]:
            fields = dict(zip(columns, row.split()))
            if int(fields["uid"]) == uid:
                found.append((kind, int(fields["shmid" if kind == "shm" else "msqid"])))
    return found


@pytest.mark.parametrize("way", ["sysv", "msg"])
def test_system_v_memory_does_not_outlive_grading_in_user_mode(tmp_path, way):
    """User mode has no IPC namespace: System V segments and message queues stay after their processes,
    and after grading (before they were refused, 12 a call of 64 MB, 1 MB, ... owned by the account)."""
    require(os.geteuid() == 0, "user mode needs root")
    uid, _ = account("student")
    limits = sandbox.Limits(timeout=20.0, memory_bytes=300 * sandbox.MB, isolation="user", users=("student",))
    try:
        tests = grade_softmax(copy_with(tmp_path, "hostile_hidden_memory", WAY=way, MB=64 if way == "sysv" else 1),
                              limits, only={"softmax_loss_naive"})["softmax_loss_naive"]
        assert system_v_objects(uid) == []
        assert all(t["score"] == 0 for t in tests), [t["output"] for t in tests]
    finally:
        for kind, ident in system_v_objects(uid):
            subprocess.run(["ipcrm", "-m" if kind == "shm" else "-q", str(ident)], check=False)


def test_posix_message_queues_do_not_outlive_grading_in_user_mode(tmp_path):
    """User mode has no IPC namespace: a POSIX message queue outlives its process and its grading, open to the
    account's next child (before mq_open was refused, the queue was left, owned by the account; where Landlock
    holds, made though its opening for writing was refused)."""
    require(os.geteuid() == 0, "user mode needs root")
    account("student")
    token = uuid.uuid4().hex
    limits = sandbox.Limits(timeout=10.0, isolation="user", users=("student",))
    tests = grade_softmax(copy_with(tmp_path, "hostile_hidden_memory", WAY="mqueue", MB=1, TOKEN=token), limits,
                          only={"softmax_loss_naive"})["softmax_loss_naive"]
    librt = ctypes.CDLL("librt.so.1", use_errno=True)
    assert librt.mq_unlink(f"/grader-test-{token}".encode()) != 0, "the queue was left"
    assert all(t["score"] == 0 for t in tests), [t["output"] for t in tests]


def test_nothing_is_left_in_world_writable_folders_in_user_mode(tmp_path):
    """User mode: before the child confined its writes to its scratch folder with Landlock, files it left
    in /run/lock and in a world-writable folder inside /tmp stayed after grading (the grader removes what
    the account left at the top of /tmp, /var/tmp and /dev/shm only)."""
    require(os.geteuid() == 0, "user mode needs root")
    if harness.landlock_abi() < 1:
        pytest.skip("this kernel has no Landlock: user mode cleans the top of /tmp, /var/tmp and /dev/shm only")
    account("student")
    token = uuid.uuid4().hex
    outer = Path(__import__("tempfile").mkdtemp(prefix="outer-"))
    nested = outer / "shared"
    nested.mkdir()
    os.chmod(outer, 0o755)
    os.chmod(nested, 0o1777)
    limits = sandbox.Limits(timeout=10.0, isolation="user", users=("student",))
    left = [Path("/run/lock") / token, nested / token]
    try:
        tests = grade_softmax(copy_with(tmp_path, "hostile_leave_files", TOKEN=token, NESTED=nested), limits,
                              only={"softmax_loss_naive"})["softmax_loss_naive"]
        assert all(t["score"] == t["max_score"] for t in tests), [t["output"] for t in tests]
        assert [p for p in left if p.exists()] == []
    finally:
        for p in left:
            if p.exists():
                p.unlink()
        shutil.rmtree(outer)


def test_a_classmates_box_cannot_be_read_in_user_mode(tmp_path):
    """User mode, two accounts of one primary group, --jobs 2: it finds the classmate's child in the process
    table and reads the classmate's softmax.py from that child's box. Before, each box was the group's to
    read (root's, mode 0750): with no code of its own it scored what the classmate scored on softmax."""
    require(os.geteuid() == 0, "user mode needs root")
    accounts = [account(name, group="grader-mates") for name in ("grader-mate-a", "grader-mate-b")]
    assert accounts[0][1] == accounts[1][1]
    mate, book = classmate(tmp_path), tmp_path / "grades.csv"
    hostile = copy_with(tmp_path, "hostile_read_classmate_box", SECONDS=8)
    done = run_grader(grader_copy(tmp_path), [hostile, mate, "--jobs", "2", "--sandbox", "user", "--sandbox-user",
                                              "grader-mate-a,grader-mate-b", "--csv", book, "--quiet"])
    assert done.returncode == 0, done.stderr
    assert gradebook(book) == {str(hostile): 0.0, str(mate): float(CS231N_TOTAL)}


def test_other_processes_show_their_command_lines_only_in_user_mode():
    """User mode: every process is in /proc. Of those not of its account (the grader, the trusted reference's
    child, every other), it reads no environment, working folder, root, open files or memory map."""
    require(os.geteuid() == 0, "user mode needs root")
    account("student")
    limits = sandbox.Limits(timeout=10.0, isolation="user", users=("student",))
    tests = grade_softmax(SUBMISSIONS / "hostile_proc_snoop", limits, only={"softmax_loss_naive"})
    assert "read of other processes: []" in tests["softmax_loss_naive"][0]["output"], tests


def test_accounts_the_grader_cannot_keep_apart(tmp_path):
    """One uid named twice would run two children as one account, each able to signal and read the other, and
    an account that runs other processes would have them killed and counted: the first is graded one child
    at a time, with one line saying so; the second is refused."""
    require(os.geteuid() == 0, "user mode needs root")
    uid, gid = account("student")
    done = run_grader(ROOT, ["no-such-submission", "--sandbox", "user", "--sandbox-user", f"student,{uid}"])
    notes = [line for line in done.stderr.decode().splitlines() if line.startswith("note:")]
    assert notes == [f"note: --sandbox-user {uid} is uid {uid}, as student is: its children run one at a time"]
    sleeper = subprocess.Popen(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "sleep", "60"])
    try:
        done = run_grader(ROOT, ["no-such-submission", "--sandbox", "user", "--sandbox-user", "student"])
        assert done.returncode == 2 and f"the account 'student' runs processes (pid {sleeper.pid})" in \
            done.stderr.decode(), done.stderr
    finally:
        sleeper.kill()
        sleeper.wait()


def test_one_disk_budget_for_the_scratch_folder(tmp_path, sandboxed):
    """Each call writes 40 files of 900 KB (each under the 1 MB file limit) into its working folder, then
    into /tmp and /dev/shm: before the sandbox, 36 MB each, with full marks."""
    token = uuid.uuid4().hex
    limits = sandbox.Limits(timeout=5.0, memory_bytes=1 << 30)
    limits.disk_bytes = 16 * 10 ** 6
    try:
        tests = grade_softmax(copy_with(tmp_path, "hostile_fill_disk", COUNT=40, TOKEN=token), limits,
                              only={"softmax_loss_naive"})["softmax_loss_naive"]
        assert all(t["score"] == 0 for t in tests)
        assert "disk budget of its scratch folder (16 MB" in tests[0]["output"], tests[0]
        assert [p for folder in ("/tmp", "/dev/shm") for p in Path(folder).glob(f"fill-{token}-*")] == []
    finally:
        for folder in ("/tmp", "/dev/shm"):
            for p in Path(folder).glob(f"fill-{token}-*"):
                p.unlink()


@pytest.mark.parametrize("way", ["unlinked", "tmpfile"])
def test_files_without_a_name_count_in_the_disk_budget(tmp_path, way, sandboxed):
    """The first call holds 100 files of 1 MB in its scratch folder, unlinked but open (or O_TMPFILE): before
    the watchdog added the open files that have no name left, the call got full marks under a 16 MB disk
    budget."""
    limits = sandbox.Limits(timeout=10.0, memory_bytes=1 << 30)
    limits.disk_bytes = 16 * 10 ** 6
    tests = grade_softmax(copy_with(tmp_path, "hostile_unlinked_files", MB=100, WAY=way), limits,
                          only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert all(t["score"] == 0 for t in tests), [t["output"] for t in tests]


def test_one_process_budget_for_a_submission(tmp_path, sandboxed):
    """Each call forks sleeping processes until a fork fails: the budget of 32 holds (before the sandbox
    100 forks went through, and the call raised)."""
    limits = sandbox.Limits(timeout=5.0, memory_bytes=1 << 30)
    limits.processes = 32
    tests = grade_softmax(copy_with(tmp_path, "hostile_fork_bomb", MOST=100), limits,
                          only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert all(t["score"] == t["max_score"] for t in tests), [t["output"] for t in tests]


# ---------------------------------------------------------------- the speed test faked

@pytest.mark.parametrize("fixture", ["hostile_speed_clock", "hostile_speed_reference", "hostile_speed_shortcut",
                                     "hostile_speed_precompute", "hostile_speed_offload"])
def test_the_speed_test_cannot_be_faked(fixture, sandboxed):
    """A loop over the examples with a patched clock, with the reference slowed down in the child's
    process, or answering (0.0, zeros) at once on the large inputs: each got the speed point before
    the grader timed the calls with its own clock against a reference in a child of its own, and
    checked the timed results; or answering from a table it computed at import, the timed inputs
    drawn from its own sha256 (before they were drawn from fresh randomness); or run in an orphaned
    grandchild, whose processor time is the child's all the same (the sandbox's init waits for it)."""
    tests = grade_softmax(SUBMISSIONS / fixture, sandbox.Limits(timeout=10.0), only={"softmax_loss_vectorized"})
    speed = next(t for t in tests["softmax_loss_vectorized"] if t["name"].endswith("speed (no loop over examples)"))
    assert speed["score"] == 0, speed["output"]
    if fixture == "hostile_speed_shortcut":
        assert "matches neither the right answer nor a known mistake" in speed["output"]
    else:
        assert "too slow for a vectorized version" in speed["output"]


@contextlib.contextmanager
def busy_processes(count, seconds=900):
    """``count`` processes that spin on the processor, each ending by itself after ``seconds`` at most."""
    spin = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"
    spinning = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(count)]
    try:
        yield
    finally:
        for process in spinning:
            process.kill()
            process.wait()


def local_speed_verdict(module):
    """The student's check of softmax_loss_vectorized's speed, on ``module``: (points, its message)."""
    exercise = by_name("softmax_loss_vectorized")
    ctx = local.LocalContext(exercise, exercise.cases(local.public_rng(exercise), True), exercise.target(module),
                             local.expected_answers().get(exercise.key, {}))
    try:
        return 1, linear_losses.speed(ctx)
    except Failed as exc:
        return 0, str(exc)


def test_the_speed_verdict_does_not_change_with_the_load(tmp_path, sandboxed):
    """On a busy machine, timed on the grader's clock, a loop over the examples measured 17.8 baselines
    (4.8 in another run) and earned the speed point (at most 25), and whole-array code measured 8.8: the
    wall time of a short call is mostly waiting for a processor. The grader and the student's check judge
    the processor time of the call and of the baseline: with 4 processes spinning beside them, three
    gradings and three checks each, the loop never earns the point and the solution's code always does."""
    good = tmp_path / "solution"
    good.mkdir()
    shutil.copy(ROOT / "classifiers/softmax.py", good)
    spec = importlib.util.spec_from_file_location("loop_in_vectorized", SUBMISSIONS / "loop_in_vectorized/softmax.py")
    loop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loop)
    verdicts = {"loop_in_vectorized": [], "solution": []}
    with busy_processes(4):
        for _ in range(3):
            for name, folder, module in (("loop_in_vectorized", SUBMISSIONS / "loop_in_vectorized", loop),
                                         ("solution", good, importlib.import_module("classifiers.softmax"))):
                tests = grade_softmax(folder, sandbox.Limits(timeout=10.0), only={"softmax_loss_vectorized"})
                speed = next(t for t in tests["softmax_loss_vectorized"] if t["name"].endswith("speed (no loop "
                                                                                                "over examples)"))
                verdicts[name] += [(speed["score"], speed["output"]), local_speed_verdict(module)]
    assert [points for points, _ in verdicts["loop_in_vectorized"]] == [0] * 6, verdicts
    assert [points for points, _ in verdicts["solution"]] == [1] * 6, verdicts


# ---------------------------------------------------------------- a form without values

@pytest.mark.parametrize("fixture, only, form_tests", [("hostile_constant_stubs", None, 20),
                                                       ("hostile_public_only", SOFTMAX, 8)])
def test_code_that_computes_nothing_earns_nothing(fixture, only, form_tests):
    """Losses returning (0.0, zeros of W's shape), layers' losses returning (0.0, zeros), constant softmax
    and log_softmax, uniform probabilities: before, each loss got "inputs unmodified" and "scalar loss and
    dW of W's shape" (8 points for four stubs, 9 / 77 in all with the layers' softmax_loss's stability);
    and so did softmax losses right only on inputs as small as the public cases' (4 / 23). A property about
    form is credited only where the values it was judged on are right or a known mistake."""
    result = grade.grade_one(SUBMISSIONS / fixture, grade.Options(limits=LIMITS), only=only)
    assert result["score"] == 0, [(t["name"], t["output"]) for t in result["tests"] if t["score"]]
    # speed, timed, is not even run while the values fail (framework.NOT_TIMED): the tests of form but speed
    form = {prop.name for exercise in EXERCISES for prop in exercise.properties if prop.vouched_by and not prop.timed}
    judged = [t for t in result["tests"] if t["name"].split(": ", 1)[1] in form and "not credited" in t["output"]]
    assert len(judged) == form_tests, [t["name"] for t in judged]     # every test of form, each function's


@pytest.mark.parametrize("fixture, says", [
    ("hostile_cell_patches_softmax", "it matches no known mistake"),
    ("hostile_cell_patches_numpy", "it matches no known mistake"),
    ("hostile_cell_replaces_softmax", "likely p is normalised over the wrong axis")])
def test_a_notebook_answer_is_judged_against_the_graders_own_reference(fixture, says):
    """The gradient cell replaces L.softmax (with a constant, or with the one-hot targets after patching
    numpy's comparisons and exp) and answers (p - onehot) / N from it: before, the grader took the p the
    child reported after the cell as the reference, and gave the point with no derivation. Nor does a cell
    that puts a softmax with a known mistake in its place have that mistake set aside as losses.softmax's:
    p is the submitted function's, taken before the cell runs (the cell's own answer from it scored 1)."""
    name = next(e.name for e in EXERCISES if e.path == "notebooks/cross_entropy.ipynb")
    [test] = grade.grade_one(SUBMISSIONS / fixture, grade.Options(limits=LIMITS), only={name})["tests"]
    assert test["score"] == 0 and says in test["output"], test


# ---------------------------------------------------------------- the batch survives, the feedback is printable

def test_feedback_is_printed_safely(tmp_path, sandboxed):
    """Errors holding terminal escapes, C1 controls, reversed text and a lone surrogate: before, the
    escapes reached the terminal and the surrogate ended the run with UnicodeEncodeError."""
    out = tmp_path / "results.json"
    done = run_grader(ROOT, [SUBMISSIONS / "hostile_feedback_text", "--json", out], timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")              # strict: it is UTF-8
    for control in ("\x1b", "\x9b", "\u202e", "\ud800"):
        assert control not in text
    assert "fake: 51 / 51" in text and "\\ud800" in text
    results = json.loads(out.read_text(encoding="utf-8"))
    assert "\x1b" not in json.dumps(results, ensure_ascii=False)


@pytest.mark.parametrize("fixture, only", [("hostile_slow_answers", {"softmax.ipynb"}),
                                           ("hostile_slow_source", {"softmax_loss_naive"})])
def test_submitted_text_is_read_in_time_linear_in_its_length(tmp_path, fixture, only):
    """The grader's own process reads a submission's text with regular expressions: a notebook answer of
    200,000 asterisks, or a softmax.py followed by 200,000 empty lines. Before, the answers' prompt and the
    old-import pattern backtracked over the whole run at every position: a minute for these, hours for a
    5 MB file, the batch stalled (outside any sandbox or time limit)."""
    folder = tmp_path / fixture
    shutil.copytree(SUBMISSIONS / fixture, folder)
    for path in folder.iterdir():
        text = path.read_text()
        path.write_text(text.replace("@STARS@", "*" * 200000).replace("@BLANK_LINES@", "\n" * 200000))
    start = time.process_time()     # the grader's own processor time: its children are not in it
    result = grade.grade_one(folder, grade.Options(limits=LIMITS), only=only)
    assert time.process_time() - start < 15
    if fixture == "hostile_slow_source":
        assert all(t["score"] == t["max_score"] for t in result["tests"]), result["tests"]


@pytest.mark.parametrize("count, block", [(250, 'b"a" * (1 << 20)'), (1, 'b"[" * 100000')])
def test_a_long_or_deep_line_on_the_results_pipe_costs_nothing(tmp_path, count, block):
    """The first call writes a 250 MB line, or JSON nested 100,000 deep, into the results pipe, then every
    call answers right: before, reading the long line took the grader's own process 15 s (quadratic in the
    line), for every child, and the deep one ended the submission's grading with a RecursionError."""
    start = time.process_time()     # the grader's own processor time: its children are not in it
    tests = grade_softmax(copy_with(tmp_path, "hostile_long_line", COUNT=count, BLOCK=block),
                          sandbox.Limits(timeout=20.0), only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert time.process_time() - start < 8
    assert all(t["score"] == t["max_score"] for t in tests), [t["output"] for t in tests]


def test_millions_of_short_lines_on_the_results_pipe_are_cut_short(tmp_path):
    """The first call writes 12 MB of "{}" lines (4 million) into the results pipe: before, the grader parsed
    each, 8.5 s of its own processor time (for 256 MB, the most it read from a child, three minutes, outside
    every budget). Now a child is cut off after 100 lines no case asked for (each new child writes them again:
    after two, the rest are not run)."""
    start = time.process_time()     # the grader's own processor time: its children are not in it
    tests = grade_softmax(copy_with(tmp_path, "hostile_long_line", COUNT=4, BLOCK='b"{}\\n" * (1 << 20)'),
                          sandbox.Limits(timeout=20.0), only={"softmax_loss_naive"})["softmax_loss_naive"]
    assert time.process_time() - start < 4
    outputs = [t["output"] for t in tests]
    assert "it wrote more than 100 lines no case asked for into the results pipe" in outputs[0], outputs
    assert all(t["score"] == 0 for t in tests), outputs


PEAK = """import json, resource, sys
from instructor import grade, sandbox
limits = sandbox.Limits(timeout=20.0, isolation=sys.argv[2])
result = grade.grade_one(sys.argv[1], grade.Options(limits=limits), only={"softmax_loss_naive"})
print(json.dumps([result["score"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6]))
"""


def grader_peak(folder):
    """(score, the grader's own peak resident memory in MB) of grading softmax_loss_naive in a process of its own."""
    done = subprocess.run([sys.executable, "-c", PEAK, str(folder), sandbox.DEFAULT_ISOLATION], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_graders_memory_is_bounded_whatever_a_child_sends(tmp_path):
    """The first call writes one valid JSON line of 24 MB, a list of empty lists, into the results pipe, then
    every call answers right: before, the grader parsed it, and its own peak memory went from 55 MB to 759 MB
    (the line allowed up to 256 MB: 7.5 GB for each job). Now a line past what a result of its case can take
    is dropped unread, and one of many brackets is not parsed: the grader stays within 30 MB of its peak on
    a right submission (docs/security.md's bound for the largest case)."""
    score, honest = grader_peak(SUBMISSIONS / "cs231n_old")
    hostile_score, hostile = grader_peak(copy_with(tmp_path, "hostile_big_json", MB=24))
    assert hostile_score == score == 11
    assert hostile < honest + 30, (honest, hostile)


def test_a_notebook_of_odd_cells_costs_nothing_else(tmp_path):
    """softmax.ipynb whose cells' sources are numbers or an object, beside a right softmax.py: before, reading
    its answers raised TypeError in the grader, and the whole submission got "the grader failed" and 0."""
    folder = tmp_path / "sub"
    shutil.copytree(SUBMISSIONS / "hostile_bad_notebook", folder)
    shutil.copy(SUBMISSIONS / "cs231n_old/cs231n/classifiers/softmax.py", folder)
    result = grade.grade_safely(folder, grade.Options(limits=LIMITS))
    assert not result.get("unreadable"), result["output"]
    assert all(t["score"] == t["max_score"] for t in result["tests"] if t["name"].split(":")[0] in SOFTMAX), \
        [t["output"] for t in result["tests"]]


def bad_zips(folder):
    """Zips that zipfile cannot read, each in its own way: {name: path}."""
    source = (SUBMISSIONS / "cs231n_old/cs231n/classifiers/softmax.py").read_bytes()
    made = {}

    def write(name, compress=zipfile.ZIP_DEFLATED):
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w", compress) as archive:
            archive.writestr("classifiers/softmax.py", source)
        return path

    def patch(path, old, new):
        data = path.read_bytes()
        path.write_bytes(data.replace(old, new))

    made["bad-utf8-name"] = path = write("bad-utf8-name")
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):     # local header, central directory
        data[data.find(signature) + flags_at + 1] |= 0x08      # bit 11: the name is UTF-8
    path.write_bytes(bytes(data).replace(b"classifiers/softmax.py", b"classifiers/\xff\xfeftmax.py"))
    made["encrypted"] = path = write("encrypted")
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.find(signature) + flags_at] |= 0x01    # bit 0: encrypted
    path.write_bytes(bytes(data))
    made["unknown-compression"] = path = write("unknown-compression")
    data = bytearray(path.read_bytes())
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        data[data.find(signature) + method_at] = 97     # a method zipfile does not know
    path.write_bytes(bytes(data))
    made["corrupt-deflate"] = path = write("corrupt-deflate")
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x03\x04") + 30 + len(b"classifiers/softmax.py")
    for k in range(start + 10, start + 60):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    return made


def test_the_batch_survives_zips_the_grader_cannot_read(tmp_path):
    """Four zips that zipfile cannot read, each its own way, and a right submission: before, the first
    ended the run with a traceback and no gradebook for anyone."""
    made = bad_zips(tmp_path)
    book = tmp_path / "grades.csv"
    subs = [str(p) for p in made.values()] + [str(SUBMISSIONS / "cs231n_old")]
    assert grade.main(subs + ["--csv", str(book), "--quiet"]) == grade.UNREADABLE
    scores = gradebook(book)
    assert scores == {**{str(p): 0.0 for p in made.values()}, str(SUBMISSIONS / "cs231n_old"): float(CS231N_TOTAL)}


# ---------------------------------------------------------------- untrusted zips

def make_zip(path, members):
    """members: (ZipInfo or name, bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def symlink_member(name, target):
    import stat
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


SOFTMAX_SOURCE = (SUBMISSIONS / "cs231n_old/cs231n/classifiers/softmax.py").read_bytes()


@pytest.mark.parametrize("member, says", [
    (("../escaped.py", b"x = 1"), "points outside the submission folder"),
    (("classifiers/../../escaped.py", b"x = 1"), "points outside the submission folder"),
    (("/tmp/escaped_absolute.py", b"x = 1"), "points outside the submission folder"),
    (symlink_member("classifiers/softmax.py", "/etc/passwd"), "is a symbolic link"),
    (("classifiers/softmax.py", b"\0" * (60 << 20)), "a zip bomb"),
], ids=["dotdot", "nested-dotdot", "absolute", "symlink", "bomb"])
def test_untrusted_zip_refused_with_a_clear_message(tmp_path, member, says):
    inner = tmp_path / "in"
    inner.mkdir()
    path = make_zip(inner / "submission.zip", [("classifiers/linear_svm.py", b"x = 1"), member])
    result = grade.grade_one(path, grade.Options())
    assert result["score"] == 0 and result["tests"] == []
    assert "could not be read" in result["output"] and says in result["output"], result["output"]
    assert sorted(os.listdir(inner)) == ["submission.zip"] and not (tmp_path / "escaped.py").exists()


def test_submit_zip_graded_and_manifest_checked(tmp_path):
    import hashlib
    manifest = {"files": {"classifiers/softmax.py": hashlib.sha256(b"edited later").hexdigest()}}
    path = make_zip(tmp_path / "submission.zip", [("classifiers/softmax.py", SOFTMAX_SOURCE),
                                                   ("MANIFEST.json", json.dumps(manifest).encode())])
    result = grade.grade_one(path, grade.Options(), only=SOFTMAX)
    assert all(t["score"] == t["max_score"] for t in result["tests"])
    assert "differs from its sha256 in MANIFEST.json" in result["output"]


def answers_report(tmp_path, fixture):
    """(report file's text, Gradescope test of softmax.ipynb) of grading the fixture with --answers."""
    folder = tmp_path / fixture
    shutil.copytree(SUBMISSIONS / fixture, folder)
    out = tmp_path / "results.json"
    assert grade.main([str(folder), "--answers", str(tmp_path / "answers"), "--json", str(out), "--quiet"]) == 0
    [test] = [t for t in json.loads(out.read_text())["tests"] if t["name"].startswith("softmax.ipynb")]
    return (tmp_path / "answers" / f"{fixture}.md").read_text(encoding="utf-8"), test


def test_answers_of_invisible_characters_are_not_answered(tmp_path):
    """Braille blanks, Hangul fillers, zero-width and format characters, spaces, math spacing and HTML
    comments: before, "4 of 4 answered" in the report and in the Gradescope test. The hand-in's warnings,
    on the PDF's cover, use the same test."""
    from assignment_checks import submit
    report, test = answers_report(tmp_path, "hostile_invisible_answers")
    assert "\n0 of 4 answered\n" in report and report.count("(not answered)") == 4
    assert test["output"].startswith("0 of 4 inline questions answered")
    (tmp_path / "student/notebooks").mkdir(parents=True)
    shutil.copy(SUBMISSIONS / "hostile_invisible_answers/softmax.ipynb", tmp_path / "student/notebooks")
    assert submit.notebook_warnings(tmp_path / "student", "notebooks/softmax.ipynb") == [
        f"notebooks/softmax.ipynb: Inline question {k} has no answer yet" for k in range(1, 5)]


def test_answers_show_their_markdown_as_text_and_fetch_nothing(tmp_path):
    """Images, links, autolinks, reference definitions, HTML, entities, fences and headings in the answers
    (and a question): the report, rendered by markdown-it-py with HTML allowed, has no <img>, no link and
    no heading of theirs, and shows every answer's text as written. Before, an image on the student's own
    server was fetched when the instructor opened the report."""
    from markdown_it import MarkdownIt
    report, test = answers_report(tmp_path, "hostile_live_markdown")
    assert "\n4 of 4 answered\n" in report and test["output"].startswith("4 of 4 inline questions answered")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(report)
    assert "<img" not in rendered and "<a " not in rendered and "href" not in rendered, rendered
    assert re.findall(r"<h\d>(.*?)</h\d>", rendered) == [
        html.escape(str(tmp_path / "hostile_live_markdown"))] + [f"Inline question {k}" for k in range(1, 5)]
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    cells = json.loads((SUBMISSIONS / "hostile_live_markdown/softmax.ipynb").read_text())["cells"]
    for cell in cells:
        for line in "".join(cell["source"]).splitlines():
            assert line in shown, line
