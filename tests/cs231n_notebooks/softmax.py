"""CS231n 2025's softmax.ipynb on this package: its Colab cell emptied, its search filled in."""
NOTEBOOK = "softmax.ipynb"

SEARCH = """\
from cs231n.classifiers import Softmax

results = {}
best_val = -1
best_softmax = None
for lr in [1e-7, 5e-7]:
    for reg in [2.5e4, 1e4]:
        candidate = Softmax()
        candidate.train(X_train, y_train, learning_rate=lr, reg=reg, num_iters=1500)
        train_accuracy = np.mean(candidate.predict(X_train) == y_train)
        val_accuracy = np.mean(candidate.predict(X_val) == y_val)
        results[(lr, reg)] = (train_accuracy, val_accuracy)
        if val_accuracy > best_val:
            best_val, best_softmax = val_accuracy, candidate

for lr, reg in sorted(results):
    train_accuracy, val_accuracy = results[(lr, reg)]
    print('lr %e reg %e train accuracy: %f val accuracy: %f' % (lr, reg, train_accuracy, val_accuracy))
print('best validation accuracy achieved during cross-validation: %f' % best_val)
"""

EDITS = [
    ("drive.mount(", ""),
    ("results = {}\nbest_val = -1", SEARCH),
]

EXPECT = [
    r"sanity check: 2\.302585",                               # the loss of small random weights, near -log(0.1)
    r"loss: 2\.\d+",       # near -log(0.1) = 2.30: 2.28 and 2.40 in two runs (the weights are not seeded)
    r"difference: -?0\.000000",                               # naive and vectorized losses agree
    r"best validation accuracy achieved during cross-validation: 0\.(3[6-9]|[4-9])",   # the notebook's > 0.36
    r"final test set accuracy: 0\.(3[4-9]|[4-9])",
]
