"""CS231n 2025's features.ipynb run on this package: its Colab cell emptied and its two tuning cells
filled in (a softmax search over the learning rate and the regularization, and a two-layer network
trained with the Solver)."""
NOTEBOOK = "features.ipynb"

SOFTMAX_SEARCH = """\
from cs231n.classifiers.linear_classifier import Softmax

learning_rates = [1e-2, 3e-2]
regularization_strengths = [1e-3, 1e-2]
results = {}
best_val = -1
best_softmax = None
for lr in learning_rates:
    for reg in regularization_strengths:
        softmax = Softmax()
        softmax.train(X_train_feats, y_train, learning_rate=lr, reg=reg, num_iters=1500, seed=0)
        train_accuracy = np.mean(softmax.predict(X_train_feats) == y_train)
        val_accuracy = np.mean(softmax.predict(X_val_feats) == y_val)
        results[(lr, reg)] = (train_accuracy, val_accuracy)
        if val_accuracy > best_val:
            best_val, best_softmax = val_accuracy, softmax

for lr, reg in sorted(results):
    train_accuracy, val_accuracy = results[(lr, reg)]
    print('lr %e reg %e train accuracy: %f val accuracy: %f' % (lr, reg, train_accuracy, val_accuracy))
print('best validation accuracy achieved: %f' % best_val)
"""

NET_SEARCH = """\
from cs231n.classifiers.fc_net import TwoLayerNet
from cs231n.solver import Solver

data = {'X_train': X_train_feats, 'y_train': y_train, 'X_val': X_val_feats, 'y_val': y_val,
        'X_test': X_test_feats, 'y_test': y_test}
best_net, best_net_val = None, -1
for reg in [3e-3]:
    net = TwoLayerNet(X_train_feats.shape[1], 500, 10, weight_scale=1e-2, reg=reg, seed=0)
    solver = Solver(net, data, update_rule='sgd_momentum', optim_config={'learning_rate': 0.1}, lr_decay=0.8,
                    num_epochs=15, batch_size=200, seed=0, verbose=False)
    solver.train()
    print('reg %e: best validation accuracy %f' % (reg, solver.best_val_acc))
    if solver.best_val_acc > best_net_val:
        best_net, best_net_val = net, solver.best_val_acc
"""

EDITS = [
    ("drive.mount(", ""),
    ("best_softmax = None", SOFTMAX_SEARCH),
    ("net = TwoLayerNet(input_dim, hidden_dim, num_classes)", NET_SEARCH),
]

EXPECT = [
    r"best validation accuracy achieved: 0\.(4[2-9]|[5-9])",       # the goal: above 0.42
    r"(?m)^0\.(58\d*[1-9]|59|[6-9])\d*$",                         # the network's test accuracy: above 0.58
]
