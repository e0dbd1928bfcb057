// SPDX-License-Identifier: GPL-2.0-or-later
//! Builders for HTTP/1.1 messages as raw bytes.
//!
//! CWMP rides on HTTP, and the dissector has to cope with every way a body can
//! be framed (Content-Length, chunked, gzip, both), so these builders produce
//! each framing byte-exactly. Headers are written verbatim and in the order
//! given, so tests can also build unusual or deliberately broken messages;
//! framing headers are added automatically only where the caller did not
//! supply a header of the same name.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};

/// How a message body is framed on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Coding {
    /// The body as is, with `Content-Length` (unless disabled).
    #[default]
    Identity,
    /// `Transfer-Encoding: chunked` with chunks of at most `chunk` bytes.
    Chunked {
        /// Largest chunk size; must be at least 1.
        chunk: usize,
    },
    /// `Content-Encoding: gzip`, with `Content-Length` of the compressed body.
    Gzip,
    /// Gzip-compressed, then sent chunked.
    GzipChunked {
        /// Largest chunk size of the compressed stream; must be at least 1.
        chunk: usize,
    },
}

/// The parts shared by requests and responses.
#[derive(Clone, Debug)]
struct Message {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    coding: Coding,
    content_length: bool,
}

impl Message {
    fn new() -> Self {
        Message {
            headers: Vec::new(),
            body: Vec::new(),
            coding: Coding::Identity,
            content_length: true,
        }
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Serialises the message after `start_line`. `bodiless` marks messages
    /// that cannot have a body by protocol (204, 304, 1xx): for them nothing
    /// is added or encoded, and an explicitly set body is written verbatim.
    /// `length_if_empty` says whether an empty body still gets
    /// `Content-Length: 0` (POST yes, GET no).
    fn to_bytes(&self, start_line: &str, bodiless: bool, length_if_empty: bool) -> Vec<u8> {
        let mut extra: Vec<(&str, String)> = Vec::new();
        let body = if bodiless {
            self.body.clone()
        } else {
            let (gz, chunk) = match self.coding {
                Coding::Identity => (false, None),
                Coding::Chunked { chunk } => (false, Some(chunk)),
                Coding::Gzip => (true, None),
                Coding::GzipChunked { chunk } => (true, Some(chunk)),
            };
            let encoded = if gz {
                gzip(&self.body)
            } else {
                self.body.clone()
            };
            if gz {
                extra.push(("Content-Encoding", "gzip".to_string()));
            }
            match chunk {
                Some(size) => {
                    extra.push(("Transfer-Encoding", "chunked".to_string()));
                    chunked(&encoded, size)
                }
                None => {
                    if self.content_length && (!encoded.is_empty() || length_if_empty) {
                        extra.push(("Content-Length", encoded.len().to_string()));
                    }
                    encoded
                }
            }
        };
        extra.retain(|(name, _)| !self.has_header(name));

        let mut out = Vec::with_capacity(body.len() + 256);
        out.extend_from_slice(start_line.as_bytes());
        out.extend_from_slice(b"\r\n");
        let headers = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        let added = extra.iter().map(|(n, v)| (*n, v.as_str()));
        for (name, value) in headers.chain(added) {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&body);
        out
    }
}

/// Methods shared by [`Request`] and [`Response`] builders.
macro_rules! builder_methods {
    () => {
        /// Appends a header line `name: value`, exactly as given.
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.msg.headers.push((name.into(), value.into()));
            self
        }

        /// Sets the (unencoded) body.
        pub fn body(mut self, body: impl AsRef<[u8]>) -> Self {
            self.msg.body = body.as_ref().to_vec();
            self
        }

        /// Sets how the body is framed.
        pub fn coding(mut self, coding: Coding) -> Self {
            self.msg.coding = coding;
            self
        }

        /// Suppresses the automatic `Content-Length`, e.g. for a response
        /// delimited by closing the connection.
        pub fn no_content_length(mut self) -> Self {
            self.msg.content_length = false;
            self
        }
    };
}

/// An HTTP/1.1 request.
#[derive(Clone, Debug)]
pub struct Request {
    method: String,
    target: String,
    msg: Message,
}

impl Request {
    /// A request with any method, e.g. `Request::new("PUT", "/upload")`.
    pub fn new(method: impl Into<String>, target: impl Into<String>) -> Self {
        Request {
            method: method.into(),
            target: target.into(),
            msg: Message::new(),
        }
    }

    /// A POST, the only method CWMP uses; empty ones carry
    /// `Content-Length: 0` as TR-069 CPEs send them.
    pub fn post(target: impl Into<String>) -> Self {
        Self::new("POST", target)
    }

    /// A GET (e.g. a connection request to the CPE).
    pub fn get(target: impl Into<String>) -> Self {
        Self::new("GET", target)
    }

    builder_methods!();

    /// The message as sent on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let line = format!("{} {} HTTP/1.1", self.method, self.target);
        let bodiless_method = matches!(self.method.as_str(), "GET" | "HEAD");
        self.msg.to_bytes(&line, false, !bodiless_method)
    }
}

/// An HTTP/1.1 response.
#[derive(Clone, Debug)]
pub struct Response {
    status: u16,
    reason: String,
    msg: Message,
}

impl Response {
    /// A response with the given status line, e.g. `Response::new(200, "OK")`.
    pub fn new(status: u16, reason: impl Into<String>) -> Self {
        Response {
            status,
            reason: reason.into(),
            msg: Message::new(),
        }
    }

    /// `204 No Content`, how an ACS ends a CWMP session.
    pub fn no_content() -> Self {
        Self::new(204, "No Content")
    }

