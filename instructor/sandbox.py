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
nothing the child sends can execute code here, and text from it is made printable.

If the child dies or stalls in a case, that case is charged and the remaining cases run in a
new child, so one bad case costs only its own part. Every process of a child is gone before
``run_cases`` returns.
"""
import atexit
import base64
import functools
import io
import json
import os
import pwd
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

import numpy as np

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness.py")
MAX_RESULT_BYTES = 256 << 20     # all result lines of one child together
MAX_OUTPUT_KEPT = 4000           # characters of the child's printing kept for feedback
WATCH_EVERY = 0.05               # seconds between two looks at a child's memory and disk
STARTUP_SECONDS = 30             # beyond the case time limit: starting Python, importing numpy and the module
ISOLATIONS = ("auto", "namespaces", "user", "none")
DEFAULT_ISOLATION = "auto"
NOT_PROTECTED = ("--no-sandbox: submitted code runs as {user}, with every file, process and network "
                 "connection this user can reach; only the resource limits and the network filter apply")


class SandboxUnavailable(RuntimeError):
    """No sandbox of the kind asked for can run here; the message says why and what to do."""


@dataclass
class Limits:
    """What one child may use. The memory, process and disk budgets hold for all its processes together.

    - timeout: wall-clock seconds per case; memory_bytes: resident memory of all the child's processes
      together (and the address space of each); file_bytes: the largest file it may write;
    - processes: processes and threads at once; disk_bytes and disk_files: its scratch folder;
    - isolation: "auto" (namespaces where bubblewrap works, else user where accounts are given and the
      grader is root), "namespaces", "user" or "none"; users: the accounts for user mode.
    """
    timeout: float = 20.0
    memory_bytes: int = 3 << 30
    file_bytes: int = 1 << 20
    processes: int = 64
    disk_bytes: int = 256 << 20
    disk_files: int = 2000
    isolation: str = field(default_factory=lambda: DEFAULT_ISOLATION)
    users: tuple = ()


@dataclass
class Outcome:
    """One case: ``out`` (decoded values) when it ran, ``error`` (text) when it did not; for a timed
    case, ``seconds`` (the grader's clock) and ``reference_seconds`` (the reference's, on the same inputs)."""
    out: dict = None
    error: str = None
    seconds: float = None
    reference_seconds: float = None


@dataclass
class Run:
    outcomes: list
    import_error: str = None
    missing: bool = False       # the file imported but lacks the function: import_error says which
    printed: str = ""


class ResultError(ValueError):
    """A value from the child that is not a plain number or numeric array."""


def decode(value):
    """A value encoded by the harness: a float, a numeric ndarray, or ResultError for anything else."""
    if not isinstance(value, dict):
        raise ResultError("the result channel held something the harness does not write")
    if "number" in value and isinstance(value["number"], (int, float)):
        return float(value["number"])
    if "npy" in value and isinstance(value["npy"], str):
        try:
            array = np.load(io.BytesIO(base64.b64decode(value["npy"], validate=True)), allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise ResultError(f"an array that could not be read safely ({exc})") from None
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
            raise ResultError(f"an array of dtype {getattr(array, 'dtype', '?')}, not numbers")
        return array
    if "unsupported" in value:
        raise ResultError(f"a {printable(str(value['unsupported']))[:80]}, not a number or numpy array")
    raise ResultError("a value the grader does not accept")


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


# ---------------------------------------------------------------- processes, memory and disk of a child

def _pid_children(pid):
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def descendants(pid):
    """``pid`` and every process below it (orphans of a pid namespace stay below its init)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if os.path.exists(f"/proc/{current}"):
            found.append(current)
            todo += _pid_children(current)
    return found


def owned_by(uid):
    """The processes whose real uid is ``uid`` (from /proc/PID/status, whatever their dumpable flag)."""
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                status = f.read()
        except OSError:
            continue
        match = re.search(r"^Uid:\s+(\d+)", status, re.M)
        state = re.search(r"^State:\s+(\S)", status, re.M)
        if match and int(match.group(1)) == uid and not (state and state.group(1) in "ZX"):
            pids.append(int(name))
    return pids


