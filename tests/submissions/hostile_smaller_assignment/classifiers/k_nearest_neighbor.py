import numpy as np


class KNearestNeighbor:
    def train(self, X, y):
        self.X_train, self.y_train = X, y

    def predict(self, X, k=1, num_loops=0):
        method = [self.compute_distances_no_loops, self.compute_distances_one_loop,
                  self.compute_distances_two_loops][num_loops]
        return self.predict_labels(method(X), k=k)

    def compute_distances_two_loops(self, X):
        dists = np.zeros((len(X), len(self.X_train)))
        for i in range(len(X)):
            for j in range(len(self.X_train)):
                dists[i, j] = np.sqrt(((X[i] - self.X_train[j]) ** 2).sum())
        return dists

    def compute_distances_one_loop(self, X):
        dists = np.zeros((len(X), len(self.X_train)))
        for i in range(len(X)):
            dists[i] = np.sqrt(((self.X_train - X[i]) ** 2).sum(axis=1))
        return dists

    def compute_distances_no_loops(self, X):
        a = np.einsum("ij,ij->i", X, X)[:, None]
        b = np.einsum("ij,ij->i", self.X_train, self.X_train)[None, :]
        return np.sqrt(np.maximum(a + b - 2.0 * (X @ self.X_train.T), 0.0))

    def predict_labels(self, dists, k=1):
        nearest = self.y_train[np.argsort(dists, axis=1)[:, :k]]
        return np.array([np.bincount(row).argmax() for row in nearest])
