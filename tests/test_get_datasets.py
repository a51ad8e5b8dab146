"""datasets/get_datasets.sh: the download script a student runs (it calls `python -m classifiers download`)."""
import os
import subprocess
import sys
from pathlib import Path

import cifar10_data
from conftest import ROOT, write_cifar_folder


def run_script(*args, env):
    return subprocess.run(["bash", str(ROOT / "datasets" / "get_datasets.sh"), *args], capture_output=True, text=True,
                          env=env)


def test_get_datasets_runs_without_the_system_python_having_the_dependencies(tmp_path):
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python3").write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'numpy'\" >&2\nexit 1\n")
    (shim / "python3").chmod(0o755)
    write_cifar_folder(tmp_path / "data")
    venv = Path(sys.executable).parent.parent                 # the environment running these tests
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    env.update(PATH=f"{shim}:{os.environ['PATH']}", VENV=str(venv))
    proc = run_script("--data-dir", str(tmp_path / "data"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"CIFAR-10 is in {tmp_path / 'data' / cifar10_data.FOLDER}" in proc.stdout


def test_offline_it_creates_no_data_folder(tmp_path):
    """The folder is created only when something is downloaded into it."""
    offline = tmp_path / "offline"
    offline.mkdir()
    (offline / "sitecustomize.py").write_text(            # no name resolves, as on a machine without network
        "import socket\n"
        "def _no_network(*args, **kwargs):\n"
        "    raise socket.gaierror(-2, 'Name or service not known')\n"
        "socket.getaddrinfo = _no_network\n")
    env = dict(os.environ, PYTHON=sys.executable, PYTHONPATH=os.pathsep.join([str(offline), str(ROOT)]))
    proc = run_script("--data-dir", str(tmp_path / "new" / "data"), env=env)
    assert proc.returncode == 2 and "could not download CIFAR-10" in proc.stderr, proc.stderr
    assert not (tmp_path / "new").exists()
