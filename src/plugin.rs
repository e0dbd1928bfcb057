//! The symbols Wireshark looks for when it loads a plugin, and the registration entry points.
//!
//! `plugin_want_major`/`plugin_want_minor` come from the Wireshark found at build time: a plugin loads
//! only into that exact major.minor, and another version refuses it with a message naming the mismatch.
//! Every `extern "C"` function here catches panics.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::ffi::bindings as ws;
use crate::ffi::compat::{WS_MAJOR, WS_MINOR, WS_PLUGIN_DESC_DISSECTOR};
use crate::ffi::register;

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

extern "C" fn register_protoinfo() {
    // SAFETY: called once by Wireshark at protocol registration.
    if catch_unwind(|| unsafe { register::register_protocol() }).is_err() {
        eprintln!("cwmp: panic while registering the protocol; CWMP is not available");
    }
}

extern "C" fn register_handoff() {
    // SAFETY: called once by Wireshark after all protocols are registered.
    if catch_unwind(|| unsafe { register::register_handoff() }).is_err() {
        eprintln!("cwmp: panic during handoff; CWMP is not hooked into HTTP");
    }
}

/// Lives for the whole process, as `proto_register_plugin` requires.
static PLUGIN: ws::proto_plugin = ws::proto_plugin {
    register_protoinfo: Some(register_protoinfo),
    register_handoff: Some(register_handoff),
};

/// Called by Wireshark when it loads the plugin.
#[no_mangle]
pub extern "C" fn plugin_register() {
    let r = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: PLUGIN is a static with valid function pointers.
        unsafe { ws::proto_register_plugin(&PLUGIN) }
    }));
    if r.is_err() {
        eprintln!("cwmp: panic in plugin_register");
    }
}

/// What kind of plugin this is (Wireshark 4.4 and later ask; earlier versions ignore it).
#[no_mangle]
pub extern "C" fn plugin_describe() -> u32 {
    WS_PLUGIN_DESC_DISSECTOR
}