def alive(pid):
    """Whether ``pid`` still runs (a zombie has ended: only its exit status is left)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (OSError, IndexError):
        return False


def resident_bytes(pids):
    """The memory the processes hold together: the sum of their proportional set sizes (a page shared
    by k of them counts 1/k for each, so forks of one process are not counted many times over)."""
    total, page = 0, os.sysconf("SC_PAGE_SIZE")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += int(re.search(r"^Pss:\s+(\d+) kB", f.read(), re.M).group(1)) << 10
            continue
        except (OSError, AttributeError):
            pass
        try:        # no smaps_rollup (Linux < 4.14): the resident set, shared pages counted in full
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


def disk_usage(folder, max_files):
    """(bytes on disk, entries) under ``folder``, counting stops past ``max_files`` entries; a folder
    the child made unreadable is opened up first (the grader owns the scratch or is root)."""
    used, count, todo = 0, 0, [folder]
    while todo and count <= max_files:
        path = todo.pop()
        try:
            entries = list(os.scandir(path))
        except PermissionError:
            try:
                os.chmod(path, 0o700)
                entries = list(os.scandir(path))
            except OSError:
                continue
        except OSError:
            continue
        for entry in entries:
            count += 1
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            used += info.st_blocks * 512
            if entry.is_dir(follow_symlinks=False):
                todo.append(entry.path)
    return used, count


SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")     # where any account may write, without namespaces


def remove_owned(uid):
    """Remove what ``uid`` left at the top of the folders every account may write to (user mode, where the
    child is not held to its scratch folder)."""
    for folder in {*SHARED_FOLDERS, tempfile.gettempdir()}:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    remove_tree(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def remove_tree(path):
    """Remove a child's folder, whatever permissions it left inside."""
    def retry(function, failed, _):
        try:
            os.chmod(os.path.dirname(failed), 0o700)
            os.chmod(failed, 0o700)
        except OSError:
            pass
        try:
            function(failed)
        except OSError:
            pass
    shutil.rmtree(path, onerror=retry)


# ---------------------------------------------------------------- the isolation: how a child is started and ended

def _numpy():
    """(numpy's folder, numpy's bundled libraries or None): the one package a child gets."""
    numpy_dir = os.path.dirname(os.path.realpath(np.__file__))
    libs = os.path.join(os.path.dirname(numpy_dir), "numpy.libs")
    return numpy_dir, libs if os.path.isdir(libs) else None


def _prefix_of(python):
    """The installation prefix of a Python binary (``/usr`` for /usr/bin/python3.11)."""
    if os.path.realpath(sys.executable) == python:
        return os.path.realpath(sys.base_prefix)
    return os.path.dirname(os.path.dirname(python))


