"""softmax_safeguards/atomic_write.py: the repository's one way to write a file atomically."""
import ast
import os
import subprocess
import sys

import numpy as np
import pytest

from softmax_safeguards.atomic_write import atomic_write, write_bytes, write_text
from conftest import ROOT


def umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_writes_text_and_bytes_with_the_permissions_open_gives(tmp_path):
    write_text(tmp_path / "a.json", "{}\n")
    write_bytes(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.json").read_text() == "{}\n" and (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    for name in ("a.json", "b.bin"):
        assert os.stat(tmp_path / name).st_mode & 0o777 == 0o666 & ~umask()     # not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.bin"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, error):
    path = tmp_path / "model.npz"
    write_bytes(path, b"old")
    with pytest.raises(error):
        with atomic_write(path) as f:
            f.write(b"half of the new")
            assert path.read_bytes() == b"old"          # a reader sees the old file while it is written
            raise error("stopped")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_numpy_writes_through_it(tmp_path):
    with atomic_write(tmp_path / "w.npz") as f:
        np.savez(f, W=np.eye(2))
    with np.load(tmp_path / "w.npz") as z:
        np.testing.assert_array_equal(z["W"], np.eye(2))


def test_importing_it_imports_no_students_file():
    """assignment_checks/ (make submit) may use it when a student's classifiers/ does not even import."""
    code = "import sys, softmax_safeguards.atomic_write; print(sorted(m for m in sys.modules if m.startswith(('classifiers', 'numpy'))))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ships_in_the_student_edition_and_the_wheel():
    from instructor.release import sources
    assert "softmax_safeguards/atomic_write.py" in sources(ROOT)
    assert "softmax_safeguards" in (ROOT / "setup.cfg").read_text().split("[options.packages.find]")[1].split("[")[0]


def test_the_library_writes_files_through_it_only():
    """classifiers/, softmax_cifar10/, cifar10_data/ and datasets/ make no temporary files and rename none into place themselves
    (extract_tarball moves extracted folders, not files, into place)."""
    others = []
    for folder in ("classifiers", "softmax_cifar10", "cifar10_data", "datasets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            allowed = {id(n) for f in ast.walk(tree) if getattr(f, "name", "") == "extract_tarball" for n in ast.walk(f)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and (node.attr in ("mkstemp", "NamedTemporaryFile")
                                                        or node.attr in ("replace", "rename") and id(node) not in allowed
                                                        and getattr(node.value, "id", "") == "os"):
                    others.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert others == []
