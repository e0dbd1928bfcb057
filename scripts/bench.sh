#!/usr/bin/env bash
# Side-by-side benchmark: stock tshark (plugin not loaded) against tshark with the CWMP plugin, on the
# same capture, in one invocation.
#
#   scripts/bench.sh [--size 100MB] [--seed 1] [--runs 5] [--capture FILE] [--workdir DIR] [--no-build]
#
# Cases (each run with and without the plugin; with the plugin also with -o cwmp.xml_tree:FALSE):
#   summary  plain `tshark -r` (one line per packet; no protocol tree unless a dissector asks for one)
#   fields   -T fields -e frame.number
#   filter   -Y on a CWMP field, against the equivalent stock filter on the XML text:
#              filter-name:   cwmp.parameter.name contains "UpTime"     vs  xml.cdata contains "UpTime"
#              filter-method: cwmp.method == "GetParameterValuesResponse"
#                                                     vs  xml.tag contains "GetParameterValuesResponse"
#   verbose  -V (full tree) to /dev/null
# Each case runs --runs times, the variants interleaved, and reports the median wall time, the median
# CPU time (user + system: steadier than wall time on a shared machine), the median peak RSS
# (/usr/bin/time -v) and the ratios plugin/stock. Filter cases also print how many packets matched.
#
# The capture comes from `cwmp-capgen bulk` (built here) unless --capture is given; it is kept in the
# work folder (default /var/tmp/cwmp-bench) for later runs. As root, Wireshark ignores
# WIRESHARK_PLUGIN_DIR, so tshark then runs as `nobody` (setpriv) with a private HOME, exactly like the
# integration tests; the plugin goes to <workdir>/plugins/<major.minor>/epan/cwmp.so and the stock runs
# point WIRESHARK_PLUGIN_DIR at an empty folder.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

SIZE=100MB
SEED=1
RUNS=5
CAPTURE=
WORKDIR=/var/tmp/cwmp-bench
BUILD=1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --capture) CAPTURE="$2"; shift 2 ;;
        --workdir) WORKDIR="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

TSHARK="${CWMP_TSHARK:-tshark}"
command -v "$TSHARK" >/dev/null || { echo "bench.sh: tshark not found (apt-get install tshark)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bench.sh: installing GNU time" >&2
        apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
    else
        echo "bench.sh: /usr/bin/time missing (apt-get install time)" >&2
        exit 1
    fi
fi

if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && cargo build --release --quiet -p cwmp-dissector -p cwmp-capgen)
fi
PLUGIN="$ROOT/target/release/libcwmp_dissector.so"
[ -f "$PLUGIN" ] || { echo "bench.sh: $PLUGIN missing (cargo build --release)" >&2; exit 1; }

WS_VER="$("$TSHARK" --version 2>/dev/null | head -1 | sed -n 's/.* \([0-9]\+\)\.\([0-9]\+\)\.[0-9]\+.*/\1.\2/p')"
mkdir -p "$WORKDIR/plugins/$WS_VER/epan" "$WORKDIR/noplugins" "$WORKDIR/home"
cp "$PLUGIN" "$WORKDIR/plugins/$WS_VER/epan/cwmp.so"

if [ -z "$CAPTURE" ]; then
    CAPTURE="$WORKDIR/bulk-$SIZE-seed$SEED.pcap"
    if [ ! -s "$CAPTURE" ]; then
        "$ROOT/target/release/cwmp-capgen" bulk --out "$CAPTURE.tmp" --size "$SIZE" --seed "$SEED"
        mv "$CAPTURE.tmp" "$CAPTURE"
    fi
fi
[ -r "$CAPTURE" ] || { echo "bench.sh: cannot read $CAPTURE" >&2; exit 1; }

# World-readable for the unprivileged tshark.
chmod -R a+rwX "$WORKDIR"
chmod a+r "$CAPTURE"
d="$(dirname "$(readlink -f "$CAPTURE")")"
while [ "$d" != / ]; do chmod a+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done

if [ "$(id -u)" = 0 ]; then
    AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
else
    AS=()
fi

# ts PLUGIN_DIR ARGS...: tshark with a clean environment.
ts() {
    local dir="$1"; shift
    "${AS[@]}" env -i PATH="$PATH" HOME="$WORKDIR/home" LANG=C.UTF-8 WIRESHARK_PLUGIN_DIR="$dir" \
        "$TSHARK" "$@"
}
STOCK="$WORKDIR/noplugins"
PLUG="$WORKDIR/plugins"

if ! ts "$PLUG" -G protocols 2>/dev/null | grep -q $'^CPE WAN Management Protocol\tCWMP\tcwmp'; then
    echo "bench.sh: the plugin does not load from $PLUG" >&2
    exit 1
