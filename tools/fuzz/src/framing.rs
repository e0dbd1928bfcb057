// SPDX-License-Identifier: GPL-2.0-or-later
//! Wraps bodies in captures: one TCP connection per mutant, with valid HTTP framing (Content-Length
//! recomputed, or chunked, or gzip) so that every mutated body reaches the dissector, and with the
//! framing itself varied (port, content type, coding, segmentation) so that every hook is exercised:
//! the http.port table (7547), the media-type table (port 80 and 8080 with XML content types) and the
//! heuristic (other content types or none).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use cwmp_capgen::{Capture, Coding, Request, Response, Session, DEFAULT_START};

use crate::rng::Rng;

/// (request body, response body) pairs of one connection.
pub type Exchanges = Vec<(Vec<u8>, Vec<u8>)>;

/// How one mutant's messages are framed.
#[derive(Clone, Debug)]
pub struct Framing {
    pub port: u16,
    pub ipv6: bool,
    pub content_type: Option<&'static str>,
    pub coding: Coding,
    pub segment: Option<usize>,
    pub soap_action: bool,
    /// A UDP connection request sent before the TCP connection.
    pub udp: Option<Vec<u8>>,
}

impl Default for Framing {
    fn default() -> Self {
        Framing {
            port: 7547,
            ipv6: false,
            content_type: Some("text/xml; charset=\"utf-8\""),
            coding: Coding::Identity,
            segment: None,
            soap_action: true,
            udp: None,
        }
    }
}

const CONTENT_TYPES: &[Option<&str>] = &[
    Some("text/xml; charset=\"utf-8\""),
    Some("text/xml"),
    Some("text/xml; charset=ISO-8859-1"),
    Some("application/soap+xml"),
    Some("application/xml"),
    Some("text/html"),
    Some("text/plain"),
    Some("application/octet-stream"),
    None,
];

/// A random framing; `body_len` keeps segmentation of large bodies within a sane packet count.
pub fn random(rng: &mut Rng, body_len: usize, udp_seed: u64) -> Framing {
    let port = *rng.pick(&[7547u16, 7547, 7547, 7547, 80, 8080, 30005]);
    let coding = match rng.below(8) {
        0 => Coding::Chunked {
            chunk: rng.range(1, 700),
        },
        1 => Coding::Gzip,
        2 => Coding::GzipChunked {
            chunk: rng.range(1, 700),
        },
        _ => Coding::Identity,
    };
    let segment = if rng.chance(1, 4) {
        // At most about 2,000 segments per message.
        Some(rng.range((body_len / 2_000).max(1), 1460))
    } else {
        None
    };
    let udp = if rng.chance(1, 6) {
        let mut d = crate::seeds::udp_connection_request(udp_seed);
        if rng.chance(1, 2) {
            if let Some(m) = crate::mutate::apply(crate::mutate::Op::Bytes, rng, &d, b"") {
                d = m;
            }
        }
        d.truncate(65_000);
        Some(d)
    } else {
        None
    };
    Framing {
        port,
        ipv6: rng.chance(1, 8),
        content_type: *rng.pick(CONTENT_TYPES),
        coding,
        segment,
        soap_action: rng.chance(1, 2),
        udp,
    }
}

/// The client port of mutant `index`: distinct within any batch of fewer than 50,000 mutants, so that
/// merged captures keep one TCP conversation per mutant.
pub fn client_port(index: u64) -> u16 {
    10_000 + (index % 50_000) as u16
}

/// One capture holding one TCP connection that carries `exchanges` (request body, response body; an
/// empty request body is an empty POST, an empty response body a 204). Its clock starts `index`
/// seconds after the generator's default start, so merged batches stay in time order.
pub fn capture(index: u64, exchanges: &[(Vec<u8>, Vec<u8>)], f: &Framing) -> Capture {
    let mut cap = Capture::new();
    cap.set_time(DEFAULT_START + Duration::from_secs(index));
    add(&mut cap, index, exchanges, f);
    cap
}

/// Adds mutant `index`'s connection to an existing capture (for captures of many connections).
pub fn add(cap: &mut Capture, index: u64, exchanges: &[(Vec<u8>, Vec<u8>)], f: &Framing) {
    let (cpe, acs): (IpAddr, IpAddr) = if f.ipv6 {
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10).into(),
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1).into(),
        )
    } else {
        (
            Ipv4Addr::new(192, 0, 2, 10).into(),
            Ipv4Addr::new(198, 51, 100, 1).into(),
        )
    };
    let client = SocketAddr::new(cpe, client_port(index));
    let server = SocketAddr::new(acs, f.port);
    if let Some(d) = &f.udp {
        cap.udp(
            SocketAddr::new(acs, client_port(index)),
            SocketAddr::new(cpe, 7547),
            d,
        );
    }
    let mut flow = cap.tcp_flow(client, server);
    let host = server.to_string();
    let ex: Vec<(Request, Response)> = exchanges
        .iter()
        .map(|(q, a)| {
            let mut req = Request::post("/cwmp")
                .header("Host", host.as_str())
                .header("User-Agent", "cwmp-fuzz");
            if !q.is_empty() {
                if let Some(ct) = f.content_type {
                    req = req.header("Content-Type", ct);
                }
                if f.soap_action {
                    req = req.header("SOAPAction", "");
                }
                req = req.body(q).coding(f.coding);
            }
            let resp = if a.is_empty() {
                Response::no_content()
            } else {
                let mut r = Response::new(200, "OK");
                if let Some(ct) = f.content_type {
                    r = r.header("Content-Type", ct);
                }
                r.body(a).coding(f.coding)
            };
            (req, resp)
        })
        .collect();
    let mut s = Session::new();
    if let Some(n) = f.segment {
        s = s.segment(n);
    }
    s.run(cap, &mut flow, &ex);
    cap.close(&mut flow);
}
