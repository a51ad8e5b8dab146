"""A k-nearest-neighbour classifier with the L2 (Euclidean) distance, CS231n's KNearestNeighbor.

train memorizes the training data; predict computes the distances from each test
point to every training point, then lets the k nearest vote. The distances come in
three versions that must agree: two nested loops, one loop over the test points,
and no Python loop at all.
"""
import numpy as np

from softmax_safeguards.validation import (InvalidValueError, check_array, check_choice, check_labels,
                                           check_positive)


class KNearestNeighbor(object):
    """A kNN classifier with the L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """
        Train the classifier: for k-nearest neighbours this is memorizing the training data.

        Inputs:
        - X: A numpy array of shape (num_train, D), floating point, num_train >= 1.
        - y: A numpy array of shape (num_train,) of integer labels >= 0; y[i] is the label of X[i].
        """
        X = check_array(X, "X", 2)
        if X.shape[0] == 0:
            raise InvalidValueError("X is empty (0 training points); pass at least one")
        y = np.asarray(y)
        num_classes = int(y.max()) + 1 if y.size and np.issubdtype(y.dtype, np.integer) else 1
        self.X_train = X
        self.y_train = check_labels(y, "y", X.shape[0], num_classes)

    def predict(self, X, k=1, num_loops=0):
        """
        Predict labels for test data using this classifier.

        Inputs:
        - X: A numpy array of shape (num_test, D) of test points, floating point.
        - k: The number of nearest neighbours that vote for the predicted labels, 1 <= k <= num_train.
        - num_loops: Which implementation computes the distances: 0, 1 or 2 Python loops.

        Returns:
        - y: A numpy array of shape (num_test,) of predicted labels; y[i] is the label predicted for X[i].
        """
        if not hasattr(self, "X_train"):
            raise InvalidValueError("the classifier is not trained: call train(X, y) before predict")
        X = check_array(X, "X", 2)
        if X.shape[1] != self.X_train.shape[1]:
            raise InvalidValueError(f"X has {X.shape[1]} features per row but the training data has "
                                    f"{self.X_train.shape[1]}: shape {X.shape} against {self.X_train.shape}")
        k = check_positive(k, "k", integer=True)
        if k > self.X_train.shape[0]:
            raise InvalidValueError(f"k must be at most the number of training points, "
                                    f"{self.X_train.shape[0]}, got {k}")
        check_choice(num_loops, "num_loops", (0, 1, 2))
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        else:
            dists = self.compute_distances_two_loops(X)
        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """
        Compute the distance between each test point in X and each training point in
        self.X_train, with a nested loop over the test points and the training points.

        Inputs:
        - X: A numpy array of shape (num_test, D) containing test data.

        Returns:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j] is the
          Euclidean (L2) distance between the ith test point and the jth training point.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                # TODO: the L2 distance between the ith test point and the jth training
                # point, stored in dists[i, j]. No loop over the D dimensions, and no
                # np.linalg.norm().
                # BEGIN SOLUTION
                dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))
                # END SOLUTION
        return dists

    def compute_distances_one_loop(self, X):
        """
        Compute the distance between each test point in X and each training point in
        self.X_train, with a single loop over the test points.

        Inputs / Returns: the same as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            # TODO: the L2 distances between the ith test point and all the training
            # points at once, stored in dists[i, :]. No loop over the training points,
            # and no np.linalg.norm().
            # BEGIN SOLUTION
            dists[i, :] = np.sqrt(np.sum((self.X_train - X[i]) ** 2, axis=1))
            # END SOLUTION
        return dists

    def compute_distances_no_loops(self, X):
        """
        Compute the distance between each test point in X and each training point in
        self.X_train, with no explicit loop.

        Inputs / Returns: the same as compute_distances_two_loops.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        # TODO: all the L2 distances between the test points and the training points,
        # stored in dists, without any Python loop: whole-array numpy operations only, no
        # scipy and no np.linalg.norm(). Mind the memory: an intermediate array of shape
        # (num_test, num_train, D) would take about 60 GB at CIFAR-10's sizes (500 test
        # points, 5000 training points, D = 3072). A test point equal to a training point
        # is at distance 0 from it (not NaN).
        # Hint: expand the squared distance ||x - t||^2 = ||x||^2 + ||t||^2 - 2 x.t; the
        # Hint: cross terms of all pairs are one matrix product, the rest two broadcast sums.
        # BEGIN SOLUTION
        squared = (np.sum(X ** 2, axis=1)[:, None] + np.sum(self.X_train ** 2, axis=1)[None, :]
                   - 2 * X @ self.X_train.T)
        # rounding can leave a squared distance of two equal rows a little below zero
        dists[:] = np.sqrt(np.maximum(squared, 0))
        # END SOLUTION
        return dists

    def predict_labels(self, dists, k=1):
        """
        Given a matrix of distances between test points and training points, predict a
        label for each test point: the most common label among its k nearest training
        points, ties between labels broken toward the smaller label.

        Inputs:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j] is the
          distance between the ith test point and the jth training point.
        - k: The number of nearest neighbours that vote.

        Returns:
        - y: A numpy array of shape (num_test,) of predicted labels; y[i] is the label
          predicted for the ith test point.
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test, dtype=self.y_train.dtype)
        for i in range(num_test):
            # TODO: the labels of the k training points nearest to the ith test point
            # (read them from self.y_train), in closest_y; then the most common of them
            # in y_pred[i], a tie between labels going to the smaller label.
            # Hint: look up np.argsort and np.bincount.
            # BEGIN SOLUTION
            closest_y = self.y_train[np.argsort(dists[i], kind="stable")[:k]]
            y_pred[i] = np.argmax(np.bincount(closest_y))    # argmax: the first, smallest, of tied labels
            # END SOLUTION
        return y_pred
