#!/usr/bin/env bash
# Rebuilds src/training/kernels/native/kernels.wasm from kernels.c (tasuke's
# WebAssembly SIMD kernels). The .wasm is committed, so neither running nor
# testing tasuke needs a compiler; run this after changing kernels.c.
# Needs Debian's clang and lld (apt-get install clang lld).
set -euo pipefail
cd "$(dirname "$0")/../src/training/kernels/native"
clang --target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all \
  -o kernels.wasm kernels.c
# The module imports the backend's memory and must not keep a C stack in it:
# its code may not touch the stack-pointer global (wabt's wasm-objdump checks).
if command -v wasm-objdump >/dev/null && wasm-objdump -d kernels.wasm | grep -q 'global\.'; then
  echo "kernels.wasm uses the C stack (a global): keep every kernel's locals in registers" >&2
  exit 1
fi
# The test suite checks that the committed .wasm was built from this source.
sha256sum kernels.c | cut -d' ' -f1 > kernels.c.sha256
echo "built $(pwd)/kernels.wasm ($(stat -c %s kernels.wasm) bytes)"
