import numpy as np


class KNearestNeighbor:
    def train(self, X, y):
        self.X_train, self.y_train = X, y

    def predict_labels(self, dists, k=1):
        y_pred = np.zeros(dists.shape[0])
        for i in range(dists.shape[0]):
            closest_y = self.y_train[np.argsort(dists[i])[:k]]
            labels, first = np.unique(closest_y, return_index=True)
            counts = np.bincount(closest_y)[labels]
            tied = labels[counts == counts.max()]
            y_pred[i] = closest_y[min(first[np.isin(labels, tied)])]  # bug: a tie goes to the nearer label
        return y_pred
