// SPDX-License-Identifier: GPL-2.0-or-later
//! Finds the installed Wireshark with pkg-config, generates bindings from our own
//! `wireshark-headers/wrapper.h` with bindgen (allow-listed), compiles the C shim with cc, and tells the
//! code which Wireshark major.minor it is built for. Never downloads or builds Wireshark.

use std::env;
use std::path::PathBuf;
use std::process::Command;

const MISSING: &str = "Wireshark's development files were not found by `pkg-config wireshark`.\n\
     On Debian/Ubuntu install them with:\n  \
     sudo apt-get install libwireshark-dev libglib2.0-dev libclang-dev pkg-config build-essential\n\
     (libglib2.0-dev is needed because wireshark.pc requires glib's pkg-config files).";

fn pkg_config(args: &[&str]) -> String {
    let out = Command::new("pkg-config")
        .args(args)
        .arg("wireshark")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pkg-config ({e}).\n{MISSING}"));
    if !out.status.success() {
        panic!(
            "pkg-config {} wireshark failed: {}\n{MISSING}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn main() {
    println!("cargo:rerun-if-changed=wireshark-headers/wrapper.h");
    println!("cargo:rerun-if-changed=wireshark-headers/cwmp_shim.h");
    println!("cargo:rerun-if-changed=wireshark-headers/cwmp_shim.c");
    println!("cargo:rerun-if-changed=wireshark-headers/cwmp_views.h");
    println!("cargo:rerun-if-changed=wireshark-headers/cwmp_views.c");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_SYSROOT_DIR");

    let version = pkg_config(&["--modversion"]);
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < (4, 0) {
        panic!("Wireshark {version} is too old: this plugin supports 4.0 and later");
    }

    // One cfg per version threshold the code may need; see src/ffi/compat.rs.
    for (maj, min) in [(4, 2), (4, 4), (4, 6)] {
        let name = format!("ws_ge_{maj}_{min}");
        println!("cargo::rustc-check-cfg=cfg({name})");
        if (major, minor) >= (maj, min) {
            println!("cargo:rustc-cfg={name}");
        }
    }

    let cflags = pkg_config(&["--cflags"]);
    let includes: Vec<PathBuf> = cflags
        .split_whitespace()
        .filter_map(|f| f.strip_prefix("-I"))
        .map(PathBuf::from)
        .collect();
    let plugindir = pkg_config(&["--variable=plugindir"]);

    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(
        out.join("ws_version.rs"),
        format!(
            "/// Wireshark version found at build time.\npub const WS_VERSION: &str = {version:?};\n\
             pub const WS_MAJOR: i32 = {major};\npub const WS_MINOR: i32 = {minor};\n\
             /// Global plugin folder of that Wireshark.\npub const WS_PLUGIN_DIR: &str = {plugindir:?};\n"
        ),
    )
    .expect("write ws_version.rs");

    let mut builder = bindgen::Builder::default()
        .header("wireshark-headers/wrapper.h")
        .clang_arg("-Iwireshark-headers")
        .clang_args(includes.iter().map(|i| format!("-I{}", i.display())))
        .prepend_enum_name(false)
        .layout_tests(false)
        .generate_comments(false)
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()));
    // Rust calls no Wireshark function at all: only the shim's helpers, which cannot throw.
    for f in [
        "cwmp_shim_fill_hf",
        "cwmp_shim_fill_ei",
        "cwmp_shim_plugin_register",
    ] {
        builder = builder.allowlist_function(f);
    }
    for t in [
        "hf_register_info",
        "ei_register_info",
        "expert_field",
        "value_string",
        "range_string",
        "ftenum",
        "field_display_e",
        "ft_framenum_type",
        "cwmp_.*",
    ] {
        builder = builder.allowlist_type(t);
    }
    for v in ["PI_.*", "CWMP_.*", "BASE_RANGE_STRING"] {
        builder = builder.allowlist_var(v);
    }
    // Implemented in Rust, declared in the header for the C side.
    builder = builder.blocklist_function("cwmp_rs_.*");
    let bindings = builder.generate().unwrap_or_else(|e| {
        panic!("bindgen failed on wireshark-headers/wrapper.h: {e}\n(bindgen needs libclang: install libclang-dev)")
    });
    bindings
        .write_to_file(out.join("bindings.rs"))
        .expect("write bindings.rs");

    cc::Build::new()
        .file("wireshark-headers/cwmp_shim.c")
        .file("wireshark-headers/cwmp_views.c")
        .include("wireshark-headers")
        .includes(&includes)
        .flag_if_supported("-Wno-unused-parameter")
        .warnings(true)
        .compile("cwmp_shim");

    for dir in pkg_config(&["--libs-only-L"])
        .split_whitespace()
        .filter_map(|f| f.strip_prefix("-L"))
    {
        println!("cargo:rustc-link-search=native={dir}");
    }
    for lib in pkg_config(&["--libs-only-l"])
        .split_whitespace()
        .filter_map(|f| f.strip_prefix("-l"))
    {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
}
