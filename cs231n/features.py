"""CS231n's ``cs231n.features``: HOG, the hue histogram and extract_features (this package's
``classifiers.features``, computed a batch of images at a time)."""
from classifiers.features import color_histogram_hsv, extract_features, hog_feature, rgb2gray

__all__ = ["extract_features", "rgb2gray", "hog_feature", "color_histogram_hsv"]
