// SPDX-License-Identifier: GPL-2.0-or-later
//! CWMP (TR-069) dissector plugin for Wireshark.
//!
//! Data flows one way: the bytes of an HTTP body (copied once by the C shim, within the captured length)
//! → [`cwmp::parse`] (pure) → [`cwmp::Message`] → [`tree::render`] (pure) → a flat list of tree
//! operations that the C shim replays inside `TRY`/`CATCH`. Only [`ffi`] and [`plugin`] touch Wireshark;
//! no Rust frame is ever live while a Wireshark function that can `longjmp` runs.
//!
//! Modules:
//! - [`cwmp`]: the parser and the model (pure).
//! - [`datamodel`]: the Broadband Forum data models read from their XML (pure).
//! - [`fields`], [`values`]: the registered fields, expert items and value tables (pure).
//! - [`session`]: sessions and request/response matching across HTTP messages (pure).
//! - [`httpauth`]: HTTP authentication verdicts and session cookies per connection (pure).
//! - [`sidechannel`]: UDP connection requests and lightweight notifications (pure).
//! - [`views`]: Flow Graph arrows, export objects and the change log, per frame (pure).
//! - [`tree`]: the model mapped onto a tree-operation sink (pure).
//! - [`dissector`]: one packet's glue: options in, operations out (pure).
//! - [`dmcheck`]: the data model applied to a decoded message: annotations and checks (pure).
//! - [`ffi`]: generated bindings, the C shim's interface, registration helpers (unsafe lives here).
//! - [`plugin`]: the symbols Wireshark looks for and the registration entry points.

pub mod auth;
pub mod cwmp;
pub mod datamodel;
pub mod dissector;
pub mod dmcheck;
pub mod ffi;
pub mod fields;
pub mod follow;
pub mod httpauth;
pub mod plugin;
pub mod session;
pub mod sidechannel;
pub mod tree;
pub mod values;
pub mod views;
