#!/usr/bin/env bash
# What the training benchmark's PyTorch comparison needs, and only it (the
# tests never need PyTorch, so scripts/setup.sh does not install it):
# Debian's python3-torch and an optimised BLAS. Without libopenblas0-pthread,
# python3-torch resolves libblas.so.3 to the unoptimised reference libblas3
# and its dense layers run many times slower than they should.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! dpkg -s python3-torch libopenblas0-pthread >/dev/null 2>&1; then
  $SUDO apt-get update
  $SUDO apt-get install -y python3-torch libopenblas0-pthread
fi
/usr/bin/python3 -c 'import torch; print("python3-torch", torch.__version__)'
update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep '^Value:' || true
