#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and property tests of the pure parser, and the integration
# tests that load the built plugin into the installed tshark (as an unprivileged user when run as root).
# The Broadband Forum's real data models are checked too when CWMP_DATAMODELS (default
# ../shared/datamodels) holds them; the last step prints what was checked, or that it was skipped.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."

export CWMP_DATAMODELS="${CWMP_DATAMODELS:-$PWD/../shared/datamodels}"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --release -- -D warnings
cargo test --workspace --release
echo "== real data models (CWMP_DATAMODELS=$CWMP_DATAMODELS)"
cargo test --release --test datamodel real_models_when_present -- --nocapture 2>&1 \
    | grep -E "real data models|checked:|SKIPPED|test result"
