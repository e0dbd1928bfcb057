#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and property tests of the pure parser, and the integration
# tests that load the built plugin into the installed tshark (as an unprivileged user when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --release -- -D warnings
cargo test --workspace --release
