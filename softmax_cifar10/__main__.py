"""Command line: python -m classifiers {train, evaluate, predict, download} (also: softmax-cifar10).

Every failure the user can cause (a bad flag or value, missing or corrupt
data, an unwritable folder, a file that is not one of our models) raises one
of the package's own exceptions (``validation.ClassifierError``, cifar10_data'
DataError and DownloadError included) and ends with one line on stderr
and exit status 2. Any other exception is a bug and shows its traceback. Every
setting is checked before any data is loaded. ``predict`` reports each
unreadable image, classifies the others and then exits with 2. Ctrl-C during
training exits with 130 after saying where the best model so far was saved. A
reader that stops early (``| head``) is no error.
"""
import argparse
import os
import re
import sys
from pathlib import Path

from . import blas_kernel

blas_kernel.pin()      # before numpy is loaded: a seeded run gives the same figures on any x86-64 CPU

import numpy as np  # noqa: E402

import cifar10_data  # noqa: E402
from .models import KINDS, describe  # noqa: E402
from .pipeline import CLASSIC, CifarModel, Interrupted, TrainConfig  # noqa: E402
from softmax_safeguards.validation import ClassifierError  # noqa: E402


class _Parser(argparse.ArgumentParser):
    """One-line errors; no abbreviated flags; negative numbers (-1e-3 too) read as values."""

    # argparse reads "-1e-3" as a flag, so `--lr -1e-3` said "expected at least one argument"
    # instead of reaching the range check; this matcher also admits exponents, inf and nan.
    NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)        # `--epoch 1` is a typo, not --epochs
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = self.NEGATIVE_NUMBER

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _number(kind, test, what):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not test(value):
            raise argparse.ArgumentTypeError(f"must be {what}, got {text}")
        return value
    return parse


positive = _number(float, lambda v: v > 0 and v < float("inf"), "a positive number")
nonnegative = _number(float, lambda v: 0 <= v < float("inf"), "a number >= 0")
positive_int = _number(int, lambda v: v > 0, "a positive integer")
nonnegative_int = _number(int, lambda v: v >= 0, "an integer >= 0")
unit = _number(float, lambda v: 0 <= v < 1, "in [0, 1)")
decay = _number(float, lambda v: 0 < v <= 1, "in (0, 1]")


