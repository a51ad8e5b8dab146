import functools
import hashlib
import http.server
import io
import os
import pickle
import struct
import tarfile
import threading

import numpy as np
import pytest

import cifar10_data
from cifar10_data import DataError, DownloadError


# ---------------------------------------------------------------- official byte format, written by hand

def _py2_str(b):
    return (b"U" + bytes([len(b)]) + b) if len(b) < 256 else (b"T" + struct.pack("<i", len(b)) + b)


def py2_batch(data, labels):
    """A CIFAR-10 batch as the official files store it: a Python 2 protocol-2 pickle."""
    out = bytearray(b"\x80\x02}(")
    out += _py2_str(b"batch_label") + _py2_str(b"test batch")
    out += _py2_str(b"labels") + b"](" + b"".join(b"K" + bytes([v]) for v in labels) + b"e"
    out += _py2_str(b"data")
    out += b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85U\x01b\x87R"
    out += b"(K\x01M" + struct.pack("<H", data.shape[0]) + b"M" + struct.pack("<H", data.shape[1])
    out += b"\x86cnumpy\ndtype\nU\x02u1K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89"
    out += b"T" + struct.pack("<i", data.nbytes) + data.tobytes() + b"tb"
    out += _py2_str(b"filenames") + b"](" + _py2_str(b"a.png") * len(labels) + b"eu."
    return bytes(out)


def write_folder(root, n=20, seed=0, keys="str"):
    """A complete small cifar-10-batches-py folder; returns the images and labels written."""
    rng = np.random.default_rng(seed)
    folder = root / cifar10_data.FOLDER
    folder.mkdir(parents=True)
    written = {}
    for name in cifar10_data.TRAIN_BATCHES + (cifar10_data.TEST_BATCH,):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, n)
        if keys == "py2":
            blob = py2_batch(data, labels)
        else:  # written by Python 3, as another tool might: bytes keys
            blob = pickle.dumps({b"data": data, b"labels": labels.tolist(), b"batch_label": b"x"}, protocol=2)
        (folder / name).write_bytes(blob)
        written[name] = (data, labels)
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": list(cifar10_data.CLASSES)}, protocol=2))
    return folder, written


@pytest.mark.parametrize("keys", ["py2", "bytes-keys"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint8], ids=lambda d: np.dtype(d).name)
def test_load_official_format(tmp_path, keys, dtype):
    folder, written = write_folder(tmp_path, keys=keys)
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(folder, dtype=dtype)
    assert Xtr.shape == (100, 32, 32, 3) and Xte.shape == (20, 32, 32, 3) and Xtr.dtype == dtype
    data, labels = written["data_batch_2"]
    # row = R plane, G plane, B plane of 32 x 32; images come back channels last
    np.testing.assert_array_equal(Xtr[20:40], data.reshape(20, 3, 32, 32).transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(ytr[20:40], labels)
    np.testing.assert_array_equal(yte, written["test_batch"][1])
    assert ytr.dtype == np.int64
    # the parent folder works too
    assert cifar10_data.load_CIFAR10(tmp_path, dtype=np.uint8)[0].shape == (100, 32, 32, 3)


@pytest.mark.parametrize("encoding,key", [("latin1", "data"), ("bytes", b"data")])
def test_py2_batch_loads_both_ways_like_the_official_files(encoding, key):
    data = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072)
    obj = pickle.loads(py2_batch(data, [3, 4]), encoding=encoding)
    labels = b"labels" if encoding == "bytes" else "labels"
    assert obj[labels] == [3, 4] and np.array_equal(obj[key], data)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


def test_restricted_unpickler_refuses_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder, _ = write_folder(tmp_path)
    (folder / "data_batch_3").write_bytes(pickle.dumps({"data": Evil(), "labels": [0]}, protocol=2))
    with pytest.raises(DataError, match=r"refusing to load .*data_batch_3: it asks to run (posix|os)\.system"):
        cifar10_data.load_CIFAR10(folder)
    assert not (tmp_path / "pwned.txt").exists()


def test_missing_folder_says_how_to_download(tmp_path):
    with pytest.raises(DataError, match=r"does not exist; download it with `bash datasets/get_datasets.sh`"):
        cifar10_data.load_CIFAR10(tmp_path / "nowhere")


