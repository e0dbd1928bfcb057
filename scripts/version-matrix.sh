#!/usr/bin/env bash
# Build and test the plugin against every Wireshark version that Debian ships.
#
#   scripts/version-matrix.sh [OPTIONS] [VERSIONS...]
#
# VERSIONS are Wireshark major.minor versions (4.0 4.2 4.4 4.6) or Debian suite
# names (bookworm trixie sid). Default: 4.0 4.4 4.6. 4.0=bookworm, 4.4=trixie,
# 4.6=sid; 4.2 is in no suite reachable from deb.debian.org (reported as
# skip, exit status 1).
#
# For each version the script
#   1. creates, once, a `debootstrap --variant=minbase` chroot of the Debian
#      suite shipping it under $CACHE/<suite> and installs $PACKAGES there
#      (cached; re-done only if the package list changes or --refresh is given),
#   2. bind-mounts the host's rustup toolchain (read-only), a shared cargo home,
#      a per-suite target dir and the project (at the same path) into it,
#   3. runs $BUILD_CMD and then $INNER_CMD from the project directory inside
#      the chroot, with CWMP_TSHARK=/usr/bin/tshark (that suite's tshark),
#   4. builds the Debian package there with scripts/package.sh, installs it
#      with `apt-get install ./<file>.deb`, checks as root that `tshark -G
#      plugins` lists it and that tshark decodes the bundled capture with it,
#      removes it again, and copies the package to the project's
#      target/package/ (the summary gives its name and size).
#
# Options:
#   --setup-only   only create/update the chroots, build nothing
#   --package-only only the package steps (4.), no build or test run
#   --refresh      apt-get update && dist-upgrade inside the chroots first
#   --shell        open an interactive shell in the (single) chroot with the
#                  same mounts and environment, instead of building
#   -h, --help     show this help
#
# The Debian mirror is the one the host's own apt sources use (deb822
# /etc/apt/sources.list.d/*.sources or one-line sources.list entries of a
# Debian suite), else http://deb.debian.org/debian.
#
# Environment overrides: INNER_CMD, BUILD_CMD, CWMP_MATRIX_CACHE,
# CWMP_MATRIX_MIRROR and CWMP_MATRIX_SECURITY_MIRROR (instead of the host's
# sources), CWMP_MATRIX_PROJECT (another cargo project, e.g. the
# probe crate), CWMP_MATRIX_CA_BUNDLE (host CA bundle bind-mounted over the
# chroot's, default /etc/ssl/certs/ca-certificates.crt), RUSTUP_TOOLCHAIN.
# Logs and summary: $CACHE/logs/. Exit status 0 only if all builds/tests pass.
# Must run as root (debootstrap, chroot, mount). See docs/version-matrix.md.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

# The command run inside each chroot, from the project directory.
INNER_CMD="${INNER_CMD:-cargo test --release}"
# Build step run before INNER_CMD (reported as the "build" column).
BUILD_CMD="${BUILD_CMD:-cargo build --release --all-targets}"

CACHE="${CWMP_MATRIX_CACHE:-/var/cache/cwmp-matrix}"

# "URI SUITE" for every enabled `deb` source of the host: one-line entries
# ("deb [options] URI SUITE COMPONENTS...") and deb822 paragraphs (Types,
# URIs, Suites, Enabled; fields may continue on indented lines).
host_apt_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
        {
            split("", f); key = ""
            for (i = 1; i <= NF; i++) {
                line = $i
                if (line ~ /^#/) continue
                if (line ~ /^[ \t]/) { if (key != "") f[key] = f[key] " " line; continue }
                p = index(line, ":"); if (!p) continue
                key = tolower(substr(line, 1, p - 1)); f[key] = substr(line, p + 1)
            }
            if (tolower(f["enabled"]) ~ /no/ || f["types"] !~ /(^|[ \t])deb([ \t]|$)/) next
            n = split(f["uris"], u, /[ \t]+/); m = split(f["suites"], s, /[ \t]+/)
            for (a = 1; a <= n; a++) for (b = 1; b <= m; b++)
                if (u[a] != "" && s[b] != "") print u[a], s[b]
        }' "$f"
    done
}
# The host's mirror of the Debian archive ($1 = main) or of its security
# archive ($1 = security); only sources of Debian suites count (an Ubuntu or
# third-party source is no Debian mirror).
host_mirror() {
    local uri suite
    while read -r uri suite; do
        case "${suite%%[-/]*}" in
            buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable) ;;
            *) continue ;;
        esac
        case "$suite" in
            *-security|*/updates) [ "$1" != security ] || { echo "${uri%/}"; return; } ;;
            *) [ "$1" != main ] || { echo "${uri%/}"; return; } ;;
        esac
    done < <(host_apt_sources)
}
if [ -n "${CWMP_MATRIX_MIRROR:-}" ]; then
    MIRROR="$CWMP_MATRIX_MIRROR"
    SECURITY_MIRROR="${CWMP_MATRIX_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}"
