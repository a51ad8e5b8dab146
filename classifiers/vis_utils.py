"""Images laid out in a grid, for looking at a network's first-layer weights (CS231n's vis_utils)."""
import math

import numpy as np

from softmax_safeguards.validation import InvalidValueError, check_nonnegative, check_positive


def visualize_grid(Xs, ubound=255.0, padding=1):
    """Lay out N images in a square grid, each rescaled to [0, ubound] by its own minimum and maximum.

    Inputs:
    - Xs: array (N, H, W, C) of N images, channels last (C = 3 for colour, 1 for grey).
    - ubound: the value the largest entry of each image maps to (default 255.0;
      show the grid with plt.imshow(grid.astype("uint8"))).
    - padding: blank (zero) pixels between neighbouring images (default 1).

    Returns an array (G * H + (G - 1) * padding, G * W + (G - 1) * padding, C),
    G = ceil(sqrt(N)), filled row by row; an image whose entries are all equal
    maps to 0 (it has no range to rescale).
    """
    Xs = np.asarray(Xs)
    if Xs.ndim != 4 or Xs.shape[0] == 0:
        raise InvalidValueError(f"Xs must be N >= 1 images (N, H, W, C), got shape {Xs.shape}")
    ubound = check_nonnegative(ubound, "ubound")
    padding = 0 if padding == 0 else check_positive(padding, "padding", integer=True)
    N, H, W, C = Xs.shape
    size = math.ceil(math.sqrt(N))
    grid = np.zeros((size * H + padding * (size - 1), size * W + padding * (size - 1), C))
    for k, img in enumerate(Xs):
        top, left = (k // size) * (H + padding), (k % size) * (W + padding)
        low, high = float(img.min()), float(img.max())
        if high > low:
            grid[top:top + H, left:left + W] = ubound * (img - low) / (high - low)
    return grid
