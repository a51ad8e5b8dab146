"""Find the graded files in a submission: a folder or a zip, in this package's layout or CS231n's.

A submission is untrusted. A zip is read member by member into memory, never extracted:
members with absolute paths or ``..``, symbolic links, too many members and anything that
expands past a size limit (a zip bomb) are refused with a SubmissionError saying why, and so is
a zip the zipfile module cannot read for any reason (bad names, encryption, an unknown
compression, a corrupt stream). In a folder, symbolic links and anything but regular files are
not followed; a folder whose only submission is a zip (Gradescope's submission folder, when the
zip was uploaded as it is) is graded as that zip. Only the graded files are kept, under this
package's repo-relative names, whichever layout they came in.
"""
import hashlib
import json
import os
import stat
import zipfile
from dataclasses import dataclass, field

from assignment_checks.exercises import EXERCISES

from .sandbox import printable


#: submitted modules graded nowhere, kept for the graded file that imports them (CS231n's fc_net.py:
#: ``from ..layer_utils import *``)
HELPERS = ("classifiers/layer_utils.py",)
#: this package's files that CS231n keeps in cs231n/, beside cs231n/classifiers/
CS231N_TOP = ("classifiers/layers.py", "classifiers/optim.py", *HELPERS)


def _layouts(path):
    """The names a graded file may have: this package's path, CS231n's (cs231n/classifiers/softmax.py,
    cs231n/layers.py) and the bare file name, for its .py modules and notebooks."""
    name = path.rsplit("/", 1)[-1]
    if not path.startswith("classifiers/"):
        return (path, name)
    return (path, "cs231n/" + (name if path in CS231N_TOP else path), name)


#: repo-relative name -> the file names that count as it (this layout, CS231n's, bare files)
GRADED = {path: _layouts(path) for path in [exercise.path for exercise in EXERCISES] + list(HELPERS)}
MAX_FILE_BYTES = 5 << 20        # one graded file (a notebook with outputs can be a few MB)
MAX_TOTAL_BYTES = 200 << 20     # all members of a zip, uncompressed
MAX_MEMBERS = 5000
MAX_RATIO = 200                 # compressed-to-expanded ratio beyond which a member is a bomb


class SubmissionError(ValueError):
    """The submission cannot be read; the message says why, for the student (made printable: it may
    quote the submission's own names)."""

    def __init__(self, message):
        super().__init__(printable(message))


@dataclass
class Submission:
    """The graded files found (repo-relative name -> bytes) and notes for the feedback."""
    name: str
    files: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def digest(self):
        """sha256 of the graded files: seeds this submission's grading inputs."""
        h = hashlib.sha256()
        for path in sorted(self.files):
            h.update(path.encode() + b"\0" + hashlib.sha256(self.files[path]).digest())
        return h.digest()


def _role(path):
    """The graded name a member path stands for, or None."""
    path = path.replace("\\", "/")
    for name, endings in GRADED.items():
        if any(path == ending or path.endswith("/" + ending) for ending in endings):
            return name
    return None


def _keep(found, role, path, data):
    if role not in found or path.count("/") < found[role][0].count("/"):
        found[role] = (path, data)


def _read_member(archive, info):
    """A member's bytes, read with a cap whatever its header claims."""
    with archive.open(info) as member:
        data = member.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SubmissionError(f"{info.filename} expands past {MAX_FILE_BYTES >> 20} MB; it is not graded")
    return data


