"""Writing a file atomically: the repository's one way to write a file that a reader may open.

The content goes to a temporary file in the destination's folder, which is renamed
over the destination only once complete (``os.replace``, atomic on POSIX and
Windows). A reader sees the old file or the new one, never half of one; a write
that fails or is interrupted leaves the old file as it was and no temporary behind.
The new file gets the permissions ``open()`` would give it (0666 less the umask),
not ``mkstemp``'s 0600.

It depends on the standard library only, and lives at the top of the repository,
beside the packages that use it (classifiers/, cifar10_data/, assignment_checks/, instructor/),
so that importing it never imports a student's files.

    with atomic_write("model.npz") as f:            # binary by default
        np.savez(f, W=W)
    write_text("results.json", json.dumps(results))
"""
import contextlib
import os
import tempfile

__all__ = ["atomic_write", "write_bytes", "write_text"]


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path, mode="wb", *, encoding=None, newline=None, suffix=".part"):
    """Open a temporary file beside ``path``; on success rename it to ``path``.

    Inputs:
    - path: the destination (str or os.PathLike); its folder must exist.
    - mode: "wb" (default) or "w" (text, with ``encoding`` and ``newline`` as in open()).
    - suffix: the temporary name's ending, ".part" by default (git-ignored with downloads).

    Yields the open file object. On any exception, including KeyboardInterrupt, the
    temporary file is removed and ``path`` is untouched; the exception propagates.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically; returns ``path``."""
    with atomic_write(path, "wb") as f:
        f.write(data)
    return path


def write_text(path, text, encoding="utf-8"):
    """Write ``text`` to ``path`` atomically (``encoding``, default UTF-8); returns ``path``."""
    with atomic_write(path, "w", encoding=encoding) as f:
        f.write(text)
    return path
