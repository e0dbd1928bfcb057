#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the plugin needs to build, test and run.
# Uses sudo when not run as root. Safe to run again.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

packages=(
    build-essential pkg-config cmake        # C shim, pkg-config lookups, the CMake installer
    libwireshark-dev libglib2.0-dev         # Wireshark's headers and library (wireshark.pc needs glib's .pc)
    libclang-dev                            # bindgen
    tshark wireshark-common                 # the real tshark for the integration tests; editcap, mergecap
    openssl                                 # independent HMAC vectors and the TLS test's peers
    valgrind                                # memcheck runs of the fuzz script
    util-linux                              # setpriv: tests run tshark as an unprivileged user
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: $(pkg-config --modversion wireshark) development files and $(tshark --version | head -n1) installed"
