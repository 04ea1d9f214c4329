#!/usr/bin/env bash
# Rebuilds tasuke's WebAssembly SIMD kernels from their C sources:
#  - src/training/kernels/native/kernels.wasm from kernels.c: kernels for the
#    tfjs wasm backend, on the backend's own memory;
#  - src/training/kernels/native/fused.wasm from fused.c: the fused
#    trainer (src/training/fast/fused.ts), on a shared memory it owns, so that
#    a worker thread can take half of each large product.
# The .wasm files are committed, so neither running nor testing tasuke needs a
# compiler; run this after changing a .c file.
# Needs Debian's clang and lld (apt-get install clang lld).
set -euo pipefail
cd "$(dirname "$0")/../src/training/kernels/native"
FLAGS=(--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -ffp-contract=off -Wall -Wextra -Werror -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all)
clang "${FLAGS[@]}" -o kernels.wasm kernels.c
clang "${FLAGS[@]}" -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 -o fused.wasm fused.c
# The modules work on memory they are given and must not keep a C stack in it:
# their code may not touch the stack-pointer global (wabt's wasm-objdump checks).
for m in kernels.wasm fused.wasm; do
  if command -v wasm-objdump >/dev/null && wasm-objdump -d "$m" | grep -q 'global\.'; then
    echo "$m uses the C stack (a global): keep every kernel's locals in registers" >&2
    exit 1
  fi
done
# The test suite checks that the committed .wasm files were built from these sources.
sha256sum kernels.c | cut -d' ' -f1 > kernels.c.sha256
sha256sum fused.c | cut -d' ' -f1 > fused.c.sha256
echo "built $(pwd)/kernels.wasm ($(stat -c %s kernels.wasm) bytes) and fused.wasm ($(stat -c %s fused.wasm) bytes)"
