"""visualize_grid: layout, padding and the per-image rescaling, against hand-built grids."""
import numpy as np
import pytest

from classifiers.vis_utils import visualize_grid


def test_images_are_laid_out_row_by_row_each_rescaled_to_its_own_range():
    rng = np.random.default_rng(0)
    images = rng.standard_normal((5, 2, 3, 3)) * np.arange(1, 6)[:, None, None, None]
    grid = visualize_grid(images, ubound=10.0, padding=1)
    assert grid.shape == (3 * 2 + 2, 3 * 3 + 2, 3)                  # ceil(sqrt(5)) = 3 images a side
    for k, img in enumerate(images):
        top, left = (k // 3) * 3, (k % 3) * 4
        tile = grid[top:top + 2, left:left + 3]
        np.testing.assert_allclose(tile, 10 * (img - img.min()) / (img.max() - img.min()))
    assert not grid[2].any() and not grid[:, 3].any()                 # the padding rows and columns
    assert not grid[6:8, 4:7].any()                                  # the grid's unused cells stay 0


def test_no_padding_and_a_constant_image():
    images = np.stack([np.full((2, 2, 1), 7.0), np.arange(4.0).reshape(2, 2, 1)])
    grid = visualize_grid(images, padding=0)
    assert grid.shape == (4, 4, 1)
    assert not grid[:2, :2].any()                                   # no range to rescale: 0
    np.testing.assert_allclose(grid[:2, 2:, 0], [[0, 85], [170, 255]])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"Xs must be N >= 1 images \(N, H, W, C\), got shape \(3, 4\)"):
        visualize_grid(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="padding must be a positive integer"):
        visualize_grid(np.zeros((1, 2, 2, 3)), padding=-1)


@pytest.mark.parametrize("layout", ["channels_last", "channels_first"])
def test_first_layer_weights_shows_each_unit_as_its_image(layout):
    from softmax_cifar10.plots import first_layer_weights
    red = np.zeros((32, 32, 3))
    red[:, :16, 0] = 1.0                                   # unit 0: red on the left half of the image
    unit = red if layout == "channels_last" else red.transpose(2, 0, 1)
    W1 = np.random.default_rng(0).standard_normal((3072, 4)) * 0.01
    W1[:, 0] = unit.ravel()
    fig = first_layer_weights(W1, layout=layout, title="t")
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (2 * 32 + 2, 2 * 32 + 2, 3)
    np.testing.assert_array_equal(shown[:32, :32], (255 * red).astype(np.uint8))
