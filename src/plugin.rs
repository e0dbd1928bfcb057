// SPDX-License-Identifier: GPL-2.0-or-later
//! The symbols Wireshark looks for when it loads a plugin, and the registration entry points.
//!
//! `plugin_want_major`/`plugin_want_minor` come from the Wireshark found at build time: a plugin loads
//! only into that exact major.minor, and another version refuses it with a message naming the mismatch.
//! Nothing here can panic; the registration work is in the shim and in `ffi::register`.

use crate::ffi::bindings as ws;
use crate::ffi::compat::{WS_MAJOR, WS_MINOR, WS_PLUGIN_DESC_DISSECTOR};

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

const fn version_bytes<const N: usize>() -> [u8; N] {
    let src = VERSION.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = src[i];
        i += 1;
    }
    out
}

/// The plugin's version string, as Wireshark's plugin list shows it.
#[no_mangle]
#[used]
pub static plugin_version: [u8; VERSION.len()] = version_bytes::<{ VERSION.len() }>();

/// The Wireshark major version this build is for.
#[no_mangle]
#[used]
pub static plugin_want_major: i32 = WS_MAJOR;

/// The Wireshark minor version this build is for.
#[no_mangle]
#[used]
pub static plugin_want_minor: i32 = WS_MINOR;

/// Called by Wireshark when it loads the plugin. The registration callbacks themselves are the shim's
/// (C), so that no Wireshark call that can throw ever runs with a Rust frame on the stack.
#[no_mangle]
pub extern "C" fn plugin_register() {
    // SAFETY: the shim passes a static proto_plugin to proto_register_plugin, which only stores it.
    unsafe { ws::cwmp_shim_plugin_register() }
}

/// What kind of plugin this is (Wireshark 4.4 and later ask; earlier versions ignore it).
#[no_mangle]
pub extern "C" fn plugin_describe() -> u32 {
    WS_PLUGIN_DESC_DISSECTOR
}
