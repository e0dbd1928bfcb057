#!/usr/bin/env bash
# Side-by-side benchmark: stock tshark (plugin not loaded) against tshark with the CWMP plugin, on the
# same captures, in one invocation.
#
#   scripts/bench.sh [--only bulk|dense] [--size 100MB] [--dense-size 11MB] [--seed 1] [--runs 5]
#                    [--cases LIST] [--capture FILE]... [--serial SN] [--workdir DIR] [--no-build]
#                    [--plugin FILE]
#
# Captures (generated with `cwmp-capgen bulk`, built here, and kept in the work folder, default
# /var/tmp/cwmp-bench, for later runs):
#   bulk   the default profile: mixed sessions, chunked and gzip bodies, huge responses, about 20% of
#          packets carry CWMP; --size SIZE (default 100MB) -> bulk-SIZE-seedN.pcap
#   dense  --profile dense: every session Inform (20 parameters), InformResponse, empty POST,
#          GetParameterValues, its response, 204; --dense-size SIZE (default 11MB) -> dense-SIZE-seedN.pcap
# Both by default; --only bulk|dense runs one. --capture FILE (repeatable) runs on the given files
# instead (named after the file), and cannot be combined with --only.
#
# Cases (each run with and without the plugin; with the plugin also with -o cwmp.xml_tree:FALSE):
#   summary        plain `tshark -r` (one line per packet; no protocol tree unless a dissector asks)
#   fields         -T fields -e frame.number
#   filter-name    -Y 'cwmp.parameter.name contains "UpTime"'  vs  -Y 'xml.cdata contains "UpTime"'
#   filter-method  -Y 'cwmp.method == "GetParameterValuesResponse"'
#                                         vs  -Y 'xml.tag contains "GetParameterValuesResponse"'
#   filter-serial  -Y 'cwmp.deviceid.serial_number == "SN"'   vs  -Y 'xml.cdata == "SN"'
#                  SN: --serial, or else the serial number seen in most Informs of the capture (one
#                  pass with the plugin, cached in the work folder); skipped if the capture has none
#   verbose        -V (full tree) to /dev/null
# (filter cases print frame numbers with -T fields, so they also report how many packets matched: the
# same count on both sides shows that the two filters are equivalent.) --cases summary,verbose runs a
# subset. Each case runs --runs times, the variants interleaved.
#
# Figures: medians over the runs of wall time, CPU time (user + system: steadier than wall time on a
# shared machine) and peak RSS (/usr/bin/time). A ratio x is the plugin variant's median divided by
# stock's median on the same case and capture (below 1: cheaper than stock).
#
# The targets table (issue 17) prints, per capture, seven rows; a row PASSes when its ratio, rounded
# to two decimals as printed, is at most the target:
#   summary lines                   <= 1.05  CPU x of summary, plugin (default settings)
#   -T fields -e frame.number       <= 1.05  CPU x of fields, plugin
#   filter, CWMP vs XML text        <= 1.10  the worst (highest) CPU x of the filter cases, plugin
#   -V, default                     <= 1.20  CPU x of verbose, plugin
#   -V, cwmp.xml_tree:FALSE         <= 0.80  CPU x of verbose, plugin-noxml
#   filter, cwmp.xml_tree:FALSE     <= 0.75  the worst CPU x of the filter cases, plugin-noxml
#   peak RSS                        <= 1.10  the worst RSS x of all cases run, plugin
# "from" names the case the figure came from; a row whose cases were not run shows "-".
#
# --plugin FILE measures that build of the plugin (for example an older commit's
# target/release/libcwmp_dissector.so) instead of this tree's release build.
#
# As root, Wireshark ignores WIRESHARK_PLUGIN_DIR, so tshark then runs as `nobody` (setpriv) with a
# private HOME, exactly like the integration tests; the plugin goes to
# <workdir>/plugins/<major.minor>/epan/cwmp.so and the stock runs point WIRESHARK_PLUGIN_DIR at an
# empty folder.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

