// SPDX-License-Identifier: GPL-2.0-or-later
//! The CWMP parser and model: bytes of one HTTP body in, a [`Message`] out.
//!
//! PURE: nothing here knows Wireshark exists. Unit-tested, fuzzable and benchmarkable on its own; it
//! never panics on any input and its cost is linear in the body's size.
#![forbid(unsafe_code)]

pub mod decode;
pub mod model;
pub mod schema;
pub mod summary;
pub mod xml;

pub use decode::{parse, Limits, Options};
pub use model::{DeviceId, Direction, Issue, Message, Node, Rpc, RpcKind, Span, Value};

/// Quick test for a CWMP body: the CWMP namespace near the start, and the body starts like XML.
///
/// Used by the heuristic before any parsing, so it must be cheap and must not claim ordinary XML.
pub fn looks_like_cwmp(body: &[u8]) -> bool {
    let mut b = body;
    if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        b = &b[3..];
    }
    let first = b.iter().position(|c| !c.is_ascii_whitespace());
    if first.map(|i| b[i]) != Some(b'<') {
        return false;
    }
    // Namespace declarations sit on the Envelope or the method element, near the top.
    let window = &b[..b.len().min(4096)];
    memfind(window, b"urn:dslforum-org:cwmp-")
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