def _site_folders(prefix):
    """Folders where Python finds installed packages outside a virtual environment: hidden from the child,
    whose only package is numpy."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    folders = set()
    for root in {prefix, "/usr", "/usr/local"}:
        for sub in (f"lib/{version}/site-packages", f"lib/{version}/dist-packages", "lib/python3/dist-packages",
                    f"lib64/{version}/site-packages", f"local/lib/{version}/dist-packages"):
            path = os.path.join(root, sub)
            if os.path.isdir(path) and not os.path.islink(path):
                folders.add(path)
    return sorted(folders)


class Isolation:
    """How children are started, watched and ended; one per kind (see the module's docstring)."""

    def __init__(self, kind, bwrap=None, bwrap_flags=(), accounts=(), drop=None, python=None):
        self.kind, self.bwrap, self.bwrap_flags, self.drop = kind, bwrap, list(bwrap_flags), drop
        self.python = python or os.path.realpath(sys.executable)
        self.accounts = list(accounts)        # (uid, gid) pairs for user mode
        self._free = list(accounts)
        self._lock = threading.Condition()
        self._root = None

    def describe(self):
        return {"namespaces": "namespaces (bubblewrap)", "user": "a separate user per child (no namespaces)",
                "none": "no sandbox"}[self.kind]

    # a child's account in user mode: one submission per account at a time
    def acquire(self, trusted):
        if self.kind != "user" or trusted:
            return None
        with self._lock:
            while not self._free:
                self._lock.wait()
            return self._free.pop()

    def release(self, account):
        if account is not None:
            with self._lock:
                self._free.append(account)
                self._lock.notify()

    def folder(self, temp_root, account):
        """A new folder for one child, with box/ (read-only to it) and scratch/ (its own)."""
        parent = temp_root
        if account is not None or self.drop is not None:    # under a folder its account can cross but not list
            with self._lock:
                if self._root is None:
                    self._root = tempfile.mkdtemp(prefix="grader-sandbox-")
                    os.chmod(self._root, 0o711)
                    atexit.register(remove_tree, self._root)
            parent = self._root
        base = tempfile.mkdtemp(prefix="child-", dir=parent)
        box, scratch = os.path.join(base, "box"), os.path.join(base, "scratch")
        os.makedirs(box)
        os.makedirs(scratch)
        if account is not None:
            uid, gid = account
            os.chmod(base, 0o710)
            os.chown(base, 0, gid)
            os.chown(scratch, uid, gid)
            os.chmod(scratch, 0o700)
        elif self.drop is not None:     # namespaces as nobody: its scratch, and its box readable through the bind
            os.chmod(base, 0o711)
            os.chown(scratch, *self.drop)
            os.chmod(box, 0o755)
        return base, box, scratch

    def seal_box(self, box, account):
        """After the files are written: read-only to the account in user mode."""
        if account is None:
            return
        for folder, dirs, files in os.walk(box):
            os.chown(folder, 0, account[1])
            os.chmod(folder, 0o750)
            for name in files:
                os.chown(os.path.join(folder, name), 0, account[1])
                os.chmod(os.path.join(folder, name), 0o640)

    def command(self, box, scratch, fds, account, script="harness.py"):
        """(argv, environment, working folder, the site folder as the child sees it)."""
        numpy_dir, libs = _numpy()
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        if self.kind == "namespaces":
            env.update(HOME="/scratch", TMPDIR="/scratch")
            argv = [self.bwrap, *self.bwrap_flags, *self._binds(numpy_dir, libs),
                    *[arg for name, value in sorted(env.items()) for arg in ("--setenv", name, value)],
                    "--ro-bind", box, "/box", "--bind", scratch, "/scratch", "--chdir", "/scratch",
                    "--remount-ro", "/", self.python, "-I", "-S", f"/box/{script}", *map(str, fds)]
            if self.drop is not None:
                argv = [*_as_account(self.drop), "--", *argv]
            return argv, {}, box, "/runtime/site"
        argv = [self.python, "-I", "-S", os.path.join(box, script), *map(str, fds)]
        if account is not None:
            argv = [*_as_account(account), "--no-new-privs", "--", *argv]
        return argv, dict(env, HOME=scratch, TMPDIR=scratch), scratch, os.path.dirname(numpy_dir)

    def _binds(self, numpy_dir, libs):
        """bubblewrap's view: the system's libraries and the Python runtime read-only, the site folders
        hidden, numpy in /runtime/site, a fresh /proc and a read-only /dev."""
        bound, args = [], []
        for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
                bound.append(top)
        args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        prefix = _prefix_of(self.python)
        for path in (prefix, os.path.dirname(self.python)):
            if not any(path == b or path.startswith(b + "/") for b in bound):
                args += ["--ro-bind", path, path]
                bound.append(path)
        for hidden in _site_folders(prefix):
            if any(hidden.startswith(b + "/") for b in bound):
                args += ["--tmpfs", hidden, "--remount-ro", hidden]
        args += ["--ro-bind", numpy_dir, "/runtime/site/numpy"]
        if libs:
            args += ["--ro-bind", libs, "/runtime/site/numpy.libs"]
        return args + ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]

    def works(self):
        """Whether a child starts here and imports numpy: (True, "") or (False, what went wrong)."""
        account = self.accounts[0] if self.kind == "user" else None
        base, box, scratch = self.folder(None, account)
        try:
            with open(os.path.join(box, "probe.py"), "w") as f:
                f.write("import sys\nsys.path.insert(0, sys.argv[1])\nimport numpy\n")
            self.seal_box(box, account)
            argv, env, cwd, site = self.command(box, scratch, (), account, script="probe.py")
            code, text = _run_quietly([*argv, site], cwd=cwd, env=env)
            return code == 0, text
        finally:
            remove_tree(base)

    def processes(self, child):
        """The child's processes now."""
        if self.kind == "user" and child.account is not None:
            return owned_by(child.account[0])
        return descendants(child.process.pid)

    def end(self, child):
        """Kill every process of the child and wait until none is left."""
        seen = set()
        for _ in range(1000):
            if self.kind == "user" and child.account is not None:
                pids = owned_by(child.account[0])
                if pids:    # kill(-1) as the account: every process it owns, forks in flight included
                    uid, gid = child.account
                    subprocess.run([*_as_account(child.account), "--", self.python, "-I", "-S", "-c",
                                    "import os, signal; os.kill(-1, signal.SIGKILL)"], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            else:
                pids = descendants(child.process.pid) if child.process.poll() is None else []
                try:
                    os.killpg(child.process.pid, signal.SIGKILL)
                except OSError:
                    pass
                for pid in pids:    # the pid namespace's init takes the whole namespace with it
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            seen.update(pids)
            try:
                child.process.wait(timeout=0.01)
            except subprocess.TimeoutExpired:
                pass
            if child.process.poll() is not None and not any(alive(p) for p in seen) and not (
                    self.kind == "user" and child.account is not None and owned_by(child.account[0])):
                if self.kind == "user" and child.account is not None:
                    remove_owned(child.account[0])
                return
            time.sleep(0.005)
        raise SandboxUnavailable("the processes of a submission could not be ended")


def _as_account(account):
    """setpriv's arguments that run what follows as ``account`` (uid, gid), without supplementary groups."""
    uid, gid = account
    return [shutil.which("setpriv"), f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]


def _run_quietly(argv, timeout=30, **options):
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, **options)
        return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, str(exc)


