// SPDX-License-Identifier: GPL-2.0-or-later
//! Everything that depends on the Wireshark version on the Rust side. C-level differences (bool versus
//! gboolean, the data HTTP passes to body dissectors) live in the "Version differences" section of
//! `wireshark-headers/cwmp_shim.c`; `build.rs` sets the `ws_ge_*` cfgs from `pkg-config`.

include!(concat!(env!("OUT_DIR"), "/ws_version.rs"));

/// `plugin_describe()` bit for a dissector plugin (read by 4.4 and later, ignored before).
pub const WS_PLUGIN_DESC_DISSECTOR: u32 = 1 << 0;
