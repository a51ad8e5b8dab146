"""Build the bundled sample cifar10_data/data/cifar10_sample.npz from a full CIFAR-10 folder.

    python datasets/make_sample.py datasets/cifar-10-batches-py

Takes the first 250 training and the first 50 test images of each class, in
the official order, and stores them as uint8 arrays (x_train (2500, 32, 32, 3),
y_train, x_test (500, 32, 32, 3), y_test, label_names) in a compressed .npz of
about 8.6 MB. ``cifar10_data.load_CIFAR10`` loads it like the full folder. It lives in
the classifiers package (package data) so that an installed package has it too.
The committed sample was made from the project's offline copy of CIFAR-10,
whose pixels come from a JPEG (quality 75) export of the official images.
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import cifar10_data  # noqa: E402
from softmax_safeguards.atomic_write import atomic_write  # noqa: E402

PER_CLASS_TRAIN, PER_CLASS_TEST = 250, 50


def first_per_class(labels, k):
    idx = np.concatenate([np.flatnonzero(labels == c)[:k] for c in range(10)])
    return np.sort(idx)


def main(folder, out=cifar10_data.SAMPLE_PATH):
    Xtr, ytr, Xte, yte = cifar10_data.load_CIFAR10(folder, dtype=np.uint8)
    tr, te = first_per_class(ytr, PER_CLASS_TRAIN), first_per_class(yte, PER_CLASS_TEST)
    with atomic_write(out) as f:
        np.savez_compressed(f, x_train=Xtr[tr], y_train=ytr[tr].astype(np.uint8), x_test=Xte[te],
                            y_test=yte[te].astype(np.uint8), label_names=np.array(cifar10_data.class_names(folder)))
    print(f"{out}: {len(tr)} training and {len(te)} test images, {Path(out).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