def test_missing_truncated_and_malformed_batches_are_named(tmp_path):
    folder, _ = write_folder(tmp_path)
    blob = (folder / "data_batch_4").read_bytes()
    (folder / "data_batch_4").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataError, match=r"data_batch_4 is truncated or corrupt"):
        cifar10_data.load_CIFAR10(folder)
    (folder / "data_batch_4").unlink()
    with pytest.raises(DataError, match=r"missing CIFAR-10 file .*data_batch_4"):
        cifar10_data.load_CIFAR10(folder)
    (folder / "data_batch_4").write_bytes(pickle.dumps({"data": np.zeros((3, 100), np.uint8), "labels": [0] * 3}))
    with pytest.raises(DataError, match=r"data_batch_4: 'data' must be a uint8 array \(N, 3072\), got shape \(3, 100\)"):
        cifar10_data.load_CIFAR10(folder)
    (folder / "data_batch_4").write_bytes(pickle.dumps({"data": np.zeros((3, 3072), np.uint8), "labels": [0, 1, 12]}))
    with pytest.raises(DataError, match=r"data_batch_4: labels must be in 0..9"):
        cifar10_data.load_CIFAR10(folder)
    (folder / "data_batch_4").write_bytes(pickle.dumps([1, 2, 3]))
    with pytest.raises(DataError, match=r"data_batch_4 does not hold a CIFAR-10 batch"):
        cifar10_data.load_CIFAR10(folder)


def test_sample_loads_with_the_same_api():
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.float32)
    assert Xtr.shape == (2500, 32, 32, 3) and Xte.shape == (500, 32, 32, 3) and Xtr.dtype == np.float32
    assert np.array_equal(np.bincount(ytr), [250] * 10) and np.array_equal(np.bincount(yte), [50] * 10)
    assert cifar10_data.SAMPLE_PATH.stat().st_size < 10 * 2 ** 20


