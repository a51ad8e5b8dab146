"""The Makefile: `make` lists the targets, and each target installs what it needs once."""
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, require


def make(*args):
    require(shutil.which("make"), "make is not installed")
    return subprocess.run(["make", "-C", str(ROOT), *args], capture_output=True, text=True)


def test_make_alone_lists_the_targets():
    proc = make()
    assert proc.returncode == 0
    for target in ("train", "test", "bench", "notebook", "data", "help"):
        assert re.search(rf"^\s+{target}\s+\S", proc.stdout, re.MULTILINE), target


def test_make_notebook_allows_root_only_as_root():
    assert "jupyter notebook --allow-root notebooks/" in make("-n", "notebook", "USER_ID=0").stdout
    assert "--allow-root" not in make("-n", "notebook", "USER_ID=1000").stdout


@pytest.mark.parametrize("target,extra", [("notebook", "notebooks"), ("bench", "bench")])
def test_make_installs_an_extra_once(tmp_path, target, extra):
    venv = tmp_path / "venv"
    venv.mkdir()
    assert f'pip install -e ".[{extra}]"' in make("-n", target, f"VENV={venv}").stdout
    for stamp in (".installed", f".extra-{extra}"):   # what the first call leaves behind
        (venv / stamp).touch()
    assert "pip install" not in make("-n", target, f"VENV={venv}").stdout
