#!/usr/bin/env bash
# Download CIFAR-10 (about 163 MB) from its official site into datasets/cifar-10-batches-py,
# checking its MD5. Does nothing when the folder is already complete.
# Usage: bash datasets/get_datasets.sh [--data-dir DIR]
# Runs with $PYTHON (default python3), which needs the package's dependencies: `make data`
# uses the project's virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -m classifiers download "$@"
