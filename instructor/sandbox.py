"""Run submitted code sealed off, and bring back only numbers and arrays.

The grader never imports a submission. ``run_cases`` lays out the files the child may read (the
harness, task.json and the files the grader hands it) in a fresh folder, starts
``python -I -S harness.py`` in a sandbox and sends it one case at a time. What the sandbox is:
- namespaces (bubblewrap): the child sees the Python runtime and numpy (read-only), its own folder
  (read-only) and a scratch folder, in its own user, mount, pid, network, ipc and uts namespaces;
  when the grader runs as root, the child is uid 65534 inside them, without capabilities;
- user (root without namespaces, e.g. in a Docker container): the child runs as a separate
  account (``Limits.users``), one account per child at a time, every process of that account
  killed when the child ends;
- none (``--no-sandbox`` only): the child runs as the grader's user.
In every mode the child lowers its own limits and refuses network sockets before importing
anything submitted, and a watchdog here holds all its processes together to one budget of
memory, processes and scratch disk. A case's inputs are sent when the case starts, so a timed
case is timed here, on the grader's clock, from the first byte sent to the last byte received.
Results come back as JSON lines whose arrays are .npy bytes read with ``allow_pickle=False``:
nothing the child sends can execute code here, and text from it is made printable. A line longer than
its case's results can be (``line_limit``), or with more brackets and commas than any result has, is
dropped unparsed: the grader holds at most a few times that limit of a child's output at once.

If the child dies or stalls in a case, that case is charged and the remaining cases run in a
new child, so one bad case costs only its own part. Every process of a child is gone before
``run_cases`` returns.
"""
import atexit
import functools
import json
import os
import re
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .isolation import (SandboxUnavailable, disk_usage, find, processor_seconds, remove_tree, resident_bytes,
                        unnamed_bytes)

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness.py")
MB = 10 ** 6                     # the unit of every size the grader states
MAX_RESULT_BYTES = 256 << 20     # all result lines of one child together
RESULT_SLACK = 64 << 10          # a result line may take this, plus RESULT_PER_INPUT_BYTE per byte of its case's
RESULT_PER_INPUT_BYTE = 8        # inputs (a right result takes at most 14 KB; float64 values of float32 inputs,
                                 # as base64, 2.7 bytes per input byte)
MAX_SEPARATORS = 4096            # brackets and commas in a line the grader parses (a right result has under 100)
MAX_STRAY_LINES = 100            # lines of one child no case asked for (the harness sends one: "ready")
MAX_OUTPUT_KEPT = 4000           # characters of the child's printing kept for feedback
WATCH_EVERY = 0.05               # seconds between two looks at a child's memory and disk
REFERENCE_ROUNDS = 5             # the reference's time is the best of this many calls
STARTUP_SECONDS = 30             # beyond the case time limit: starting Python, importing numpy and the module
DEFAULT_ISOLATION = "auto"      # Limits.isolation's default ("none" in the tests where no sandbox can run)


@dataclass
class Limits:
    """What one child may use. The memory, process and disk budgets hold for all its processes together.

    - timeout: wall-clock seconds per case; memory_bytes: resident memory of all the child's processes
      together (and the address space of each); file_bytes: the largest file it may write;
    - processes: processes and threads at once; open_files: descriptors each may hold (what it holds in
      pipes or in files without a name is in no set size and no folder's listing);
    - disk_bytes and disk_files: its scratch folder;
    - isolation: "auto" (namespaces where bubblewrap works, else user where accounts are given and the
      grader is root), "namespaces", "user" or "none"; users: the accounts for user mode.
    """
    timeout: float = 20.0
    memory_bytes: int = 3072 * MB
    file_bytes: int = 1 * MB
    processes: int = 64
    open_files: int = 256
    disk_bytes: int = 256 * MB
    disk_files: int = 2000
    isolation: str = field(default_factory=lambda: DEFAULT_ISOLATION)
    users: tuple = ()


@dataclass
class CaseOutcome:
    """One case: ``out`` (encoded values) when it ran, ``error`` (text) when it did not; for a timed
    case, ``seconds`` (its wall time, on the grader's clock), ``cpu_seconds`` (the processor time the
    child's processes used for it, read by the grader: what the speed test judges, as it does not grow
    with the machine's load) and ``reference_seconds`` (the reference's processor time, same sizes)."""
    out: dict = None
    error: str = None
    seconds: float = None
    cpu_seconds: float = None
    reference_seconds: float = None