SIZE=100MB
DENSE_SIZE=11MB
SEED=1
RUNS=5
ONLY=
CAPTURES=()
CASES_OPT=
SERIAL=
WORKDIR=/var/tmp/cwmp-bench
BUILD=1
PLUGIN=
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e '/^# SPDX/d' -e 's/^# \{0,1\}//'; }
die() { echo "bench.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || case "$1" in --no-build|-h|--help) ;; *) die "$1 needs a value" ;; esac
    case "$1" in
        --size) SIZE="$2"; shift 2 ;;
        --dense-size) DENSE_SIZE="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --only) ONLY="$2"; shift 2 ;;
        --capture) CAPTURES+=("$2"); shift 2 ;;
        --cases) CASES_OPT="$2"; shift 2 ;;
        --serial) SERIAL="$2"; shift 2 ;;
        --workdir) WORKDIR="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --plugin) PLUGIN="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
case "$ONLY" in ''|bulk|dense) ;; *) die "--only takes bulk or dense, not '$ONLY'" ;; esac
[ -z "$ONLY" ] || [ ${#CAPTURES[@]} = 0 ] || die "--only and --capture do not combine"
case "$RUNS" in ''|*[!0-9]*|0) die "--runs takes a positive number" ;; esac

ALL_CASES=(summary fields filter-name filter-method filter-serial verbose)
if [ -n "$CASES_OPT" ]; then
    IFS=', ' read -r -a CASES <<<"$CASES_OPT"
    for c in "${CASES[@]}"; do
        [[ " ${ALL_CASES[*]} " == *" $c "* ]] || die "unknown case '$c' (cases: ${ALL_CASES[*]})"
    done
else
    CASES=("${ALL_CASES[@]}")
fi

TSHARK="${CWMP_TSHARK:-tshark}"
command -v "$TSHARK" >/dev/null || die "tshark not found (apt-get install tshark)"
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "bench.sh: installing GNU time" >&2
        apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
    else
        die "/usr/bin/time missing (apt-get install time)"
    fi
fi

if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && cargo build --release --quiet -p cwmp-dissector -p cwmp-capgen)
fi
PLUGIN="${PLUGIN:-$ROOT/target/release/libcwmp_dissector.so}"
[ -f "$PLUGIN" ] || die "$PLUGIN missing (cargo build --release)"

WS_VER="$("$TSHARK" --version 2>/dev/null | head -1 | sed -n 's/.* \([0-9]\+\)\.\([0-9]\+\)\.[0-9]\+.*/\1.\2/p')"
mkdir -p "$WORKDIR/plugins/$WS_VER/epan" "$WORKDIR/noplugins" "$WORKDIR/home"
cp "$PLUGIN" "$WORKDIR/plugins/$WS_VER/epan/cwmp.so"

# generate PROFILE SIZE: prints the path of the capture, generating it (and its .stats line) once.
generate() {
    local profile="$1" size="$2" name file
    name="$profile"; [ "$profile" = mixed ] && name=bulk
    file="$WORKDIR/$name-$size-seed$SEED.pcap"
    if [ ! -s "$file" ]; then
        echo "bench.sh: generating $file" >&2
        "$ROOT/target/release/cwmp-capgen" bulk --profile "$profile" --out "$file.tmp" --size "$size" \
            --seed "$SEED" 2>"$file.stats.tmp" || { cat "$file.stats.tmp" >&2; die "cwmp-capgen failed"; }
        sed "s|$file.tmp|$file|" "$file.stats.tmp" >"$file.stats"
        rm -f "$file.stats.tmp"
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}

