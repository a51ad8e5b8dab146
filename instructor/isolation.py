"""How a child of the grader is sealed off: started, watched and ended (used by ``instructor.sandbox``).

- namespaces: bubblewrap gives the child its own user, mount, pid, network, ipc, uts and cgroup
  namespaces, with the Python runtime, numpy, its folder (read-only) and its scratch folder only;
  the kernel ends the whole pid namespace when its first process ends. Run by root, bubblewrap itself
  runs as nobody.
- user: where namespaces are forbidden (root in a container), the child runs as a separate account,
  one child per account at a time; when it ends, every process of the account is killed.
- none: the grader's own user, only with ``--no-sandbox``.
``find()`` finds the first kind that works here, by starting a child that imports numpy.
"""
import atexit
import functools
import importlib.util
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time


ISOLATIONS = ("auto", "namespaces", "user", "none")
NOT_PROTECTED = ("--no-sandbox: submitted code runs as {user}, with every file, process and network "
                 "connection this user can reach; only the resource limits and the network filter apply")


class SandboxUnavailable(RuntimeError):
    """No sandbox of the kind asked for can run here; the message says why and what to do."""


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


def processor_seconds(pids):
    """The processor time the processes have used, all their threads (ended ones too) and the children
    they have waited for included, in seconds: what a computation costs whatever else the machine runs
    (its wall time grows with the load). Read by the grader, so nothing a process does to its own clocks
    changes it; to the nanosecond from each process's CPU clock (clock_gettime), to the kernel's tick
    from /proc/PID/stat for a zombie and for the waited-for children."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            utime, stime, cutime, cstime = (int(v) / tick for v in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue            # ended and gone: its time is in the parent's waited-for children, or lost with it
        try:
            own = time.clock_gettime(((~pid) << 3) | 2)      # the process's CPU clock (Linux's CPUCLOCK_SCHED)
        except OSError:
            own = utime + stime
        total += own + cutime + cstime
    return total


def unnamed_bytes(pids):
    """The disk blocks of the regular files the processes hold open that have no name left (unlinked while
    open, or made with O_TMPFILE): in no folder's listing, yet taken until the last descriptor closes.
    Each file counts once, however many descriptors hold it (tests/submissions/hostile_unlinked_files)."""
    seen, total = set(), 0
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                info = os.stat(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 0 and (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512
    return total


def disk_usage(folder, max_files):
    """(bytes on disk, entries) under ``folder``, counting stops past ``max_files`` entries. A folder the
    child made unreadable to the grader counts as past the budget: opening it up with chmod would follow
    a symbolic link the child swaps in for it meanwhile (tests/submissions/hostile_chmod_race)."""
    used, count, todo = 0, 0, [folder]
    while todo and count <= max_files:
        path = todo.pop()
        try:
            entries = list(os.scandir(path))
        except PermissionError:
            return used, max_files + 1
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
    """Remove a child's folder, whatever permissions it left inside (once its processes have ended: nothing
    changes under it meanwhile). What could not be removed is opened up with chmod, a link's folder but
    never a link, which chmod would follow out of the folder (tests/submissions/hostile_chmod_race)."""
    def retry(function, failed, _):
        try:
            os.chmod(os.path.dirname(failed), 0o700)
        except OSError:
            pass
        try:
            if not os.path.islink(failed):
                os.chmod(failed, 0o700)
            if function in (os.open, os.scandir):     # a folder it could not open, open now
                remove_tree(failed)
            else:
                function(failed)
        except OSError:
            pass
    shutil.rmtree(path, onerror=retry)


# ---------------------------------------------------------------- the isolation: how a child is started and ended

RUNTIME = ("numpy", "threadpoolctl")    # the packages a child gets: what the edition's code imports


@functools.lru_cache(maxsize=1)
def _packages():
    """[(path, name)]: the installed files of the packages a child gets (a package's folder, a module's
    file, and numpy's bundled libraries), as this grader's Python finds them."""
    found = []
    for name in RUNTIME:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        path = os.path.realpath(spec.origin)
        if spec.submodule_search_locations:         # a package: its folder
            path = os.path.dirname(path)
        found.append((path, os.path.basename(path)))
        libs = os.path.join(os.path.dirname(path), name + ".libs")
        if os.path.isdir(libs):
            found.append((os.path.realpath(libs), name + ".libs"))
    return found


def _open_to_all(path):
    """Whether any account may read ``path``: every folder above it may be crossed by others, and it read."""
    path = os.path.realpath(path)
    want = stat.S_IROTH | (stat.S_IXOTH if os.path.isdir(path) else 0)
    while True:
        if os.stat(path).st_mode & want != want:
            return False
        if path == os.path.dirname(path):
            return True
        path, want = os.path.dirname(path), stat.S_IXOTH


def _link_or_copy(source, target):
    """``target`` as a hard link to ``source`` where ``source`` is readable to all, else a copy that is."""
    if os.stat(source).st_mode & stat.S_IROTH:
        try:
            return os.link(source, target)
        except OSError:     # another file system, or links refused
            pass
    shutil.copy2(source, target)
    os.chmod(target, os.stat(target).st_mode | 0o444)


@functools.lru_cache(maxsize=1)
def _runtime():
    """[(path, name)]: the packages a child gets (``_packages``), where any account may read them. Installed in
    a folder only its owner may enter (a checkout in ``mktemp -d``, a private home), they are linked or
    copied into a folder of the grader's that all may read, removed at exit; bubblewrap binds them at
    /runtime/site, so the child never sees where either is."""
    found = _packages()
    if all(_open_to_all(path) for path, _ in found):
        return found
    folder = tempfile.mkdtemp(prefix="grader-runtime-")
    atexit.register(remove_tree, folder)
    staged = []
    for path, name in found:
        target = os.path.join(folder, name)
        if os.path.isdir(path):
            shutil.copytree(path, target, copy_function=_link_or_copy)
        else:
            _link_or_copy(path, target)
        staged.append((target, name))
    for top, dirs, _ in os.walk(folder):
        os.chmod(top, 0o755)
    return staged


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

    def __init__(self, kind, bwrap=None, bwrap_flags=(), accounts=(), drop=None, python=None, notes=()):
        self.kind, self.bwrap, self.bwrap_flags, self.drop = kind, bwrap, list(bwrap_flags), drop
        self.notes = list(notes)        # what grade prints about how it seals the children off
        self.python = python or os.path.realpath(sys.executable)
        self.accounts = list(accounts)        # (uid, gid) pairs for user mode
        self._free = list(accounts)
        self._lock = threading.Condition()
        self._root = None

    def acquire(self, trusted):
        """A child's account in user mode, waiting for one to be free (one child per account at a time);
        None elsewhere, and for the trusted reference, which runs as the grader."""
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
        """A new folder for one child, with box/ (read-only to it) and scratch/ (its own).

        In user mode (``seal_box``) the folder becomes the account's, mode 0700: no other account enters it,
        whatever groups they share, though its path is in the child's command line, which every process may
        read (tests/submissions/hostile_read_classmate_box)."""
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
        if account is None and self.drop is not None:     # namespaces as nobody: its scratch, its box bound
            os.chmod(base, 0o711)
            os.chown(scratch, *self.drop)
            os.chmod(box, 0o755)
        return base, box, scratch

    def seal_box(self, box, account):
        """After the files are written, in user mode: box/ readable and root's, in a folder that is the account's
        (written before it is: no link of the account's redirects the grader's writes)."""
        if account is None:
            return
        for folder, dirs, files in os.walk(box):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        base = os.path.dirname(box)
        for path in (base, os.path.join(base, "scratch")):
            os.chown(path, *account)
            os.chmod(path, 0o700)

    def command(self, box, scratch, fds, account, script="harness.py"):
        """(argv, environment, working folder, the folders the child finds its packages in)."""
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        if self.kind == "namespaces":
            env.update(HOME="/scratch", TMPDIR="/scratch")
            argv = [self.bwrap, *self.bwrap_flags, *self._binds(),
                    *[arg for name, value in sorted(env.items()) for arg in ("--setenv", name, value)],
                    "--ro-bind", box, "/box", "--bind", scratch, "/scratch", "--chdir", "/scratch",
                    "--remount-ro", "/", self.python, "-I", "-S", f"/box/{script}", *map(str, fds)]
            if self.drop is not None:
                argv = [*_as_account(self.drop), "--", *argv]
            return argv, {}, box, ["/runtime/site"]
        argv = [self.python, "-I", "-S", os.path.join(box, script), *map(str, fds)]
        if account is not None:
            argv = [*_as_account(account), "--no-new-privs", "--", *argv]
        sites = list(dict.fromkeys(os.path.dirname(path) for path, _ in self.packages()))
        return argv, dict(env, HOME=scratch, TMPDIR=scratch), scratch, sites

    def _binds(self):
        """bubblewrap's view: the system's libraries and the Python runtime read-only, the site folders
        hidden, numpy (and threadpoolctl) in /runtime/site, a fresh /proc and a read-only /dev."""
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
        for path, name in self.packages():
            args += ["--ro-bind", path, f"/runtime/site/{name}"]
        return args + ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]

    def packages(self):
        """The runtime's packages: where another account runs the child, where any account may read them."""
        return _runtime() if self.kind == "user" or self.drop is not None else _packages()

    def works(self):
        """Whether a child starts here and imports numpy: (True, "") or (False, what went wrong)."""
        account = self.accounts[0] if self.kind == "user" else None
        base, box, scratch = self.folder(None, account)
        try:
            with open(os.path.join(box, "probe.py"), "w") as f:
                f.write(f"import sys\nsys.path[:0] = sys.argv[1:]\nimport {', '.join(RUNTIME)}\n")
            self.seal_box(box, account)
            argv, env, cwd, sites = self.command(box, scratch, (), account, script="probe.py")
            code, text = _run_quietly([*argv, *sites], cwd=cwd, env=env)
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
        if self.kind == "user" and child.account is not None:
            self._end_account(child, child.account[0])
        else:
            self._end_tree(child)

    @staticmethod
    def _end_tree(child):
        """The child's process and every process below it; in a pid namespace, killing its init takes
        the whole namespace with it, orphans included."""
        seen = set()
        for _ in range(100):
            pids = descendants(child.process.pid) if child.process.poll() is None else []
            seen.update(pids)
            try:
                os.killpg(child.process.pid, signal.SIGKILL)
            except OSError:
                pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                child.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
            if not any(alive(pid) for pid in seen):
                return
            time.sleep(0.005)
        raise SandboxUnavailable("the processes of a submission could not be ended")

    def _end_account(self, child, uid):
        """Every process of the account: kill(-1) as the account reaches them all, forks in flight
        included; then what it left where any account may write."""
        for _ in range(100):
            if owned_by(uid):
                subprocess.run([*_as_account(child.account), "--", self.python, "-I", "-S", "-c",
                                "import os, signal; os.kill(-1, signal.SIGKILL)"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                child.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
            if not owned_by(uid):
                remove_owned(uid)
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
    """([(uid, gid)] of the named accounts, a uid once; [one line for each name of a uid already given]), or
    the reason user mode cannot work."""
    if os.geteuid() != 0:
        return "only root can run children as another user"
    if not users:
        return "no account was given for user mode (grade --sandbox-user NAME)"
    if shutil.which("setpriv") is None:
        return "setpriv (util-linux) is not installed"
    accounts, names, notes = [], {}, []
    for user in users:
        try:
            entry = pwd.getpwnam(user) if not str(user).isdigit() else pwd.getpwuid(int(user))
        except KeyError:
            return f"there is no account {user!r} (useradd --system {user})"
        if entry.pw_uid == 0:
            return f"the account {user!r} is root"
        running = owned_by(entry.pw_uid)
        if running:     # a child could signal them, its budgets would count them, and its end kills them
            return (f"the account {user!r} runs processes (pid {running[0]}): user mode needs accounts that "
                    f"run nothing else")
        if entry.pw_uid in names:       # two children as one uid would reach each other
            notes.append(f"note: --sandbox-user {user} is uid {entry.pw_uid}, as {names[entry.pw_uid]} is: "
                         f"its children run one at a time")
            continue
        names[entry.pw_uid] = user
        accounts.append((entry.pw_uid, entry.pw_gid))
    return accounts, notes


@functools.lru_cache(maxsize=None)
def find(kind="auto", users=()):
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
        if isinstance(found, tuple):
            found, notes = found
            for python in _pythons():
                iso = Isolation("user", accounts=found, python=python, notes=notes)
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
    iso = find(limits.isolation, tuple(limits.users))
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