@dataclass
class Run:
    outcomes: list
    import_error: str = None
    missing: bool = False       # the file imported but lacks the function: import_error says which
    printed: str = ""


# control characters but newline and tab (terminal escapes start with one), C1 controls, and the
# Unicode marks that reorder or hide text on screen
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def printable(text):
    """``text`` safe to print and to write as UTF-8: control characters removed, undecodable parts
    (lone surrogates) written as backslash escapes."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    return UNPRINTABLE.sub("", text)


def describe_exit(code, reason=None):
    """Why a child ended before answering, in a few words."""
    if reason:
        return reason
    if code is None:
        return "the process did not finish"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        why = {"SIGXCPU": " (CPU time limit)", "SIGXFSZ": " (it wrote a file larger than the limit)",
               "SIGKILL": " (killed, e.g. the memory limit)", "SIGSEGV": " (crashed)"}.get(name, "")
        return f"the process was ended by {name}{why}"
    return f"the process exited with status {code} before returning (sys.exit or os._exit?)"


# ---------------------------------------------------------------- one child

def line_limit(size):
    """The longest result line the grader reads for a case whose arrays take ``size`` bytes."""
    return RESULT_SLACK + RESULT_PER_INPUT_BYTE * size


def frame(index, options, inputs):
    """A case as the harness reads it: a JSON line, then the arrays' bytes (a list of buffers, not copied);
    the header tells the harness the case's ``line_limit``. Returns (buffers, that limit)."""
    arrays, chunks, offset = [], [], 0
    for name, value in inputs.items():
        array = np.asarray(value)
        if not array.flags.c_contiguous:
            array = array.copy()
        arrays.append([name, array.dtype.str, list(array.shape), offset])
        chunks.append(memoryview(array).cast("B"))
        pad = -array.nbytes % 16
        chunks.append(memoryview(b"\0" * pad))
        offset += array.nbytes + pad
    limit = line_limit(offset)
    header = json.dumps({"case": index, "options": options, "arrays": arrays, "size": offset, "limit": limit})
    return [memoryview(header.encode() + b"\n")] + chunks, limit


