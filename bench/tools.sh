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

# want_tool command package: 0 when the command is there, installing its
# Debian package first as root with apt-get; otherwise 1, with the reason
# in $tool_why (the caller skips what needs it instead of stopping).
# shellcheck disable=SC2034 # tool_why is read by the caller
tool_why=
# shellcheck disable=SC2034
want_tool() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null 2>&1 && return 0
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		printf 'bench: installing %s\n' "$pkg" >&2
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg"; } \
			>/dev/null 2>&1
		command -v "$cmd" >/dev/null 2>&1 && return 0
		tool_why="$cmd missing: apt-get install $pkg failed"
	else
		tool_why="$cmd missing: run as root with apt-get, or: sudo apt-get install $pkg"
	fi
	return 1
}

# serve_start ptlab model cpus workers out: starts `ptlab serve MODEL` in
# the background (its output in the file out) and waits for its address:
# server_pid and serve_port are set, or it returns 1 when none came in 5 s.
# serve_stop ends it.
server_pid=
serve_port=
serve_start() {
	local ptlab=$1 model=$2 cpus=$3 workers=$4 out=$5 _
	"$ptlab" serve "$model" --cpus "$cpus" --set "server.workers=$workers" >"$out" 2>&1 &
	server_pid=$!
	serve_port=
	for _ in $(seq 100); do
		serve_port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$out")
		[[ -n $serve_port ]] && return 0
		sleep 0.05
	done
	return 1
}

serve_stop() {
	[[ -n $server_pid ]] || return 0
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}