else
    MIRROR="$(host_mirror main)"; MIRROR="${MIRROR:-http://deb.debian.org/debian}"
    SECURITY_MIRROR="${CWMP_MATRIX_SECURITY_MIRROR:-$(host_mirror security)}"
    SECURITY_MIRROR="${SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}"
fi
KEYRING="/usr/share/keyrings/debian-archive-keyring.gpg"
PACKAGES="tshark wireshark-common libwireshark-dev libglib2.0-dev libclang-dev pkg-config build-essential cmake ca-certificates openssl valgrind"
DEFAULT_VERSIONS="4.0 4.4 4.6"

PROJECT="$(cd "${CWMP_MATRIX_PROJECT:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd -P)"
HOST_CARGO="/root/.cargo"     # only bin/ (rustup proxies) is used; mounted read-only
HOST_RUSTUP="${RUSTUP_HOME:-/root/.rustup}"
# Host CA bundle, bind-mounted over the chroot's during builds: HTTPS here goes
# through an intercepting proxy whose CA is only in the host's trust store.
HOST_CA="${CWMP_MATRIX_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
CARGO_HOME_DIR="$CACHE/cargo-home"  # shared registry/git cache for all suites
PNAME="$(basename "$PROJECT")"
TARGET_BASE="$CACHE/target/$PNAME"   # + /<suite>
LOG_DIR="$CACHE/logs"

SETUP_ONLY=0 REFRESH=0 SHELL_MODE=0 PACKAGE_ONLY=0
ARGS=()
for a in "$@"; do
    case "$a" in
        --setup-only) SETUP_ONLY=1 ;;
        --package-only) PACKAGE_ONLY=1 ;;
        --refresh) REFRESH=1 ;;
        --shell) SHELL_MODE=1 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        -*) echo "unknown option: $a" >&2; exit 2 ;;
        *) ARGS+=("$a") ;;
    esac
done
[ ${#ARGS[@]} -gt 0 ] || read -r -a ARGS <<<"$DEFAULT_VERSIONS"

log() { printf '\033[1m[matrix %(%H:%M:%S)T]\033[0m %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"
command -v debootstrap >/dev/null || die "debootstrap not installed (apt-get install debootstrap)"
[ -x "$HOST_CARGO/bin/cargo" ] || die "no rustup proxies in $HOST_CARGO/bin"
[ -d "$HOST_RUSTUP/toolchains" ] || die "no rustup toolchains in $HOST_RUSTUP"

# version/suite -> suite ("" = not available from the Debian archive)
suite_for() {
    case "$1" in
        4.0|4.0.*|bookworm) echo bookworm ;;
        4.4|4.4.*|trixie)   echo trixie ;;
        4.6|4.6.*|sid|unstable) echo sid ;;
        4.2|4.2.*) echo "" ;;   # not in any Debian suite/backports, see docs
        *) return 1 ;;
    esac
}