class Child:
    """One harness process in its sandbox, driven case by case from this thread."""

    def __init__(self, iso, files, task, limits, temp_root, trusted=False):
        self.iso, self.limits, self.trusted = iso, limits, trusted
        self.account = iso.acquire(trusted)
        self.base, box, self.scratch = iso.folder(temp_root, self.account)
        request_read, self.request = os.pipe()
        self.results, result_write = os.pipe()
        argv, env, cwd, sites = iso.command(box, self.scratch, (request_read, result_write), self.account)
        layout = dict(files, **{"harness.py": _harness_source()})
        layout["task.json"] = json.dumps(dict(task, sites=sites, require_seccomp=iso.kind == "user",
                                              memory_bytes=int(limits.memory_bytes),
                                              file_bytes=int(limits.file_bytes), processes=int(limits.processes),
                                              open_files=int(limits.open_files),
                                              cpu_seconds=int(limits.timeout * (task["case_count"] + 1) + 10))).encode()
        for rel, data in layout.items():
            path = os.path.join(box, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        iso.seal_box(box, self.account)
        try:
            self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT, pass_fds=(request_read, result_write),
                                            start_new_session=True)
        except BaseException:
            iso.release(self.account)
            remove_tree(self.base)
            raise
        finally:
            for fd in (request_read, result_write):
                os.close(fd)
        try:
            import fcntl
            fcntl.fcntl(self.request, 1031, 1 << 20)       # F_SETPIPE_SZ: a 1 MB pipe, fewer wake-ups
        except OSError:
            pass
        os.set_blocking(self.request, False)
        os.set_blocking(self.results, False)
        self.output = self.process.stdout.fileno()
        self.poller = select.poll()
        self.poller.register(self.results, select.POLLIN)
        self.poller.register(self.output, select.POLLIN)
        self.open_fds = {self.results, self.output}
        self.buffer, self.unsearched, self.received_bytes, self.printed, self.printed_bytes = bytearray(), 0, 0, [], 0
        self.limit, self.skipping = RESULT_SLACK, False     # the longest line read now; in a line past it
        self.stray = 0          # lines read that no wait asked for
        self.next_watch, self.ready, self.closed = 0.0, None, False

    def await_message(self, wanted, deadline, send=(), limit=RESULT_SLACK):
        """Send the buffers ``send``, then read until a message ``wanted(message)`` accepts arrives; a line
        longer than ``limit`` bytes is dropped as garbled.

        Returns (message or None, why not or None, seconds from the first byte sent to the message).
        """
        self.limit = limit
        outgoing = [chunk for chunk in send if len(chunk)]
        if outgoing:
            self.poller.register(self.request, select.POLLOUT)
        start = time.perf_counter()
        while True:
            now = time.monotonic()
            if now >= deadline:
                return None, f"it ran longer than the time limit of {self.limits.timeout:g} s (an endless loop?)", None
            if now >= self.next_watch:
                over = self.over_budget()
                if over:
                    return None, over, None
                self.next_watch = now + WATCH_EVERY
            for fd, _ in self.poller.poll(max(0.0, min(deadline, self.next_watch) - now) * 1000):
                if fd == self.request:
                    outgoing = self._send_some(outgoing)
                elif fd == self.output:
                    self._keep_output()
                else:
                    message, failure = self._receive(wanted)
                    if message is not None or failure is not None:
                        took = time.perf_counter() - start
                        failure = failure or self.over_budget()    # at the end of every case, whatever the timing
                        return (None, failure, None) if failure else (message, None, took)
            if self.results not in self.open_fds:      # the child closed its results: it has ended
                try:
                    self.process.wait(timeout=max(0.0, min(2.0, deadline - time.monotonic())))
                except subprocess.TimeoutExpired:
                    pass
                return None, describe_exit(self.process.poll()), None

    def _send_some(self, outgoing):
        """Write what the pipe takes of ``outgoing``; the rest, to send when it takes more."""
        try:
            written = os.writev(self.request, outgoing[:64])
        except BlockingIOError:
            written = 0
        except OSError:         # the child closed its end: it has ended, as its results will say
            outgoing, written = [], 0
        while written:
            step = min(written, len(outgoing[0]))
            outgoing[0], written = outgoing[0][step:], written - step
            if not len(outgoing[0]):
                outgoing.pop(0)
        if not outgoing:
            self.poller.unregister(self.request)
        return outgoing

    def _receive(self, wanted):
        """Read from the results pipe: (the first complete message ``wanted`` accepts, None), or
        (None, why the child is cut off), or (None, None) for now."""
        try:
            data = os.read(self.results, 1 << 20)
        except BlockingIOError:
            return None, None
        if not data:
            self._close_fd(self.results)
            return None, None
        self.received_bytes += len(data)
        if self.received_bytes > MAX_RESULT_BYTES:
            return None, "it sent more than the grader reads from one child"
        self.buffer += data         # each byte searched once: a line of megabytes costs no more than its bytes
        while True:
            end = self.buffer.find(b"\n", self.unsearched)
            if end < 0:
                if len(self.buffer) > self.limit:       # not kept: the rest of the line is dropped as it comes
                    self.buffer, self.skipping = bytearray(), True
                self.unsearched = len(self.buffer)
                return None, None
            garbled = self.skipping or end > self.limit
            message = {"event": "garbled"} if garbled else self._parse(self.buffer[:end])
            del self.buffer[:end + 1]
            self.unsearched, self.skipping = 0, False
            if message.get("event") == "ready" and self.ready is None:
                self.ready = message
            if wanted(message):
                return message, None
            self.stray += 1     # each costs the grader's own process microseconds: millions, minutes
            if self.stray > MAX_STRAY_LINES:
                return None, f"it wrote more than {MAX_STRAY_LINES} lines no case asked for into the results pipe"

    @staticmethod
    def _parse(line):
        """A line as a message, or {"event": "garbled"}. A line of many brackets or commas is not parsed: JSON
        of lists of empty lists takes the parser 28 times its length (a 24 MB line took 700 MB)."""
        if line.count(b"[") + line.count(b"{") + line.count(b",") > MAX_SEPARATORS:
            return {"event": "garbled"}
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):       # RecursionError: JSON nested too deep
            return {"event": "garbled"}
        return message if isinstance(message, dict) else {"event": "garbled"}

    def _keep_output(self):
        try:
            data = os.read(self.output, 65536)
        except OSError:
            data = b""
        if not data:
            self._close_fd(self.output)
            return
        if self.printed_bytes < MAX_OUTPUT_KEPT:
            self.printed.append(data[:MAX_OUTPUT_KEPT - self.printed_bytes])
        self.printed_bytes += len(data)

    def _close_fd(self, fd):
        if fd in self.open_fds:
            self.poller.unregister(fd)
            self.open_fds.discard(fd)

    def processor_seconds(self):
        """The processor time the child's processes have used so far (``isolation.processor_seconds``)."""
        return processor_seconds(self.iso.processes(self))

    def over_budget(self):
        """Why the child's processes together are over a budget, or None."""
        pids = self.iso.processes(self)
        if len(pids) > self.limits.processes + 3:      # beside the kernel's limit (bubblewrap's own two)
            return f"it started more than the {self.limits.processes} processes a submission may have at once"
        memory = resident_bytes(pids)
        if memory > self.limits.memory_bytes:
            return (f"its processes together held {memory / MB:.0f} MB, past the memory budget of "
                    f"{self.limits.memory_bytes / MB:.0f} MB (a memory limit holds for all of them together)")
        used, count = disk_usage(self.scratch, self.limits.disk_files)
        used += unnamed_bytes(pids)         # files held open without a name are in no listing
        if used > self.limits.disk_bytes or count > self.limits.disk_files:
            return (f"it wrote more than the disk budget of its scratch folder "
                    f"({self.limits.disk_bytes / MB:.0f} MB in at most {self.limits.disk_files} files)")
        return None

    def close(self):
        """End every process of the child, read what it printed, remove its folder. Returns the printing."""
        if self.closed:
            return ""
        self.closed = True
        try:
            self.poller.unregister(self.request)    # a case may have ended before all of it was sent
        except KeyError:
            pass
        os.close(self.request)
        try:
            self.iso.end(self)
        finally:
            deadline = time.monotonic() + 2
            while self.open_fds and time.monotonic() < deadline:     # what is left in the pipes
                for fd, _ in self.poller.poll(100):
                    if fd == self.output:
                        self._keep_output()
                    elif not os.read(fd, 1 << 20):
                        self._close_fd(fd)
            os.close(self.results)
            self.process.stdout.close()
            remove_tree(self.base)
            self.iso.release(self.account)
        text = b"".join(self.printed).decode("utf-8", "replace")
        if self.printed_bytes > MAX_OUTPUT_KEPT:
            text += f"\n[... {self.printed_bytes - MAX_OUTPUT_KEPT} more bytes of output not kept]"
        return printable(text)


