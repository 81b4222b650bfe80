#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what ptlab needs to build and test, when something is missing.
# As root: apt-get installs it. Otherwise: prints the exact command and fails.
#
#   scripts/deps.sh                  install what is missing (make deps)
#   scripts/deps.sh --check [PKG...] install nothing: say in one line what is
#                                    missing of PKG... (default: all) and how
#                                    to install it, and fail; silent when
#                                    nothing is (the Makefile runs this
#                                    before it compiles)
#
# PTLAB_DEPS_ROOT, when set, is put before every path looked for (a test of
# this script can make a dependency look missing).
set -euo pipefail

# Debian package -> a file that proves it is installed.
declare -A need=(
	[gcc]=/usr/bin/gcc
	[make]=/usr/bin/make
	[pkg-config]=/usr/bin/pkg-config
	[libjansson-dev]=/usr/include/jansson.h
	[check]=/usr/include/check.h
	[libsubunit-dev]=/usr/include/subunit/child.h
	[gettext]=/usr/bin/msgfmt
)
root=${PTLAB_DEPS_ROOT:-}

check=false
if [ "${1:-}" = --check ]; then
	check=true
	shift
fi
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=("${!need[@]}")

missing=()
for pkg in "${wanted[@]}"; do
	if [ -z "${need[$pkg]:-}" ]; then
		echo "scripts/deps.sh: unknown package $pkg: known are ${!need[*]}" >&2
		exit 2
	fi
	[ -e "$root${need[$pkg]}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t sorted < <(printf '%s\n' "${missing[@]}" | sort)
if $check; then
	echo "ptlab: missing build dependencies: ${sorted[*]}; install them with 'make deps'" \
		"(as root), or: sudo apt-get install -y ${sorted[*]}" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "ptlab: missing build dependencies: ${sorted[*]}" >&2
	echo "ptlab: install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${sorted[*]}" >&2
	exit 1
fi
echo "ptlab: installing ${sorted[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${sorted[@]}" >/dev/null
