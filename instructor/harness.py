"""The child side of the grader: runs one exercise's call on the cases the grader sends.

Started by ``instructor.sandbox`` inside its sandbox as ``python -I -S harness.py REQUEST_FD RESULT_FD``
in a folder that holds this file, task.json and the files the grader chose (the student edition's
classifiers/ and assignment_checks/, its answers cut out, and the submitted files); never imported by the
grader. Before anything submitted is imported it lowers its own resource limits, installs a
seccomp filter that refuses network sockets and, where the kernel has Landlock, lets itself write in
its scratch folder only; then it supplies the old-Python shims, imports the
submitted module (or reads the submitted notebook) and, for each case, calls the exercise as its
definition says (``assignment_checks/exercises/``), or, in the trusted child that times the reference, the
exercise's baseline.

The protocol, one case at a time:
- grader -> child, on REQUEST_FD: a JSON line {"case", "options", "arrays": [[name, dtype, shape,
  offset]], "size", "limit"} followed by ``size`` bytes holding the arrays. A case's inputs arrive only
  when the grader starts that case (and its clock, for a timed case).
- child -> grader, on RESULT_FD: JSON lines {"event": "ready" | "import" | "result", ...}; the
  outputs as ``assignment_checks.values`` encodes them (numbers, .npy bytes saved with allow_pickle=False). A
  result line longer than the case header's "limit" would be dropped: an error saying so is sent instead.
Nothing here computes an answer or decides a grade, and nothing here times anything: the grader
judges the values and keeps the time itself.
"""
import builtins
import ctypes
import importlib
import json
import os
import platform
import resource
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))


def limit_resources(task):
    """Lower this process's limits; the submission runs under them and cannot raise them back."""
    limits = [(resource.RLIMIT_AS, task["memory_bytes"]), (resource.RLIMIT_CPU, task["cpu_seconds"]),
              (resource.RLIMIT_FSIZE, task["file_bytes"]), (resource.RLIMIT_CORE, 0),
              (resource.RLIMIT_NPROC, task["processes"]), (resource.RLIMIT_NOFILE, task["open_files"])]
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


# ---------------------------------------------------------------- seccomp, without a library

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
SYSCALLS = {  # the numbers of the calls a filter here names, per architecture
    "x86_64": {"socket": 41, "clone": 56, "unshare": 272, "setns": 308, "io_uring_setup": 425, "clone3": 435,
               "shmget": 29, "msgget": 68, "memfd_create": 319, "mq_open": 240},
    "aarch64": {"socket": 198, "clone": 220, "unshare": 97, "setns": 268, "io_uring_setup": 425, "clone3": 435,
                "shmget": 194, "msgget": 186, "memfd_create": 279, "mq_open": 180},
}


def install_seccomp(rules):
    """Refuse system calls in this process and everything it starts, for good.

    Inputs:
    - rules: list of (syscall name, test, errno): test None refuses every call; ("any bit", mask) refuses
      when the first argument has a bit of mask set.
    Returns True when the filter is in place, False where the architecture or the kernel has none.
    """
    machine = platform.machine()
    if machine not in AUDIT_ARCH:
        return False
    numbers = SYSCALLS[machine]
    LOAD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ALLOW, ERRNO = 0x7FFF0000, 0x00050000
    # another calling convention (i386 or x32 calls on x86_64) would dodge the numbers: refused
    program = [(LOAD, 0, 0, 4), (JEQ, 1, 0, AUDIT_ARCH[machine]), (RET, 0, 0, ERRNO | 1),
               (LOAD, 0, 0, 0), (JGE, 0, 1, 0x40000000), (RET, 0, 0, ERRNO | 1)]
    for name, test, errno in rules:
        refuse = (RET, 0, 0, ERRNO | errno)
        if test is None:
            program += [(JEQ, 0, 1, numbers[name]), refuse]
        else:
            program += [(JEQ, 0, 4, numbers[name]), (LOAD, 0, 0, 16), (JSET, 0, 1, test[1]), refuse, (LOAD, 0, 0, 0)]
    program.append((RET, 0, 0, ALLOW))

    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    filters = (Filter * len(program))(*[Filter(*op) for op in program])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    program_struct = Program(len(program), filters)
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.cast(ctypes.pointer(program_struct),
                                                                        ctypes.c_void_p), 0, 0) == 0


