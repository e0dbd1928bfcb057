#!/usr/bin/env bash
# Builds the Debian package of the plugin for the Wireshark installed on this machine.
#
#   scripts/package.sh
#
# Writes, under the cargo target folder (target/, or $CARGO_TARGET_DIR):
#   package/cwmp-dissector_<version>+ws<major>.<minor>_<arch>.deb         the plugin, stripped
#   package/cwmp-dissector-dbgsym_<version>+ws<major>.<minor>_<arch>.deb  its debug information
# and prints the path of the first on its last line.
#
# The library goes to $(pkg-config --variable=plugindir wireshark)/epan/cwmp.so, installed by the
# project's CMake file (which strips it). `Depends` names the package that owns the libwireshark.so.N the
# plugin is linked against, at least at the version it was built with (a plugin loads only into the
# Wireshark major.minor it was built for, and each of those has its own libwireshark package); the other
# shared libraries come from dpkg-shlibdeps. The debug package puts the debug information where gdb and
# perf look for it by build ID (/usr/lib/debug/.build-id/), as Debian's own -dbgsym packages do.
#
# Needs: cargo (Rust 1.86+), cmake, pkg-config, libwireshark-dev, dpkg-dev, binutils.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd -P)

die() { echo "package.sh: $*" >&2; exit 1; }
for tool in cargo:rustup cmake:cmake pkg-config:pkg-config dpkg-deb:dpkg dpkg-shlibdeps:dpkg-dev \
            objcopy:binutils readelf:binutils; do
    command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} not found (install ${tool#*:})"
done
pkg-config --exists wireshark || die "wireshark.pc not found (install libwireshark-dev)"

name=cwmp-dissector
version=$(cargo pkgid -p "$name" | sed 's/.*[#@]//')
ws_version=$(pkg-config --modversion wireshark)
ws_mm=$(grep -oE '^[0-9]+\.[0-9]+' <<<"$ws_version") || die "unexpected Wireshark version '$ws_version'"
arch=$(dpkg --print-architecture)
deb_version="$version+ws$ws_mm"
plugindir=$(pkg-config --variable=plugindir wireshark)

target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target="$project/$target"
out="$target/package"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/debian"

# Build, strip and install into the package tree through the same CMake file as a source install.
stage="$work/debian/$name"
cmake -S cmake -B "$work/build" -DCWMP_INSTALL_GLOBAL=ON >/dev/null
cmake --build "$work/build" >&2
DESTDIR="$stage" cmake --install "$work/build" >/dev/null
so="$stage$plugindir/epan/cwmp.so"
[ -f "$so" ] || die "CMake did not install $plugindir/epan/cwmp.so"
mkdir -p "$stage/DEBIAN"   # also how dpkg-shlibdeps finds the package root

# The Wireshark library package: the owner of the libwireshark.so.N the plugin links against.
soname=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(libwireshark\.so\.[0-9]*\)\].*/\1/p')
[ -n "$soname" ] || die "the plugin does not link against libwireshark"
libpath=$(pkg-config --variable=libdir wireshark)/$soname
[ -e "$libpath" ] || libpath=$(ldconfig -p | awk -v s="$soname" '$1 == s { print $NF; exit }')
[ -n "$libpath" ] && [ -e "$libpath" ] || die "$soname not found"
# ("package[:arch]: path" lines only; "diversion by ..." lines are skipped)
libpkg=$(dpkg-query -S "$(readlink -f "$libpath")" | sed -n 's/^\([^ :,]*\)\(:[^ :]*\)\{0,1\}: .*/\1/p' | head -n1)
[ -n "$libpkg" ] || die "no package owns $libpath"
libpkg_version=$(dpkg-query -W -f '${Version}' "$libpkg")
depends="$libpkg (>= ${libpkg_version%-*})"

# The other libraries (libc, glib, libwsutil), as dpkg-shlibdeps finds them from their symbols files.
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$name" "$name" >"$work/debian/control"
others=$(cd "$work" && dpkg-shlibdeps -O -x"$libpkg" "debian/$name$plugindir/epan/cwmp.so" \
    | sed -n 's/^shlibs:Depends=//p')
[ -z "$others" ] || depends="$depends, $others"

# /usr/share/doc: the licence of the plugin and of the Rust crates built into it.
doc="$stage/usr/share/doc/$name"
mkdir -p "$doc"
crates=$(cargo tree -p "$name" -e normal --prefix none --format '{p}|{l}' \
    | sed 's/ (\*)$//' | grep -v "^$name " | sort -u \
    | awk -F'|' '{ printf " %s: %s\n", $1, $2 }')
cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $name
Comment: A Wireshark plugin that dissects CWMP (TR-069). Besides its own code, cwmp.so contains the
 Rust standard library (MIT OR Apache-2.0) and these Rust crates, each under its own licence (the
 licence texts follow; the copyright holders are named in each crate's own files):
 .
$crates

Files: *
Copyright: the $name developers
License: GPL-2+

License: GPL-2+
 This program is free software; you can redistribute it and/or modify it under the terms of the GNU
 General Public License as published by the Free Software Foundation; either version 2 of the License,
 or (at your option) any later version.
 .
 This program is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; without even
 the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
 License for more details.
 .
 On Debian systems, the complete text of the GNU General Public License version 2 can be found in
 /usr/share/common-licenses/GPL-2.

License: Apache-2.0
 On Debian systems, the complete text of the Apache License, Version 2.0 can be found in
 /usr/share/common-licenses/Apache-2.0.

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
 associated documentation files (the "Software"), to deal in the Software without restriction,
 including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense,
 and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so,
 subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or substantial
 portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
 LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN
 NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
 WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
 SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

License: BSD-3-Clause
 Redistribution and use in source and binary forms, with or without modification, are permitted
 provided that the following conditions are met:
 .
 1. Redistributions of source code must retain the above copyright notice, this list of conditions and
    the following disclaimer.
 2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions
    and the following disclaimer in the documentation and/or other materials provided with the
    distribution.
 3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or
    promote products derived from this software without specific prior written permission.
 .
 THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED
 WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
 PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR
 ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
 LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
 INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR
 TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF
 ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

License: Unlicense
 This is free and unencumbered software released into the public domain (https://unlicense.org).
EOF

maintainer="${DEBFULLNAME:-$name developers} <${DEBEMAIL:-$name@localhost}>"

# control, md5sums and the archive for one package tree ($1), as dpkg-gencontrol/dh_md5sums would.
build_deb() {
    local tree=$1 file=$2
    (cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
        | xargs -0 -r md5sum >DEBIAN/md5sums)
    find "$tree" -type d -exec chmod 0755 {} +
    find "$tree" -type f -exec chmod 0644 {} +
    dpkg-deb --root-owner-group -Zxz --build "$tree" "$out/$file" >/dev/null
}
installed_size() { du -sk --exclude=DEBIAN "$1" | cut -f1; }

build_id=$(readelf -n "$so" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
[ -n "$build_id" ] || die "the plugin has no build ID"

# The debug package: the debug file under its build ID. The stripped library names it too, through its
# .gnu_debuglink section.
dbg="$work/debian/$name-dbgsym"
mkdir -p "$dbg/DEBIAN" "$dbg/usr/lib/debug/.build-id/${build_id:0:2}" "$dbg/usr/share/doc"
cp "$work/build/cwmp.so.debug" "$dbg/usr/lib/debug/.build-id/${build_id:0:2}/${build_id:2}.debug"
ln -s "$name" "$dbg/usr/share/doc/$name-dbgsym"
cat >"$dbg/DEBIAN/control" <<EOF
Package: $name-dbgsym
Source: $name
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(installed_size "$dbg")
Depends: $name (= $deb_version)
Section: debug
Priority: optional
Build-Ids: $build_id
Description: debug symbols for $name
 The debug information of the CWMP (TR-069) plugin for Wireshark $ws_mm, for gdb and perf.
EOF
build_deb "$dbg" "${name}-dbgsym_${deb_version}_${arch}.deb"

cat >"$stage/DEBIAN/control" <<EOF
Package: $name
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(installed_size "$stage")
Depends: $depends
Enhances: tshark, wireshark
Section: net
Priority: optional
Description: CWMP (TR-069) dissector plugin for Wireshark $ws_mm
 Decodes the CPE WAN Management Protocol (TR-069: SOAP over HTTP between a
 CPE and its ACS) in Wireshark and tshark $ws_mm: every RPC with typed,
 filterable fields (cwmp.*), sessions with request/response links and
 response times, expert items for protocol errors, and statistics.
 .
 Built for Wireshark $ws_version ($libpkg); a plugin loads only into the
 Wireshark major.minor version it was built for.
EOF
deb="$out/${name}_${deb_version}_${arch}.deb"
build_deb "$stage" "$(basename "$deb")"

echo "package.sh: $(du -h "$deb" | cut -f1) $(dpkg-deb -f "$deb" Package Version Depends | tr '\n' ' ')" >&2
echo "$deb"
