// SPDX-License-Identifier: GPL-2.0-or-later
//! CWMP's UDP side channels: connection requests (TR-069 Annex G) and lightweight notifications
//! (Annex M); reference sections 7.2 and 7.5.
//!
//! PURE. Both are HTTP-like text in one UDP datagram, written by implementations that do not agree on
//! the details (a `/` before `?`, no Host header, misspelt headers, upper-case hex), so parsing is
//! lenient: find the request line or the body, decode what is there, flag what is wrong. Signatures are
//! HMAC-SHA1 (from the `hmac` and `sha1` crates) and are checked only when the user gives the password.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::cwmp::xml::{self, Charset, Ns, XmlLimits};
use crate::cwmp::{Node, Span, Value};
use crate::fields::{Expert, Field as F};

/// `cwmp.udp_cr.sig_status` values.
pub static SIG_STATUS: &[(u32, &str)] = &[
    (0, "Not checked (no password configured)"),
    (1, "Valid"),
    (2, "Invalid"),
];

/// A text value with the bytes it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub value: String,
    pub span: Span,
}

/// A UDP connection request: `GET http://host:port?ts=..&id=..&un=..&cn=..&sig=.. HTTP/1.1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UdpConnectionRequest {
    /// The request-target, as written.
    pub target: Option<Part>,
    pub host: Option<Part>,
    pub ts: Option<Part>,
    pub id: Option<Part>,
    pub un: Option<Part>,
    pub cn: Option<Part>,
    pub sig: Option<Part>,
    /// Query parameters other than the five above.
    pub other: Vec<(String, Part)>,
}

/// Quick test for the heuristic: a GET of an absolute URL with the Annex G query parameters.
pub fn looks_like_udp_cr(p: &[u8]) -> bool {
    p.starts_with(b"GET ") && find(p, b"ts=").is_some() && find(p, b"sig=").is_some()
}

