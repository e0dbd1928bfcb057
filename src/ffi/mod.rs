//! The only place with `unsafe`: generated bindings, registration with Wireshark, and the two functions
//! the C shim calls per packet.
//!
//! Soundness rests on one rule: Rust never calls a Wireshark function that can `longjmp` while Rust
//! frames are live. The functions called from here at registration (`proto_register_*`,
//! `expert_register_*`, `prefs_register_*` inside the shim) do not throw; per-packet work is pure Rust
//! and returns a list of operations that the shim replays with no Rust frame on the stack.

pub mod bindings;
pub mod compat;
pub mod exports;
pub mod register;
pub mod views;
