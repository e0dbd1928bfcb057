// SPDX-License-Identifier: GPL-2.0-or-later
//! The only place with `unsafe`: generated bindings, registration with Wireshark, and the two functions
//! the C shim calls per packet.
//!
//! Soundness rests on one rule: Rust never calls a Wireshark function that can `longjmp` while Rust
//! frames are live. Rust calls no Wireshark function at all: at registration it builds the tables that
//! the shim's own callbacks register (`cwmp_rs_tables`), and per-packet work is pure Rust that returns a
//! list of operations the shim replays with no Rust frame on the stack. The only shim functions Rust
//! calls (`cwmp_shim_fill_*`, `cwmp_shim_plugin_register`) cannot throw.

pub mod bindings;
pub mod compat;
pub mod exports;
pub mod register;
pub mod views;