def build_parser(prog="python -m classifiers"):
    d, n = TrainConfig(), TrainConfig(model="two-layer")

    def default(field, show=lambda v: f"{v:g}"):
        """The help's "[default: ...]" of a recipe field whose default depends on the model."""
        shown = [" ".join(map(show, v)) if isinstance(v, tuple) else show(v)
                 for v in (getattr(d, field), getattr(n, field))]
        return f"[default: {shown[0]}; with --model two-layer: {shown[1]}]"
    parser = _Parser(prog=prog, description="Train and use a linear softmax classifier or a two-layer network "
                                            "on CIFAR-10.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="search hyperparameters, train, evaluate and save a model",
                       description="Train a linear softmax classifier (or, with --model two-layer, a two-layer "
                                   "network) on CIFAR-10 with a learning rate x regularization search on the "
                                   "validation split, then report train, validation and test accuracy and save "
                                   "the model, results.json and plots.")
    t.add_argument("--model", choices=tuple(KINDS), default=d.model,
                   help=f"the model to train: the linear softmax classifier, a two-layer network (affine - "
                        f"ReLU - affine - softmax), or k-nearest neighbours on the pixels [default: {d.model}]")
    g = t.add_argument_group("data and output")
    source = g.add_mutually_exclusive_group()
    source.add_argument("--data-dir", help="folder holding cifar-10-batches-py/; without it: datasets/, downloaded "
                                           "there when absent, the bundled sample when that is impossible")
    source.add_argument("--sample", action="store_true",
                        help="train on the bundled sample (2,500 images): a quick demonstration, not a result")
    g.add_argument("--no-download", dest="download", action="store_false",
                   help="do not download the data when it is absent [default: download it]")
    g.add_argument("--out", help="output folder, created if needed; a folder holding an earlier run's model.npz or "
                                 "results.json is refused, never overwritten [default: a new runs/<timestamp>/]")
    g.add_argument("--seed", type=nonnegative_int, default=d.seed,
                   help=f"seed for initialization and minibatches [default: {d.seed}]")
    g.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                   help="configurations trained at once, each in its own process with one BLAS thread "
                        "[default: one per core]; results do not depend on it")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    r = t.add_argument_group("recipe")
    r.add_argument("--classic", action="store_true",
                   help="the classic assignment recipe: mean subtraction only, plain SGD with replacement, "
                        "lr 1e-7, reg 2.5e4, 1500 iterations, no mirroring or averaging; the other flags given, "
                        "before or after it, still apply (--classic --lr 3e-7 searches 3e-7)")
    r.add_argument("--preprocess", choices=("standardize", "mean"), default=None,
                   help=f"standardize pixels, or only subtract the mean image [default: {d.preprocess}]")
    r.add_argument("--dtype", choices=("float32", "float64"), default=d.dtype,
                   help=f"data and weight precision [default: {d.dtype}]")
    r.add_argument("--lr", type=positive, nargs="+", default=None, metavar="LR",
                   help=f"learning rates to search {default('learning_rates')}")
    r.add_argument("--reg", type=nonnegative, nargs="+", default=None, metavar="REG",
                   help=f"regularization strengths to search (the loss adds reg * sum(W**2) for the linear "
                        f"classifier, 0.5 * reg * sum(W**2) per weight matrix for the network) {default('regs')}")
    r.add_argument("--epochs", type=positive, default=None, help=f"epochs per configuration {default('epochs')}")
    r.add_argument("--num-iters", type=positive_int, default=None, help="iterations per configuration "
                                                                         "(overrides --epochs)")
    r.add_argument("--batch-size", type=positive_int, default=d.batch_size,
                   help=f"minibatch size [default: {d.batch_size}]")
    r.add_argument("--momentum", type=unit, default=None, help=f"SGD momentum [default: {d.momentum:g}]")
    r.add_argument("--lr-decay", type=decay, default=None,
                   help=f"learning-rate factor applied after every epoch {default('lr_decay')}")
    r.add_argument("--average-epochs", type=nonnegative, default=None,
                   help="average the weights of this many final epochs, at most --epochs [default: 3, or all "
                        "epochs when fewer]")
    r.add_argument("--no-mirror", dest="mirror", action="store_false", default=None,
                   help="do not augment with left-right mirror images [default: mirror]")
    r.add_argument("--hidden-dim", type=positive_int, default=None, metavar="H",
                   help=f"hidden units of the two-layer network (--model two-layer only) [default: {n.hidden_dim}]")
    kn = t.add_argument_group("k-nearest neighbours (--model knn)")
    kn.add_argument("--k", type=positive_int, nargs="+", default=None, metavar="K",
                    help=f"the k to cross-validate [default: {' '.join(map(str, KINDS['knn'].defaults['k_choices']))}]")
    kn.add_argument("--folds", type=positive_int, default=d.num_folds,
                    help=f"cross-validation folds of the training images [default: {d.num_folds}]")
    kn.add_argument("--memory-mb", type=positive, default=d.memory_mb, metavar="MB",
                    help=f"memory for the distance blocks, in MB of 10^6 bytes [default: {d.memory_mb:g}]")

    e = sub.add_parser("evaluate", help="test accuracy of a saved model",
                       description="Test accuracy of a saved model, overall and per class. Reads only the test "
                                   "batch: the model carries its own preprocessing.")
    e.add_argument("model", help="a run folder written by train, or its model.npz")
    e.add_argument("--data-dir", help="folder holding cifar-10-batches-py/; without it: datasets/, or the bundled "
                                      "sample's test images when the full set is absent")
    e.add_argument("--no-download", dest="download", action="store_false",
                   help="do not download the data when it is absent [default: download it]")

    p = sub.add_parser("predict", help="classify image files with a saved model",
                       description="Print the most likely classes of each image. An unreadable file is reported "
                                   "and skipped; the exit status is then 2.")
    p.add_argument("model", help="a run folder written by train, or its model.npz")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="image files (resized to 32x32 when needed)")
    p.add_argument("--top", type=positive_int, default=3, help="how many classes to show per image [default: 3]")

    dl = sub.add_parser("download", help="download CIFAR-10 into datasets/ (or --data-dir)")
    dl.add_argument("--data-dir", default=str(cifar10_data.DATASETS_DIR),
                    help="where cifar-10-batches-py/ goes [default: datasets/]")
    parser.commands = {"train": t, "evaluate": e, "predict": p, "download": dl}
    return parser


