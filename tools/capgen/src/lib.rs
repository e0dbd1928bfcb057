// SPDX-License-Identifier: GPL-2.0-or-later
//! Builds pcap captures of CWMP (TR-069) traffic for the dissector's tests.
//!
//! The integration tests run the real tshark over captures built here, so the
//! framing below HTTP (Ethernet, IPv4/IPv6, TCP handshake, segmentation,
//! acknowledgements, checksums) is generated exactly as a real stack would,
//! and tshark's own TCP reassembly and HTTP decoding are exercised for real.
//! Output is fully deterministic: the same calls always produce the same
//! bytes, with a virtual clock starting at 2024-05-01T10:00:00Z.
//!
//! ```
//! use cwmp_capgen::{http::Request, http::Response, Capture, Session};
//!
//! let mut cap = Capture::new();
//! let mut flow = cap.tcp_flow(
//!     "192.0.2.10:50000".parse().unwrap(),
//!     "198.51.100.1:7547".parse().unwrap(),
//! );
//! let inform = Request::post("/cwmp").header("Content-Type", "text/xml").body("<Inform/>");
//! Session::new().run(&mut cap, &mut flow, &[(inform, Response::no_content())]);
//! cap.close(&mut flow);
//! assert_eq!(cap.packet_count(), 3 + 2 + 2 + 3);
//! ```

#![forbid(unsafe_code)]

pub mod bulk;
mod capture;
pub mod checksum;
pub mod http;
mod session;

pub use capture::{Capture, Dir, Flow, DEFAULT_MSS, DEFAULT_START, DEFAULT_STEP, MAX_MSS};
pub use http::{Coding, Request, Response};
pub use session::Session;