def check_zip(archive):
    """Refuse a zip whose members could escape a folder, are links, or expand to a bomb."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise SubmissionError(f"the zip has {len(members)} members (at most {MAX_MEMBERS}); refused")
    total = 0
    for info in members:
        name = info.filename
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in name.replace(
                "\\", "/").split("/"):
            raise SubmissionError(f"the zip member {name!r} points outside the submission folder; refused")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise SubmissionError(f"the zip member {name!r} is a symbolic link; refused")
        total += info.file_size
        if total > MAX_TOTAL_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1) + (1 << 20):
            raise SubmissionError(f"the zip expands to more than it should (member {name!r}: "
                                  f"{info.compress_size} bytes expanding to {info.file_size}): a zip bomb? refused")


def _from_zip(path):
    found, manifest = {}, None
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive)
            for info in archive.infolist():
                role = None if info.is_dir() else _role(info.filename)
                if role:
                    _keep(found, role, info.filename, _read_member(archive, info))
                elif info.filename == "MANIFEST.json":
                    manifest = _read_member(archive, info)
    except SubmissionError:
        raise
    except Exception as exc:    # BadZipFile, bad names, encryption, unknown compression, corrupt data ...
        why = "encrypted" if "encrypted" in str(exc) else f"{type(exc).__name__}: {exc}"
        raise SubmissionError(f"{os.path.basename(path)} is not a readable zip file ({why})") from None
    return found, manifest


def _from_folder(path):
    found, manifest, zips = {}, None, []
    for root, dirs, files in os.walk(path):     # os.walk does not follow symbolic links to folders
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("__pycache__", "node_modules"))
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            role = _role(rel)
            if name.endswith(".zip") and not os.path.islink(full):
                zips.append(full)
            if role is None and rel != "MANIFEST.json":
                continue
            if os.path.islink(full):
                raise SubmissionError(f"{rel} is a symbolic link; submit the file itself")
            try:
                info = os.lstat(full)
                if not stat.S_ISREG(info.st_mode):
                    raise SubmissionError(f"{rel} is not a regular file; submit the file itself")
                if info.st_size > MAX_FILE_BYTES:
                    raise SubmissionError(f"{rel} is larger than {MAX_FILE_BYTES >> 20} MB; it is not graded")
                with open(full, "rb") as f:
                    data = f.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                raise SubmissionError(f"{rel} could not be read ({exc.strerror})") from None
            if rel == "MANIFEST.json":
                manifest = data
            else:
                _keep(found, role, rel, data)
    if not found and len(zips) == 1:       # a zip handed in as it is: graded as the zip
        return _from_zip(zips[0]) + (os.path.relpath(zips[0], path),)
    return found, manifest, None


def _check_manifest(found, manifest, notes):
    """MANIFEST.json from `make submit`: note any graded file whose sha256 differs."""
    try:
        listed = json.loads(manifest)["files"]
    except (ValueError, KeyError, TypeError):
        notes.append("MANIFEST.json could not be read; the files were graded as they are")
        return
    for role, (path, data) in found.items():
        expected = listed.get(path) if isinstance(listed, dict) else None
        if expected is not None and expected != hashlib.sha256(data).hexdigest():
            notes.append(f"{path} differs from its sha256 in MANIFEST.json (edited after `make submit`?)")


def load(path):
    """Read a submission folder or zip at ``path`` into a Submission (SubmissionError if refused)."""
    path = os.fspath(path)
    name = os.path.basename(os.path.normpath(path))
    inner = None
    if os.path.isdir(path):
        found, manifest, inner = _from_folder(path)
    elif os.path.isfile(path):
        found, manifest = _from_zip(path)
    else:
        raise SubmissionError(f"no submission at {path} (expected a folder or a zip file)")
    submission = Submission(name, {role: data for role, (_, data) in found.items()})
    if inner:
        submission.notes.append(f"the zip {inner} in the folder was graded")
    if manifest is not None:
        _check_manifest(found, manifest, submission.notes)
    if any(p.startswith("cs231n/") or "/cs231n/" in p for p, _ in found.values()):
        submission.notes.append("CS231n's assignment layout (cs231n/classifiers/...) was recognized")
    if not submission.files:
        names = ", ".join(dict.fromkeys(path.rsplit("/", 1)[-1] for path in GRADED))
        submission.notes.append(f"no graded file was found ({names}, in this package's layout or CS231n's)")
    submission.notes = [printable(note) for note in submission.notes]
    return submission
