"""Command line: python -m classifiers {train, evaluate, predict, download} (also: softmax-cifar10).

Every failure the user can cause (a bad flag or value, missing or corrupt
data, an unwritable folder, a file that is not one of our models) raises one
of the package's own exceptions (``validation.ClassifierError``, or
``data_utils.DataError`` / ``DownloadError``) and ends with one line on stderr
and exit status 2. Any other exception is a bug and shows its traceback.
Ctrl-C during training exits with 130 after saying where the best model so far
was saved.
"""
import argparse
import sys

import data_utils
from .pipeline import CLASSIC, CifarModel, Interrupted, TrainConfig
from .validation import ClassifierError


class _Parser(argparse.ArgumentParser):
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
unit = _number(float, lambda v: 0 <= v < 1, "in [0, 1)")
decay = _number(float, lambda v: 0 < v <= 1, "in (0, 1]")


def build_parser():
    d = TrainConfig()
    parser = _Parser(prog="python -m classifiers",
                     description="Train and use a linear softmax classifier on CIFAR-10.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="search hyperparameters, train, evaluate and save a model",
                       description="Train a linear softmax classifier on CIFAR-10 with a learning rate x "
                                   "regularization search on the validation split, then report train, "
                                   "validation and test accuracy and save the model, results.json and plots.",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    g = t.add_argument_group("data and output")
    g.add_argument("--data-dir", help="folder holding cifar-10-batches-py/ (default: datasets/, downloaded "
                                      "there when absent, the bundled sample when that is impossible)")
    g.add_argument("--no-download", dest="download", action="store_false", help="never download the data")
    g.add_argument("--sample", action="store_true", help="train on the bundled sample (2,500 training images)")
    g.add_argument("--out", help="output folder (default: runs/<timestamp>)")
    g.add_argument("--seed", type=int, default=d.seed, help="seed for initialization and minibatches")
    g.add_argument("--quiet", action="store_true", help="no progress bars")
    r = t.add_argument_group("recipe")
    r.add_argument("--classic", action="store_true",
                   help="the classic assignment recipe: mean subtraction only, plain SGD with replacement, "
                        "lr 1e-7, reg 2.5e4, 1500 iterations, no mirroring or averaging (flags given after "
                        "it still apply)")
    r.add_argument("--preprocess", choices=("standardize", "mean"), default=None,
                   help=f"standardize pixels, or only subtract the mean image [default: {d.preprocess}]")
    r.add_argument("--dtype", choices=("float32", "float64"), default=d.dtype, help="data and weight precision")
    r.add_argument("--lr", type=positive, nargs="+", default=None, metavar="LR",
                   help=f"learning rates to search [default: {' '.join(f'{v:g}' for v in d.learning_rates)}]")
    r.add_argument("--reg", type=nonnegative, nargs="+", default=None, metavar="REG",
                   help=f"regularization strengths to search [default: {' '.join(f'{v:g}' for v in d.regs)}]")
    r.add_argument("--epochs", type=positive, default=None, help=f"epochs per configuration [default: {d.epochs:g}]")
    r.add_argument("--num-iters", type=positive_int, default=None, help="iterations per configuration "
                                                                         "(overrides --epochs)")
    r.add_argument("--batch-size", type=positive_int, default=d.batch_size, help="minibatch size")
    r.add_argument("--momentum", type=unit, default=None, help=f"SGD momentum [default: {d.momentum:g}]")
    r.add_argument("--lr-decay", type=decay, default=None,
                   help=f"learning-rate factor applied after every epoch [default: {d.lr_decay:g}]")
    r.add_argument("--average-epochs", type=nonnegative, default=None,
                   help=f"average the weights of this many final epochs [default: {d.average_epochs:g}]")
    r.add_argument("--no-mirror", dest="mirror", action="store_false", default=None,
                   help="do not augment with left-right mirror images")

    e = sub.add_parser("evaluate", help="test accuracy of a saved model")
    e.add_argument("model", help="a model.npz written by train")
    e.add_argument("--data-dir", help="folder holding cifar-10-batches-py/ (default: datasets/)")
    e.add_argument("--no-download", dest="download", action="store_false", help="never download the data")

    p = sub.add_parser("predict", help="classify image files with a saved model")
    p.add_argument("model", help="a model.npz written by train")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="image files (resized to 32x32 when needed)")
    p.add_argument("--top", type=positive_int, default=3, help="how many classes to show per image")

    dl = sub.add_parser("download", help="download CIFAR-10 into datasets/ (or --data-dir)")
    dl.add_argument("--data-dir", default=str(data_utils.DATASETS_DIR), help="where cifar-10-batches-py/ goes")
    return parser


def config_from_args(args):
    values = dict(CLASSIC) if args.classic else {}
    for flag, field in (("preprocess", "preprocess"), ("lr", "learning_rates"), ("reg", "regs"),
                        ("epochs", "epochs"), ("num_iters", "num_iters"), ("momentum", "momentum"),
                        ("lr_decay", "lr_decay"), ("average_epochs", "average_epochs"), ("mirror", "mirror")):
        value = getattr(args, flag)
        if value is not None:
            values[field] = tuple(value) if isinstance(value, list) else value
    if args.epochs is not None and args.num_iters is None:
        values["num_iters"] = None
    return TrainConfig(data_dir=args.data_dir, download=args.download, sample=args.sample, out=args.out,
                       seed=args.seed, dtype=args.dtype, batch_size=args.batch_size, progress=not args.quiet,
                       **values)


def cmd_train(args):
    from .pipeline import summary_table, train
    results = train(config_from_args(args))
    print()
    print(summary_table(results))
    print(f"\nbest: lr={results['best']['learning_rate']:g} reg={results['best']['reg']:g}")
    print(f"train accuracy {results['train_acc']:.4f}   validation accuracy {results['val_acc']:.4f}   "
          f"test accuracy {results['test_acc']:.4f}")
    s = results["seconds"]
    print(f"time: {s['total']:.1f} s in all (data {s['load']:.1f} s, search {s['search']:.1f} s, "
          f"best configuration {s['best_config']:.1f} s)")
    print(f"saved in {results['output']}: {', '.join(results['files'])}")


def cmd_evaluate(args):
    from .pipeline import evaluate
    r = evaluate(args.model, args.data_dir, args.download)
    print(f"test accuracy {r['test_acc']:.4f} on {r['num_test']} images ({r['data']})")
    for name, acc in r["per_class"].items():
        print(f"  {name:>10}: {acc:.3f}")


def cmd_predict(args):
    from .pipeline import load_images
    model = CifarModel.load(args.model)
    probs = model.predict_proba(load_images(args.images))
    for path, p in zip(args.images, probs):
        order = p.argsort()[::-1][:args.top]
        ranked = ", ".join(f"{model.class_names[c]} {p[c]:.3f}" for c in order)
        print(f"{path}: {model.class_names[order[0]]} ({ranked})")


def cmd_download(args):
    folder = data_utils.download_CIFAR10(args.data_dir)
    print(f"CIFAR-10 is in {folder}")


def main(argv=None):
    args = build_parser().parse_args(argv)
    command = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict,
               "download": cmd_download}[args.command]
    try:
        command(args)
    except Interrupted as exc:
        print(exc.message, file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ClassifierError, data_utils.DataError, data_utils.DownloadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:            # the student edition: names the function to write first
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
