// SPDX-License-Identifier: GPL-2.0-or-later
//! The integration tests clean up after themselves: a test process removes its scratch folder in the
//! temporary directory when it exits, also when a test failed, and removes the folders of test
//! processes that died without exiting.

mod common;

use std::process::Command;

const CHILD: &str = "CWMP_HOUSEKEEPING_CHILD";

/// Run only as the child of the test below: makes its scratch folder, prints it, and fails.
#[test]
#[ignore = "run by scratch_folders_are_removed_even_when_a_test_fails"]
fn child_makes_its_folder_and_fails() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let _ = common::capture_path("housekeeping");
    println!("scratch={}", common::scratch_root().display());
    panic!("this test fails on purpose");
}

#[test]
fn scratch_folders_are_removed_even_when_a_test_fails() {
    // A folder left by a process that no longer exists (pids never reach this number).
    let stale = std::env::temp_dir().join("cwmp-tests-2147483646");
    std::fs::create_dir_all(stale.join("captures")).expect("make a stale folder");
    let out = Command::new(std::env::current_exe().expect("current_exe"))
        .args([
            "--exact",
            "child_makes_its_folder_and_fails",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "the child test should fail:\n{stdout}"
    );
    let scratch = stdout
        .lines()
        .find_map(|l| l.strip_prefix("scratch="))
        .unwrap_or_else(|| panic!("no scratch folder printed:\n{stdout}"));
    assert!(
        scratch.contains("cwmp-tests-") && !std::path::Path::new(scratch).exists(),
        "{scratch} is left behind"
    );
    assert!(!stale.exists(), "{} is left behind", stale.display());
}
