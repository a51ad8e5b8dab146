"""Run submitted code in a child process and bring back only numbers and arrays.

The grader never imports a submission. ``run_cases`` starts ``python -I instructor/harness.py``
in a fresh session with its working directory in a temporary folder, under a memory, CPU and
file-size limit it sets on itself before importing anything submitted, and a wall-clock limit
per case enforced here. Results come back on a dedicated pipe as JSON lines whose arrays are
.npy bytes read with ``allow_pickle=False``: nothing the child sends can execute code here.
The child's printing is drained and capped, so it can neither fill memory nor block.

If the child dies or stalls in a case, that case is charged and the remaining cases run in a
new child, so one bad case costs only its own part.
"""
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

import numpy as np

from checks.values import ResultError, decode  # noqa: F401  (the grader's decoding of the child's values)

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness.py")
MAX_RESULT_BYTES = 256 << 20     # all result lines of one child together
MAX_OUTPUT_KEPT = 4000           # characters of the child's printing kept for feedback


@dataclass
class Limits:
    """Per-case wall time (s), address space (bytes) and largest file the child may write."""
    timeout: float = 20.0
    memory_bytes: int = 3 << 30
    file_bytes: int = 1 << 20


@dataclass
class Outcome:
    """One case: ``out`` (encoded values) when it ran, ``error`` (text) when it did not, and its
    wall time in seconds."""
    out: dict = None
    error: str = None
    seconds: float = None


@dataclass
class Run:
    outcomes: list
    import_error: str = None
    missing: bool = False       # the file imported but lacks the function: import_error says which
    printed: str = ""


def _drain(stream, keep, limit):
    """Read a stream to its end, keeping the first ``limit`` bytes."""
    size = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        if size < limit:
            keep.append(chunk[:limit - size])
        size += len(chunk)
    keep.append(b"" if size <= limit else f"\n[... {size - limit} more bytes of output not kept]".encode())


def _read_lines(fd, sink):
    """JSON lines from the result pipe into ``sink``; None marks the end (or the size cap)."""
    total = 0
    with os.fdopen(fd, "rb") as pipe:
        for line in pipe:
            total += len(line)
            if total > MAX_RESULT_BYTES:
                sink.put({"event": "overflow"})
                break
            try:
                message = json.loads(line)
            except ValueError:
                message = {"event": "garbled"}
            sink.put(message if isinstance(message, dict) else {"event": "garbled"})
    sink.put(None)


def _describe_exit(code, timeout_hit):
    if timeout_hit:
        return timeout_hit
    if code is None:
        return "the process did not finish"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        why = {"SIGXCPU": " (CPU time limit)", "SIGXFSZ": " (it wrote a file larger than the limit)",
               "SIGKILL": " (killed, e.g. the memory limit)", "SIGSEGV": " (crashed)"}.get(name, "")
        return f"the process was ended by {name}{why}"
    return f"the process exited with status {code} before returning (sys.exit or os._exit?)"


