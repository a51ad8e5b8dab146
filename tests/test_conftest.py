"""tests/conftest.py: what a run without PyTorch prints."""
import os
import subprocess
import sys

from conftest import NO_TORCH, ROOT


def test_without_pytorch_its_comparisons_are_one_line_not_a_skip_mark_each(tmp_path):
    (tmp_path / "torch.py").write_text("raise ImportError('no torch here')\n")      # PyTorch absent
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/test_losses_torch.py", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    lines = proc.stdout.splitlines()
    marks = "".join(line.split(" ", 1)[1].split("[")[0] for line in lines if line.startswith("tests/"))
    assert "s" not in marks                                                          # no skip mark per test
    assert [line for line in lines if "PyTorch" in line] == [f"1316 comparisons with PyTorch not run (counted "
                                                               f"as deselected): {NO_TORCH}"]       # one line
    assert "skipped" not in lines[-1] and "1316 deselected" in lines[-1]
