"""A non-editable install works: the wheel carries the bundled sample, and the console
script trains on it from a fresh virtual environment, far from the checkout.

Offline: the wheel is built with the setuptools of the test environment (no build
isolation), installed with --no-index --no-deps, and the fresh environment borrows
the test environment's numpy, matplotlib, tqdm and Pillow through a .pth file, so
nothing is downloaded. A path line in a .pth file does not run the .pth files of the
folder it names, so the checkout's editable install stays invisible there.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "runs", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".ipynb_checkpoints", "cifar-10-batches-py",
                                    "cifar-10-python.tar.gz*")


def run(cmd, cwd, env=None):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, bin folder, wheel) of a fresh venv with the package installed from its wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"                       # a clean copy: no stale build/ folder can leak into the wheel
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE, symlinks=True)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(tmp / "dist"), str(src)], cwd=tmp)
    wheel, = (tmp / "dist").glob("softmax_assignment-*.whl")
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).strip()
    deps = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    with open(os.path.join(site, "borrowed_deps.pth"), "w") as f:
        f.write("\n".join(sorted(deps)) + "\n")
    run([str(python), "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)], cwd=tmp)
    return python, bin_dir, wheel


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOFTMAX_DATA")}
    env.update(extra)
    return env


def test_wheel_ships_the_sample_and_not_the_data_folder(installed):
    _, _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "cifar10_data/data/cifar10_sample.npz" in names
    assert "cifar10_data/__init__.py" in names and "cifar10_data/loading.py" in names and "gradient_check.py" in names
    assert not any(n.startswith("datasets/") for n in names)


#: what the wheel installs at the top level (docs/maintainers.md, "Names"): no generic word that another
#: project owns on PyPI, as `checks`, `data-utils`, `safeguards` and `instructor` are
TOP_LEVEL = {"classifiers", "gradient_check", "cs231n", "softmax_cifar10", "assignment_checks", "cifar10_data",
             "softmax_safeguards"}


def test_the_wheel_installs_only_the_projects_own_top_level_names(installed):
    _, _, wheel = installed
    names = {n.split("/")[0].removesuffix(".py") for n in zipfile.ZipFile(wheel).namelist()
             if ".dist-info/" not in n}
    assert names == TOP_LEVEL


def test_installed_data_home_is_the_variable_then_a_user_folder(installed, tmp_path):
    python, _, _ = installed
    code = ("import cifar10_data, classifiers; print(classifiers.__file__); print(cifar10_data.DATASETS_DIR); "
            "print(cifar10_data.SAMPLE_PATH.is_file())")
    out = run([str(python), "-c", code], cwd=tmp_path, env=clean_env(SOFTMAX_DATA=str(tmp_path / "mine")))
    where, home, has_sample = out.split("\n")[:3]
    assert not where.startswith(str(ROOT))                       # the installed copy, not the checkout
    assert home == str(tmp_path / "mine") and has_sample == "True"
    out = run([str(python), "-c", code], cwd=tmp_path, env=clean_env(HOME=str(tmp_path)))
    assert out.split("\n")[1] == str(tmp_path / "softmax_data")


def test_console_script_trains_on_the_bundled_sample(installed, tmp_path):
    _, bin_dir, _ = installed
    data_home = tmp_path / "no-data-here"
    out = run([str(bin_dir / "softmax-cifar10"), "train", "--sample", "--quiet", "--lr", "1e-3", "--reg", "1e-2",
               "--epochs", "1", "--out", str(tmp_path / "run")], cwd=tmp_path,
              env=clean_env(SOFTMAX_DATA=str(data_home), MPLBACKEND="Agg"))
    assert "bundled sample cifar10_sample.npz (2500 training and 500 test images)" in out
    assert (tmp_path / "run" / "model.npz").is_file() and (tmp_path / "run" / "results.json").is_file()
    assert not data_home.exists()                                # --sample downloads nothing


def test_the_wheel_installs_cs231ns_module_layout(installed, tmp_path):
    python, _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "cs231n/classifiers/fc_net.py" in names and "cs231n/layer_utils.py" in names
    code = ("from cs231n.classifiers.fc_net import *; from cs231n.solver import Solver; "
            "from cs231n.data_utils import get_CIFAR10_data; import classifiers; "
            "print(TwoLayerNet.__module__, affine_relu_forward.__module__, classifiers.__file__)")
    out = run([str(python), "-c", code], cwd=tmp_path, env=clean_env())
    module, layers, where = out.split()
    assert (module, layers) == ("classifiers.fc_net", "classifiers.layers") and not where.startswith(str(ROOT))
