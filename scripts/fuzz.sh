#!/usr/bin/env bash
# Fuzz the CWMP plugin inside the real tshark, in the manner of Wireshark's own fuzz-test.sh.
#
#   scripts/fuzz.sh [--short | --long] [OPTIONS]
#
# Mutants come from two mutators:
#   xml      cwmp-fuzz's XML-aware mutator (truncate, duplicate, drop, swap elements; random
#            attributes; deep nesting; huge text; invalid UTF-8; entity bombs and external entities;
#            renamed elements and namespaces; type-confusing values), with valid HTTP framing around
#            the mutated body (Content-Length recomputed), so every mutant reaches the dissector;
#   editcap  valid captures of the same seeds, mutated byte-wise with `editcap -E <prob>` (half of
#            them with `-o 54`, which spares the Ethernet/IPv4/TCP headers so HTTP and CWMP get hit).
# Seeds: cwmp-fuzz's built-in messages plus tests/fixtures/*.xml and tests/fixtures/rpc/*.xml.
# Every mutant is one capture file holding one TCP connection on its own client port; batches of
# mutants are merged with mergecap and read by tshark (plugin loaded, run as `nobody` when root, as the
# integration tests do) in every way the dissector can be driven: the full tree (-nVx, and -2 -nVx),
# and the paths without a visible tree, where it builds only what is asked for: plain summary lines
# (no tree at all), a display filter with -T fields (-Y cwmp -T fields -e ...), and the statistics
# (-q -z cwmp,tree -z cwmp_srt,tree). The -Y/-T fields run also tells how many mutants reached the CWMP
# dissector (distinct TCP connections with a CWMP item); the log and the summary print that count. A
# failing batch is bisected: each of its captures is run alone, and the failing ones are kept under
# OUT/failures/. A sample of the mutants is run under
# Valgrind memcheck (batches again, since each tshark start costs seconds under Valgrind); errors with a
# stack frame in the plugin are ours, except those entirely inside a stock dissector the plugin only
# handed the body to (the XML tree below the CWMP tree: its bugs reproduce without the plugin); those
# and the rest (Wireshark's and GLib's own) are counted apart.
#
# Modes (counts can be overridden by the options below):
#   --short   300 mutants, batches of 50, one Valgrind batch of 20 mutants, under 2 minutes
#             (tests/fuzz_short.rs runs this mode)
#   (none)    2,000 mutants, batches of 100, 200 under Valgrind
#   --long    12,000 mutants, batches of 100, 600 under Valgrind, plus a leak check of a large valid
#             capture (150 connections, some 45,000 packets) under Valgrind
#
# Options:
#   --count N            mutants to try
#   --valgrind-count N   mutants to run under Valgrind (0: none)
#   --batch N            mutants per tshark run
#   --seed S             run seed (default: 1 for --short, else the current time); mutant (S, i) is
#                        always the same bytes: `cwmp-fuzz gen --seed S --first i --count 1`
#   --out DIR            results (default target/fuzz/<mode>-<seed>)
#   --time-limit SECS    start no new batch after this long (default: short 900, so that the test
#                        always runs all its mutants on a loaded machine; else 10800)
#   --timeout SECS       per tshark run; longer is a hang (default 120; Valgrind runs 20x)
#   --leak-connections N connections in the leak-check capture (0: skip)
#   --keep               keep every capture (default: only failing ones)
#
# Environment: CWMP_TSHARK (tshark to run), CWMP_FUZZ_BIN and CWMP_PLUGIN (prebuilt cwmp-fuzz and
# plugin .so; built with cargo --release otherwise), VALGRIND (default valgrind).
#
# Exit status: 0 when no crash (also under Valgrind), hang, tshark error, CWMP dissector bug or
# plugin-attributable Valgrind error was found; 1 otherwise; 2 on a usage or setup error. OUT/summary.txt holds the figures as
# key=value lines.
# SPDX-License-Identifier: GPL-2.0-or-later
set -u -o pipefail

die() { echo "fuzz.sh: $*" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=default
COUNT= VG_COUNT= BATCH= SEED= OUT= TIME_LIMIT= TIMEOUT=120 LEAK_CONN= KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --short) MODE=short ;;
        --long) MODE=long ;;
        --count) COUNT=$2; shift ;;
        --valgrind-count) VG_COUNT=$2; shift ;;
        --batch) BATCH=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --out) OUT=$2; shift ;;
        --time-limit) TIME_LIMIT=$2; shift ;;
        --timeout) TIMEOUT=$2; shift ;;
        --leak-connections) LEAK_CONN=$2; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done