# ---------------------------------------------------------------- mounts ----
MOUNTS=()   # mount points, unmounted in reverse order on exit
mnt() {     # mnt <kind> <src> <dst>; kind: bind|robind|rbind|proc
    local kind=$1 src=$2 dst=$3
    if [ -d "$src" ]; then mkdir -p "$dst"; else
        mkdir -p "$(dirname "$dst")"; [ -e "$dst" ] || : >"$dst"; fi
    case "$kind" in
        proc)   mount -t proc proc "$dst" ;;
        bind)   mount --bind "$src" "$dst" ;;
        robind) mount --bind "$src" "$dst"; mount -o remount,bind,ro "$dst" ;;
        rbind)  mount --rbind "$src" "$dst"; mount --make-rslave "$dst" ;;
    esac
    MOUNTS+=("$dst")
}
umount_all() {
    local i
    for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do
        umount -R "${MOUNTS[i]}" 2>/dev/null || umount -R -l "${MOUNTS[i]}" \
            || log "WARNING: could not unmount ${MOUNTS[i]}"
    done
    MOUNTS=()
}
trap umount_all EXIT
trap 'exit 130' INT TERM

mount_system() {   # what apt/dpkg and the build need
    local r=$1
    mnt proc  proc        "$r/proc"
    mnt rbind /sys        "$r/sys"
    mnt rbind /dev        "$r/dev"
    mnt robind /etc/resolv.conf "$r/etc/resolv.conf"
}
mount_build() {    # toolchain, caches, project
    local r=$1 suite=$2
    mkdir -p "$CARGO_HOME_DIR" "$TARGET_BASE/$suite"
    mnt robind "$HOST_CARGO"  "$r/root/.cargo"
    mnt robind "$HOST_RUSTUP" "$r/root/.rustup"
    mnt bind "$CARGO_HOME_DIR"       "$r$CARGO_HOME_DIR"
    mnt bind "$TARGET_BASE/$suite"   "$r$TARGET_BASE/$suite"
    mnt bind "$PROJECT"              "$r$PROJECT"
    [ ! -f "$HOST_CA" ] || mnt robind "$HOST_CA" "$r/etc/ssl/certs/ca-certificates.crt"
}
assert_no_mounts_under() {
    if findmnt -rn -o TARGET | grep -q "^$1\(/\|$\)"; then
        die "something is still mounted under $1; refusing to touch it"
    fi
}

# ---------------------------------------------------------------- chroot ----
in_chroot() { chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                  HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "${@:2}"; }

write_apt_config() {   # sources incl. -updates/-security for stable suites
    local r=$1 suite=$2
    {
        echo "deb $MIRROR $suite main"
        if [ "$suite" != sid ]; then
            echo "deb $MIRROR $suite-updates main"
            echo "deb $SECURITY_MIRROR $suite-security main"
        fi
    } >"$r/etc/apt/sources.list"
    # The mirror reachable here can lag behind the clock (sid's InRelease was
    # 3 weeks past Valid-Until); the host apt config disables the check too.
    cat >"$r/etc/apt/apt.conf.d/99cwmp-matrix" <<'APT'
Acquire::Check-Valid-Until "false";
Acquire::Languages "none";
APT::Install-Recommends "false";
Dpkg::Use-Pty "false";
APT
}

ensure_chroot() {   # idempotent; stamps: .cwmp-base-ok, .cwmp-packages
    local suite=$1 r="$CACHE/$1" t0=$SECONDS
    if [ ! -f "$r/.cwmp-base-ok" ]; then
        assert_no_mounts_under "$r.partial"; assert_no_mounts_under "$r"
        rm -rf "$r.partial" "$r"
        log "$suite: debootstrap --variant=minbase (takes a few minutes)"
        debootstrap --variant=minbase --keyring="$KEYRING" "$suite" "$r.partial" "$MIRROR" \
            >"$LOG_DIR/$suite-debootstrap.log" 2>&1 \
            || { tail -n 30 "$LOG_DIR/$suite-debootstrap.log" >&2; die "$suite: debootstrap failed"; }
        touch "$r.partial/.cwmp-base-ok"
        mv "$r.partial" "$r"
        log "$suite: debootstrap done in $((SECONDS-t0))s"
    fi
    local want; want="$PACKAGES|apt-config-v1|$MIRROR|$SECURITY_MIRROR"
    if [ "$(cat "$r/.cwmp-packages" 2>/dev/null)" != "$want" ] || [ "$REFRESH" = 1 ]; then
        local t1=$SECONDS
        log "$suite: installing packages"
        mount_system "$r"
        printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"; chmod 755 "$r/usr/sbin/policy-rc.d"
        write_apt_config "$r" "$suite"
        echo 'wireshark-common wireshark-common/install-setuid boolean false' \
            | in_chroot "$r" debconf-set-selections
        # (explicit && chain: set -e is not in effect inside a `|| ...` list)
        # shellcheck disable=SC2086
        { in_chroot "$r" apt-get update \
            && { [ "$REFRESH" != 1 ] || in_chroot "$r" apt-get -y dist-upgrade; } \
            && in_chroot "$r" apt-get install -y --no-install-recommends $PACKAGES \
            && in_chroot "$r" apt-get clean
        } >"$LOG_DIR/$suite-apt.log" 2>&1 \
            || { tail -n 30 "$LOG_DIR/$suite-apt.log" >&2; die "$suite: package installation failed"; }
        umount_all
        echo "$want" >"$r/.cwmp-packages"
        log "$suite: packages installed in $((SECONDS-t1))s"
    fi
}