def test_data_home_is_the_checkout_then_the_variable_then_a_user_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SOFTMAX_DATA", str(tmp_path / "mine"))
    assert cifar10_data.get_data_home() == cifar10_data.layout._CHECKOUT_DATASETS     # run from a checkout
    assert (cifar10_data.get_data_home() / "get_datasets.sh").is_file()
    monkeypatch.setattr(cifar10_data.layout, "_CHECKOUT_DATASETS", tmp_path / "site-packages" / "datasets")  # installed
    assert cifar10_data.get_data_home() == tmp_path / "mine"
    monkeypatch.delenv("SOFTMAX_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cifar10_data.get_data_home() == tmp_path / "softmax_data"
    assert not (tmp_path / "softmax_data").exists()                              # created only by a download


def test_load_dataset_falls_back_to_the_sample_with_a_notice(tmp_path):
    said = []
    Xtr, ytr, Xte, yte, source = cifar10_data.load_dataset(tmp_path, download=False, log=said.append)
    assert len(ytr) == 2500 and "bundled sample" in source
    assert said and said[0].startswith("notice: using the bundled sample")
    with pytest.raises(DataError, match="no CIFAR-10 data in"):
        cifar10_data.load_dataset(tmp_path, download=False, allow_sample=False)


def test_linear_classifier_data_splits_and_preprocessing(tmp_path):
    folder, written = write_folder(tmp_path, n=30)
    d = cifar10_data.get_linear_classifier_data(folder, num_training=100, num_validation=50, num_test=10, num_dev=7,
                                              seed=0)
    assert d["X_train"].shape == (100, 3073) and d["X_val"].shape == (50, 3073)
    assert d["X_test"].shape == (10, 3073) and d["X_dev"].shape == (7, 3073)
    assert np.all(d["X_train"][:, -1] == 1)                                      # bias trick
    np.testing.assert_allclose(d["X_train"][:, :-1].mean(axis=0), 0, atol=1e-10)  # mean of training rows only
    raw_val = written["data_batch_1"][0][:0]  # noqa: F841 - validation = training rows 100..149
    Xtr, ytr, _, _ = cifar10_data.load_CIFAR10(folder, dtype=np.float64)
    np.testing.assert_allclose(d["X_val"][:, :-1] + d["mean_image"].reshape(-1), Xtr[100:150].reshape(50, -1))
    np.testing.assert_array_equal(d["y_val"], ytr[100:150])
    d2 = cifar10_data.get_linear_classifier_data(folder, 100, 50, 10, 7, bias_trick=False, standardize=True,
                                               dtype=np.float32, seed=0)
    assert d2["X_train"].shape == (100, 3072) and d2["X_train"].dtype == np.float32
    np.testing.assert_allclose(d2["X_train"].std(axis=0), 1, rtol=1e-3)
    with pytest.raises(ValueError, match="exceeds the 150 training images"):
        cifar10_data.get_linear_classifier_data(folder, num_training=149, num_validation=2)


@pytest.mark.parametrize("standardize", [False, True])
def test_linear_classifier_data_without_mean_subtraction(tmp_path, standardize):
    folder, _ = write_folder(tmp_path, n=30)
    d = cifar10_data.get_linear_classifier_data(folder, 100, 50, 10, 7, subtract_mean=False, standardize=standardize,
                                              seed=0)
    Xtr = cifar10_data.load_CIFAR10(folder)[0].reshape(150, -1)
    std = Xtr[:100].std(axis=0) if standardize else 1                # statistics of the training rows only
    np.testing.assert_allclose(d["X_train"][:, :-1], Xtr[:100] / std, rtol=1e-12)
    np.testing.assert_allclose(d["X_val"][:, :-1], Xtr[100:] / std, rtol=1e-12)
    np.testing.assert_array_equal(d["mean_image"], 0)


def test_linear_classifier_data_from_loaded_images_with_its_preprocessor(tmp_path):
    folder, _ = write_folder(tmp_path, n=30)
    images = cifar10_data.load_CIFAR10(folder, dtype=np.uint8)
    d, pre = cifar10_data.get_linear_classifier_data(data=images, num_training=100, num_validation=50, num_test=10,
                                                   num_dev=7, standardize=True, dtype=np.float32, seed=0,
                                                   return_preprocessor=True)
    from_folder = cifar10_data.get_linear_classifier_data(folder, 100, 50, 10, 7, standardize=True, dtype=np.float32,
                                                        seed=0)
    for key in from_folder:
        np.testing.assert_array_equal(d[key], from_folder[key])
    np.testing.assert_array_equal(pre.transform(images[2][:10]), d["X_test"])   # the same transformation
    assert all(isinstance(v, np.ndarray) for v in d.values())     # CS231n's notebooks print each v.shape
    with pytest.raises(ValueError, match="data must be the 4 arrays .* got 2 items"):
        cifar10_data.get_linear_classifier_data(data=images[:2])


def cs231n_reference(folder, num_training, num_validation, num_test, subtract_mean=True):
    """CS231n's get_CIFAR10_data written out step by step: float64 images, slices, mean, channels first."""
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(folder, dtype=np.float64)
    X_val, y_val = Xtr[num_training:num_training + num_validation], ytr[num_training:num_training + num_validation]
    X_train, y_train = Xtr[:num_training], ytr[:num_training]
    X_test, y_test = Xte[:num_test], yte[:num_test]
    if subtract_mean:
        mean_image = np.mean(X_train, axis=0)
        X_train, X_val, X_test = X_train - mean_image, X_val - mean_image, X_test - mean_image
    return {"X_train": X_train.transpose(0, 3, 1, 2), "y_train": y_train, "X_val": X_val.transpose(0, 3, 1, 2),
            "y_val": y_val, "X_test": X_test.transpose(0, 3, 1, 2), "y_test": y_test}


@pytest.mark.parametrize("subtract_mean", [True, False])
def test_get_cifar10_data_is_cs231ns(tmp_path, subtract_mean):
    folder, _ = write_folder(tmp_path, n=30)
    d = cifar10_data.get_CIFAR10_data(100, 40, 10, subtract_mean, cifar10_dir=folder)     # CS231n's positions
    expected = cs231n_reference(folder, 100, 40, 10, subtract_mean)
    assert list(d) == ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test"]       # no dev, no mean_image
    assert d["X_train"].shape == (100, 3, 32, 32) and d["X_val"].shape == (40, 3, 32, 32)
    assert d["X_test"].shape == (10, 3, 32, 32)                                         # image-shaped, no bias
    for key, value in expected.items():
        assert d[key].dtype == value.dtype                                              # float64 and int64
        assert d[key].flags.c_contiguous
        np.testing.assert_allclose(d[key], value, rtol=0, atol=1e-9)
    if subtract_mean:
        np.testing.assert_allclose(d["X_train"].mean(axis=0), 0, atol=1e-10)


def test_get_cifar10_data_keeps_its_defaults_and_takes_loaded_images(tmp_path):
    import inspect
    defaults = {k: v.default for k, v in inspect.signature(cifar10_data.get_CIFAR10_data).parameters.items()}
    assert list(defaults)[:4] == ["num_training", "num_validation", "num_test", "subtract_mean"]
    assert [defaults[k] for k in list(defaults)[:4]] == [49000, 1000, 1000, True]
    folder, _ = write_folder(tmp_path, n=30)
    images = cifar10_data.load_CIFAR10(folder, dtype=np.uint8)
    d = cifar10_data.get_CIFAR10_data(100, 50, 20, data=images, dtype=np.float32)
    assert d["X_train"].dtype == np.float32 and d["X_test"].shape == (20, 3, 32, 32)
    np.testing.assert_allclose(d["X_val"], cs231n_reference(folder, 100, 50, 20)["X_val"], atol=1e-4)
    with pytest.raises(ValueError, match="exceeds the 150 training images"):
        cifar10_data.get_CIFAR10_data(101, 50, data=images)


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda d: cifar10_data.get_CIFAR10_data(1.5, data=d), TypeError, "num_training must be a positive integer, got "
                                                                     "float 1.5"),
    (lambda d: cifar10_data.get_CIFAR10_data(0, data=d), ValueError, "num_training must be a positive integer, got 0"),
    (lambda d: cifar10_data.get_CIFAR10_data(10, -1, data=d), ValueError, "num_validation must be an integer >= 0, "
                                                                         "got -1"),
    (lambda d: cifar10_data.get_linear_classifier_data(data=d, num_training=10, num_test=10, num_dev=11), ValueError,
     "num_dev = 11 exceeds num_training = 10"),
    (lambda d: cifar10_data.get_CIFAR10_data(data=d[:3]), ValueError, "data must be the 4 arrays"),
    (lambda d: cifar10_data.Preprocessor("whiten"), ValueError, "mode must be one of 'mean', 'standardize', 'raw', got "
                                                              "'whiten'"),
    (lambda d: cifar10_data.Preprocessor().transform(d[0]), ValueError, r"call fit\(\) before transform\(\)"),
    (lambda d: cifar10_data.load_CIFAR10("/nonexistent/cifar"), DataError, "does not exist"),
], ids=["float count", "no training images", "negative count", "dev too large", "three arrays", "unknown mode",
        "transform before fit", "missing folder"])
