#!/usr/bin/env bash
# One command on a fresh Debian/Ubuntu machine with a Rust toolchain (>= 1.86): installs the system
# packages, builds the plugin, installs it where this user's Wireshark looks (the global plugin folder
# when run as root, since Wireshark ignores personal plugins as root), and shows it decoding the bundled
# capture.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S cmake -B target/cmake -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build target/cmake
cmake --install target/cmake

echo
echo "== tshark -r tests/captures/mikrotik-inform.pcap -Y cwmp -O cwmp -V"
tshark -n -r tests/captures/mikrotik-inform.pcap -Y cwmp -O cwmp -V