fi
if ts "$STOCK" -G protocols 2>/dev/null | grep -q $'\tcwmp$'; then
    echo "bench.sh: stock tshark loads a cwmp plugin from elsewhere; results would be meaningless" >&2
    exit 1
fi

# Variants: name, plugin dir, extra options.
declare -A VDIR=([stock]="$STOCK" [plugin]="$PLUG" [plugin-noxml]="$PLUG")
declare -A VOPT=([stock]="" [plugin]="" [plugin-noxml]="-o cwmp.xml_tree:FALSE")
VARIANTS=(stock plugin plugin-noxml)

# Cases: name, stock arguments, plugin arguments (| separates arguments).
CASES=(summary fields filter-name filter-method verbose)
declare -A SARGS PARGS
SARGS[summary]="";                 PARGS[summary]=""
SARGS[fields]="-T|fields|-e|frame.number"; PARGS[fields]="${SARGS[fields]}"
SARGS[filter-name]='-Y|xml.cdata contains "UpTime"|-T|fields|-e|frame.number'
PARGS[filter-name]='-Y|cwmp.parameter.name contains "UpTime"|-T|fields|-e|frame.number'
SARGS[filter-method]='-Y|xml.tag contains "GetParameterValuesResponse"|-T|fields|-e|frame.number'
PARGS[filter-method]='-Y|cwmp.method == "GetParameterValuesResponse"|-T|fields|-e|frame.number'
SARGS[verbose]="-V";               PARGS[verbose]="-V"

RES="$WORKDIR/results.$$"
mkdir -p "$RES"
chmod a+rwx "$RES"
trap 'rm -rf "$RES"' EXIT

# one CASE VARIANT RUN: runs tshark once, appends "wall cpu rss" to $RES/CASE.VARIANT.
one() {
    local case="$1" var="$2" run="$3" spec args=() out
    if [ "$var" = stock ]; then spec="${SARGS[$case]}"; else spec="${PARGS[$case]}"; fi
    if [ -n "$spec" ]; then IFS='|' read -r -a args <<<"$spec"; fi
    # shellcheck disable=SC2206
    local opt=(${VOPT[$var]})
    out=/dev/null
    case "$case" in filter-*) out="$RES/$case.$var.out" ;; esac
    /usr/bin/time -f '%e %U %S %M' -o "$RES/time" \
        "${AS[@]}" env -i PATH="$PATH" HOME="$WORKDIR/home" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="${VDIR[$var]}" "$TSHARK" -n -r "$CAPTURE" "${opt[@]}" "${args[@]}" \
        >"$out" 2>"$RES/stderr" || { echo "bench.sh: tshark failed ($case, $var):" >&2; cat "$RES/stderr" >&2; exit 1; }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$RES/time" >>"$RES/$case.$var"
    if [ "$run" = 1 ] && [ "$out" != /dev/null ]; then
        wc -l <"$out" >"$RES/$case.$var.matches"
    fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$1" '{ print $c }' "$2" | median; }

echo "capture: $CAPTURE ($(stat -c %s "$CAPTURE") bytes, $(ts "$STOCK" -n -r "$CAPTURE" -T fields -e frame.number 2>/dev/null | wc -l) packets)"
echo "tshark:  $("$TSHARK" --version 2>/dev/null | head -1)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "runs:    $RUNS per variant (medians; CPU = user + system)"
echo

for case in "${CASES[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        for var in "${VARIANTS[@]}"; do
            one "$case" "$var" "$run"
        done
    done
done

printf '%-14s %-13s %9s %9s %10s %8s %8s %8s %8s\n' case variant wall_s cpu_s rss_MiB wall_x cpu_x rss_x matches
for case in "${CASES[@]}"; do
    sw="$(col 1 "$RES/$case.stock")"; sc="$(col 2 "$RES/$case.stock")"; sr="$(col 3 "$RES/$case.stock")"
    for var in "${VARIANTS[@]}"; do
        w="$(col 1 "$RES/$case.$var")"; c="$(col 2 "$RES/$case.$var")"; r="$(col 3 "$RES/$case.$var")"
        m="-"; [ -f "$RES/$case.$var.matches" ] && m="$(cat "$RES/$case.$var.matches")"
        awk -v case="$case" -v var="$var" -v w="$w" -v c="$c" -v r="$r" -v sw="$sw" -v sc="$sc" -v sr="$sr" -v m="$m" \
            'BEGIN { printf "%-14s %-13s %9.2f %9.2f %10.0f %8.2f %8.2f %8.2f %8s\n",
                     case, var, w, c, r / 1024, w / sw, c / sc, r / sr, m }'
    done
done
echo
echo "x = plugin / stock on the same case (1.00 = as fast; below 1 = faster than stock)."
