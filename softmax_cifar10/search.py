"""The hyperparameter search: every configuration of a model kind, trained in worker processes.

The configurations train in ``jobs`` worker processes (default: one per core), each with
one BLAS thread: with C = 10 the products gain nothing from BLAS threads, while
configurations side by side use every core. The workers are forked after the training
arrays are put in ``_SHARED``, so they share them instead of receiving a copy each.
Every configuration starts from the same seed (the same initialization and minibatches,
so the search compares the hyperparameters alone), which makes the results independent
of the order they finish in and of the number of jobs. On a system without ``fork``
(Windows) the configurations train one after the other.
"""
import contextlib
import multiprocessing
import signal
import time

import numpy as np

from classifiers.linear_classifier import TrainingDiverged
from .blas_kernel import cores
from .models import describe


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C during the search: ``rows`` finished so far (grid order, None for the others) and ``best``."""

    def __init__(self, rows, best):
        super().__init__("search interrupted")
        self.rows, self.best = rows, best


def search(kind, data, options, grid, seed=0, jobs=None, progress=True, save=None, log=print):
    """Train every configuration of ``grid`` and keep the best.

    Inputs:
    - kind: the model kind (softmax_cifar10/models.py); data: its splits; options: the
      settings every configuration shares (``kind.options``).
    - grid: a list of {hyperparameter: value}; seed: every configuration's seed.
    - jobs: worker processes (default one per core, at most one per configuration).
    - progress: show one progress bar for the whole search, with the best accuracy so far.
    - save: called as save(row, model) as soon as a configuration beats the best so far,
      so that an interruption loses nothing.

    Returns (rows, best, jobs): the search table in grid order (each row: the
    hyperparameters, val_acc, final_loss and seconds; val_acc NaN and a ``diverged``
    message for a run whose loss became non-finite), the best (a dict with k, row, model
    and history; best by validation accuracy, then grid order) and the jobs used. Raises
    SearchInterrupted on Ctrl-C, TrainingDiverged when every configuration diverged.
    """
    jobs = min(jobs or cores(), len(grid))
    rows, best = [None] * len(grid), None
    _SHARED.update(kind=kind, data=data, options=options)
    try:
        with _search_bar(progress, len(grid), jobs) as bar, \
                contextlib.closing(_finished_configurations(grid, seed, jobs)) as finished:
            for done, (k, row, model, history) in enumerate(finished, 1):
                rows[k] = row
                with _above(bar):
                    log(_progress_line(kind, row, done, len(grid)))
                if _better(row, k, best):
                    best = {"k": k, "row": row, "model": model, "history": history}
                    if save is not None:
                        save(row, model)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"best validation accuracy {best['row']['val_acc']:.4f}" if best else "")
    except KeyboardInterrupt:
        raise SearchInterrupted(rows, best) from None
    finally:
        _SHARED.clear()
    if best is None:
        raise TrainingDiverged("every configuration diverged; lower the learning rates (--lr)")
    return rows, best, jobs


def _better(row, k, best):
    """Does configuration k beat the best so far? Higher accuracy wins, then the earlier in the grid."""
    if not np.isfinite(row["val_acc"]):
        return False
    return best is None or (row["val_acc"], -k) > (best["row"]["val_acc"], -best["k"])


def _progress_line(kind, row, done, total):
    head = f"[{done}/{total}] {describe(kind, row)}"
    if "diverged" in row:
        return f"{head} diverged; lower the learning rate"
    return f"{head}: val acc {row['val_acc']:.4f} ({row['seconds']:.1f} s)"


def train_configuration(hyper, seed):
    """Train one configuration on the shared data; returns (row, model, history).

    Inputs: the hyperparameters {name: value} and the seed; the model kind, the data
    and the options are those the search put in ``_SHARED``. Returns the row of the
    search table, the trained model (None when it diverged) and its history.
    """
    kind, data, options = _SHARED["kind"], _SHARED["data"], _SHARED["options"]
    start, row = time.perf_counter(), dict(hyper)
    try:
        model, history = kind.train(hyper, data, options, seed)
    except TrainingDiverged as exc:
        row.update(val_acc=float("nan"), diverged=str(exc), seconds=time.perf_counter() - start)
        return row, None, None
    row.update(val_acc=float(np.mean(model.predict(data["X_val"]) == data["y_val"])),
               final_loss=history["loss"][-1], seconds=time.perf_counter() - start)
    return row, model, history


# What the search trains on: set before the worker processes are forked, so that they share the
# training arrays (copy-on-write, never written) instead of receiving a pickled copy per task.
_SHARED = {}


def _finished_configurations(grid, seed, jobs):
    """Yield (k, row, model, history) for each configuration k of ``grid`` as it finishes."""
    from threadpoolctl import threadpool_limits
    tasks = [(k, hyper, seed) for k, hyper in enumerate(grid)]
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        with threadpool_limits(1):          # as in the workers, so that jobs never change a result
            for task in tasks:
                yield _train_task(task)
        return
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_start_worker) as pool:
        yield from pool.imap_unordered(_train_task, tasks)


def _train_task(task):
    k, hyper, seed = task
    return (k, *train_configuration(hyper, seed))


def _start_worker():
    from threadpoolctl import threadpool_limits
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's: it keeps the best and stops us
    threadpool_limits(1)                            # one BLAS thread per worker, for this process's life


def _search_bar(progress, total, jobs):
    """One progress bar for the whole search (a context manager yielding None when not shown)."""
    if not progress:
        return contextlib.nullcontext()
    from tqdm.auto import tqdm
    return tqdm(total=total, unit="config", leave=False, desc=f"search, {jobs} at once")


def _above(bar):
    """Print above the progress bar instead of through it."""
    return bar.external_write_mode() if bar is not None else contextlib.nullcontext()


def summary_table(kind, rows, best=None):
    """The search as a text table, the best row marked with *."""
    names = list(kind.hyperparameters)
    widths = [max(len(n.replace("_", " ")), 8) for n in names]
    head = " ".join(f"{n.replace('_', ' '):>{w}}" for n, w in zip(names, widths))
    lines = [f"{'':1} {head} {'val acc':>8} {'seconds':>8}"]
    for r in rows:
        mark = "*" if r == best else " "
        acc = "diverged" if not np.isfinite(r["val_acc"]) else f"{r['val_acc']:.4f}"
        values = " ".join(f"{r[n]:>{w}g}" for n, w in zip(names, widths))
        lines.append(f"{mark:1} {values} {acc:>8} {r['seconds']:>8.1f}")
    return "\n".join(lines)