# Environment for commands in the build chroot. The host's rustup proxies are
# used with the host's RUSTUP_HOME (read-only); the default toolchain (or
# RUSTUP_TOOLCHAIN / rust-toolchain.toml) is resolved exactly as on the host.
build_env() {   # sets BENV (array of VAR=value) for <suite>
    local suite=$1
    BENV=(PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
          HOME=/root LC_ALL=C.UTF-8 TERM=dumb
          RUSTUP_HOME=/root/.rustup RUSTUP_AUTO_INSTALL=0
          CARGO_HOME="$CARGO_HOME_DIR" CARGO_TARGET_DIR="$TARGET_BASE/$suite"
          CWMP_TSHARK=/usr/bin/tshark CWMP_MATRIX_SUITE="$suite")
    [ -z "${RUSTUP_TOOLCHAIN:-}" ] || BENV+=(RUSTUP_TOOLCHAIN="$RUSTUP_TOOLCHAIN")
}
run_in_build_chroot() {   # run_in_build_chroot <suite> <shell command>
    local suite=$1 cmd=$2 BENV
    build_env "$suite"
    chroot "$CACHE/$suite" /usr/bin/env -i "${BENV[@]}" \
        /bin/bash -c "cd $(printf %q "$PROJECT") && $cmd"
}