/// Quick test for the heuristic: the lightweight-notification namespace.
pub fn looks_like_lw_notification(p: &[u8]) -> bool {
    find(
        &p[..p.len().min(2048)],
        b"urn:broadband-forum-org:cwmp:lwnotif-1-",
    )
    .is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a UDP connection request. `None` when the datagram is not a GET request line.
pub fn parse_udp_cr(p: &[u8]) -> Option<UdpConnectionRequest> {
    let line_end = p.iter().position(|&b| b == b'\n').unwrap_or(p.len());
    let line = &p[..line_end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let rest = line.strip_prefix(b"GET ")?;
    let target_len = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let target_start = 4;
    let target = String::from_utf8_lossy(&rest[..target_len]).into_owned();
    let mut cr = UdpConnectionRequest {
        target: Some(Part {
            value: target.clone(),
            span: Span::new(target_start, target_len),
        }),
        ..UdpConnectionRequest::default()
    };
    if let Some(q) = target.find('?') {
        let mut off = target_start + q + 1;
        for pair in target[q + 1..].split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let vstart = off + k.len() + usize::from(pair.contains('='));
            let part = Part {
                value: pct_decode(v),
                span: Span::new(vstart, v.len()),
            };
            match k {
                "ts" => cr.ts = Some(part),
                "id" => cr.id = Some(part),
                "un" => cr.un = Some(part),
                "cn" => cr.cn = Some(part),
                "sig" => cr.sig = Some(part),
                _ => cr.other.push((k.to_owned(), part)),
            }
            off += pair.len() + 1;
        }
    }
    // Headers: only Host matters.
    let mut pos = line_end + 1;
    while pos < p.len() {
        let end = p[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(p.len(), |e| pos + e);
        let l = &p[pos..end];
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        if l.is_empty() {
            break;
        }
        if l.len() > 5 && l[..5].eq_ignore_ascii_case(b"host:") {
            let v = &l[5..];
            let lead = v.iter().take_while(|b| b.is_ascii_whitespace()).count();
            cr.host = Some(Part {
                value: String::from_utf8_lossy(&v[lead..]).into_owned(),
                span: Span::new(pos + 5 + lead, v.len() - lead),
            });
        }
        pos = end + 1;
    }
    Some(cr)
}

/// HMAC-SHA1 of `text` keyed with `key`, as lower-case hex.
pub fn hmac_sha1_hex(key: &[u8], text: &[u8]) -> String {
    let mut mac = match <Hmac<Sha1> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this arm is never taken.
        Err(_) => return String::new(),
    };
    mac.update(text);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Signature check result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigCheck {
    NotChecked = 0,
    Valid = 1,
    Invalid = 2,
}

impl UdpConnectionRequest {
    fn v(p: &Option<Part>) -> &str {
        p.as_ref().map_or("", |p| p.value.as_str())
    }

    /// Checks `sig` = HMAC-SHA1(password, ts + id + un + cn), either hex case.
    pub fn check(&self, password: Option<&str>) -> SigCheck {
        let (Some(pw), Some(sig)) = (password.filter(|p| !p.is_empty()), &self.sig) else {
            return SigCheck::NotChecked;
        };
        let text = format!(
            "{}{}{}{}",
            Self::v(&self.ts),
            Self::v(&self.id),
            Self::v(&self.un),
            Self::v(&self.cn)
        );
        if hmac_sha1_hex(pw.as_bytes(), text.as_bytes()).eq_ignore_ascii_case(sig.value.trim()) {
            SigCheck::Valid
        } else {
            SigCheck::Invalid
        }
    }
}

/// What the UDP connection-request logic remembers across a file: message IDs seen (replays).
#[derive(Debug, Default)]
pub struct UdpState {
    /// (un, id) -> first frame that used it.
    seen: HashMap<(String, String), u32>,
    /// frame -> the frame whose ID it repeats.
    replays: HashMap<u32, u32>,
}

impl UdpState {
    pub fn reset(&mut self) {
        *self = UdpState::default();
    }

    /// Records the request of `frame` on the first pass; returns the earlier frame with the same ID.
    pub fn replay_of(
        &mut self,
        frame: u32,
        visited: bool,
        cr: &UdpConnectionRequest,
    ) -> Option<u32> {
        if visited {
            return self.replays.get(&frame).copied();
        }
        let key = (
            UdpConnectionRequest::v(&cr.un).to_owned(),
            UdpConnectionRequest::v(&cr.id).to_owned(),
        );
        if key.1.is_empty() {
            return None;
        }
        match self.seen.get(&key) {
            Some(&first) if first != frame => {
                self.replays.insert(frame, first);
                Some(first)
            }
            Some(_) => None,
            None => {
                self.seen.insert(key, frame);
                None
            }
        }
    }
}

/// How far a connection request's `ts` may be from the capture time before it is called stale.
pub const STALE_SECS: i64 = 300;

/// Builds the tree of a UDP connection request.
pub fn udp_cr_node(
    cr: &UdpConnectionRequest,
    sig: SigCheck,
    replay_of: Option<u32>,
    capture_secs: i64,
    len: usize,
) -> Node {
    let mut head = Node::new(F::UdpCr, Span::new(0, len), Value::None);
    head.label = Some("UDP Connection Request".into());
    let mut add = |f: F, p: &Option<Part>| {
        if let Some(p) = p {
            head.children
                .push(Node::new(f, p.span, Value::Str(p.value.clone())));
        }
    };
    add(F::UdpCrTarget, &cr.target);
    add(F::UdpCrHost, &cr.host);
    add(F::UdpCrTs, &cr.ts);
    add(F::UdpCrId, &cr.id);
    add(F::UdpCrUn, &cr.un);
    add(F::UdpCrCn, &cr.cn);
    add(F::UdpCrSig, &cr.sig);
    for (k, p) in &cr.other {
        let mut n = Node::new(F::Element, p.span, Value::Str(k.clone()));
        n.label = Some(format!("{k}: {}", p.value));
        head.children.push(n);
    }
    if let Some(ts) = &cr.ts {
        match ts.value.trim().parse::<i64>() {
            Ok(t) => {
                // Millisecond timestamps are seen from non-standard stacks.
                let secs = if t > 100_000_000_000 { t / 1000 } else { t };
                head.children.push(
                    Node::new(F::UdpCrTsUtc, ts.span, Value::Time { secs, nanos: 0 }).generated(),
                );
                let skew = capture_secs - secs;
                if skew.abs() > STALE_SECS {
                    head.issue(
                        Expert::UdpCrStale,
                        format!(
                            "ts is {} s {} the capture time",
                            skew.abs(),
                            if skew > 0 { "before" } else { "after" }
                        ),
                    );
                }
            }
            Err(_) => head.issue(
                Expert::UdpCrMalformed,
                format!("ts \"{}\" is not a number", ts.value),
            ),
        }
    }
    let missing: Vec<&str> = [
        ("ts", &cr.ts),
        ("id", &cr.id),
        ("un", &cr.un),
        ("cn", &cr.cn),
        ("sig", &cr.sig),
    ]
    .into_iter()
    .filter(|(_, p)| p.is_none())
    .map(|(k, _)| k)
    .collect();
    if !missing.is_empty() {
        head.issue(
            Expert::UdpCrMalformed,
            format!("Missing query parameter(s): {}", missing.join(", ")),
        );
    }
    let mut status = Node::new(
        F::UdpCrSigStatus,
        cr.sig.as_ref().map_or(Span::default(), |p| p.span),
        Value::U32(sig as u32),
    )
    .generated();
    if sig == SigCheck::Invalid {
        status.issue(
            Expert::UdpCrBadSig,
            "Signature does not match the configured connection-request password",
        );
    }
    head.children.push(status);
    if let Some(first) = replay_of {
        let mut n = Node::new(F::UdpCrReplayOf, Span::default(), Value::Frame(first)).generated();
        n.issue(
            Expert::UdpCrReplay,
            format!("Message ID already used in frame {first}"),
        );
        head.children.push(n);
    }
    head
}

/// Decodes a lightweight notification (Annex M): request line and headers leniently, the XML body.
pub fn lw_notification_node(p: &[u8], password: Option<&str>) -> Node {
    let mut head = Node::new(F::LwNotification, Span::new(0, p.len()), Value::None);
    head.label = Some("UDP Lightweight Notification".into());
    let body_start = find(p, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(p, b"\n\n").map(|i| i + 2));
    let body_start = body_start
        .or_else(|| p.iter().position(|&b| b == b'<'))
        .unwrap_or(0);
    // The Signature header, however the sender spells the others.
    let mut signature = None;
    for (off, line) in lines(&p[..body_start]) {
        if line.len() > 10 && line[..10].eq_ignore_ascii_case(b"signature:") {
            let v = &line[10..];
            let lead = v.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let s = String::from_utf8_lossy(&v[lead..]).trim().to_owned();
            head.children.push(Node::new(
                F::LwSignature,
                Span::new(off + 10 + lead, v.len() - lead),
                Value::Str(s.clone()),
            ));
            signature = Some(s);
        }
    }
    let body = &p[body_start..];
    let dom = xml::parse(
        body,
        body_start,
        Charset::Utf8,
        XmlLimits {
            max_depth: 16,
            max_elements: 100_000,
        },
    );
    if let Some(root) = dom.root {
        for c in dom.children(root) {
            let e = dom.elem(c);
            let text = e.text.as_deref().unwrap_or("").trim().to_owned();
            let field = match e.local {
                b"TS" => Some(F::LwTs),
                b"UN" => Some(F::LwUn),
                b"CN" => Some(F::LwCn),
                b"OUI" => Some(F::Oui),
                b"ProductClass" => Some(F::ProductClass),
                b"SerialNumber" => Some(F::SerialNumber),
                _ => None,
            };
            if let Some(f) = field {
                head.children
                    .push(Node::new(f, e.text_span, Value::Str(text)));
                continue;
            }
            if e.local == b"Param" {
                let mut name = String::new();
                let mut value = String::new();
                let mut kids = Vec::new();
                for k in dom.children(c) {
                    let ke = dom.elem(k);
                    let t = ke.text.as_deref().unwrap_or("").to_owned();
                    if ke.local == b"Name" {
                        name = t.trim().to_owned();
                        kids.push(Node::new(
                            F::ParameterName,
                            ke.text_span,
                            Value::Str(name.clone()),
                        ));
                    } else if ke.local == b"Value" {
                        value = t.clone();
                        kids.push(Node::new(F::ParameterValue, ke.text_span, Value::Str(t)));
                        if let Some(a) = dom.attr(k, Ns::Xsi, b"type") {
                            kids.push(Node::new(
                                F::ParameterType,
                                a.span,
                                Value::Str(a.value.to_string()),
                            ));
                        }
                    }
                }
                let mut n = Node::new(F::Parameter, e.span, Value::Str(format!("{name}={value}")));
                n.label = Some(format!("{name} = {value}"));
                n.children = kids;
                head.children.push(n);
            }
        }
    } else {
        head.issue(
            Expert::Malformed,
            "No XML body in the lightweight notification",
        );
    }
    if let (Some(sig), Some(pw)) = (&signature, password.filter(|p| !p.is_empty())) {
        let ok = hmac_sha1_hex(pw.as_bytes(), body).eq_ignore_ascii_case(sig);
        let mut n = Node::new(
            F::UdpCrSigStatus,
            Span::default(),
            Value::U32(if ok { 1 } else { 2 }),
        )
        .generated();
        if !ok {
            n.issue(
                Expert::UdpCrBadSig,
                "Signature does not match the configured ACS password",
            );
        }
        head.children.push(n);
    }
    head
}

fn lines(p: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= p.len() {
            return None;
        }
        let end = p[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(p.len(), |e| pos + e);
        let l = &p[pos..end];
        let start = pos;
        pos = end + 1;
        Some((start, l.strip_suffix(b"\r").unwrap_or(l)))
    })
}

/// The namespace of XMPP connection requests (TR-069 Annex K).
pub const XMPP_CONNREQ_NS: &[u8] = b"urn:broadband-forum-org:cwmp:xmppConnReq-1-0";

/// Decodes an XMPP connection request (an `iq` stanza whose `connectionRequest` child is in the Annex K
/// namespace) found anywhere in `p`: the bytes the XMPP dissector parsed it from (a frame, or a
/// reassembled or decrypted buffer). `None` when there is none.
pub fn xmpp_connection_request(p: &[u8]) -> Option<Node> {
    let ns = find(p, XMPP_CONNREQ_NS)?;
    // The stanza starts at the last `<iq` before the namespace declaration.
    let start = p[..ns].windows(3).rposition(|w| w == b"<iq")?;
    let dom = xml::parse(
        &p[start..],
        start,
        Charset::Utf8,
        XmlLimits {
            max_depth: 8,
            max_elements: 64,
        },
    );
    let iq = dom.root?;
    let attr = |name: &[u8]| {
        dom.attrs_of(iq)
            .iter()
            .find(|a| a.local == name)
            .map(|a| (a.value.to_string(), a.span))
    };
    let (kind, kind_span) = attr(b"type").unwrap_or_default();
    let mut head = Node::new(F::XmppConnReq, dom.elem(iq).span, Value::Str(kind.clone()));
    head.label = Some(format!("XMPP Connection Request (iq type {kind})"));
    let _ = kind_span;
    for (name, field) in [
        (&b"from"[..], F::XmppFrom),
        (b"to", F::XmppTo),
        (b"id", F::XmppId),
    ] {
        if let Some((v, span)) = attr(name) {
            head.children.push(Node::new(field, span, Value::Str(v)));
        }
    }
    for c in dom.children(iq) {
        if dom.elem(c).local != b"connectionRequest" {
            continue;
        }
        for k in dom.children(c) {
            let e = dom.elem(k);
            let t = e.text.as_deref().unwrap_or("").trim().to_owned();
            match e.local {
                b"username" => {
                    head.children
                        .push(Node::new(F::Username, e.text_span, Value::Str(t)))
                }
                b"password" => {
                    let mut n = Node::new(F::Password, e.text_span, Value::Str(t.clone()));
                    if !t.is_empty() {
                        n.issue(Expert::Credentials, "Connection-request password in the XMPP stanza (clear text unless the stream is TLS)");
                    }
                    head.children.push(n);
                }
                _ => {}
            }
        }
    }
    head.issue(
        Expert::ConnectionRequest,
        "XMPP connection request from the ACS",
    );
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2202_hmac_sha1_vector() {
        // RFC 2202 test case 2.
        assert_eq!(
            hmac_sha1_hex(b"Jefe", b"what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }

    #[test]
    fn parses_annex_g_request() {
        let p = b"GET http://203.0.113.7:40123?ts=1714557600&id=1001&un=cruser&cn=9f2c4a&sig=ABC HTTP/1.1\r\nHost: 203.0.113.7:40123\r\n\r\n";
        assert!(looks_like_udp_cr(p));
        let cr = parse_udp_cr(p).unwrap();
        assert_eq!(cr.ts.as_ref().unwrap().value, "1714557600");
        assert_eq!(cr.un.as_ref().unwrap().value, "cruser");
        let s = cr.sig.as_ref().unwrap().span;
        assert_eq!(&p[s.range()], b"ABC");
        assert_eq!(cr.host.as_ref().unwrap().value, "203.0.113.7:40123");
        assert_eq!(cr.check(None), SigCheck::NotChecked);
        assert_eq!(cr.check(Some("pw")), SigCheck::Invalid);
    }

    #[test]
    fn replays_are_remembered_per_file() {
        let cr = parse_udp_cr(b"GET http://h?ts=1&id=7&un=u&cn=c&sig=x HTTP/1.1\r\n\r\n").unwrap();
        let mut st = UdpState::default();
        assert_eq!(st.replay_of(1, false, &cr), None);
        assert_eq!(st.replay_of(2, false, &cr), Some(1));
        assert_eq!(st.replay_of(2, true, &cr), Some(1));
        assert_eq!(st.replay_of(1, true, &cr), None);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for p in [
            &b"GET "[..],
            b"GET ?",
            b"GET http://x?ts=%",
            b"GET http://x?ts=%4",
            b"GET http://x?=&&=",
            b"GET a\nHost:",
        ] {
            let _ = parse_udp_cr(p).map(|c| udp_cr_node(&c, c.check(Some("k")), None, 0, p.len()));
        }
        let _ = lw_notification_node(
            b"POST / HTTP/1.1\r\nSignature: 00\r\n\r\n<Notification/>",
            Some("k"),
        );
        let _ = lw_notification_node(b"", None);
    }
}
