#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# How still the verdicts hold: N consecutive runs of ptlab (the quick suite
# unless told otherwise), then the claim x run table of verdicts and the
# flips, claims whose verdict lands in two different classes (holds,
# negligible, reversed, observed, not observed) in two runs. An
# inconclusive run is not a flip: it is the honest answer where the
# measurement is too close to call.
#
#   bench/stability.sh [-n RUNS] [-p PTLAB] [-o DIR] [-- PTLAB-ARGS...]
#
#   -n RUNS   how many runs (default 8)
#   -p PTLAB  the program to run (default ./ptlab); an older ptlab works
#             too, for a table of the same machine then and now
#   -o DIR    keep every run's JSON there (default: a temporary folder,
#             removed at the end)
#   PTLAB-ARGS  passed to `ptlab run` (e.g. --full, or experiment names)
#
# Codes: H holds, h holds (small), N negligible, r reversed (small),
# R reversed, I inconclusive, S split, O observed, X not observed, -
# no data; the number after a ratio verdict is its ratio.
# Not a test: it measures this machine, and prints what it saw.
set -euo pipefail

runs=8
ptlab=./ptlab
out=
while getopts "n:p:o:h" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	p) ptlab=$OPTARG ;;
	o) out=$OPTARG ;;
	*)
		sed -n '2,23p' "$0"
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift

if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
	echo "stability.sh: -n takes a number of runs from 1, not \"$runs\"" >&2
	exit 2
fi
if ! [[ -x $ptlab ]]; then
	echo "stability.sh: $ptlab is not an executable ptlab (make ptlab, or -p PATH)" >&2
	exit 2
fi
if [[ -z $out ]]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/ptlab-stability.XXXXXX")
	trap 'rm -rf "$out"' EXIT
else
	mkdir -p "$out"
fi

echo "$($ptlab --version 2>/dev/null || echo ptlab), $runs runs: ptlab run $*"
for ((i = 1; i <= runs; i++)); do
	start=$(date +%s.%N)
	"$ptlab" run "$@" --json "$out/run-$i.json" >/dev/null 2>"$out/run-$i.err" || {
		echo "run $i failed:" >&2
		cat "$out/run-$i.err" >&2
		exit 1
	}
	end=$(date +%s.%N)
	awk -v i="$i" -v s="$start" -v e="$end" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
		'BEGIN { printf "run %d: %.1f s, load average %s\n", i, e - s, l }'
done

python3 - "$out" "$runs" <<'EOF'
import json, sys
out, runs = sys.argv[1], int(sys.argv[2])
code = {"holds": "H", "holds_small": "h", "negligible": "N", "reversed_small": "r",
        "reversed": "R", "inconclusive": "I", "split": "S", "observed": "O",
        "not_observed": "X", "no_data": "-", "not_measured": "-"}
klass = {"H": "holds", "h": "holds", "N": "negligible", "r": "reversed", "R": "reversed",
         "O": "observed", "X": "not observed", "S": "split"}
table = {}
order = []
for i in range(1, runs + 1):
    d = json.load(open("%s/run-%d.json" % (out, i)))
    for v in d.get("verdicts", []):
        c = v["claim"]
        if c not in table:
            table[c] = []
            order.append(c)
        s = code.get(v["status"], "?")
        r = (v.get("ratio") or {}).get("value")
        table[c].append(s + ("%.2f" % r if r is not None and s in "HhNrRIS" else ""))
width = max(len(c) for c in order)
print()
print("%-*s  %s" % (width, "claim", "  ".join("%-6s" % (i + 1) for i in range(runs))))
flips = []
for c in order:
    cells = table[c]
    print("%-*s  %s" % (width, c, "  ".join("%-6s" % x for x in cells)))
    classes = {klass[x[0]] for x in cells if x and x[0] in klass}
    if len(classes) > 1:
        flips.append("%s (%s)" % (c, ", ".join(sorted(classes))))
print()
print("flips: %d%s" % (len(flips), ": " + "; ".join(flips) if flips else ""))
per_run = [sum(1 for c in order if table[c][i].startswith("I")) for i in range(runs)]
print("inconclusive per run: %s" % " ".join(str(n) for n in per_run))
EOF
