"""softmax_safeguards/persistence.py: model files for any model made of named float arrays (no pickle)."""
import numpy as np
import pytest

from softmax_safeguards import persistence
from softmax_safeguards.validation import ClassifierError

FMT = "softmax-assignment/test-net"
SHAPES = {"W1": 2, "b1": 1, "W2": 2, "b2": 1}


class Net:
    """A stand-in for a model of several parameters, as the two-layer network is."""


class OtherNet:
    pass


def params(seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((5, 4)).astype(dtype), "b1": np.zeros(4, dtype),
            "W2": rng.standard_normal((4, 3)).astype(dtype), "b2": rng.standard_normal(3).astype(dtype)}


def test_npz_round_trip_of_several_parameters_and_extras(tmp_path):
    saved = params()
    path = persistence.save_model(tmp_path / "net.npz", FMT, "Net", saved, {"note": "hi", "mean": np.arange(3.0)})
    cls, arrays, extras = persistence.load_model(path, FMT, SHAPES, {"Net": Net, "OtherNet": OtherNet})
    assert cls is Net and sorted(arrays) == sorted(saved)
    for name in saved:
        assert arrays[name].dtype == np.float32 and np.array_equal(arrays[name], saved[name])
    assert str(extras["note"]) == "hi" and np.array_equal(extras["mean"], np.arange(3.0))
    with np.load(path, allow_pickle=False) as z:                  # the format's own entries
        assert str(z["format"]) == FMT and int(z["version"]) == persistence.FORMAT_VERSION and str(z["kind"]) == "Net"


def test_cs231n_npy_round_trip_without_unpickling_code(tmp_path):
    saved = params(1, np.float64)
    persistence.save_model(tmp_path / "net.npy", FMT, "Net", saved)
    assert sorted(np.load(tmp_path / "net.npy", allow_pickle=True).item()) == sorted(saved)   # CS231n reads it
    cls, arrays, extras = persistence.load_model(tmp_path / "net.npy", FMT, SHAPES, {"Net": Net})
    assert cls is None and extras == {}                           # the .npy does not say its kind
    assert all(np.array_equal(arrays[k], saved[k]) for k in saved)
    with pytest.raises(ValueError, match="holds only the parameters"):
        persistence.save_model(tmp_path / "x.npy", FMT, "Net", saved, {"note": "x"})


@pytest.mark.parametrize("change,pattern", [
    (lambda a: a.update(version=np.array(persistence.FORMAT_VERSION + 1)), "saved by a newer version"),
    (lambda a: a.update(kind=np.array("OtherNet")), "holds a OtherNet model, not a Net; load it with OtherNet.load"),
    (lambda a: a.update(kind=np.array("Mystery")), "unknown model kind 'Mystery'"),
    (lambda a: a.update(format=np.array("someone-else")), "is not a model file saved by this package"),
    (lambda a: a.pop("b2"), "is not a model file saved by this package"),
    (lambda a: a.update(b1=np.zeros((4, 1), np.float32)), r"b1 has shape \(4, 1\) .* expected a 1-D float array"),
    (lambda a: a.update(W2=np.full((4, 3), np.inf, np.float32)), "NaN or infinity"),
], ids=["newer", "other kind", "unknown kind", "other format", "missing parameter", "wrong ndim", "infinite"])
def test_refuses_what_is_not_a_sound_file_of_its_format(tmp_path, change, pattern):
    arrays = {"format": np.array(FMT), "version": np.array(1), "kind": np.array("Net"), **params()}
    change(arrays)
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(ValueError, match=pattern) as raised:
        persistence.load_model(tmp_path / "m.npz", FMT, SHAPES, {"Net": Net, "OtherNet": OtherNet}, expected=Net)
    assert isinstance(raised.value, ClassifierError)
