""".gitignore: downloads and their temporary files stay out of git."""
import shutil
import subprocess

import cifar10_data
from conftest import ROOT, require


def test_a_symlinked_data_folder_is_ignored_by_git(tmp_path):
    require(shutil.which("git"), "git is not installed")
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "datasets" / cifar10_data.FOLDER).symlink_to(tmp_path / "elsewhere")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status.split() == ["??", ".gitignore"]


def test_downloads_and_their_temporary_files_are_ignored(tmp_path):
    """The tarball, and atomic_write's temporary name while it downloads (datasets/.tmp-*.part)."""
    require(shutil.which("git"), "git is not installed")
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    (tmp_path / "datasets" / cifar10_data.FOLDER).mkdir(parents=True)
    for name in ("cifar-10-python.tar.gz", ".tmp-k2j4x9.part", f"{cifar10_data.FOLDER}/data_batch_1"):
        (tmp_path / "datasets" / name).write_bytes(b"x")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    status = subprocess.run(["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status.split() == ["??", ".gitignore"]