NOBODY = (65534, 65534)     # root's sandboxes run as this uid and gid, outside the namespaces too


def _pythons():
    """The Pythons a child may run, best first: the grader's own, then the system's of the same version
    (numpy's compiled modules need the version; another account may not reach the grader's)."""
    own = os.path.realpath(sys.executable)
    system = shutil.which(f"python{sys.version_info[0]}.{sys.version_info[1]}", path="/usr/bin:/usr/local/bin:/bin")
    return [own] + ([os.path.realpath(system)] if system and os.path.realpath(system) != own else [])


@functools.lru_cache(maxsize=None)
def _namespaces():
    """An Isolation with bubblewrap, or the reason it cannot work here.

    Run by root, bubblewrap runs as nobody (setpriv): a uid that owns nothing, and one the kernel holds
    to the process limit (it exempts root's processes, whatever their uid inside a namespace). Its Python
    must then be one nobody can read: the grader's own, or else the system's of the same version. Where
    neither works, root's bubblewrap runs the child as uid 65534 inside the namespaces only, and the
    process budget rests on the watchdog alone."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap is not installed (Debian and Ubuntu: apt-get install bubblewrap)"
    flags = ["--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv"]
    own = os.path.realpath(sys.executable)
    ways = [(None, own, [])]
    if os.geteuid() == 0:
        ways = [(NOBODY, python, []) for python in _pythons()] * bool(shutil.which("setpriv")) + [
            (None, own, ["--cap-drop", "ALL", "--uid", "65534", "--gid", "65534"])]
    text = ""
    for drop, python, more in ways:
        for extra in (["--disable-userns"], []):      # bubblewrap >= 0.8 also forbids nested namespaces
            iso = Isolation("namespaces", bwrap, flags + more + extra, drop=drop, python=python)
            ok, text = iso.works()
            if ok:
                return iso
    return f"bubblewrap cannot run a child here ({text.strip()[-300:]})"


def _accounts(users):
    """[(uid, gid)] of the named accounts, or the reason user mode cannot work."""
    if os.geteuid() != 0:
        return "only root can run children as another user"
    if not users:
        return "no account was given for user mode (grade --sandbox-user NAME)"
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed"
    accounts = []
    for user in users:
        try:
            entry = pwd.getpwnam(user) if not str(user).isdigit() else pwd.getpwuid(int(user))
        except KeyError:
            return f"there is no account {user!r} (useradd --system {user})"
        if entry.pw_uid == 0:
            return f"the account {user!r} is root"
        accounts.append((entry.pw_uid, entry.pw_gid))
    return accounts


@functools.lru_cache(maxsize=None)
def isolation(kind="auto", users=()):
    """The Isolation for ``kind`` ("auto", "namespaces", "user", "none"), or SandboxUnavailable saying
    why none of the kinds asked for can run here."""
    if kind not in ISOLATIONS:
        raise ValueError(f"isolation must be one of {ISOLATIONS}, got {kind!r}")
    if kind == "none":
        return Isolation("none")
    reasons = []
    if kind in ("auto", "namespaces"):
        found = _namespaces()
        if isinstance(found, Isolation):
            return found
        reasons.append(found)
    if kind in ("auto", "user"):
        found = _accounts(tuple(users))
        if isinstance(found, list):
            for python in _pythons():
                iso = Isolation("user", accounts=found, python=python)
                ok, text = iso.works()
                if ok:
                    return iso
            found = f"the account cannot run Python with numpy ({text.strip()[-300:]})"
        reasons.append(found)
    raise SandboxUnavailable("no sandbox can run here: " + "; ".join(reasons) +
                             ". Grade on Linux with bubblewrap, or as root with --sandbox-user, or pass "
                             "--no-sandbox to run submitted code without one")


def readable_by(paths, limits):
    """The paths of ``paths`` that a user-mode account can read (nothing outside user mode)."""
    iso = isolation(limits.isolation, tuple(limits.users))
    if iso.kind != "user":
        return []
    probe = ("import os, sys\nfor p in sys.argv[1:]:\n    try:\n        os.listdir(p) if os.path.isdir(p) "
             "else open(p, 'rb').close()\n        print(p)\n    except OSError:\n        pass\n")
    found = set()
    for uid, gid in iso.accounts:
        done = subprocess.run([*_as_account((uid, gid)), "--", iso.python, "-I", "-S", "-c", probe, *map(str, paths)],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd="/")
        found.update(done.stdout.splitlines())
    return [p for p in map(str, paths) if p in found]


# ---------------------------------------------------------------- one child

def frame(index, options, inputs):
    """A case as the harness reads it: a JSON line, then the arrays' bytes (a list of buffers, not copied)."""
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
    header = json.dumps({"case": index, "options": options, "arrays": arrays, "size": offset}).encode()
    return [memoryview(header + b"\n")] + chunks


