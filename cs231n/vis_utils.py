"""CS231n's ``cs231n.vis_utils``: visualize_grid (this package's ``classifiers.vis_utils``)."""
from classifiers.vis_utils import visualize_grid

__all__ = ["visualize_grid"]