    builder_methods!();

    /// The message as sent on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let line = format!("HTTP/1.1 {} {}", self.status, self.reason);
        let bodiless = self.status < 200 || self.status == 204 || self.status == 304;
        self.msg.to_bytes(&line, bodiless, true)
    }
}

/// `body` in chunked transfer coding: chunks of at most `chunk` bytes with
/// lowercase hex sizes, then the terminating zero-size chunk and empty
/// trailer.
///
/// # Panics
/// If `chunk` is 0.
pub fn chunked(body: &[u8], chunk: usize) -> Vec<u8> {
    assert!(chunk > 0, "chunk size must be at least 1");
    let mut out = Vec::with_capacity(body.len() + (body.len() / chunk + 1) * 12 + 5);
    for piece in body.chunks(chunk) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// `body` gzip-compressed with a fixed header (no mtime, OS "unknown"), so
/// the output depends only on the input.
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let builder = GzBuilder::new().mtime(0).operating_system(255);
    let mut enc: GzEncoder<Vec<u8>> = builder.write(Vec::new(), Compression::default());
    enc.write_all(body).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    /// Splits a message into its head (without the blank line) and body.
    fn split(msg: &[u8]) -> (String, Vec<u8>) {
        let at = msg.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        (
            String::from_utf8(msg[..at].to_vec()).unwrap(),
            msg[at + 4..].to_vec(),
        )
    }

    /// A strict chunked decoder; returns the body and the bytes consumed.
    fn dechunk(mut data: &[u8]) -> (Vec<u8>, usize) {
        let total = data.len();
        let mut out = Vec::new();
        loop {
            let eol = data.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap(), 16).unwrap();
            data = &data[eol + 2..];
            if size == 0 {
                assert_eq!(&data[..2], b"\r\n");
                return (out, total - data.len() + 2);
            }
            out.extend_from_slice(&data[..size]);
            assert_eq!(&data[size..size + 2], b"\r\n");
            data = &data[size + 2..];
        }
    }

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        GzDecoder::new(data).read_to_end(&mut out).unwrap();
        out
    }

    fn sample() -> Vec<u8> {
        (0..10_000u32)
            .map(|i| (i * 7 % 251) as u8)
            .chain(b"<soap:Envelope/>".iter().copied())
            .collect()
    }

    #[test]
    fn identity_post() {
        let req = Request::post("/cwmp")
            .header("Host", "acs")
            .header("content-type", "text/xml")
            .body("<x/>");
        assert_eq!(
            req.to_bytes(),
            b"POST /cwmp HTTP/1.1\r\nHost: acs\r\ncontent-type: text/xml\r\n\
              Content-Length: 4\r\n\r\n<x/>"
        );
    }

    #[test]
    fn empty_post_and_get() {
        assert_eq!(
            Request::post("/").to_bytes(),
            b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
        );
        assert_eq!(Request::get("/cr").to_bytes(), b"GET /cr HTTP/1.1\r\n\r\n");
        assert_eq!(
            Request::post("/").no_content_length().to_bytes(),
            b"POST / HTTP/1.1\r\n\r\n"
        );
    }

    #[test]
    fn responses() {
        assert_eq!(
            Response::no_content().header("Server", "x").to_bytes(),
            b"HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n"
        );
        assert_eq!(
            Response::new(204, "No Content")
                .header("Content-Length", "0")
                .to_bytes(),
            b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
        );
        assert_eq!(
            Response::new(200, "OK").to_bytes(),
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        );
        // An explicit header is kept as given and not duplicated.
        assert_eq!(
            Response::new(200, "OK")
                .header("content-length", "99")
                .body("abc")
                .to_bytes(),
            b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\nabc"
        );
    }

    #[test]
    fn chunked_round_trip() {
        let body = sample();
        for size in [1, 7, 100, 4096, body.len(), body.len() + 1] {
            let msg = Response::new(200, "OK")
                .body(&body)
                .coding(Coding::Chunked { chunk: size })
                .to_bytes();
            let (head, wire) = split(&msg);
            assert!(head.ends_with("\r\nTransfer-Encoding: chunked"), "{head}");
            assert!(!head.contains("Content-Length"));
            let (decoded, used) = dechunk(&wire);
            assert_eq!(decoded, body);
            assert_eq!(used, wire.len(), "nothing may follow the last chunk");
        }
        assert_eq!(chunked(b"", 10), b"0\r\n\r\n");
        assert_eq!(chunked(&[b'a'; 26], 16)[..4], *b"10\r\n");
    }

    #[test]
    fn gzip_round_trip() {
        let body = sample();
        let msg = Request::post("/cwmp")
            .body(&body)
            .coding(Coding::Gzip)
            .to_bytes();
        let (head, wire) = split(&msg);
        assert!(head.contains("\r\nContent-Encoding: gzip\r\n"), "{head}");
        assert!(head.ends_with(&format!("\r\nContent-Length: {}", wire.len())));
        assert_eq!(gunzip(&wire), body);
        assert_eq!(
            gzip(&body),
            gzip(&body),
            "gzip output must be deterministic"
        );
    }

    #[test]
    fn gzip_chunked_round_trip() {
        let body = sample();
        let msg = Response::new(200, "OK")
            .body(&body)
            .coding(Coding::GzipChunked { chunk: 333 })
            .to_bytes();
        let (head, wire) = split(&msg);
        assert!(head.contains("\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked"));
        assert!(!head.contains("Content-Length"));
        let (compressed, used) = dechunk(&wire);
        assert_eq!(used, wire.len());
        assert_eq!(gunzip(&compressed), body);
    }
}
