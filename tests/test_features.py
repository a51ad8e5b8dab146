"""classifiers.features: the batch versions against per-image references written here as plain loops
(CS231n's definitions: one pixel, one cell, one bin at a time), the per-image functions against the
batch ones, extract_features' chunking, and the errors on bad input."""
import functools

import numpy as np
import pytest
from matplotlib.colors import rgb_to_hsv

from classifiers import features as F


def random_images(n, h=32, w=32, seed=0, dtype=np.uint8):
    rng = np.random.default_rng(seed)
    imgs = rng.integers(0, 256, size=(n, h, w, 3))
    imgs[0, :4, :4] = 128                         # grey pixels (hue 0) and flat patches (no gradient)
    imgs[0, 4:6, :] = [200, 10, 10]
    return imgs.astype(dtype)


def reference_hog(im):
    """CS231n's HOG of one image, pixel by pixel: gradients by differences, each pixel's magnitude added to
    the bin of its orientation in its cell, each cell's sums divided by 64; features by cell column, row, bin."""
    gray = im[..., 0] * 0.299 + im[..., 1] * 0.587 + im[..., 2] * 0.144
    h, w = gray.shape
    rows, cols = h // 8, w // 8
    hist = np.zeros((cols, rows, 9))
    for i in range(rows * 8):
        for j in range(cols * 8):
            gx = gray[i, j + 1] - gray[i, j] if j + 1 < w else 0.0
            gy = gray[i + 1, j] - gray[i, j] if i + 1 < h else 0.0
            angle = np.degrees(np.arctan2(gy, gx + 1e-15)) + 90
            for k in range(9):
                if 20 * k <= angle < 20 * (k + 1) and angle > 0:
                    hist[j // 8, i // 8, k] += np.hypot(gx, gy) / 64
    return hist.ravel()


def reference_hue_histogram(im, nbin=10, xmin=0, xmax=255, normalized=True):
    """CS231n's colour feature of one image: each pixel's hue (matplotlib's, one pixel at a time), counted in
    the bin [edge_k, edge_k+1) of nbin equal bins over [xmin, xmax], the last closed."""
    edges = np.linspace(xmin, xmax, nbin + 1)
    counts = np.zeros(nbin)
    for rgb in im.reshape(-1, 3) / xmax:
        value = rgb_to_hsv(rgb)[0] * xmax
        for k in range(nbin):
            if edges[k] <= value < edges[k + 1] or (k == nbin - 1 and value == edges[-1]):
                counts[k] += 1
    return counts / counts.sum() if normalized else counts * np.diff(edges)


@pytest.mark.parametrize("shape", [(32, 32), (16, 24), (20, 36)])
def test_hog_features_equal_the_per_pixel_reference(shape):
    imgs = random_images(3, *shape, seed=sum(shape))
    got = F.hog_features(imgs)
    want = np.array([reference_hog(im.astype(float)) for im in imgs])
    assert got.shape == (3, (shape[0] // 8) * (shape[1] // 8) * 9) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_hog_bins_are_cs231ns_including_its_quirks():
    """An orientation exactly on a bin's lower edge is in that bin; one of 0 (a gradient pointing straight
    down) or outside [0, 180) counts nowhere; the last row and column have no gradient."""
    im = np.zeros((8, 8, 3))
    im[:, 4:] = 100                               # a vertical edge: gx > 0 at column 3, orientation 90
    feat = F.hog_feature(im)
    assert feat.shape == (9,) and np.count_nonzero(feat) == 1
    assert feat[4] == pytest.approx(100 * (0.299 + 0.587 + 0.144) * 8 / 64)
    im = np.zeros((8, 8, 3))
    im[4:] = 100                                  # gy > 0: orientation 180, beyond the last bin
    assert not F.hog_feature(im).any()
    im = np.zeros((8, 8, 3))
    im[:4] = 100                                  # gy < 0: orientation 0, excluded as CS231n does
    assert not F.hog_feature(im).any()


def test_hog_of_grey_and_rgb_images_agree():
    imgs = random_images(2, seed=3)
    gray = F.rgb2gray(imgs)
    np.testing.assert_array_equal(F.hog_features(gray), F.hog_features(imgs))
    np.testing.assert_array_equal(F.hog_feature(gray[1]), F.hog_features(imgs)[1])
    np.testing.assert_array_equal(F.hog_feature(imgs[1]), F.hog_features(imgs)[1])


def test_rgb2gray_uses_cs231ns_weights():
    assert F.rgb2gray(np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])).tolist() == [
        [0.299, 0.587, 0.144]]


@pytest.mark.parametrize("nbin, xmin, xmax, normalized", [(10, 0, 255, True), (25, 0, 255, True),
                                                          (7, 0, 255, False), (4, 60, 200, True)])
def test_hue_histograms_equal_the_per_pixel_reference(nbin, xmin, xmax, normalized):
    imgs = np.minimum(random_images(3, 8, 12, seed=nbin), xmax)
    got = F.color_histograms_hsv(imgs, nbin=nbin, xmin=xmin, xmax=xmax, normalized=normalized)
    want = np.array([reference_hue_histogram(im, nbin, xmin, xmax, normalized) for im in imgs])
    assert got.shape == (3, nbin) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12)
    for k, im in enumerate(imgs):
        np.testing.assert_array_equal(F.color_histogram_hsv(im, nbin, xmin, xmax, normalized), got[k])