@functools.lru_cache(maxsize=1)
def _harness_source():
    with open(HARNESS, "rb") as f:
        return f.read()


# ---------------------------------------------------------------- the cases of one task

def _start(iso, files, task, limits, temp_root, trusted, count):
    """A child that has imported the module: (child, None) or (child, the message saying why not)."""
    child = Child(iso, files, dict(task, case_count=count), limits, temp_root, trusted)
    message, failure, _ = child.await_message(lambda m: m.get("event") == "import",
                                              time.monotonic() + limits.timeout + STARTUP_SECONDS)
    if iso.kind == "user" and child.ready is not None and child.ready.get("seccomp") is not True:
        child.close()
        raise SandboxUnavailable("the network filter (seccomp) could not be installed; user mode needs it")
    return child, message, failure


_idle, _idle_lock = {}, threading.Lock()     # reference children between two uses


def _reference_child(iso, reference, limits):
    """(key, a started child running the trusted reference), or (key, None) if it would not start. The
    reference never sees submitted code, so its child is kept for the next submission."""
    key = (iso.kind, json.dumps(reference["task"], sort_keys=True), tuple(sorted(reference["files"].items())))
    with _idle_lock:
        pool = _idle.setdefault(key, [])
        child = pool.pop() if pool else None
    if child is not None and child.process.poll() is None:
        return key, child
    if child is not None:
        child.close()
    child, message, _ = _start(iso, reference["files"], reference["task"], limits, None, True, 100000)
    if message is None or not message.get("ok"):
        child.close()
        return key, None
    return key, child


def close_references():
    """End the reference children kept between submissions (grade calls it before writing results)."""
    with _idle_lock:
        children = [child for pool in _idle.values() for child in pool]
        _idle.clear()
    for child in children:
        child.close()


atexit.register(close_references)


