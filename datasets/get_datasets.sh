#!/usr/bin/env bash
# Download CIFAR-10 (about 163 MB) from its official site into datasets/cifar-10-batches-py,
# checking its MD5. Does nothing when the folder is already complete.
# Usage: bash datasets/get_datasets.sh [--data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -m classifiers download "$@"
