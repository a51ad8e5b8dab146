"""The repository's one restricted unpickler (softmax_safeguards/safe_pickle.py)."""
import ast
import io
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from softmax_safeguards import safe_pickle
from conftest import ROOT


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_rebuilds_arrays_containers_numbers_and_strings(protocol):
    obj = {"W": np.arange(6, dtype=np.float32).reshape(2, 3), "names": ["a", b"b"], "n": 3, "x": (1.5, None)}
    back = safe_pickle.unpickle_arrays(io.BytesIO(pickle.dumps(obj, protocol=protocol)))
    np.testing.assert_array_equal(back["W"], obj["W"])
    assert back["W"].dtype == np.float32 and back["names"] == ["a", b"b"] and back["x"] == (1.5, None)


def test_refuses_any_other_global_and_names_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(pickle.UnpicklingError) as raised:
        safe_pickle.unpickle_arrays(io.BytesIO(pickle.dumps({"data": Evil()}, protocol=2)))
    assert safe_pickle.forbidden_global(raised.value) in ("posix.system", "os.system", "nt.system")
    assert not (tmp_path / "pwned.txt").exists()
    assert safe_pickle.forbidden_global(pickle.UnpicklingError("pickle data was truncated")) is None


def test_it_is_the_only_unpickler_in_the_repository():
    """Data batches and CS231n's model files are read by the same one: no other module unpickles."""
    others = []
    for folder in ("classifiers", "cifar10_data", "assignment_checks", "instructor"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "safe_pickle.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                named = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
                if named in ("Unpickler", "load", "loads") and isinstance(node, ast.Attribute) \
                        and isinstance(node.value, ast.Name) and node.value.id == "pickle" or named == "Unpickler":
                    others.append(f"{Path(path).relative_to(ROOT)}:{node.lineno}")
    assert others == []
