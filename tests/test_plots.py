"""The figures say what they show: legends, scales, labelled colour bars, the sample marked."""
import json

import numpy as np

from classifiers import plots
from classifiers.__main__ import main

FAST = ["--sample", "--epochs", "2", "--lr", "1e-3", "--quiet"]


def test_loss_curve_has_legends_a_log_loss_axis_and_the_kept_accuracy():
    loss = list(770 * np.exp(-np.arange(1500) / 90) + 2)          # the classic run's shape
    fig = plots.loss_curve(loss, [(500, 0.30), (1000, 0.32)], final_acc=0.334, note="a note")
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_yscale() == "log"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["minibatch loss", "mean of 30 iterations"]
    labels = [t.get_text() for t in acc_ax.get_legend().get_texts()]
    assert labels == ["validation accuracy of the current weights", "validation accuracy of the kept weights: 0.3340"]
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
