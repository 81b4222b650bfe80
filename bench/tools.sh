# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# bench/tools.sh: sourced by the bench scripts. need_tools takes
# command:package pairs and installs the missing packages with apt-get as
# root, or prints the command and exits 1.

need_tools() {
	local missing=() pair cmd pkg
	for pair in "$@"; do
		cmd=${pair%%:*}
		pkg=${pair#*:}
		if ! command -v "$cmd" >/dev/null 2>&1; then
			case " ${missing[*]} " in
			*" $pkg "*) ;;
			*) missing+=("$pkg") ;;
			esac
		fi
	done
	((${#missing[@]})) || return 0
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		printf 'bench: installing %s\n' "${missing[*]}" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		printf 'bench: missing: %s; install them with:\n' "${missing[*]}" >&2
		printf '  sudo apt-get install -y %s\n' "${missing[*]}" >&2
		exit 1
	fi
}
