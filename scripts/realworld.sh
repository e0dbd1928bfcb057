#!/usr/bin/env bash
# Scores the built plugin on the real-world corpus that lives outside the repository
# (default ../shared/realworld, or $CWMP_REALWORLD): runs its check.py with a tshark that has
# the plugin loaded (as nobody when run as root) and prints the summary, expert histogram included.
#
#   scripts/realworld.sh [extra tshark options...]     e.g. -o cwmp.datamodel_path:/path
#
# Needs a release build (cargo build --release --lib). Writes results under target/realworld/.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${CWMP_REALWORLD:-../shared/realworld}"
if [ ! -f "$corpus/check.py" ]; then
    echo "realworld: no corpus at $corpus (set CWMP_REALWORLD); nothing checked"
    exit 0
fi
so=target/release/libcwmp_dissector.so
[ -f "$so" ] || cargo build --release --lib -p cwmp-dissector
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
work=$(mktemp -d /tmp/cwmp-realworld.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins/$ver/epan" "$work/home"
cp "$so" "$work/plugins/$ver/epan/cwmp.so"
chmod -R a+rwX "$work"
out="$PWD/target/realworld"
mkdir -p "$out"
extra=""
for a in "$@"; do extra+=" $(printf %q "$a")"; done
wrapper="$work/tshark-plugin"
if [ "$(id -u)" -eq 0 ]; then
    runas="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
else
    runas=""
fi
cat >"$wrapper" <<W
#!/bin/sh
exec env HOME=$work/home WIRESHARK_PLUGIN_DIR=$work/plugins $runas tshark$extra "\$@"
W
chmod a+rx "$wrapper"
TS_PLUGIN="$wrapper" CHECK_OUT="$out" python3 "$corpus/check.py"
cat "$out/summary.txt"
