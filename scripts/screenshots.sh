#!/usr/bin/env bash
# Takes the README's screenshots from the real Wireshark GUI with the freshly built plugin:
#   docs/screenshots/cwmp-tree.png   an Inform selected, its CWMP tree expanded (arrays collapsed)
#   docs/screenshots/cwmp-fault.png  a Fault answering SetParameterValues: response link and time
#   docs/screenshots/cwmp-stats.png  Statistics > CWMP > Messages, Events, Faults and Devices
#   docs/screenshots/cwmp-srt.png    Statistics > CWMP > Response Times
#   docs/screenshots/cwmp-flow.png   Statistics > Flow Graph, flow type "CWMP Flows"
#   docs/screenshots/cwmp-objects.png File > Export Objects > CWMP
#   docs/screenshots/cwmp-changes.png Statistics > CWMP/Changes (the change log)
# all on tests/captures/cwmp-sessions.pcap, and
#   docs/screenshots/cwmp-datamodel.png  a SetParameterValuesFault 9008 for Device.DeviceInfo.UpTime,
#                                        annotated from the data models, with the read_only expert item
# on a session written by our generator (tools/capgen), with the Broadband Forum's models from
# CWMP_DATAMODELS (default ../shared/datamodels; copied to the temporary folder for the unprivileged
# Wireshark, never into the repository). Without that folder this picture is skipped with a message.
# Not part of the test suite: it needs an X server (Xvfb), installs the GUI packages when they are
# missing (as root), and takes about two minutes.
#
# Wireshark ignores personal plugins and WIRESHARK_PLUGIN_DIR when run as root, so it runs as
# `nobody` with a private, world-readable HOME and plugin folder. The window layout comes from the
# profile written below (1500x1050, no bytes pane, generic XML tree off), so the pictures are the
# same from run to run; the tree is opened with keystrokes (xdotool), the statistics dialogs through
# the Statistics menu (Wireshark 4.0's GUI does not accept `-z cwmp,tree`: it only knows its built-in
# taps there).
#
# usage: scripts/screenshots.sh [OUTDIR]     (default docs/screenshots)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=${1:-$repo/docs/screenshots}
capture=$repo/tests/captures/cwmp-sessions.pcap
[ -f "$capture" ] || { echo "screenshots: $capture missing (cargo test --release --test bundled_sessions)" >&2; exit 1; }

# ---- Packages ---------------------------------------------------------------------------------------
need=()
command -v wireshark >/dev/null || need+=(wireshark-qt)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdpyinfo >/dev/null || need+=(x11-utils)
command -v xdotool >/dev/null || need+=(xdotool)
command -v import >/dev/null || need+=(imagemagick)
command -v setpriv >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "screenshots: missing ${need[*]}; run as root or install them" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi

# ---- The plugin, in a private plugin folder ---------------------------------------------------------
cargo build --release --lib -p cwmp-dissector
cargo build --release -p cwmp-capgen --bin cwmp-capgen
so=${CARGO_TARGET_DIR:-$repo/target}/release/libcwmp_dissector.so
capgen=${CARGO_TARGET_DIR:-$repo/target}/release/cwmp-capgen
models=${CWMP_DATAMODELS:-$repo/../shared/datamodels}
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
gui_ver=$(wireshark --version | head -n1 | sed -E 's/.* ([0-9]+\.[0-9]+)\..*/\1/')
if [ "$ver" != "$gui_ver" ]; then
    echo "screenshots: plugin built for Wireshark $ver but the GUI is $gui_ver" >&2
    exit 1
fi

