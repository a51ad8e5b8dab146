"""CS231n 2025's FullyConnectedNets.ipynb run on this package: its Colab cell emptied, its TODO cells
filled (the two overfitting settings and the best model), every other cell as CS231n wrote it."""
NOTEBOOK = "FullyConnectedNets.ipynb"

OVERFIT = """
num_train = 50
small_data = {{
  "X_train": data["X_train"][:num_train],
  "y_train": data["y_train"][:num_train],
  "X_val": data["X_val"],
  "y_val": data["y_val"],
}}
weight_scale, learning_rate = {scale}, {lr}
model = FullyConnectedNet({hidden}, weight_scale=weight_scale, dtype=np.float64)
solver = Solver(model, small_data, print_every=10, num_epochs=20, batch_size=25, update_rule="sgd",
                optim_config={{"learning_rate": learning_rate}})
solver.train()
print("final training accuracy:", solver.train_acc_history[-1])
"""

# notebooks/FullyConnectedNets.ipynb's recipe: trained on pixels divided by their standard deviation, with
# Adam, mirrored images and the last two epochs averaged; the first layer then takes that division in, so
# that best_model scores CS231n's own (mean-subtracted) data as its test cell gives it.
BEST_MODEL = """
from softmax_cifar10 import net_recipe
scale = data["X_train"].std(axis=0)
std_data = {k: (v / scale if k.startswith("X") else v) for k, v in data.items()}
best_model = FullyConnectedNet([512, 256], weight_scale=3e-2, reg=1e-2, seed=0)
history = net_recipe.train(best_model, std_data["X_train"], std_data["y_train"], learning_rate=1e-3, num_epochs=8,
                           update_rule="adam", lr_decay=0.8, mirror=True, average_epochs=2,
                           X_val=std_data["X_val"], y_val=std_data["y_val"], seed=0)
best_model.params["W1"] = (best_model.params["W1"] / scale.reshape(-1, 1)).astype(np.float32)
print("validation accuracy after each epoch:", [acc for _, acc in history["val_acc"]])
"""

EDITS = [
    ("\ndrive.mount(", ""),          # the Colab cell (the second code cell holds the line commented out)
    ("weight_scale = 1e-2   # Experiment", OVERFIT.format(scale="3e-2", lr="3e-3", hidden="[100, 100]")),
    ("learning_rate = 2e-3  # Experiment", OVERFIT.format(scale="1e-1", lr="1e-3", hidden="[100, 100, 100, 100]")),
    ("best_model = None", BEST_MODEL),
]

EXPECT = [
    r"Initial loss:  2\.30\d*",                                        # about log 10 at reg = 0
    r"W1 relative error: \d\.\d+e-0[6-9]",
    r"final training accuracy: 1\.0",                                  # both networks overfit the 50 images
    r"(?s)final training accuracy: 1\.0.*final training accuracy: 1\.0",
    r"next_w error:  \d\.\d+e-(09|1\d)",                               # sgd_momentum, about e-9 or less
    r"velocity error:  \d\.\d+e-(09|1\d)",
    r"cache error:  \d\.\d+e-(09|1\d)",                                # rmsprop
    r"v error:  \d\.\d+e-(09|1\d)",                                    # adam
    r"m error:  \d\.\d+e-(09|1\d)",
    r"Validation set accuracy:  0\.[5-9]\d*",
    r"Test set accuracy:  0\.[5-9]\d*",
]
