"""Hostile: each call holds @MB@ MB in memory no process maps, by way @WAY@, then answers right:
- "sysv": System V shared memory segments, filled and detached (they outlive the process that made
  them, and in user mode, which has no IPC namespace, its grading too);
- "msg": System V message queues, 16 KB each (which outlive it as segments do);
- "memfd": anonymous memory files (memfd_create) filled with write() and never mapped;
- "mqueue": one POSIX message queue, /grader-test-@TOKEN@ (it outlives its process as segments do).
Neither shows in a process's proportional set size, the memory budget's measure; before they were
refused, a submission held 3 GB this way under a 1 GB budget, call after call, until the host ran out
of memory."""
import ctypes
import os
import resource

import numpy as np

CHUNK = 1 << 20     # under the 1 MB file size limit a memory file has like any file
HELD = []


def _hold():
    if HELD:        # once per child, so that a run on an unfixed grader does not exhaust the machine
        return
    if "@WAY@" == "sysv":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmget.argtypes = [ctypes.c_long, ctypes.c_size_t, ctypes.c_int]
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        libc.shmdt.argtypes = [ctypes.c_void_p]
        for _ in range(@MB@ // 64):
            segment = libc.shmget(0, 64 * CHUNK, 0o600 | 0o1000)      # IPC_PRIVATE, IPC_CREAT
            if segment < 0:
                raise OSError(ctypes.get_errno(), "shmget refused")
            address = libc.shmat(segment, None, 0)
            ctypes.memset(address, 1, 64 * CHUNK)
            libc.shmdt(ctypes.c_void_p(address))
            HELD.append(segment)
    elif "@WAY@" == "msg":
        libc = ctypes.CDLL(None, use_errno=True)
        message = ctypes.create_string_buffer(8 + 8192)
        message[0] = 1                                          # the message's type
        for _ in range(@MB@ * 64):
            queue = libc.msgget(0, 0o600 | 0o1000)
            if queue < 0:
                raise OSError(ctypes.get_errno(), "msgget refused")
            for _ in range(2):
                libc.msgsnd(queue, message, 8192, 0o4000)      # IPC_NOWAIT
            HELD.append(queue)
    elif "@WAY@" == "mqueue":
        librt = ctypes.CDLL("librt.so.1", use_errno=True)
        librt.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
        queue = librt.mq_open(b"/grader-test-@TOKEN@", os.O_CREAT | os.O_RDONLY, 0o600, None)
        if queue < 0:
            raise OSError(ctypes.get_errno(), "mq_open refused")
        HELD.append(queue)
    else:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
        for _ in range(@MB@):
            fd = os.memfd_create("held")
            os.write(fd, b"x" * CHUNK)
            HELD.append(fd)


def softmax_loss_naive(W, X, y, reg):
    _hold()
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W
