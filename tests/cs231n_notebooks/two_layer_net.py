"""CS231n 2025's two_layer_net.ipynb on this package: its Colab cell emptied, its Solver and its search
filled in."""
NOTEBOOK = "two_layer_net.ipynb"

SOLVER = """\
input_size = 32 * 32 * 3
hidden_size = 50
num_classes = 10
model = TwoLayerNet(input_size, hidden_size, num_classes)
solver = Solver(model, data, update_rule='sgd', optim_config={'learning_rate': 1e-4}, lr_decay=0.95,
                num_epochs=5, batch_size=200, print_every=100)
solver.train()
"""

SEARCH = """\
best_model, best_val = None, -1
for learning_rate in [1e-4, 3e-4]:
    for reg in [0.0, 0.5]:
        candidate = TwoLayerNet(32 * 32 * 3, 100, 10, reg=reg)
        run = Solver(candidate, data, update_rule='sgd_momentum', optim_config={'learning_rate': learning_rate},
                     lr_decay=0.95, num_epochs=5, batch_size=200, verbose=False)
        run.train()
        print(learning_rate, reg, run.best_val_acc)
        if run.best_val_acc > best_val:
            best_model, best_val = candidate, run.best_val_acc
"""

EDITS = [
    ("drive.mount(", ""),
    ("TODO: Use a Solver instance to train a TwoLayerNet", SOLVER),
    ("TODO: Tune hyperparameters using the validation set", SEARCH),
]

EXPECT = [
    r"Testing affine_forward function:\s+difference:\s+\d\.\d+e-(09|1\d)",        # around e-9 or less
    r"Testing relu_backward function:\s+dx error:\s+\d\.\d+e-1\d",                  # on the order of e-12
    r"Validation set accuracy:\s+0\.(4[89]|5\d)",                                   # above 48%
    r"Test set accuracy:\s+0\.(4[89]|5\d)",
]