# EACCES for every family, Unix sockets too: without namespaces (user mode) an abstract one has no permissions
# and reaches any service's, or a classmate child's (tests/submissions/hostile_unix_socket); socketpair stays
NO_NETWORK = [("socket", None, 13),
              ("io_uring_setup", None, 1)]            # io_uring can open sockets past the filter
# memory no process maps is in no process's proportional set size, the memory budget's measure: System V
# shared memory and message queues and POSIX message queues (which outlive their processes, and in user mode
# grading) and memory files are refused (EPERM)
HIDDEN_MEMORY = [("shmget", None, 1), ("msgget", None, 1), ("memfd_create", None, 1), ("mq_open", None, 1)]


# ---------------------------------------------------------------- Landlock: writes in the scratch folder only

LANDLOCK = (444, 445, 446)      # create_ruleset, add_rule, restrict_self: the same numbers on x86_64 and aarch64
WRITE_FILE, REFER, TRUNCATE = 1 << 1, 1 << 13, 1 << 14
WRITES = WRITE_FILE | sum(1 << bit for bit in range(4, 13))     # write, remove and make files, folders, links, ...


def _syscall(*args):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc.syscall(*[a if isinstance(a, ctypes.c_void_p) else ctypes.c_long(a) for a in args])


def landlock_abi():
    """The kernel's Landlock version, 0 where it has none (before Linux 5.13, or not enabled)."""
    return max(0, _syscall(LANDLOCK[0], ctypes.c_void_p(None), 0, 1))      # 1: LANDLOCK_CREATE_RULESET_VERSION


def confine_writes(folder):
    """Let this process and its children create, write, remove or move files under ``folder`` only (and
    write /dev/null); reading is not restricted. Without namespaces (user mode) this is what keeps a
    submission out of every folder any account may write to. Returns whether it holds: False where the
    kernel has no Landlock, and then user mode removes what the account left at the top of /tmp,
    /var/tmp and /dev/shm after the child."""
    abi = landlock_abi()
    if abi < 1:
        return False
    handled = WRITES | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0)
    attr = ctypes.c_uint64(handled)
    ruleset = _syscall(LANDLOCK[0], ctypes.c_void_p(ctypes.addressof(attr)), 8, 0)
    if ruleset < 0:
        return False

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    try:
        for path, allowed in ((folder, handled), ("/dev/null", WRITE_FILE)):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = PathBeneath(allowed, fd)
                if _syscall(LANDLOCK[1], ruleset, 1, ctypes.c_void_p(ctypes.addressof(rule)), 0) != 0:
                    return False    # 1: LANDLOCK_RULE_PATH_BENEATH
            finally:
                os.close(fd)
        ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)     # PR_SET_NO_NEW_PRIVS, which restrict_self needs
        return _syscall(LANDLOCK[2], ruleset, 0) == 0
    finally:
        os.close(ruleset)


# ---------------------------------------------------------------- the submission's surroundings

def supply_shims(np):
    """Old CS231n files: xrange, past.builtins, np.float and friends, so the mathematics is graded."""
    builtins.xrange = range
    past = types.ModuleType("past")
    past_builtins = types.ModuleType("past.builtins")
    past_builtins.xrange, past_builtins.range = range, range
    past.builtins = past_builtins
    sys.modules.setdefault("past", past)
    sys.modules.setdefault("past.builtins", past_builtins)
    for name, value in (("float", float), ("int", int), ("bool", bool), ("object", object),
                        ("str", str), ("long", int), ("complex", complex)):
        if name not in np.__dict__:
            setattr(np, name, value)


def make_package(root):
    """The ``classifiers`` package of ``root`` without running its __init__, aliased as cs231n.classifiers, in a
    ``cs231n`` package whose modules are root's classifiers/ too: the grader keeps CS231n's cs231n/layers.py,
    optim.py and layer_utils.py there, under this package's names."""
    package = types.ModuleType("classifiers")
    package.__path__ = [os.path.join(root, "classifiers")]
    cs231n = types.ModuleType("cs231n")
    cs231n.__path__ = list(package.__path__)
    cs231n.classifiers = package
    sys.modules.update({"classifiers": package, "cs231n": cs231n, "cs231n.classifiers": package})
    # CS231n's files import their siblings and helpers (data_utils) by these names
    sys.path.insert(0, root)