work=$(mktemp -d /tmp/cwmp-shots.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/plugins/$ver/epan" "$work/home/.config/wireshark" "$work/runtime" "$work/shots"
cp "$so" "$work/plugins/$ver/epan/cwmp.so"
cp "$capture" "$work/cwmp-sessions.pcap"
have_models=false
if compgen -G "$models/*.xml" >/dev/null; then
    mkdir -p "$work/datamodels"
    cp "$models"/*.xml "$work/datamodels/"
    have_models=true
fi
cfg=$work/home/.config/wireshark
cat >"$cfg/preferences" <<'EOF'
# The CWMP tree alone: Wireshark's generic XML tree of the body would double the picture.
cwmp.xml_tree: FALSE
EOF
cat >"$cfg/recent_common" <<'EOF'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1500
gui.geometry_main_height: 1050
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
cat >"$cfg/recent" <<'EOF'
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.time_format: RELATIVE
gui.geometry_main_upper_pane: 300
column.width:
        %m, 50,
        %t, 90,
        %s, 110,
        %d, 110,
        %p, 60,
        %L, 55,
        %i, -1
EOF
chmod -R a+rwX "$work"
chown nobody "$work/runtime" && chmod 700 "$work/runtime" || true

# ---- X server ---------------------------------------------------------------------------------------
xvfb_pid=""
ws_pid=""
cleanup() {
    if [ -n "$ws_pid" ] && kill -0 "$ws_pid" 2>/dev/null; then kill "$ws_pid" 2>/dev/null || true; fi
    if [ -n "$xvfb_pid" ] && kill -0 "$xvfb_pid" 2>/dev/null; then kill "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

n=99
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
export DISPLAY=:$n
Xvfb "$DISPLAY" -screen 0 1500x1050x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
xdpyinfo >/dev/null 2>&1 || { cat "$work/xvfb.log" >&2; echo "screenshots: Xvfb did not start" >&2; exit 1; }

# ---- Helpers ----------------------------------------------------------------------------------------
# The capture the next start_wireshark opens (a file name in $work).
pcap=cwmp-sessions.pcap

# Starts Wireshark on $pcap as nobody, with the arguments given.
start_wireshark() {
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
        env -i PATH=/usr/bin:/bin HOME="$work/home" DISPLAY="$DISPLAY" LANG=C.UTF-8 \
        XDG_RUNTIME_DIR="$work/runtime" WIRESHARK_PLUGIN_DIR="$work/plugins" \
        wireshark -r "$work/$pcap" "$@" >>"$work/wireshark.log" 2>&1 &
    ws_pid=$!
}

# Prints the id of the first visible window whose name matches the regex, waiting up to 30 s.
wait_window() {
    local id=""
    for _ in $(seq 150); do
        id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n1 || true)
        [ -n "$id" ] && { echo "$id"; return 0; }
        sleep 0.2
    done
    echo "screenshots: no window named /$1/ appeared" >&2
    cat "$work/wireshark.log" >&2
    return 1
}

main_window() {
    local id
    id=$(wait_window "${pcap//./\\.}\$")
    sleep 3 # the file is read and the packet selected after the title is set
    echo "$id"
}

quit_wireshark() {
    xdotool windowfocus --sync "$1" key ctrl+q || true
    for _ in $(seq 50); do kill -0 "$ws_pid" 2>/dev/null || { ws_pid=""; return 0; }; sleep 0.2; done
    kill "$ws_pid" 2>/dev/null || true
    ws_pid=""
}

# Prints KEY N times, space-separated (an xdotool key list).
repeat() {
    local i
    for ((i = 0; i < $2; i++)); do printf '%s ' "$1"; done
}

# Writes a PNG small enough for the repository (< 300 KB).
save_png() {
    convert "$1" -strip -define png:compression-level=9 "$2"
    if [ "$(stat -c %s "$2")" -gt 300000 ]; then
        convert "$1" -strip -colors 256 -define png:compression-level=9 "PNG8:$2"
    fi
    echo "screenshots: $2 ($(stat -c %s "$2") bytes)"
}

# tree_shot FILTER FRAME KEYS OUT [WIRESHARK ARGS...]: selects FRAME in the list filtered by FILTER, focuses the details
# pane (a click on its empty lower part), jumps to its last top-level item (CWMP, as the XML tree is
# off) and types KEYS to open the wanted subtrees and select a field (its filter name shows in the
# status bar).
tree_shot() {
    local win
    start_wireshark -Y "$1" -g "$2" "${@:5}"
    win=$(main_window)
    xdotool windowfocus --sync "$win"
    xdotool mousemove --sync 700 1000 click 1
    # The first key after the click can be lost while the focus moves: End twice is still the end.
    sleep 1
    xdotool key End
    sleep 0.5
    # shellcheck disable=SC2086 # KEYS is a list of key names
    xdotool key --delay 40 End Right $3
    sleep 1
    import -window root "$work/shots/tree.png"
    save_png "$work/shots/tree.png" "$4"
    quit_wireshark "$win"
}

# stats_shot UPS ITEM_DOWNS TITLE OUT: opens Statistics (Alt+S), goes UPS items up from the top
# (wrapping to the plugin section at the bottom), opens that submenu, moves ITEM_DOWNS down and
# opens the dialog; checks that the dialog's title matches TITLE, enlarges it, sorts it by item and
# takes it alone.
stats_shot() {
    local win dlg
    start_wireshark
    win=$(main_window)
    xdotool windowfocus --sync "$win"
    xdotool key alt+s
    sleep 0.5
    # shellcheck disable=SC2046 # key lists
    xdotool key --delay 80 $(repeat Up "$1") Right $(repeat Down "$2") Return
    dlg=$(wait_window "$3")
    xdotool windowmove "$dlg" 0 0 windowsize "$dlg" 960 "$5"
    sleep 0.5
    # Sort by Topic / Item, ascending (the dialog opens sorted descending).
    xdotool mousemove --sync 150 21 click 1
    sleep 1
    import -window "$dlg" "$work/shots/stats.png"
    save_png "$work/shots/stats.png" "$4"
    xdotool windowfocus --sync "$dlg" key Escape || true
    quit_wireshark "$win"
}

# menu_dialog MENU UPS KEYS TITLE: opens a menu (MENU: an Alt key), goes UPS items up from the top
# (wrapping to the bottom), types KEYS (a key list), waits for the dialog whose title matches TITLE and
# prints its id.
menu_dialog() {
    local win
    win=$(main_window)
    xdotool windowfocus --sync "$win"
    xdotool key "$1"
    sleep 0.5
    # shellcheck disable=SC2046,SC2086 # key lists
    xdotool key --delay 80 $(repeat Up "$2") $3
    wait_window "$4"
}

# dialog_shot DIALOG W H OUT: moves the dialog to the corner at W x H, takes it alone, closes it and
# quits.
dialog_shot() {
    xdotool windowmove "$1" 0 0 windowsize "$1" "$2" "$3"
    sleep 1
    import -window "$1" "$work/shots/dialog.png"
    save_png "$work/shots/dialog.png" "$4"
    xdotool windowfocus --sync "$1" key Escape || true
    quit_wireshark "$(main_window)"
}

# The bodies of a Device:2 session for the data-model picture, as envelopes with a cwmp:ID.
envelope() {
    printf '%s\n<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">%s</cwmp:ID></soap-env:Header>\n<soap-env:Body>%s</soap-env:Body>\n</soap-env:Envelope>\n' \
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">' \
        "$1" "$2"
}
pvs() {
    printf '<ParameterValueStruct><Name>%s</Name><Value xsi:type="%s">%s</Value></ParameterValueStruct>' "$@"
}

# dm_capture OUT: with our generator, one session of a Device:2 CPE: Inform (RootDataModelVersion
# 2.17) and InformResponse; empty POST and a SetParameterValues that writes the read-only
# Device.DeviceInfo.UpTime and the writable PeriodicInformInterval; the CPE's Fault 9003 with a
# SetParameterValuesFault 9008 for UpTime; 204.
dm_capture() {
    local d=$work/dm-bodies
    mkdir -p "$d"
    envelope 1 "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI><ProductClass>GW</ProductClass><SerialNumber>GW900A0001</SerialNumber></DeviceId><Event soap-enc:arrayType=\"cwmp:EventStruct[1]\"><EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey></CommandKey></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[2]\">$(pvs Device.RootDataModelVersion xsd:string 2.17)$(pvs Device.DeviceInfo.UpTime xsd:unsignedInt 86400)</ParameterList></cwmp:Inform>" >"$d/inform.xml"
    envelope 1 '<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>' >"$d/inform-response.xml"
    : >"$d/empty"
    envelope 2 "<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[2]\">$(pvs Device.DeviceInfo.UpTime xsd:unsignedInt 5)$(pvs Device.ManagementServer.PeriodicInformInterval xsd:unsignedInt 300)</ParameterList><ParameterKey>k1</ParameterKey></cwmp:SetParameterValues>" >"$d/spv.xml"
    envelope 2 '<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString><SetParameterValuesFault><ParameterName>Device.DeviceInfo.UpTime</ParameterName><FaultCode>9008</FaultCode><FaultString>Attempt to set a non-writable parameter</FaultString></SetParameterValuesFault></cwmp:Fault></detail></soap-env:Fault>' >"$d/fault.xml"
    "$capgen" exchange --out "$1" \
        --req-body "$d/inform.xml" --resp-body "$d/inform-response.xml" \
        --req-body "$d/empty" --resp-body "$d/spv.xml" \
        --req-body "$d/fault.xml"
    chmod a+r "$1"
}

mkdir -p "$out"

# The authenticated Inform of session 1 (frame 10): session, device and "Response In" on top; the
# SOAP header, DeviceId and Event list opened; ParameterList left closed under its count; the
# "Method: Inform" line selected (cwmp.method in the status bar).
tree_shot 'cwmp' 10 \
    "$(repeat Down 8) Right Down Down Right $(repeat Down 3) Right $(repeat Down 5) Right $(repeat Up 8)" \
    "$out/cwmp-tree.png"

# The Fault 9003 of session 2 (frame 45), answering the SetParameterValues in frame 43: "Response To"
# and "Response Time" on top, both SetParameterValuesFault entries opened, the response time selected.
tree_shot 'cwmp.session == 2' 45 \
    "$(repeat Down 10) Right $(repeat Down 6) Right $(repeat Down 3) Right $(repeat Down 4) Right $(repeat Up 15)" \
    "$out/cwmp-fault.png"

# Statistics > CWMP is the second item from the bottom of the menu (the plugin section: CWMP, F5).
stats_shot 2 0 'Messages, Events, Faults and Devices' "$out/cwmp-stats.png" 800
stats_shot 2 1 'Response Times' "$out/cwmp-srt.png" 300

# Statistics > CWMP/Changes, the change log (4.0 lists stat tables by their whole title, so it sits in
# the plugin section at the top, the ninth item), wide enough for the result column.
start_wireshark
dialog_shot "$(menu_dialog alt+s 0 "$(repeat Down 8) Return" 'CWMP/Changes')" 1500 300 "$out/cwmp-changes.png"

# File > Export Objects > CWMP (third item from the bottom of the File menu, first in its submenu).
start_wireshark
dialog_shot "$(menu_dialog alt+f 3 'Right Return' 'Export.*CWMP')" 960 700 "$out/cwmp-objects.png"

# Statistics > Flow Graph (the nineteenth item), flow type "CWMP Flows" chosen in its list (typed),
# then Addresses "Network" and "Any" again: Wireshark 4.0 first graphs with addresses although the
# list says "Any"; after that, one column per device named by its identity.
start_wireshark
flow=$(menu_dialog alt+s 0 "$(repeat Down 18) Return" 'Wireshark · Flow')
xdotool windowmove "$flow" 0 0 windowsize "$flow" 1500 840
sleep 1
xdotool mousemove --sync 786 784 click 1
sleep 0.7
xdotool type --delay 80 CWMP
xdotool key Return
sleep 2
xdotool mousemove --sync 1445 784 click 1
sleep 0.7
xdotool key Down Return
sleep 2
xdotool mousemove --sync 1445 784 click 1
sleep 0.7
xdotool key Up Return
sleep 2
dialog_shot "$flow" 1500 840 "$out/cwmp-flow.png"

# The data models: the CPE's SetParameterValuesFault 9008 (frame 12) answering a write of the
# read-only Device.DeviceInfo.UpTime: below the parameter name the model's one-line annotation, opened
# on its fields, with the read_only expert item saying that 9008 agrees; "Access: readOnly" selected
# (cwmp.dm.access in the status bar).
if $have_models; then
    dm_capture "$work/cwmp-datamodel.pcap"
    pcap=cwmp-datamodel.pcap
    tree_shot 'cwmp' 12 \
        "$(repeat Down 11) Right $(repeat Down 6) Right $(repeat Down 3) Right Down Right Down Right $(repeat Down 5)" \
        "$out/cwmp-datamodel.png" -o "cwmp.datamodel_path:$work/datamodels"
    pcap=cwmp-sessions.pcap
else
    echo "screenshots: no data models in $models (set CWMP_DATAMODELS): cwmp-datamodel.png not taken" >&2
fi