def _time_reference(iso, reference, cases, inputs, limits):
    """{case index: processor seconds} of the trusted reference on the timed cases: the best of REFERENCE_ROUNDS
    calls each, in a sandboxed child of its own, measured as the submission is (the reference is trusted, so
    repeating it on the same inputs is no loophole); before the submission's child starts, so nothing of
    it runs meanwhile."""
    timed = [i for i, case in enumerate(cases) if case.get("timed") and "baseline_as" not in case]
    if not timed or reference is None:
        return {}
    key, child = _reference_child(iso, reference, limits)
    seconds = {}
    for index in timed if child is not None else []:
        for _ in range(REFERENCE_ROUNDS):
            buffers, limit = frame(index, cases[index], inputs[index])
            used = child.processor_seconds()
            answer, _, _ = child.await_message(
                lambda m, i=index: m.get("event") == "result" and m.get("case") == i,
                time.monotonic() + limits.timeout, buffers, limit)
            if answer is None:
                child.close()
                return seconds
            used = child.processor_seconds() - used
            seconds[index] = min(seconds.get(index, used), used)
    if child is not None:
        with _idle_lock:
            _idle.setdefault(key, []).append(child)
    for i, case in enumerate(cases):      # a case of the same sizes as one timed already
        if case.get("timed") and case.get("baseline_as") in seconds:
            seconds[i] = seconds[case["baseline_as"]]
    return seconds


def run_cases(task, case_inputs, limits=None, temp_root=None, files=None, reference=None):
    """Run ``task`` over ``case_inputs`` in sandboxed children.

    Inputs:
    - task: dict for the harness: exercise (its name in assignment_checks/exercises/) and cases (a list of per-case
      options; a case with {"timed": True} is timed on this process's clock and its processor time read
      here; {"baseline_as": k}: its reference's time is case k's, of the same sizes).
    - case_inputs: list (same length) of dicts of arrays, sent to the child when its case starts.
    - limits: a Limits; temp_root: where the children's folders go (a new temporary folder by default).
    - files: {relative path: bytes}, the files the child may read besides the harness (the package).
    - reference: {"files", "task"} of a trusted child (the harness with {"baseline": True} in its task
      calls the exercise's baseline), timed on the timed cases, the best of REFERENCE_ROUNDS, before the
      submission's child starts; CaseOutcome.reference_seconds.

    Returns a Run: one CaseOutcome per case, the import error if the module could not be imported, and
    the start of what the child printed.
    """
    limits = limits or Limits()
    iso = find(limits.isolation, tuple(limits.users))
    cases = list(task["cases"])
    task = {k: v for k, v in task.items() if k != "cases"}
    outcomes = [None] * len(cases)
    run = Run(outcomes)
    reference_seconds = _time_reference(iso, reference, cases, case_inputs, limits)
    start, deaths = 0, 0
    while start < len(cases):
        child, message, failure = _start(iso, files or {}, task, limits, temp_root, False, len(cases) - start)
        index = None
        try:
            if message is None or not message.get("ok"):
                run.import_error = (printable(str(message.get("error", "?")))[:2000] if message
                                    else f"importing the file failed: {failure}")
                run.missing = bool(message) and message.get("missing") is True
                break
            for index in range(start, len(cases)):
                options = cases[index]
                buffers, limit = frame(index, options, case_inputs[index])
                used = child.processor_seconds() if options.get("timed") else None
                answer, failure, took = child.await_message(
                    lambda m, i=index: m.get("event") == "result" and m.get("case") == i,
                    time.monotonic() + limits.timeout, buffers, limit)
                if answer is None:
                    break
                timed = {"seconds": took, "cpu_seconds": child.processor_seconds() - used,
                         "reference_seconds": reference_seconds.get(index)} if options.get("timed") else {}
                outcomes[index] = (CaseOutcome(out=answer.get("out"), **timed) if answer.get("ok") is True
                                   else CaseOutcome(error=printable(str(answer.get("error", "?")))[:2000]))
                index = None
        finally:
            run.printed += child.close()
        if index is None:
            break
        # the child ended in a case: charge it and go on in a new child with the next one
        outcomes[index] = CaseOutcome(error=failure)
        deaths, start = deaths + 1, index + 1
        if deaths >= 2:     # twice, in a row or not: do not wait for the rest (tests/submissions/hostile_alternate_hang)
            for rest in range(start, len(cases)):
                outcomes[rest] = CaseOutcome(error=f"not run, as two cases before it ended the process: {failure}")
            break
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            outcomes[index] = CaseOutcome(error=f"no result: {run.import_error or 'the process ended early'}")
    return run