def test_bad_arguments_get_the_packages_errors(tmp_path, call, exc, pattern):
    from softmax_safeguards.validation import ClassifierError
    images = cifar10_data.load_CIFAR10(cifar10_data.SAMPLE_PATH, dtype=np.uint8)
    with pytest.raises(exc, match=pattern) as raised:
        call(images)
    assert isinstance(raised.value, ClassifierError)      # raised through validation.py: the CLI's one-line errors


def test_mirror_permutation_flips_images():
    img = np.arange(32 * 32 * 3).reshape(32, 32, 3)
    row = np.append(img.ravel(), 1)
    m = cifar10_data.mirror_permutation()
    np.testing.assert_array_equal(row[m][:-1].reshape(32, 32, 3), img[:, ::-1, :])
    np.testing.assert_array_equal(m[m], np.arange(3073))


def test_preprocessor_state_round_trip():
    X = np.random.default_rng(0).integers(0, 256, (50, 12), dtype=np.uint8)
    pre = cifar10_data.Preprocessor("standardize", True, np.float32).fit(X)
    again = cifar10_data.Preprocessor.from_state(pre.state(), np.float32)
    np.testing.assert_array_equal(pre.transform(X), again.transform(X))


# ---------------------------------------------------------------- download against a local server

def make_tarball(path, evil=False):
    with tarfile.open(path, "w:gz") as tar:
        for name in cifar10_data.TRAIN_BATCHES + (cifar10_data.TEST_BATCH, "batches.meta"):
            blob = pickle.dumps({"data": np.zeros((2, 3072), np.uint8), "labels": [1, 2]}, protocol=2)
            info = tarfile.TarInfo(f"{cifar10_data.FOLDER}/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
        if evil:
            info = tarfile.TarInfo("../escaped.txt")
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture()
def server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_download_success_with_progress_then_nothing_to_do(server, tmp_path, capsys):
    served, base = server
    md5 = make_tarball(served / "cifar.tar.gz")
    dest = tmp_path / "data"
    folder = cifar10_data.download_CIFAR10(dest, url=f"{base}/cifar.tar.gz", md5=md5, log=print)
    assert cifar10_data.has_full_data(folder)
    assert sorted(p.name for p in dest.iterdir()) == [cifar10_data.FOLDER]      # tarball and temporaries gone
    err = capsys.readouterr().err
    assert "CIFAR-10" in err and "100%" in err                                 # the tqdm bar
    assert cifar10_data.load_CIFAR10(folder, dtype=np.uint8)[1].tolist()[:2] == [1, 2]
    (served / "cifar.tar.gz").unlink()                                         # a second call needs no network
    assert cifar10_data.download_CIFAR10(dest, url=f"{base}/cifar.tar.gz", md5=md5) == folder


def test_download_checksum_mismatch_leaves_nothing(server, tmp_path):
    served, base = server
    make_tarball(served / "cifar.tar.gz")
    dest = tmp_path / "data"
    with pytest.raises(DownloadError, match="checksum mismatch.*expected 0+"):
        cifar10_data.download_CIFAR10(dest, url=f"{base}/cifar.tar.gz", md5="0" * 32, retries=1,
                                    progress=False, log=lambda m: None)
    assert not dest.exists()                                   # not even the folder, which held nothing


def test_download_refuses_member_outside_target(server, tmp_path):
    served, base = server
    md5 = make_tarball(served / "cifar.tar.gz", evil=True)
    dest = tmp_path / "data"
    with pytest.raises(DataError, match=r"refusing to extract '../escaped.txt'"):
        cifar10_data.download_CIFAR10(dest, url=f"{base}/cifar.tar.gz", md5=md5, progress=False, log=lambda m: None)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (dest / cifar10_data.FOLDER).exists()


def test_download_missing_file_retries_then_says_what_to_do(server, tmp_path):
    _, base = server
    said = []
    with pytest.raises(DownloadError, match=r"could not download CIFAR-10.*--data-dir.*bundled sample"):
        cifar10_data.download_CIFAR10(tmp_path, url=f"{base}/absent.tar.gz", retries=1, progress=False,
                                    log=said.append)
    assert any("retrying" in s for s in said)


def test_download_offline_fails_at_once_without_retrying(tmp_path, monkeypatch):
    import socket
    import urllib.error
    attempts, sleeps, said = [], [], []

    def offline(url, timeout):
        attempts.append(url)
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(cifar10_data.download.urllib.request, "urlopen", offline)
    monkeypatch.setattr(cifar10_data.download.time, "sleep", sleeps.append)
    with pytest.raises(DownloadError, match="could not download.*Name or service not known"):
        cifar10_data.download_CIFAR10(tmp_path, url="http://no-such-host.invalid/cifar.tar.gz", retries=3,
                                    progress=False, log=said.append)
    assert len(attempts) == 1 and sleeps == [] and not any("retrying" in s for s in said)


# ---------------------------------------------------------------- the full data set (CI rebuilds it)

@pytest.mark.slow
def test_full_cifar10(cifar10_dir):
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(cifar10_dir, dtype=np.uint8)
    assert Xtr.shape == (50000, 32, 32, 3) and Xte.shape == (10000, 32, 32, 3)
    assert np.array_equal(np.bincount(ytr), [5000] * 10) and np.array_equal(np.bincount(yte), [1000] * 10)
    assert ytr[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert cifar10_data.class_names(cifar10_dir)[0] == "airplane"
    with open(cifar10_dir / "data_batch_1", "rb") as f:           # the plain way, trusting the file
        raw = pickle.load(f, encoding="bytes")
    np.testing.assert_array_equal(Xtr[:10000], raw[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    d = cifar10_data.get_linear_classifier_data(cifar10_dir, dtype=np.float32, seed=0)
    assert d["X_train"].shape == (49000, 3073) and d["X_val"].shape == (1000, 3073)
    assert d["X_test"].shape == (1000, 3073) and d["X_dev"].shape == (500, 3073)
    np.testing.assert_array_equal(d["y_val"], ytr[49000:50000])
    del d
    d = cifar10_data.get_CIFAR10_data(dtype=np.float32)            # CS231n's call: the data home's folder
    assert d["X_train"].shape == (49000, 3, 32, 32) and d["X_test"].shape == (1000, 3, 32, 32)
    np.testing.assert_allclose(d["X_train"].mean(axis=0), 0, atol=1e-3)
    np.testing.assert_array_equal(d["y_test"], yte[:1000])