def test_hue_is_matplotlibs():
    imgs = random_images(2, seed=5)
    np.testing.assert_array_equal(F.hue(imgs), rgb_to_hsv(imgs / 255)[..., 0])


def test_normalized_histograms_sum_to_one_and_pure_colours_fill_one_bin():
    imgs = random_images(4, seed=1)
    np.testing.assert_allclose(F.color_histograms_hsv(imgs, nbin=25).sum(axis=1), 1.0, rtol=1e-12)
    red, green, blue = (np.broadcast_to(np.array(c, np.uint8), (1, 4, 4, 3)) for c in
                        ([255, 0, 0], [0, 255, 0], [0, 0, 255]))
    for img, k in ((red, 0), (green, 3), (blue, 6)):             # hues 0, 1/3 and 2/3 in 10 bins
        assert F.color_histograms_hsv(img)[0].tolist() == [1.0 if i == k else 0.0 for i in range(10)]


def test_dtypes_give_the_same_features():
    imgs = random_images(2, seed=2)
    for dtype in (np.float32, np.float64, np.int64):
        np.testing.assert_array_equal(F.hog_features(imgs.astype(dtype)), F.hog_features(imgs))
        np.testing.assert_array_equal(F.color_histograms_hsv(imgs.astype(dtype)), F.color_histograms_hsv(imgs))


def test_extract_features_stacks_each_image_and_chunks_change_nothing():
    imgs = random_images(7, seed=4)
    fns = [F.hog_feature, functools.partial(F.color_histogram_hsv, nbin=5), lambda im: im.mean(axis=(0, 1))]
    whole = F.extract_features(imgs, fns, chunk_size=100)
    assert whole.shape == (7, 144 + 5 + 3) and whole.dtype == np.float64
    for chunk_size in (1, 3, 7):
        np.testing.assert_array_equal(F.extract_features(imgs, fns, chunk_size=chunk_size), whole)
    rows = np.array([np.concatenate([F.hog_feature(im), F.color_histogram_hsv(im, nbin=5), im.mean(axis=(0, 1))])
                     for im in imgs])
    np.testing.assert_array_equal(whole, rows)


def test_extract_features_runs_the_batch_version_of_the_known_functions(monkeypatch):
    calls = []
    monkeypatch.setitem(F.BATCHED, F.hog_feature, lambda imgs: calls.append(len(imgs)) or F.hog_features(imgs))
    F.extract_features(random_images(5), [F.hog_feature], chunk_size=2)
    assert calls == [2, 2, 1]
    assert F.batched(functools.partial(F.color_histogram_hsv, nbin=3)).keywords == {"nbin": 3}
    assert F.batched(lambda im: F.hog_feature(im)) is None


def test_extract_features_shows_a_progress_bar_when_verbose(capsys):
    F.extract_features(random_images(3), [F.hog_feature], verbose=True, chunk_size=2)
    assert "3/3" in capsys.readouterr().err
    F.extract_features(random_images(3), [F.hog_feature], chunk_size=2)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.hog_features(np.zeros((0, 32, 32, 3))), ValueError, r"imgs must be images \(N, H, W, C\), N >= 1"),
    (lambda: F.hog_features(np.zeros((2, 32, 32, 2))), ValueError, r"C >= 3"),
    (lambda: F.hog_features(np.zeros((2, 4, 32, 3))), ValueError, r"at least 8 x 8 pixels \(one HOG cell\), got 4 x 32"),
    (lambda: F.hog_feature(np.zeros(32)), ValueError, r"im must be images \(H, W\)"),
    (lambda: F.hog_feature(np.zeros((8, 8, 3), bool)), TypeError, r"im must be an array of pixel values"),
    (lambda: F.color_histogram_hsv(np.zeros((8, 8, 4))), ValueError, r"C = 3 \(RGB\)"),
    (lambda: F.color_histogram_hsv(np.full((8, 8, 3), 300)), ValueError, r"in \[0, xmax\] = \[0, 255\]"),
    (lambda: F.color_histogram_hsv(np.zeros((8, 8, 3)), nbin=0), ValueError, r"nbin must be a positive integer"),
    (lambda: F.color_histogram_hsv(np.zeros((8, 8, 3)), xmin=10, xmax=5), ValueError, r"0 <= xmin < xmax"),
    (lambda: F.extract_features(np.zeros((2, 8, 8, 3)), F.hog_feature), ValueError, r"non-empty list of functions"),
    (lambda: F.extract_features(np.zeros((2, 8, 8, 3)), []), ValueError, r"non-empty list of functions"),
    (lambda: F.extract_features(np.zeros((2, 8, 8, 3)), [F.hog_feature], chunk_size=0), ValueError,
     r"chunk_size"),
    (lambda: F.extract_features(np.zeros((2, 8, 8, 3)), [lambda im: im]), ValueError, r"one-dimensional"),
    (lambda: F.extract_features(np.arange(3).repeat(192).reshape(3, 8, 8, 3) // 2,
                                [lambda im: np.zeros(im[0, 0, 0] + 1)], chunk_size=2),
     ValueError, r"returned \[2\] values per image for images from 2, \[1\] before"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