def _start(task_dir, work_dir, task, limits, case_count):
    read_fd, write_fd = os.pipe()
    task = dict(task, fd=write_fd, work_dir=work_dir, memory_bytes=int(limits.memory_bytes),
                cpu_seconds=int(limits.timeout * (case_count + 1) + 10), file_bytes=int(limits.file_bytes))
    with open(os.path.join(task_dir, "task.json"), "w") as f:
        json.dump(task, f)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work_dir, "LC_ALL": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    try:
        process = subprocess.Popen([sys.executable, "-I", HARNESS, task_dir], cwd=work_dir, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   pass_fds=[write_fd], start_new_session=True)
    finally:
        os.close(write_fd)
    return process, read_fd


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _one_child(task_dir, work_dir, task, limits, start, case_count):
    """Run cases from ``start`` in one child; returns (messages, exit description or None, printed)."""
    process, read_fd = _start(task_dir, work_dir, dict(task, start=start), limits, case_count - start)
    messages, printed = queue.Queue(), []
    readers = [threading.Thread(target=_read_lines, args=(read_fd, messages), daemon=True),
               threading.Thread(target=_drain, args=(process.stdout, printed, MAX_OUTPUT_KEPT), daemon=True)]
    for reader in readers:
        reader.start()
    received, timeout_hit = [], None
    deadline = time.monotonic() + limits.timeout + 30      # importing numpy and the module
    while True:
        try:
            message = messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            timeout_hit = f"it ran longer than the time limit of {limits.timeout:g} s (an endless loop?)"
            _kill(process)
            break
        if message is None:
            break
        received.append(message)
        if message.get("event") in ("start", "import"):
            deadline = time.monotonic() + limits.timeout
        if message.get("event") == "overflow":
            _kill(process)
            break
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _kill(process)
        process.wait()
    _kill(process)      # anything it started in its session goes too
    for reader in readers:
        reader.join(timeout=5)
    text = b"".join(printed).decode("utf-8", "replace")
    finished = process.returncode == 0 and timeout_hit is None and received and received[-1].get("event") == "done"
    return received, None if finished else _describe_exit(process.returncode, timeout_hit), text


def run_cases(task, case_inputs, limits=None, temp_root=None):
    """Run ``task`` (module, function, kind, package_dir, cases) over ``case_inputs`` in children.

    Inputs:
    - task: dict for the harness; task["cases"] is a list of per-case options.
    - case_inputs: list (same length) of dicts of arrays, written to .npz for the child.
    - limits: a Limits; temp_root: the folder to work in (a new temporary one by default).

    Returns a Run: one Outcome per case, the import error if the module could not be
    imported, and the start of what the child printed.
    """
    limits = limits or Limits()
    base = tempfile.mkdtemp(prefix="child-", dir=temp_root)
    task_dir, work_dir = os.path.join(base, "task"), os.path.join(base, "work")
    os.makedirs(task_dir)
    os.makedirs(work_dir)
    cases = []
    for index, (options, inputs) in enumerate(zip(task["cases"], case_inputs)):
        name = f"case{index}.npz"
        np.savez(os.path.join(task_dir, name), **inputs)
        cases.append(dict(options, inputs=name))
    task = dict(task, cases=cases)
    outcomes = [None] * len(cases)
    run = Run(outcomes)
    start, deaths = 0, 0
    while start < len(cases):
        received, failure, printed = _one_child(task_dir, work_dir, task, limits, start, len(cases))
        run.printed += printed
        current, imported = None, False
        for message in received:
            event = message.get("event")
            if event == "import":
                imported = bool(message.get("ok"))
                if not imported:
                    run.import_error = str(message.get("error", "?"))[:2000]
                    run.missing = message.get("missing") is True
            elif event == "start" and isinstance(message.get("case"), int):
                current = message["case"]
            elif event == "result" and message.get("case") == current and current is not None:
                seconds = message.get("seconds")
                outcomes[current] = (Outcome(out=message.get("out"), seconds=seconds if isinstance(seconds, float) else None)
                                     if message.get("ok")
                                     else Outcome(error=str(message.get("error", "?"))[:2000]))
                current = None
        if not imported:
            run.import_error = run.import_error or f"importing the file failed: {failure or 'no answer'}"
            break
        if failure is None:
            break
        # the child ended in a case: charge it and go on in a new child with the next one
        if current is None:
            done = [i for i, o in enumerate(outcomes) if o is not None]
            current = max(done) + 1 if done else start
        if current >= len(cases):
            break
        outcomes[current] = Outcome(error=failure)
        deaths = deaths + 1 if current == start else 1
        start = current + 1
        if deaths >= 2:     # twice in a row: the rest would most likely do the same; do not wait for them
            for index in range(start, len(cases)):
                outcomes[index] = Outcome(error=f"not run, as the two cases before it: {failure}")
            break
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            outcomes[index] = Outcome(error=f"no result: {run.import_error or 'the process ended early'}")
    return run
