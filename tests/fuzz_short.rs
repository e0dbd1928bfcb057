// SPDX-License-Identifier: GPL-2.0-or-later
//! The short fuzz run, as part of the test suite: `scripts/fuzz.sh --short` (300 mutated captures, half
//! from the XML-aware mutator and half from `editcap -E`, through tshark -nVx, tshark -2 -nVx and the
//! paths without a visible tree (summary lines, -Y with -T fields, -z statistics) with the plugin
//! loaded, and one batch of 20 under Valgrind memcheck) must find no crash, no hang, no CWMP dissector
//! bug and no memory error in the plugin, and most XML mutants must reach the CWMP dissector. Needs tshark, editcap and mergecap (Debian:
//! tshark, wireshark-common) and valgrind. The long run is `scripts/fuzz.sh --long` (docs/fuzzing.md).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// target/debug or target/release, whichever this test was built in.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_path_buf()
}

#[test]
fn short_fuzz_run_finds_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = profile_dir();
    let release = dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args([
            "build",
            "--lib",
            "-p",
            "cwmp-dissector",
            "--bin",
            "cwmp-fuzz",
            "-p",
            "cwmp-fuzz",
        ])
        .current_dir(root);
    if release {
        build.arg("--release");
    }
    assert!(
        build.status().expect("cargo build").success(),
        "build failed"
    );

    let out = dir.join(format!("fuzz-short-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let run = Command::new("bash")
        .arg(root.join("scripts/fuzz.sh"))
        .args(["--short", "--out"])
        .arg(&out)
        .env("CWMP_FUZZ_BIN", dir.join("cwmp-fuzz"))
        .env("CWMP_PLUGIN", dir.join("libcwmp_dissector.so"))
        .output()
        .expect("run scripts/fuzz.sh");
    let log = String::from_utf8_lossy(&run.stdout);
    let err = String::from_utf8_lossy(&run.stderr);
    let summary = std::fs::read_to_string(out.join("summary.txt"))
        .unwrap_or_else(|e| panic!("no summary ({e}):\n{log}\n{err}"));
    let s: HashMap<&str, &str> = summary.lines().filter_map(|l| l.split_once('=')).collect();
    let n = |k: &str| -> u64 {
        s.get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{k} missing from the summary:\n{summary}"))
    };
    assert!(run.status.success(), "fuzz run failed:\n{log}\n{err}");
    assert_eq!(n("mutants"), 300, "{summary}");
    assert_eq!(n("valgrind_mutants"), 20, "{summary}");
    assert_eq!(s.get("valgrind_canary"), Some(&"ok"), "{summary}");
    // The XML mutants keep their HTTP framing: most of them must reach the CWMP dissector, or the
    // run fuzzed nothing of ours.
    assert!(
        n("reached_cwmp") >= n("xml_mutants") / 2,
        "too few mutants reached the CWMP dissector:\n{summary}"
    );
    for k in [
        "crashes",
        "valgrind_crashes",
        "hangs",
        "tshark_errors",
        "cwmp_dissector_bugs",
        "failed_captures",
        "valgrind_errors_ours",
        "valgrind_definitely_lost_ours_bytes",
        "valgrind_incomplete_reports",
    ] {
        assert_eq!(n(k), 0, "{k}:\n{summary}\n{log}");
    }
    let _ = std::fs::remove_dir_all(&out);
}