def describe(exc):
    """'Type: message' of an exception, even one whose __str__ raises."""
    try:
        return f"{type(exc).__name__}: {exc}"[:2000]
    except BaseException:
        return type(exc).__name__


class Channel:
    """The two pipes: case requests in, one JSON line per message out."""

    def __init__(self, request_fd, result_fd):
        self.requests = os.fdopen(request_fd, "rb", buffering=1 << 20)
        self.fd = result_fd

    def send(self, message):
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data):]

    def receive(self, np):
        """The next case: (index, options, {name: array}, the longest result line the grader reads for it), or
        None when the grader has no more."""
        line = self.requests.readline()
        if not line:
            return None
        header = json.loads(line)
        payload = bytearray(header["size"])      # writable: the arrays are the call's own
        view, got = memoryview(payload), 0
        while got < len(payload):
            n = self.requests.readinto(view[got:])
            if not n:
                return None
            got += n
        arrays = {name: np.frombuffer(payload, np.dtype(dtype), int(np.prod(shape, dtype=np.int64)),
                                      offset).reshape(shape)
                  for name, dtype, shape, offset in header["arrays"]}
        return header["case"], header["options"], arrays, header["limit"]


def load(exercise, root):
    """The imported module of a .py exercise, or the cells of the submitted notebook."""
    for module in exercise.imports:
        importlib.import_module(module)
    if exercise.module:         # as cs231n.classifiers.fc_net: CS231n's ``from ..layers import *`` resolves
        return importlib.import_module("cs231n." + exercise.module)
    from assignment_checks.exercises import notebooks
    with open(os.path.join(root, exercise.path), "rb") as f:
        return notebooks.parse(f.read())


def main():
    channel = Channel(int(sys.argv[1]), int(sys.argv[2]))
    with open(os.path.join(HERE, "task.json")) as f:
        task = json.load(f)
    limit_resources(task)
    sealed = install_seccomp(NO_NETWORK + HIDDEN_MEMORY)
    confined = confine_writes(os.getcwd())      # the scratch folder
    sys.path[:0] = task["sites"]
    import numpy as np
    supply_shims(np)
    make_package(HERE)
    channel.send({"event": "ready", "seccomp": sealed, "landlock": confined})
    if task["require_seccomp"] and not sealed:     # user mode's only guard against the network
        return
    from assignment_checks import values
    from assignment_checks.exercises import by_name
    from assignment_checks.framework import Case
    exercise = by_name(task["exercise"])
    if task.get("baseline"):        # the trusted child timing the reference: no submission to import
        def call(_, case):
            exercise.baseline(case)
            return {}
        target = None
    else:
        try:
            target = exercise.target(load(exercise, HERE))
        except BaseException as exc:   # a syntax error, sys.exit or KeyboardInterrupt at import; the function missing
            missing = type(exc).__name__ == "Missing"
            channel.send({"event": "import", "ok": False, "missing": missing,
                          "error": str(exc) if missing else describe(exc)})
            return
        call = exercise.call
    channel.send({"event": "import", "ok": True})
    while True:
        request = channel.receive(np)
        if request is None:
            return
        index, options, inputs, limit = request
        try:
            out = call(target, Case(str(index), inputs, options))
            message = {"event": "result", "case": index, "ok": True,
                       "out": {key: values.encode(value) for key, value in out.items()}}
        except BaseException as exc:   # the submission's exception, whatever it is, costs this case
            message = {"event": "result", "case": index, "ok": False, "error": describe(exc)}
        size = len(json.dumps(message))
        if size > limit:        # the grader would drop the line: say why instead
            message = {"event": "result", "case": index, "ok": False,
                       "error": f"it returned {size / 1e6:.1f} MB of values, more than the grader reads for this "
                                f"case ({limit / 1e6:.1f} MB, a few times its inputs): an array with a dimension "
                                f"too many?"}
        channel.send(message)


if __name__ == "__main__":
    main()
