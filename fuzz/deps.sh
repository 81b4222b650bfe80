#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fuzz/deps.sh: what `make fuzz` needs besides the build dependencies
# (scripts/deps.sh): clang, and libFuzzer with the sanitizer runtimes.
# Debian's clang only recommends the runtimes (libclang-rt-dev), so a clang
# installed without recommends cannot link -fsanitize=fuzzer; the check is
# therefore a real link of an empty fuzz target, not the presence of clang.
# As root: apt-get installs what is missing. Otherwise: prints the exact
# command and fails. Not a dependency of `make run` or `make test`.
set -euo pipefail

pkgs=(clang libclang-rt-dev)

links() {
	command -v clang >/dev/null 2>&1 || return 1
	local dir rc=0
	dir=$(mktemp -d)
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$dir/probe.c"
	clang -fsanitize=fuzzer,address,undefined -o "$dir/probe" "$dir/probe.c" >/dev/null 2>&1 || rc=1
	rm -rf "$dir"
	return $rc
}

links && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "fuzz: clang with libFuzzer is missing; install it with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${pkgs[*]}" >&2
	exit 1
fi
echo "fuzz: installing ${pkgs[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
if ! links; then
	echo "fuzz: clang still cannot link -fsanitize=fuzzer,address,undefined" >&2
	exit 1
fi