# Captures to run: parallel arrays of names and files.
NAMES=()
FILES=()
if [ ${#CAPTURES[@]} -gt 0 ]; then
    for f in "${CAPTURES[@]}"; do
        [ -r "$f" ] || die "cannot read $f"
        n="$(basename "$f")"; n="${n%.pcap}"; n="${n%.pcapng}"
        NAMES+=("$n"); FILES+=("$(readlink -f "$f")")
    done
else
    if [ "$ONLY" != dense ]; then NAMES+=(bulk); FILES+=("$(generate mixed "$SIZE")"); fi
    if [ "$ONLY" != bulk ]; then NAMES+=(dense); FILES+=("$(generate dense "$DENSE_SIZE")"); fi
fi

# World-readable for the unprivileged tshark.
chmod -R a+rwX "$WORKDIR"
for f in "${FILES[@]}"; do
    chmod a+r "$f"
    d="$(dirname "$f")"
    while [ "$d" != / ]; do chmod a+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
done

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
    die "the plugin does not load from $PLUG"
fi
if ts "$STOCK" -G protocols 2>/dev/null | grep -q $'\tcwmp$'; then
    die "stock tshark loads a cwmp plugin from elsewhere; results would be meaningless"
fi

# serial_of FILE: --serial, or the serial number of the most Informs in FILE (ties: the smallest),
# cached per file path in the work folder while the file is unchanged. Empty when there is none.
serial_of() {
    local file="$1" cache
    if [ -n "$SERIAL" ]; then echo "$SERIAL"; return; fi
    cache="$WORKDIR/serial.$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
    if [ ! -f "$cache" ] || [ "$file" -nt "$cache" ]; then
        ts "$PLUG" -n -r "$file" -Y cwmp.deviceid.serial_number -T fields -e cwmp.deviceid.serial_number \
            2>/dev/null | sort | uniq -c | sort -k1,1nr -k2,2 | awk 'NR == 1 { print $2 }' >"$cache"
    fi
    cat "$cache"
}

# Variants: name, plugin dir, extra options.
declare -A VDIR=([stock]="$STOCK" [plugin]="$PLUG" [plugin-noxml]="$PLUG")
declare -A VOPT=([stock]="" [plugin]="" [plugin-noxml]="-o cwmp.xml_tree:FALSE")
VARIANTS=(stock plugin plugin-noxml)

# Cases: stock arguments, plugin arguments (| separates arguments; @SERIAL@ is the serial number).
declare -A SARGS PARGS
SARGS[summary]="";                 PARGS[summary]=""
SARGS[fields]="-T|fields|-e|frame.number"; PARGS[fields]="${SARGS[fields]}"
SARGS[filter-name]='-Y|xml.cdata contains "UpTime"|-T|fields|-e|frame.number'
PARGS[filter-name]='-Y|cwmp.parameter.name contains "UpTime"|-T|fields|-e|frame.number'
SARGS[filter-method]='-Y|xml.tag contains "GetParameterValuesResponse"|-T|fields|-e|frame.number'
PARGS[filter-method]='-Y|cwmp.method == "GetParameterValuesResponse"|-T|fields|-e|frame.number'
SARGS[filter-serial]='-Y|xml.cdata == "@SERIAL@"|-T|fields|-e|frame.number'
PARGS[filter-serial]='-Y|cwmp.deviceid.serial_number == "@SERIAL@"|-T|fields|-e|frame.number'
SARGS[verbose]="-V";               PARGS[verbose]="-V"

RES="$WORKDIR/results.$$"
mkdir -p "$RES"
chmod a+rwx "$RES"
trap 'rm -rf "$RES"' EXIT

# one NAME FILE SERIAL CASE VARIANT RUN: runs tshark once, appends "wall cpu rss" to
# $RES/NAME/CASE.VARIANT.
one() {
    local name="$1" file="$2" serial="$3" case="$4" var="$5" run="$6" spec args=() out dir="$RES/$1"
    if [ "$var" = stock ]; then spec="${SARGS[$case]}"; else spec="${PARGS[$case]}"; fi
    spec="${spec//@SERIAL@/$serial}"
    if [ -n "$spec" ]; then IFS='|' read -r -a args <<<"$spec"; fi
    # shellcheck disable=SC2206
    local opt=(${VOPT[$var]})
    out=/dev/null
    case "$case" in filter-*) out="$dir/$case.$var.out" ;; esac
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" \
        "${AS[@]}" env -i PATH="$PATH" HOME="$WORKDIR/home" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="${VDIR[$var]}" "$TSHARK" -n -r "$file" "${opt[@]}" "${args[@]}" \
        >"$out" 2>"$dir/stderr" || { echo "bench.sh: tshark failed ($name, $case, $var):" >&2; cat "$dir/stderr" >&2; exit 1; }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$dir/time" >>"$dir/$case.$var"
    if [ "$run" = 1 ] && [ "$out" != /dev/null ]; then
        wc -l <"$out" >"$dir/$case.$var.matches"
    fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$1" '{ print $c }' "$2" | median; }

echo "tshark:  $("$TSHARK" --version 2>/dev/null | head -1)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs:    $RUNS per variant (medians; CPU = user + system; x = plugin / stock on the same case)"

for i in "${!NAMES[@]}"; do
    name="${NAMES[$i]}"; file="${FILES[$i]}"
    mkdir -p "$RES/$name"; chmod a+rwx "$RES/$name"
    echo
    echo "== $name: $file"
    if [ -f "$file.stats" ]; then
        stats="$(cat "$file.stats")"
        echo "   ${stats#"$file: "}"
    else
        echo "   $(stat -c %s "$file") bytes, $(capinfos -c -M "$file" 2>/dev/null | awk -F': *' '/packets/ { print $2 }') packets"
    fi
    serial=
    cases=()
    for case in "${CASES[@]}"; do
        if [ "$case" = filter-serial ]; then
            serial="$(serial_of "$file")"
            if [ -z "$serial" ]; then echo "   filter-serial skipped: no cwmp.deviceid.serial_number in this capture"; continue; fi
            echo "   filter-serial: serial number $serial"
        fi
        cases+=("$case")
    done
    echo
    for case in "${cases[@]}"; do
        for run in $(seq 1 "$RUNS"); do
            for var in "${VARIANTS[@]}"; do
                one "$name" "$file" "$serial" "$case" "$var" "$run"
            done
        done
    done

    printf '%-14s %-13s %9s %9s %10s %8s %8s %8s %8s\n' case variant wall_s cpu_s rss_MiB wall_x cpu_x rss_x matches
    for case in "${cases[@]}"; do
        d="$RES/$name"
        sw="$(col 1 "$d/$case.stock")"; sc="$(col 2 "$d/$case.stock")"; sr="$(col 3 "$d/$case.stock")"
        for var in "${VARIANTS[@]}"; do
            w="$(col 1 "$d/$case.$var")"; c="$(col 2 "$d/$case.$var")"; r="$(col 3 "$d/$case.$var")"
            m="-"; [ -f "$d/$case.$var.matches" ] && m="$(cat "$d/$case.$var.matches")"
            awk -v case="$case" -v var="$var" -v w="$w" -v c="$c" -v r="$r" -v sw="$sw" -v sc="$sc" -v sr="$sr" -v m="$m" \
                'function x(a, b) { return b > 0 ? a / b : 0 }
                 BEGIN { printf "%-14s %-13s %9.2f %9.2f %10.0f %8.2f %8.2f %8.2f %8s\n",
                         case, var, w, c, r / 1024, x(w, sw), x(c, sc), x(r, sr), m }' | tee -a "$d/table"
        done
    done
done

# ratio NAME CASES VARIANT COLUMN: "x case" for the highest ratio (COLUMN 7 = CPU x, 8 = RSS x) among
# CASES (a pattern) that ran, or nothing.
ratio() {
    awk -v pat="$2" -v var="$3" -v c="$4" '
        $1 ~ ("^(" pat ")$") && $2 == var { n++; if (n == 1 || $c + 0 > best + 0) { best = $c; from = $1 } }
        END { if (n) printf "%.2f %s%s\n", best, from, (n > 1 ? " (worst of " n ")" : "") }' "$RES/$1/table"
}

echo
echo "== targets (issue 17): CPU time plugin / stock unless stated, medians of $RUNS runs; PASS: at most the target"
printf '%-9s %-32s %6s %8s %-7s %s\n' capture row target measured verdict from
for name in "${NAMES[@]}"; do
    while IFS=';' read -r label target cases var column; do
        got="$(ratio "$name" "$cases" "$var" "$column")"
        if [ -z "$got" ]; then
            printf '%-9s %-32s %6s %8s %-7s %s\n' "$name" "$label" "$target" - - "not run"
            continue
        fi
        read -r value from <<<"$got"
        verdict="$(awk -v v="$value" -v t="$target" 'BEGIN { print (v + 0 <= t + 0) ? "PASS" : "MISS" }')"
        printf '%-9s %-32s %6s %8s %-7s %s\n' "$name" "$label" "$target" "$value" "$verdict" "$from"
    done <<'ROWS'
summary lines;1.05;summary;plugin;7
-T fields -e frame.number;1.05;fields;plugin;7
filter, CWMP vs XML text;1.10;filter-.*;plugin;7
-V, default;1.20;verbose;plugin;7
-V, cwmp.xml_tree:FALSE;0.80;verbose;plugin-noxml;7
filter, cwmp.xml_tree:FALSE;0.75;filter-.*;plugin-noxml;7
peak RSS (x, default settings);1.10;[a-z-]+;plugin;8
ROWS
done
