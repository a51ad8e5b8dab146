#!/usr/bin/env bash
# Download CIFAR-10 (about 170 MB) from its official site into datasets/cifar-10-batches-py,
# checking its MD5. Does nothing when the folder is already complete.
# Usage: bash datasets/get_datasets.sh [--data-dir DIR]
# The download needs the package's dependencies (numpy, tqdm). It runs with $PYTHON when set,
# else the project's virtual environment ($VENV, default .venv), else python3 when that has
# them; otherwise it creates the virtual environment first (make venv).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
has_deps() { "$1" -c "import numpy, tqdm" >/dev/null 2>&1; }
if [ -n "${PYTHON:-}" ]; then
  py="$PYTHON"
elif [ -x "$VENV/bin/python" ] && has_deps "$VENV/bin/python"; then
  py="$VENV/bin/python"
elif command -v python3 >/dev/null && has_deps python3; then
  py=python3
else
  echo "python3 lacks numpy and tqdm: setting up $VENV first (make venv)"
  make venv VENV="$VENV"
  py="$VENV/bin/python"
fi
exec "$py" -m classifiers download "$@"
