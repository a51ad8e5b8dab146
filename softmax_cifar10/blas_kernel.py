"""One matrix-product kernel for the command line, whatever the CPU: what makes a seeded run reproduce.

OpenBLAS, numpy's BLAS, picks its kernel for the CPU it finds (SkylakeX's where the CPU has AVX-512,
Haswell's with AVX2 and FMA, Sandybridge's with AVX alone), and each kernel rounds a product
differently: its own block sizes and its use of FMA order the sums. Over thousands of steps the
rounding grows into a different network: ``train --model two-layer --seed 0`` reached 0.5820 test
accuracy with Haswell's kernel and 0.5782 with SkylakeX's. The number of BLAS threads changes the
rounding too, so the search trains with one per worker and the kept model is scored with one
(softmax_cifar10/search.py, softmax_cifar10/pipeline.py).

This module imports nothing that loads numpy: OpenBLAS reads ``OPENBLAS_CORETYPE`` once, as numpy loads it.
"""
import os
import platform
import sys

#: the kernel the command line uses: every x86-64 CPU with AVX2 and FMA runs it (Intel since 2013, AMD since 2015)
KERNEL = "Haswell"


def cpu_flags():
    """The CPU's feature flags (a set of words such as "avx2"), read from /proc/cpuinfo; empty where there is none."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            return next((set(line.split(":", 1)[1].split()) for line in info if line.startswith("flags")), set())
    except OSError:
        return set()


def pin(environ=None):
    """Make OpenBLAS use KERNEL's products, on an x86-64 CPU that runs them, before numpy loads it.

    Inputs: environ, the environment to set (default os.environ).
    Returns KERNEL when pinned; None on a CPU without AVX2 and FMA, on another architecture, where the
    CPU's flags cannot be read, or when numpy is already loaded (too late: the kernel is chosen).
    """
    if "numpy" in sys.modules or not runs_kernel():
        return None
    (os.environ if environ is None else environ)["OPENBLAS_CORETYPE"] = KERNEL
    return KERNEL


def cores():
    """The CPU cores this process may use: the search's workers, the kNN's BLAS threads."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def runs_kernel():
    """Whether this CPU runs KERNEL's products: x86-64 with AVX2 and FMA among its flags."""
    return platform.machine().lower() in ("x86_64", "amd64") and {"avx2", "fma"} <= cpu_flags()