case $MODE in
    short) : "${COUNT:=300}" "${VG_COUNT:=20}" "${BATCH:=50}" "${SEED:=1}" "${TIME_LIMIT:=900}" "${LEAK_CONN:=0}"
           MAX_SIZE=200000 ;;
    long)  : "${COUNT:=12000}" "${VG_COUNT:=600}" "${BATCH:=100}" "${TIME_LIMIT:=10800}" "${LEAK_CONN:=150}"
           MAX_SIZE=1000000 ;;
    *)     : "${COUNT:=2000}" "${VG_COUNT:=200}" "${BATCH:=100}" "${TIME_LIMIT:=10800}" "${LEAK_CONN:=0}"
           MAX_SIZE=1000000 ;;
esac
: "${SEED:=$(date +%s)}"
: "${OUT:=$ROOT/target/fuzz/$MODE-$SEED}"
TSHARK=${CWMP_TSHARK:-tshark}
VALGRIND=${VALGRIND:-valgrind}
for n in "$COUNT" "$VG_COUNT" "$BATCH" "$SEED" "$TIME_LIMIT" "$TIMEOUT" "$LEAK_CONN"; do
    case $n in ''|*[!0-9]*) die "'$n' is not a number" ;; esac
done
[ "$BATCH" -ge 1 ] || die "--batch must be at least 1"
for tool in "$TSHARK" editcap mergecap timeout; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install tshark wireshark-common coreutils)"
done
if [ "$VG_COUNT" -gt 0 ] || [ "$LEAK_CONN" -gt 0 ]; then
    command -v "$VALGRIND" >/dev/null || die "valgrind not found (Debian: apt-get install valgrind)"
fi