# --------------------------------------------------------------- package ----
# Runs inside the build chroot, from the project directory (serialised with
# `declare -f`): builds the package, installs it with apt, checks as root that
# tshark lists the plugin and decodes the bundled capture with it, and removes
# it again. Prints "PACKAGE <path of the .deb>" once it is built.
package_check() {
    set -euo pipefail
    export DEBIAN_FRONTEND=noninteractive
    local deb name so out ok=1
    deb=$(scripts/package.sh | tail -n 1)
    echo "PACKAGE $deb"
    name=$(dpkg-deb -f "$deb" Package)
    so="$(pkg-config --variable=plugindir wireshark)/epan/cwmp.so"
    dpkg-deb -I "$deb" control
    (cd "$(dirname "$deb")" && apt-get install -y "./$(basename "$deb")")
    if tshark -G plugins 2>/dev/null | grep '^cwmp\.so' | grep -F "$so"; then :; else
        echo "tshark -G plugins (as root) does not list $so"; ok=0
    fi
    out=$(tshark -n -r tests/captures/mikrotik-inform.pcap -Y 'cwmp.method == "Inform"' \
              -T fields -e cwmp.method -e cwmp.deviceid.oui 2>/dev/null) || ok=0
    echo "decoded: $out"
    [ "$out" = "$(printf 'Inform\tE48D8C')" ] || { echo "unexpected decode of the bundled capture"; ok=0; }
    apt-get purge -y "$name"
    [ ! -e "$so" ] || { echo "$so is still there after the removal"; ok=0; }
    if tshark -G plugins 2>/dev/null | grep '^cwmp\.so'; then echo "still listed after the removal"; ok=0; fi
    [ "$ok" = 1 ]
}
run_package_steps() {   # <suite>; sets PKG (ok/FAIL), PKG_NAME, PKG_SIZE (bytes), PT
    local suite=$1 log="$LOG_DIR/$PNAME-$1-package.log" t0=$SECONDS deb
    PKG=FAIL PKG_NAME=- PKG_SIZE=-
    log "$suite: package: build, apt-get install, tshark -G plugins, decode, remove"
    if run_in_build_chroot "$suite" "$(declare -f package_check); package_check" 2>&1 | tee "$log"; then
        PKG=ok
    fi
    # The per-suite target folder has the same path on the host: collect the
    # package (and its -dbgsym) in the project's target/package/.
    deb=$(sed -n 's/^PACKAGE //p' "$log" | tail -n 1)
    if [ -n "$deb" ] && [ -f "$deb" ]; then
        PKG_NAME=$(basename "$deb") PKG_SIZE=$(stat -c %s "$deb")
        mkdir -p "$PROJECT/target/package"
        cp "$(dirname "$deb")"/*_"${PKG_NAME#*_}" "$PROJECT/target/package/"
    fi
    PT=$((SECONDS-t0))s
}

# ------------------------------------------------------------------ main ----
mkdir -p "$CACHE" "$LOG_DIR"
exec 9>"$CACHE/.lock"
flock -n 9 || die "another version-matrix run holds $CACHE/.lock"

declare -A SEEN=()
RESULTS=()
rc=0
for v in "${ARGS[@]}"; do
    suite=$(suite_for "$v") || die "unknown version or suite: $v"
    if [ -z "$suite" ]; then
        log "$v: no Debian suite reachable here ships it; skipped (exit status 1)"
        RESULTS+=("$v|-|not in Debian archive|skip|skip|-|-|skip|-|-|-"); rc=1; continue
    fi
    [ -z "${SEEN[$suite]:-}" ] || continue; SEEN[$suite]=1
    r="$CACHE/$suite"
    ensure_chroot "$suite"
    wsver=$(in_chroot "$r" dpkg-query -W -f '${Version}' tshark 2>/dev/null || echo '?')
    [ "$SETUP_ONLY" = 1 ] && { RESULTS+=("$v|$suite|$wsver|-|-|-|-|-|-|-|-"); continue; }

    mount_system "$r"
    mount_build "$r" "$suite"
    if [ "$SHELL_MODE" = 1 ]; then
        log "$suite: interactive shell (exit to unmount)"
        run_in_build_chroot "$suite" "exec bash -i" || true
        exit 0
    fi
    build=- tests=- bt=- tt=-
    if [ "$PACKAGE_ONLY" != 1 ]; then
        build=FAIL tests=skip
        log "$suite (Wireshark $wsver): $BUILD_CMD"
        t0=$SECONDS
        if run_in_build_chroot "$suite" "$BUILD_CMD" 2>&1 | tee "$LOG_DIR/$PNAME-$suite-build.log"; then
            build=ok; bt=$((SECONDS-t0))s
            log "$suite (Wireshark $wsver): $INNER_CMD"
            t0=$SECONDS
            if run_in_build_chroot "$suite" "$INNER_CMD" 2>&1 | tee "$LOG_DIR/$PNAME-$suite-test.log"; then
                tests=ok; else tests=FAIL; rc=1; fi
            tt=$((SECONDS-t0))s
        else
            bt=$((SECONDS-t0))s; rc=1
        fi
    fi
    PKG=skip PKG_NAME=- PKG_SIZE=- PT=-
    if [ "$build" != FAIL ]; then
        run_package_steps "$suite"
        [ "$PKG" = ok ] || rc=1
    fi
    umount_all
    RESULTS+=("$v|$suite|$wsver|$build|$tests|$bt|$tt|$PKG|$PT|$PKG_SIZE|$PKG_NAME")
done

{
    echo
    fmt='%-8s %-10s %-22s %-6s %-6s %-8s %-8s %-8s %-6s %-9s %s\n'
    # shellcheck disable=SC2059
    printf "$fmt" VERSION SUITE WIRESHARK BUILD TESTS T_BUILD T_TEST PACKAGE T_PKG SIZE NAME
    for row in "${RESULTS[@]}"; do
        IFS='|' read -r -a col <<<"$row"
        # shellcheck disable=SC2059
        printf "$fmt" "${col[@]}"
    done
    echo "logs: $LOG_DIR"
} | tee "$LOG_DIR/$PNAME-summary.txt"
exit $rc
