#!/bin/sh
# Unpacks Debian's OpenBLAS (pthread flavour) into bench/.openblas (gitignored) without installing it, so that
# only the PyTorch reference runs started by `pnpm bench` use it (toolchain.md §7). Debian's python3-torch
# otherwise links the netlib reference BLAS, which is 11–14× slower.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/.openblas"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download libopenblas0-pthread
rm -rf "$target"
dpkg -x libopenblas0-pthread_*.deb "$target"
ls "$target/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"
echo "OpenBLAS unpacked into $target" >&2