class Child:
    """One harness process in its sandbox, driven case by case from this thread."""

    def __init__(self, iso, files, task, limits, temp_root, trusted=False):
        self.iso, self.limits, self.trusted = iso, limits, trusted
        self.account = iso.acquire(trusted)
        self.base, box, self.scratch = iso.folder(temp_root, self.account)
        request_read, self.request = os.pipe()
        self.results, result_write = os.pipe()
        argv, env, cwd, site = iso.command(box, self.scratch, (request_read, result_write), self.account)
        layout = dict(files, **{"harness.py": _harness_source()})
        layout["task.json"] = json.dumps(dict(task, site=site, require_seccomp=iso.kind == "user",
                                              memory_bytes=int(limits.memory_bytes),
                                              file_bytes=int(limits.file_bytes), processes=int(limits.processes),
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
        self.output = self.process.stdout.fileno()
        self.poller = select.poll()
        self.poller.register(self.results, select.POLLIN)
        self.poller.register(self.output, select.POLLIN)
        self.open_fds = {self.results, self.output}
        self.buffer, self.received_bytes, self.printed, self.printed_bytes = b"", 0, [], 0
        self.next_watch, self.ready, self.closed = 0.0, None, False

    def await_message(self, wanted, deadline, send=()):
        """Send the buffers ``send``, then read until a message ``wanted(message)`` accepts arrives.

        Returns (message or None, why not or None, seconds from the first byte sent to the message).
        """
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
            timeout = max(0.0, min(deadline, self.next_watch) - now)
            for fd, event in self.poller.poll(timeout * 1000):
                if fd == self.request:
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
                elif fd == self.output:
                    self._keep_output()
                elif fd == self.results:
                    data = os.read(self.results, 1 << 20)
                    if not data:
                        self._close_fd(self.results)
                        continue
                    self.received_bytes += len(data)
                    if self.received_bytes > MAX_RESULT_BYTES:
                        return None, "it sent more than the grader reads from one child", None
                    self.buffer += data
                    while b"\n" in self.buffer:
                        line, self.buffer = self.buffer.split(b"\n", 1)
                        message = self._parse(line)
                        if message.get("event") == "ready" and self.ready is None:
                            self.ready = message
                        if wanted(message):
                            took = time.perf_counter() - start
                            over = self.over_budget()       # at the end of every case, whatever the timing
                            return (None, over, None) if over else (message, None, took)
            if self.results not in self.open_fds:      # the child closed its results: it has ended
                try:
                    self.process.wait(timeout=max(0.0, min(2.0, deadline - time.monotonic())))
                except subprocess.TimeoutExpired:
                    pass
                return None, describe_exit(self.process.poll()), None

    @staticmethod
    def _parse(line):
        try:
            message = json.loads(line)
        except ValueError:
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

    def over_budget(self):
        """Why the child's processes together are over a budget, or None."""
        pids = self.iso.processes(self)
        if len(pids) > self.limits.processes + 3:      # beside the kernel's limit (bubblewrap's own two)
            return f"it started more than the {self.limits.processes} processes a submission may have at once"
        memory = resident_bytes(pids)
        if memory > self.limits.memory_bytes:
            return (f"its processes together held {memory / 2 ** 20:.0f} MB, past the memory budget of "
                    f"{self.limits.memory_bytes / 2 ** 20:.0f} MB (a memory limit holds for all of them together)")
        used, count = disk_usage(self.scratch, self.limits.disk_files)
        if used > self.limits.disk_bytes or count > self.limits.disk_files:
            return (f"it wrote more than the disk budget of its scratch folder "
                    f"({self.limits.disk_bytes / 2 ** 20:.0f} MB in at most {self.limits.disk_files} files)")
        return None

    def close(self):
        """End every process of the child, read what it printed, remove its folder. Returns the printing."""
        if self.closed:
            return ""
        self.closed = True
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
    """{case index: seconds} of the trusted reference on the timed cases, in a sandboxed child of its own,
    timed as the submission is; before the submission's child starts, so nothing of it runs meanwhile."""
    timed = [i for i, case in enumerate(cases) if case.get("timed")]
    if not timed or reference is None:
        return {}
    key, child = _reference_child(iso, reference, limits)
    seconds = {}
    for index in timed if child is not None else []:
        answer, _, took = child.await_message(lambda m, i=index: m.get("event") == "result" and m.get("case") == i,
                                              time.monotonic() + limits.timeout, frame(index, cases[index], inputs[index]))
        if answer is None:
            child.close()
            return seconds
        seconds[index] = took
    if child is not None:
        with _idle_lock:
            _idle.setdefault(key, []).append(child)
    return seconds


def run_cases(task, case_inputs, limits=None, temp_root=None, files=None, reference=None):
    """Run ``task`` over ``case_inputs`` in sandboxed children.

    Inputs:
    - task: dict for the harness: module, function, kind, and cases (a list of per-case options; a
      case with {"timed": True} is timed on this process's clock).
    - case_inputs: list (same length) of dicts of arrays, sent to the child when its case starts.
    - limits: a Limits; temp_root: where the children's folders go (a new temporary folder by default).
    - files: {relative path: bytes}, the files the child may read besides the harness (the package).
    - reference: {"files", "task"} of a trusted reference, timed on the timed cases in a child of its own.

    Returns a Run: one Outcome per case, the import error if the module could not be imported, and
    the start of what the child printed.
    """
    limits = limits or Limits()
    iso = isolation(limits.isolation, tuple(limits.users))
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
                answer, failure, took = child.await_message(
                    lambda m, i=index: m.get("event") == "result" and m.get("case") == i,
                    time.monotonic() + limits.timeout, frame(index, options, case_inputs[index]))
                if answer is None:
                    break
                timed = {"seconds": took, "reference_seconds": reference_seconds.get(index)} if options.get(
                    "timed") else {}
                outcomes[index] = (Outcome(out=answer.get("out"), **timed) if answer.get("ok") is True
                                   else Outcome(error=printable(str(answer.get("error", "?")))[:2000]))
                index = None
        finally:
            run.printed += child.close()
        if index is None:
            break
        # the child ended in a case: charge it and go on in a new child with the next one
        outcomes[index] = Outcome(error=failure)
        deaths = deaths + 1 if index == start else 1
        start = index + 1
        if deaths >= 2:     # twice in a row: the rest would most likely do the same; do not wait for them
            for rest in range(start, len(cases)):
                outcomes[rest] = Outcome(error=f"not run, as the two cases before it: {failure}")
            break
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            outcomes[index] = Outcome(error=f"no result: {run.import_error or 'the process ended early'}")
    return run