def parse(parser, argv=None):
    """The arguments; a flag the command does not know is reported by that command's parser
    ("python -m classifiers train: error: ..."), not by the top-level one."""
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def config_from_args(args):
    values = dict(CLASSIC) if args.classic else {}
    for flag, field in (("preprocess", "preprocess"), ("lr", "learning_rates"), ("reg", "regs"),
                        ("epochs", "epochs"), ("num_iters", "num_iters"), ("momentum", "momentum"),
                        ("lr_decay", "lr_decay"), ("average_epochs", "average_epochs"), ("mirror", "mirror"),
                        ("hidden_dim", "hidden_dim"), ("k", "k_choices")):
        value = getattr(args, flag)
        if value is not None:
            values[field] = tuple(value) if isinstance(value, list) else value
    if args.epochs is not None and args.num_iters is None:
        values["num_iters"] = None
    return TrainConfig(model=args.model, data_dir=args.data_dir, download=args.download, sample=args.sample,
                       out=args.out, seed=args.seed, dtype=args.dtype, batch_size=args.batch_size,
                       progress=not args.quiet, jobs=args.jobs, num_folds=args.folds, memory_mb=args.memory_mb,
                       **values)


def say(*parts):
    """print, flushed, that survives a reader that went away (`... | head`): the rest goes to /dev/null."""
    try:
        print(*parts, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def cmd_train(args):
    from .pipeline import summary_table, train
    results = train(config_from_args(args), log=say)
    say()
    say(summary_table(results))
    say(f"\nbest: {describe(KINDS[args.model], results['best'])}")
    if results["train_acc"] is None:       # kNN: k was chosen by cross-validation
        say(f"cross-validation accuracy {results['val_acc']:.4f}   test accuracy {results['test_acc']:.4f}")
    else:
        say(f"train accuracy {results['train_acc']:.4f}   validation accuracy {results['val_acc']:.4f}   "
            f"test accuracy {results['test_acc']:.4f}")
    s = results["seconds"]
    say(f"time: {s['total']:.1f} s in all (data {s['load']:.1f} s, search {s['search']:.1f} s, "
        f"best configuration {s['best_config']:.1f} s)")
    say(f"saved in {results['output']}: {', '.join(results['files'])}")


def cmd_evaluate(args):
    from .pipeline import evaluate
    r = evaluate(args.model, args.data_dir, args.download, log=say)
    say(f"test accuracy {r['test_acc']:.4f} on {r['num_test']} images ({r['data']})")
    for name, acc in r["per_class"].items():
        say(f"  {name:>10}: {acc:.3f}")


def cmd_predict(args):
    from .pipeline import load_images
    model = CifarModel.load(args.model)
    errors = []
    images = load_images(args.images, errors)
    failed = {path for path, _ in errors}
    probs = model.predict_proba(images) if len(images) else []
    for path, p in zip([path for path in args.images if path not in failed], probs):
        order = np.argsort(-p, kind="stable")[:args.top]      # equal probabilities: the smaller label first
        ranked = ", ".join(f"{model.class_names[c]} {p[c]:.3f}" for c in order)
        say(f"{path}: {model.class_names[order[0]]} ({ranked})")
    for _, message in errors:
        print(f"error: {message}", file=sys.stderr)
    return 2 if errors else 0


def cmd_download(args):
    folder = cifar10_data.download_CIFAR10(args.data_dir, log=say)
    say(f"CIFAR-10 is in {folder}")


def main(argv=None):
    # `softmax-cifar10 --help` names itself; `python -m classifiers` runs this file as __main__.py
    name = Path(sys.argv[0]).name if argv is None else "__main__.py"
    args = parse(build_parser("python -m classifiers" if name == "__main__.py" else name), argv)
    command = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict,
               "download": cmd_download}[args.command]
    try:
        code = command(args)
    except Interrupted as exc:
        print(exc.message, file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except ClassifierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:            # the student edition: names the function to write first
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