# ---- Build (unless given prebuilt binaries) -------------------------------------------------------
if [ -z "${CWMP_FUZZ_BIN:-}" ] || [ -z "${CWMP_PLUGIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet -p cwmp-fuzz && cargo build --release --quiet --lib -p cwmp-dissector) \
        || die "cargo build failed"
fi
FUZZ=${CWMP_FUZZ_BIN:-$ROOT/target/release/cwmp-fuzz}
PLUGIN=${CWMP_PLUGIN:-$ROOT/target/release/libcwmp_dissector.so}
[ -x "$FUZZ" ] || die "$FUZZ missing"
[ -f "$PLUGIN" ] || die "$PLUGIN missing"

# ---- A private, world-readable plugin folder and work folder (the root trap: see the notes) ------
WORK=$(mktemp -d /tmp/cwmp-fuzz.XXXXXX) || die "mktemp failed"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
WSVER=$("$TSHARK" --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
[ -n "$WSVER" ] || die "cannot read the tshark version"
mkdir -p "$WORK/plugins/$WSVER/epan" "$WORK/home" "$WORK/b" "$OUT/failures" || die "mkdir failed"
cp "$PLUGIN" "$WORK/plugins/$WSVER/epan/cwmp.so"
chmod -R a+rwX "$WORK"
chmod 755 "$WORK"

if [ "$(id -u)" = 0 ]; then
    AS_USER=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
else
    AS_USER=()
fi
# Runs a command as the unprivileged user with the plugin folder, in a clean environment.
run_ws() {
    "${AS_USER[@]}" env -i PATH="$PATH" HOME="$WORK/home" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$WORK/plugins" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 "$@"
}
# Read the whole list first: `grep -q` exiting early would kill tshark with SIGPIPE (pipefail).
PLUGINS=$(run_ws "$TSHARK" -G plugins 2>&1 || true)
grep -q '^cwmp\.so' <<<"$PLUGINS" \
    || die "tshark does not load the plugin $PLUGIN (tshark -G plugins lists no cwmp.so): $(grep -i -m3 'plugin\|cwmp' <<<"$PLUGINS")"

SEEDS=()
shopt -s nullglob
for f in "$ROOT"/tests/fixtures/*.xml "$ROOT"/tests/fixtures/rpc/*.xml; do SEEDS+=("$f"); done
shopt -u nullglob

LOG=$OUT/log.txt
: > "$LOG"
: > "$OUT/dissector-bugs.txt"
log() { echo "$*" | tee -a "$LOG"; }

START=$(date +%s)
MUTANTS=0 XML_MUTANTS=0 EDITCAP_MUTANTS=0 BATCHES=0 RUNS=0
CRASHES=0 HANGS=0 TSHARK_ERRORS=0 CWMP_BUGS=0 OTHER_BUGS=0 CRITICALS=0 REACHED=0 VG_CRASHES=0
VG_MUTANTS=0 VG_RUNS=0 VG_OURS=0 VG_HANDED=0 VG_LOST_HANDED=0 VG_OTHER=0 VG_INCOMPLETE=0 VG_LOST_OURS=0 VG_LOST_OTHER=0 VG_EXIT_NONZERO=0
FAILED_CAPTURES=0

# The ways every batch is read. The first two build the whole tree; the others take the paths without
# a visible tree (no tree at all; a tree pruned to the filter's and the columns' fields; only what the
# taps read). The -T fields view's first column is tcp.stream: its output counts the mutants that
# reached the CWMP dissector.
VIEWS=(
    "-nVx"
    "-nVx -2"
    "-n"
    "-n -Y cwmp -T fields -e tcp.stream -e cwmp.method -e cwmp.id -e cwmp.fault.code -e cwmp.http_event -e _ws.expert.message"
    "-n -q -z cwmp,tree -z cwmp_srt,tree"
)
FIELDS_VIEW=3

# tshark_check FILE [ARGS...]: runs tshark ARGS -r FILE (stdout to $TS_OUT, default none); sets VERDICT to
# one of ok, crash:<signal>, hang, error:<exit status>, cwmp-bug. Counts other dissectors' bugs and
# GLib criticals. (No command substitution: the counters live in this shell.)
tshark_check() {
    local f=$1; shift
    local err=$WORK/stderr.txt rc
    timeout -k 5 "$TIMEOUT" "${AS_USER[@]}" env -i PATH="$PATH" HOME="$WORK/home" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$WORK/plugins" WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
        "$TSHARK" "$@" -r "$f" >"${TS_OUT:-/dev/null}" 2>"$err"
    rc=$?
    RUNS=$((RUNS + 1))
    local bugs ours crit
    bugs=$(grep -c 'Dissector bug' "$err")
    grep -o 'Dissector bug, protocol [^,]*' "$err" >> "$OUT/dissector-bugs.txt"
    ours=$(grep -c 'Dissector bug, protocol CWMP' "$err")
    crit=$(grep -c 'CRITICAL' "$err")
    OTHER_BUGS=$((OTHER_BUGS + bugs - ours))
    CRITICALS=$((CRITICALS + crit))
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then VERDICT=hang
    elif [ "$rc" -gt 128 ]; then VERDICT="crash:$((rc - 128))"
    elif [ "$rc" != 0 ]; then VERDICT="error:$rc"
    elif [ "$ours" -gt 0 ]; then VERDICT=cwmp-bug
    else VERDICT=ok
    fi
}

count_verdict() {
    case $1 in
        hang) HANGS=$((HANGS + 1)) ;;
        crash:*) CRASHES=$((CRASHES + 1)) ;;
        error:*) TSHARK_ERRORS=$((TSHARK_ERRORS + 1)) ;;
        cwmp-bug) CWMP_BUGS=$((CWMP_BUGS + 1)) ;;
    esac
}

# valgrind_check FILE LABEL [SUPPRESSIONS]: one memcheck run of tshark -2 -nVx over FILE; adds up the figures.
valgrind_check() {
    local f=$1 label=$2 xml=$WORK/home/vg-$2.xml rc line supp=${3:-$ROOT/scripts/valgrind-wireshark.supp}
    timeout -k 5 $((TIMEOUT * 20)) "${AS_USER[@]}" env -i PATH="$PATH" HOME="$WORK/home" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$WORK/plugins" WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc \
        "$VALGRIND" --tool=memcheck --keep-debuginfo=yes --error-exitcode=42 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --num-callers=40 \
        --suppressions="$supp" --xml=yes --xml-file="$xml" \
        "$TSHARK" -2 -nVx -r "$f" >/dev/null 2>"$WORK/vg-stderr.txt"
    rc=$?
    VG_RUNS=$((VG_RUNS + 1))
    [ "$rc" = 0 ] || VG_EXIT_NONZERO=$((VG_EXIT_NONZERO + 1))
    line=$("$FUZZ" vgreport "$xml" --show 20)
    local vrc=$?
    log "  valgrind $label: exit=$rc $(echo "$line" | head -1)"
    [ -s "$xml" ] || { log "  valgrind did not run:"; head -5 "$WORK/vg-stderr.txt" | tee -a "$LOG"; }
    [ "$vrc" = 0 ] || { echo "$line" | tail -n +2 >> "$LOG"; cp "$xml" "$OUT/failures/" 2>/dev/null; }
    # Errors in stock dissectors the plugin handed bodies to: their innermost frames, for the record.
    [ "$vrc" = 0 ] && echo "$line" | grep '^HANDED-ON' >> "$LOG"
    [ "$vrc" = 3 ] && VG_INCOMPLETE=$((VG_INCOMPLETE + 1))
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        HANGS=$((HANGS + 1))
    elif [ "$rc" -gt 128 ]; then
        # tshark died of a signal under Valgrind (Valgrind passes the client's death on).
        VG_CRASHES=$((VG_CRASHES + 1))
        CRASHES=$((CRASHES + 1))
        cp "$f" "$OUT/failures/valgrind-$label.pcap"
        log "  valgrind $label: CRASH (signal $((rc - 128)))"
    fi
    local k v
    for kv in $(echo "$line" | head -1); do
        k=${kv%%=*} v=${kv#*=}
        case $k in
            ours) VG_OURS=$((VG_OURS + v)) ;;
            handed_on) VG_HANDED=$((VG_HANDED + v)) ;;
            handed_on_definitely_lost_bytes) VG_LOST_HANDED=$((VG_LOST_HANDED + v)) ;;
            errors) VG_OTHER=$((VG_OTHER + v)) ;;
            definitely_lost_bytes) VG_LOST_OTHER=$((VG_LOST_OTHER + v)) ;;
            ours_definitely_lost_bytes) VG_LOST_OURS=$((VG_LOST_OURS + v)) ;;
        esac
    done
}

log "fuzz.sh $MODE: seed=$SEED count=$COUNT batch=$BATCH valgrind=$VG_COUNT tshark=$($TSHARK --version 2>/dev/null | head -1)"
log "seeds: built-in + ${#SEEDS[@]} fixture file(s); results in $OUT"

# Canary: without the suppressions, the plugin's one-time registration arrays show up as leaks with the
# plugin's frames. Seeing them proves that Valgrind runs tshark with the plugin loaded and that errors
# in the plugin are recognised as ours.
CANARY=skipped
if [ "$VG_COUNT" -gt 0 ]; then
    "$FUZZ" gen --plain --out "$WORK/canary" --seed "$SEED" --count 1 "${SEEDS[@]}" || die "cwmp-fuzz gen failed"
    chmod -R a+rX "$WORK/canary"
    : > "$WORK/empty.supp"
    if "${AS_USER[@]}" env -i PATH="$PATH" HOME="$WORK/home" WIRESHARK_PLUGIN_DIR="$WORK/plugins" \
        "$VALGRIND" --tool=memcheck --keep-debuginfo=yes --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --suppressions="$WORK/empty.supp" --xml=yes \
        --xml-file="$WORK/home/canary.xml" "$TSHARK" -nV -r "$WORK/canary/base-000000.pcap" >/dev/null 2>&1 \
        ; "$FUZZ" vgreport "$WORK/home/canary.xml" --show 0 >/dev/null; [ $? = 1 ]; then
        CANARY=ok
    else
        CANARY=FAILED
    fi
    log "valgrind canary (plugin frames recognised without suppressions): $CANARY"
fi

FIRST=0
while [ "$MUTANTS" -lt "$COUNT" ]; do
    if [ $(( $(date +%s) - START )) -ge "$TIME_LIMIT" ]; then
        log "time limit of ${TIME_LIMIT}s reached"
        break
    fi
    N=$(( COUNT - MUTANTS < BATCH ? COUNT - MUTANTS : BATCH ))
    D=$WORK/b
    rm -rf "$D"; mkdir -p "$D"
    if [ $((BATCHES % 2)) = 0 ]; then
        KIND=xml
        "$FUZZ" gen --out "$D" --seed "$SEED" --first "$FIRST" --count "$N" --max-size "$MAX_SIZE" \
            "${SEEDS[@]}" || die "cwmp-fuzz gen failed"
        MEMBERS=("$D"/xml-*.pcap)
        XML_MUTANTS=$((XML_MUTANTS + N))
    else
        KIND=editcap
        "$FUZZ" gen --plain --out "$D" --seed "$SEED" --first "$FIRST" --count "$N" --max-size "$MAX_SIZE" \
            "${SEEDS[@]}" || die "cwmp-fuzz gen failed"
        MEMBERS=()
        PROBS=(0.002 0.005 0.01 0.02 0.05)
        for ((i = FIRST; i < FIRST + N; i++)); do
            base=$(printf '%s/base-%06d.pcap' "$D" "$i")
            mut=$(printf '%s/edit-%06d.pcap' "$D" "$i")
            p=${PROBS[$((i % ${#PROBS[@]}))]}
            off=(); [ $((i % 2)) = 0 ] && off=(-o 54)
            editcap -E "$p" "${off[@]}" --seed $((SEED * 100003 + i)) "$base" "$mut" 2>/dev/null \
                || die "editcap failed on $base"
            echo "edit-$(printf %06d "$i")	editcap -E $p ${off[*]} --seed $((SEED * 100003 + i)) base-$(printf %06d "$i")" >> "$D/manifest.tsv"
            rm -f "$base"
            MEMBERS+=("$mut")
        done
        EDITCAP_MUTANTS=$((EDITCAP_MUTANTS + N))
    fi
    mergecap -a -F pcap -w "$D/batch.pcap" "${MEMBERS[@]}" || die "mergecap failed"
    chmod -R a+rX "$D"
    VERDICTS=() BAD=()
    : > "$WORK/fields.txt"
    for ((k = 0; k < ${#VIEWS[@]}; k++)); do
        TS_OUT=/dev/null
        [ "$k" = "$FIELDS_VIEW" ] && TS_OUT=$WORK/fields.txt
        # shellcheck disable=SC2086
        tshark_check "$D/batch.pcap" ${VIEWS[$k]}
        VERDICTS+=("$VERDICT")
        [ "$VERDICT" = ok ] || BAD+=("$VERDICT")
    done
    TS_OUT=/dev/null
    R=$(cut -f1 "$WORK/fields.txt" | sort -u | grep -c .)
    BATCHES=$((BATCHES + 1))
    MUTANTS=$((MUTANTS + N))
    REACHED=$((REACHED + R))
    log "batch $BATCHES ($KIND, mutants $FIRST..$((FIRST + N - 1))): ${VERDICTS[*]} (-nVx, -2 -nVx, summary, -Y/-T fields, -z); $R of $N reached the CWMP dissector"
    if [ "${#BAD[@]}" -gt 0 ]; then
        # Bisect: each capture alone, every view.
        BEFORE=$FAILED_CAPTURES
        for m in "${MEMBERS[@]}"; do
            for view in "${VIEWS[@]}"; do
                # shellcheck disable=SC2086
                tshark_check "$m" $view; v=$VERDICT
                if [ "$v" != ok ]; then
                    count_verdict "$v"
                    FAILED_CAPTURES=$((FAILED_CAPTURES + 1))
                    name=$(basename "$m" .pcap)
                    cp "$m" "$OUT/failures/"
                    cp "$WORK/stderr.txt" "$OUT/failures/$name.stderr"
                    grep "^$name	" "$D/manifest.tsv" >> "$OUT/failures/manifest.tsv"
                    log "  FAIL $name (tshark $view): $v"
                    break
                fi
            done
        done
        # A batch that fails although no member fails alone is a failure too.
        [ "$FAILED_CAPTURES" -gt "$BEFORE" ] || { for v in "${BAD[@]}"; do count_verdict "$v"; done; cp "$D/batch.pcap" "$OUT/failures/batch-$BATCHES.pcap"; }
    fi
    if [ "$VG_MUTANTS" -lt "$VG_COUNT" ]; then
        K=$(( VG_COUNT - VG_MUTANTS < N ? VG_COUNT - VG_MUTANTS : N ))
        mergecap -a -F pcap -w "$D/vg.pcap" "${MEMBERS[@]:0:$K}" || die "mergecap failed"
        chmod a+r "$D/vg.pcap"
        valgrind_check "$D/vg.pcap" "batch$BATCHES"
        VG_MUTANTS=$((VG_MUTANTS + K))
    fi
    if [ "$KEEP" = 1 ]; then
        mkdir -p "$OUT/captures"
        cp "${MEMBERS[@]}" "$OUT/captures/"
        cat "$D/manifest.tsv" >> "$OUT/captures/manifest.tsv"
    fi
    FIRST=$((FIRST + N))
done

LEAK_LINE=
if [ "$LEAK_CONN" -gt 0 ]; then
    "$FUZZ" leakcap --out "$WORK/leak.pcap" --connections "$LEAK_CONN" --seed "$SEED" "${SEEDS[@]}" \
        || die "cwmp-fuzz leakcap failed"
    chmod a+r "$WORK/leak.pcap"
    PKTS=$(capinfos -Mc "$WORK/leak.pcap" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}')
    CWMP_MSGS=$(run_ws "$TSHARK" -n -r "$WORK/leak.pcap" -Y cwmp -T fields -e frame.number 2>/dev/null | wc -l)
    log "leak check: $LEAK_CONN connections, $PKTS packets, $CWMP_MSGS CWMP messages, under Valgrind"
    B_OURS=$VG_OURS B_LOST=$VG_LOST_OURS B_OTHER=$VG_LOST_OTHER
    valgrind_check "$WORK/leak.pcap" leak
    LEAK_LINE="leak_connections=$LEAK_CONN leak_packets=$PKTS leak_cwmp_messages=$CWMP_MSGS leak_errors_ours=$((VG_OURS - B_OURS)) leak_definitely_lost_ours_bytes=$((VG_LOST_OURS - B_LOST)) leak_definitely_lost_other_bytes=$((VG_LOST_OTHER - B_OTHER))"
fi

END=$(date +%s)
VG_OTHER=$((VG_OTHER - VG_OURS - VG_HANDED))
VG_LOST_OTHER=$((VG_LOST_OTHER - VG_LOST_OURS - VG_LOST_HANDED))
{
    echo "mode=$MODE"
    echo "seed=$SEED"
    echo "tshark=$($TSHARK --version 2>/dev/null | head -1)"
    echo "mutants=$MUTANTS"
    echo "xml_mutants=$XML_MUTANTS"
    echo "editcap_mutants=$EDITCAP_MUTANTS"
    echo "reached_cwmp=$REACHED"
    echo "batches=$BATCHES"
    echo "tshark_runs=$RUNS"
    echo "crashes=$CRASHES"
    echo "hangs=$HANGS"
    echo "tshark_errors=$TSHARK_ERRORS"
    echo "cwmp_dissector_bugs=$CWMP_BUGS"
    echo "failed_captures=$FAILED_CAPTURES"
    echo "other_dissector_bug_reports=$OTHER_BUGS"
    echo "glib_criticals=$CRITICALS"
    echo "valgrind_canary=$CANARY"
    echo "valgrind_mutants=$VG_MUTANTS"
    echo "valgrind_runs=$VG_RUNS"
    echo "valgrind_crashes=$VG_CRASHES"
    echo "valgrind_errors_ours=$VG_OURS"
    echo "valgrind_errors_in_dissectors_handed_on=$VG_HANDED"
    echo "valgrind_definitely_lost_handed_on_bytes=$VG_LOST_HANDED"
    echo "valgrind_errors_other=$VG_OTHER"
    echo "valgrind_definitely_lost_ours_bytes=$VG_LOST_OURS"
    echo "valgrind_definitely_lost_other_bytes=$VG_LOST_OTHER"
    echo "valgrind_incomplete_reports=$VG_INCOMPLETE"
    echo "valgrind_nonzero_exits=$VG_EXIT_NONZERO"
    [ -n "$LEAK_LINE" ] && echo "$LEAK_LINE" | tr ' ' '\n'
    echo "duration_s=$((END - START))"
} > "$OUT/summary.txt"
if [ -s "$OUT/dissector-bugs.txt" ]; then
    log "dissector bug reports by protocol (all runs, including bisection):"
    sort "$OUT/dissector-bugs.txt" | uniq -c | sort -rn | tee -a "$LOG"
fi
log "mutants that reached the CWMP dissector: $REACHED of $MUTANTS"
log "---- summary ($OUT/summary.txt)"
tee -a "$LOG" < "$OUT/summary.txt"
if [ $((CRASHES + HANGS + TSHARK_ERRORS + CWMP_BUGS + VG_OURS + VG_INCOMPLETE + FAILED_CAPTURES)) -gt 0 ] \
    || [ "$CANARY" = FAILED ]; then
    log "RESULT: FAIL (failing captures and reports in $OUT/failures)"
    exit 1
fi
log "RESULT: PASS"
exit 0
