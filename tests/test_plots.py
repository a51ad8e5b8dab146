"""The figures say what they show: legends, scales, labelled colour bars, the sample marked."""
import json

import numpy as np

from softmax_cifar10 import plots
from softmax_cifar10.__main__ import main

FAST = ["--sample", "--epochs", "2", "--lr", "1e-3", "--quiet"]


def test_loss_curve_has_legends_a_log_loss_axis_and_the_kept_accuracy():
    loss = list(770 * np.exp(-np.arange(1500) / 90) + 2)          # the classic run's shape
    fig = plots.loss_curve(loss, [(500, 0.30), (1000, 0.32)], final_acc=0.334, note="a note")
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_yscale() == "log"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["minibatch loss", "mean of 30 iterations"]
    labels = [t.get_text() for t in acc_ax.get_legend().get_texts()]
    assert labels == ["current weights", "kept weights: 0.3340"]
    assert fig.get_suptitle().endswith("\na note")
    assert len(plots.loss_curve(loss[:20]).axes) == 1


def test_confusion_figure_says_rows_are_normalised_and_labels_its_colour_bar():
    fig = plots.confusion_figure([0, 0, 1, 1], [0, 1, 1, 1], ["a", "b"])
    ax, bar = fig.axes
    assert "rows normalised" in ax.get_title()
    assert bar.get_ylabel() == "fraction of the true class (row) predicted as the column"


def test_search_heatmap_labels_its_colour_bar():
    fig = plots.search_heatmap([{"learning_rate": lr, "reg": reg, "val_acc": 0.3} for lr in (1, 2) for reg in (3, 4)])
    assert fig.axes[1].get_ylabel() == "validation accuracy"


def test_a_run_marks_the_sample_and_skips_a_one_cell_search(tmp_path, monkeypatch):
    notes = []
    original = plots.loss_curve

    def recording(*args, **kwargs):
        notes.append(kwargs.get("note"))
        return original(*args, **kwargs)

    monkeypatch.setattr(plots, "loss_curve", recording)
    assert main(["train", *FAST, "--reg", "1e-2", "--out", str(tmp_path / "one")]) == 0
    assert notes == ["trained on the bundled sample (2,000 images): a demonstration, not a result"]
    assert not (tmp_path / "one" / "search.png").exists()
    assert "search.png" not in json.loads((tmp_path / "one" / "results.json").read_text())["files"]
    assert main(["train", *FAST, "--reg", "1e-2", "3e-2", "--out", str(tmp_path / "two")]) == 0
    assert (tmp_path / "two" / "search.png").exists()


def test_the_notebook_plots_its_loss_on_a_log_scale():
    from conftest import ROOT
    sources = ["".join(c["source"]) for c in json.loads((ROOT / "notebooks" / "softmax.ipynb").read_text())["cells"]]
    assert not any("plt.plot(loss_hist)" in s for s in sources)
    assert any("plots.loss_curve(loss_hist" in s or "plt.semilogy(loss_hist" in s for s in sources)


def test_search_heatmap_numbers_stay_readable_on_bright_cells():
    rows = [{"learning_rate": lr, "reg": 1.0, "val_acc": acc} for lr, acc in ((1, 0.2), (2, 0.4))]
    colours = {t.get_text(): t.get_color() for t in plots.search_heatmap(rows).axes[0].texts}
    assert colours == {"0.200": "w", "0.400": "k"}          # viridis: dark at the low end, yellow at the top


# ---------------------------------------------------------------- what each figure says (issue 17)

def test_the_kept_weights_line_says_what_they_are_and_why_it_can_sit_below_the_last_points():
    loss = list(3 * np.exp(-np.arange(60) / 30) + 1.5)
    fig = plots.loss_curve(loss, [(10, 0.30), (20, 0.36), (30, 0.35)], final_acc=0.33, iters_per_epoch=10,
                           kept="the average of the last 20 iterations' weights")
    acc_ax = fig.axes[1]
    labels = [t.get_text() for t in acc_ax.get_legend().get_texts()]
    assert labels == ["current weights, at the end of each epoch",
                      "kept weights (the average of the last 20 iterations' weights): 0.3300"]
    assert "need not match the last point" in acc_ax.get_title()


def test_the_validation_points_stand_on_an_epoch_axis():
    fig = plots.loss_curve(list(np.linspace(3, 2, 60)), [(10, 0.3), (20, 0.35)], final_acc=0.34, iters_per_epoch=10)
    acc_ax = fig.axes[1]
    epoch_axes = [child for child in acc_ax.get_children() if type(child).__name__ == "SecondaryAxis"]
    assert len(epoch_axes) == 1 and epoch_axes[0].get_xlabel() == "epoch"
    assert epoch_axes[0]._functions[0](np.array([20.0])) == 2          # iteration 20 is the end of epoch 2
    assert acc_ax.get_xlabel() == "iteration (minibatch step)"


def test_a_short_run_still_gets_its_running_mean():
    """The sample's default run is 60 iterations: docs/command-line.md promises the running mean there too."""
    fig = plots.loss_curve(list(np.linspace(3, 2, 60) + np.tile([0.1, -0.1], 30)))
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["minibatch loss", "mean of 10 iterations"]


def test_the_search_heatmap_outlines_the_chosen_configuration():
    rows = [{"learning_rate": lr, "reg": reg, "val_acc": 0.3 + lr / 10} for lr in (1, 2) for reg in (3, 4)]
    fig = plots.search_heatmap(rows, chosen=rows[3])
    ax = fig.axes[0]
    outlines = [p for p in ax.patches if type(p).__name__ == "Rectangle"]
    assert len(outlines) == 1 and outlines[0].get_xy() == (0.5, 0.5)             # the cell lr=2 (row 1), reg=4
    assert "outlined: the configuration kept (lr=2, reg=4)" in ax.get_title()


def test_weight_templates_take_a_title():
    fig = plots.weight_templates(np.zeros((3073, 10)), [str(c) for c in range(10)], title="after the recipe")
    assert fig.get_suptitle() == "after the recipe"


def test_the_notebooks_weight_grids_have_titles():
    from conftest import ROOT
    sources = ["".join(c["source"]) for c in json.loads((ROOT / "notebooks" / "softmax.ipynb").read_text())["cells"]]
    calls = [s for s in sources if "plots.weight_templates(" in s]
    assert len(calls) == 2 and all("title=" in s for s in calls)


def test_a_runs_figures_say_what_was_kept(tmp_path, monkeypatch):
    calls = {}
    for name in ("loss_curve", "search_heatmap", "weight_templates"):
        original = getattr(plots, name)

        def recording(*args, _name=name, _original=original, **kwargs):
            calls[_name] = kwargs
            return _original(*args, **kwargs)

        monkeypatch.setattr(plots, name, recording)
    assert main(["train", *FAST, "--reg", "1e-2", "3e-2", "--out", str(tmp_path / "run")]) == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert calls["loss_curve"]["iters_per_epoch"] == 10                 # 2,000 sample images in batches of 200
    assert calls["loss_curve"]["kept"] == "the average of the last 20 iterations' weights"
    assert calls["search_heatmap"]["chosen"] == results["best"]
    assert "lr=0.001" in calls["weight_templates"]["title"]
