#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what ptlab needs to build and test, when something is missing.
# As root: apt-get installs it. Otherwise: prints the exact command and fails.
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

missing=()
for pkg in "${!need[@]}"; do
	[ -e "${need[$pkg]}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t sorted < <(printf '%s\n' "${missing[@]}" | sort)
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
