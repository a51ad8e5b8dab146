"""Downloading CIFAR-10 from its official site: checksummed, retried, extracted safely.

The tarball is streamed under a temporary name, its MD5 checked as it arrives, and
extracted member by member only when every member is a plain file or folder that
lands inside the destination.
"""
import hashlib
import os
import shutil
import socket
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from softmax_safeguards.atomic_write import atomic_write

from .layout import DATASETS_DIR, FOLDER, MD5, URL, DataError, DownloadError, has_full_data


def _md5(path, chunk=1 << 20):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _fetch(url, dest, md5, timeout, progress):
    """Stream ``url`` into ``dest``, checking the MD5 as it goes; ``dest`` appears only when complete and verified."""
    from tqdm.auto import tqdm
    h = hashlib.md5()
    with urllib.request.urlopen(url, timeout=timeout) as response, atomic_write(dest) as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="CIFAR-10",
                  disable=not progress, mininterval=0.5) as bar:
            for block in iter(lambda: response.read(1 << 16), b""):
                out.write(block)
                h.update(block)
                bar.update(len(block))
            if md5 is not None and h.hexdigest() != md5:      # raised inside: the partial file is deleted
                raise DownloadError(f"checksum mismatch for {url}: got MD5 {h.hexdigest()}, expected {md5}; "
                                    f"the download is corrupt and was deleted")


def _offline(exc):
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, (socket.gaierror, ConnectionRefusedError))


def download_CIFAR10(root=DATASETS_DIR, url=URL, md5=MD5, retries=2, timeout=30, progress=True, log=print):
    """Download and extract CIFAR-10 into ``root``/cifar-10-batches-py; return that folder.

    Does nothing when the folder is already complete. Otherwise the tarball is
    streamed to a temporary name with a progress bar, its MD5 checked, renamed
    only when verified, and extracted safely: every member must be a plain file
    or folder that lands inside ``root``. A failed attempt is retried
    ``retries`` times; a machine without network fails at once. Raises
    DownloadError with what to do instead. ``root`` is created only when something
    is downloaded into it: a failed download removes the folders it made.
    """
    root = Path(root)
    folder = root / FOLDER
    if has_full_data(folder):
        return folder
    created = [p for p in (root, *root.parents) if not p.exists()]     # deepest first
    root.mkdir(parents=True, exist_ok=True)
    try:
        _download_and_extract(root, url, md5, retries, timeout, progress, log)
    except BaseException:
        for path in created:            # the folder is created only when something is downloaded into it
            try:
                path.rmdir()
            except OSError:             # not empty (a verified tarball stays for the next try), or gone
                break
        raise
    if not has_full_data(folder):
        raise DataError(f"the archive did not contain a complete {FOLDER}/ folder")
    return folder


def _download_and_extract(root, url, md5, retries, timeout, progress, log):
    """Download the tarball into ``root`` (unless a verified one is there), extract it and delete it."""
    tarball = root / Path(urllib.parse.urlparse(url).path).name
    if not (tarball.exists() and (md5 is None or _md5(tarball) == md5)):
        for attempt in range(retries + 1):
            try:
                log(f"downloading {url} to {root}")
                _fetch(url, tarball, md5, timeout, progress)
                break
            except OSError as exc:                      # URLError, timeouts and DownloadError are all OSErrors
                last = attempt == retries or _offline(exc)
                if last:
                    if isinstance(exc, DownloadError):
                        raise
                    raise DownloadError(
                        f"could not download CIFAR-10 from {url} ({getattr(exc, 'reason', exc)}). "
                        f"Without network: copy the official {FOLDER}/ folder into {root}, or pass "
                        f"--data-dir pointing at it; the train command can also run on the bundled "
                        f"sample.") from None
                log(f"download failed ({getattr(exc, 'reason', exc)}); retrying")
                time.sleep(min(2 ** attempt, 10))
    extract_tarball(tarball, root)
    tarball.unlink()


def _safe_members(tar, root):
    root = os.path.realpath(root)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(root, member.name))
        if os.path.isabs(member.name) or os.path.commonpath([root, target]) != root:
            raise DataError(f"refusing to extract {member.name!r}: it would land outside {root}")
        if not (member.isfile() or member.isdir()):
            raise DataError(f"refusing to extract {member.name!r}: only plain files and folders are expected")
        yield member


def extract_tarball(tarball, root):
    """Extract a .tar.gz into ``root`` safely (see download_CIFAR10); the contents appear atomically."""
    root = Path(root)
    with tempfile.TemporaryDirectory(dir=root, prefix=".extract-") as tmp:
        try:
            with tarfile.open(tarball, "r:*") as tar:
                members = list(_safe_members(tar, tmp))
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(tmp, members=members, filter="data")
                else:  # pragma: no cover - Python without extraction filters
                    tar.extractall(tmp, members=members)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise DataError(f"{tarball} is not a valid archive ({exc}); delete it and download again") from None
        for entry in Path(tmp).iterdir():
            dest = root / entry.name
            if dest.exists():
                shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
            os.replace(entry, dest)
