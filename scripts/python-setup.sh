#!/usr/bin/env bash
# The Python side (python/: the reader package, its example and tests) in its own virtual environment, python/.venv:
# Debian's CPU PyTorch (python3-torch, ~180 MB installed; PyPI's torch brings CUDA libraries of several GB) seen
# through --system-site-packages, and the reader with its test extras (pyarrow, HF datasets, polars) from PyPI.
# Idempotent: does nothing when the environment is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'python-setup: %s\n' "$*" >&2; }

need=()
dpkg -s python3-venv >/dev/null 2>&1 || need+=(python3-venv)
dpkg -s python3-torch >/dev/null 2>&1 || need+=(python3-torch)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "missing Debian packages: ${need[*]} (as root: apt-get install -y ${need[*]})"; exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
if ! python/.venv/bin/python -c 'import spatialgen_reader, datasets, polars, pytest' >/dev/null 2>&1; then
  /usr/bin/python3 -m venv --system-site-packages python/.venv
  python/.venv/bin/pip install -q --disable-pip-version-check -e 'python[test]'
fi
