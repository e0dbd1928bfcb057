// SPDX-License-Identifier: GPL-2.0-or-later
//! Request/response sequencing on one TCP connection.
//!
//! A CWMP session is a strict alternation of HTTP requests from the CPE and
//! responses from the ACS on one connection; this module writes such a
//! sequence with realistic gaps so tests need not repeat the bookkeeping.

use std::time::Duration;

use crate::capture::{Capture, Dir, Flow};
use crate::http::{Request, Response};

/// Settings for writing request/response exchanges onto a [`Flow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    delay: Duration,
    segment: Option<usize>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// 10 ms between a request and its response and between exchanges;
    /// messages segmented by the flow's MSS.
    pub fn new() -> Self {
        Session {
            delay: Duration::from_millis(10),
            segment: None,
        }
    }

    /// Sets the gap between a request and its response, and between one
    /// response and the next request (on top of the per-packet clock step).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Splits every message into TCP segments of at most `size` bytes instead
    /// of the flow's MSS, so tests exercise tshark's TCP reassembly.
    pub fn segment(mut self, size: usize) -> Self {
        self.segment = Some(size);
        self
    }

    /// Writes each request client→server, then its response server→client.
    /// The flow is neither opened nor closed here, so callers can add
    /// traffic before or after.
    pub fn run(&self, cap: &mut Capture, flow: &mut Flow, exchanges: &[(Request, Response)]) {
        for (i, (req, resp)) in exchanges.iter().enumerate() {
            if i > 0 {
                cap.advance(self.delay);
            }
            self.exchange_bytes(cap, flow, &req.to_bytes(), &resp.to_bytes());
        }
    }

    /// One exchange of already-serialised messages, for bytes the builders
    /// cannot produce (e.g. malformed HTTP).
    pub fn exchange_bytes(
        &self,
        cap: &mut Capture,
        flow: &mut Flow,
        request: &[u8],
        response: &[u8],
    ) {
        self.send(cap, flow, Dir::ClientToServer, request);
        cap.advance(self.delay);
        self.send(cap, flow, Dir::ServerToClient, response);
    }

    fn send(&self, cap: &mut Capture, flow: &mut Flow, dir: Dir, bytes: &[u8]) {
        let size = self.segment.unwrap_or(flow.mss);
        cap.send_segmented(flow, dir, bytes, size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segmentation_and_timing() {
        let mut cap = Capture::new();
        cap.set_step(Duration::ZERO);
        let mut flow = cap.tcp_flow(
            "192.0.2.10:50000".parse().unwrap(),
            "198.51.100.1:7547".parse().unwrap(),
        );
        let req = Request::post("/cwmp").body(vec![b'x'; 950]);
        let resp = Response::no_content();
        let start = cap.now();
        let before = cap.packet_count();
        Session::new().segment(100).run(
            &mut cap,
            &mut flow,
            &[(req.clone(), resp.clone()), (req, resp)],
        );
        // Each request: ceil((950 + head) / 100) segments + 1 ACK; each
        // response fits one segment + 1 ACK.
        let req_segments = (Request::post("/cwmp")
            .body(vec![b'x'; 950])
            .to_bytes()
            .len())
        .div_ceil(100);
        assert_eq!(cap.packet_count() - before, 2 * (req_segments + 1 + 2));
        assert_eq!(cap.now() - start, Duration::from_millis(30));
        assert_eq!(flow.mss, crate::capture::DEFAULT_MSS);
    }
}
