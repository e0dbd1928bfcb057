// SPDX-License-Identifier: GPL-2.0-or-later
//! CPU work grows linearly with the input: instructions counted by Valgrind's cachegrind, not time.
//!
//! For every hostile construct of `hostile::TEMPLATES` (many attributes, many namespace declarations,
//! entity floods, deep nesting, huge text, ...), this test runs its own binary under
//! `valgrind --tool=cachegrind` to dissect a body with `k` copies of the construct, then one with `4k`,
//! and compares the instructions executed (less those of an empty body). Linear work gives a ratio
//! near 4, quadratic work near 16; the bound is 10. Instruction counts do not depend on the machine's
//! load, so the test cannot flake the way a timing would. Needs `valgrind` (Debian package `valgrind`).

mod hostile;

use std::process::Command;

use cwmp_dissector::dissector::{HttpKind, Prefs};

const PROBE_ENV: &str = "CWMP_WORK_PROBE";

/// Runs inside cachegrind: dissects the body named by `CWMP_WORK_PROBE=<template>:<k>`. A no-op in a
/// normal test run.
#[test]
fn work_probe() {
    let Ok(spec) = std::env::var(PROBE_ENV) else {
        return;
    };
    let (name, k) = spec.split_once(':').expect("template:k");
    let body = hostile::template(name, k.parse().expect("k"));
    let v = hostile::dissect(&body, Prefs::default(), HttpKind::Request, 0);
    assert!(v.claimed);
}

/// Instructions executed by the probe for `k` copies of `name`.
fn instructions(name: &str, k: usize) -> u64 {
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--branch-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(&exe)
        .args(["--exact", "work_probe", "--test-threads=1", "--nocapture"])
        .env(PROBE_ENV, format!("{name}:{k}"))
        .output()
        .expect("valgrind not found: install it (Debian package valgrind)");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "probe {name}:{k} failed:\n{err}");
    err.lines()
        .find_map(|l| {
            // "==pid== I   refs:      1,234" (the spacing differs between Valgrind versions).
            let (label, rest) = l.split_once("refs:")?;
            if label.split_whitespace().last() != Some("I") {
                return None;
            }
            rest.trim().replace(',', "").parse().ok()
        })
        .unwrap_or_else(|| panic!("no instruction count from cachegrind:\n{err}"))
}

#[test]
fn cpu_work_grows_linearly() {
    let names: Vec<&str> = hostile::TEMPLATES.to_vec();
    // Two workers: each Valgrind run is single-threaded.
    let chunks: Vec<Vec<&str>> = names
        .chunks(names.len().div_ceil(2))
        .map(<[_]>::to_vec)
        .collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for name in chunk {
                        // About 16 KB of the construct, then 4 times as much.
                        let unit = (hostile::template(name, 100).len() - hostile::template(name, 0).len()) / 100;
                        let k = (16_000 / unit.max(1)).clamp(20, 5_000);
                        let base = instructions(name, 0);
                        let small = instructions(name, k).saturating_sub(base).max(1);
                        let large = instructions(name, 4 * k).saturating_sub(base);
                        let ratio = large as f64 / small as f64;
                        eprintln!("{name:>18}: k={k:5} {small:>12} -> {large:>12} instructions, ratio {ratio:.2}");
                        if ratio > 10.0 {
                            bad.push(format!("{name}: {small} -> {large} instructions for 4x the input (ratio {ratio:.1})"));
                        }
                    }
                    bad
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "work grows faster than the input:\n{}",
        failures.join("\n")
    );
}
