// SPDX-License-Identifier: GPL-2.0-or-later
//! One body's glue: what the shim tells us in, the verdict and the tree operations out.
//!
//! PURE. Decides whether a body is CWMP (the namespace decides, whatever the content type or port),
//! parses it, and renders it. The FFI layer only converts [`Packet`] and [`Verdict`] to and from C.
#![forbid(unsafe_code)]

use crate::cwmp::{self, decode, Direction, Limits, Options};
use crate::tree::{self, TreeOps};

/// How the body reached the dissector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The media_type table (text/xml and friends).
    MediaType,
    /// The http.port table (TCP 7547).
    Port,
    /// The "http" heuristic list.
    Heuristic,
}

/// The HTTP message the body came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpKind {
    Unknown,
    Request,
    Response,
}

/// User preferences that shape one dissection.
#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    pub xml_tree: bool,
    pub limits: Limits,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            xml_tree: true,
            limits: Limits::default(),
        }
    }
}

/// The hard ceiling on nesting, whatever the preference says: keeps recursion and the shim's subtree
/// stack (128 levels) bounded.
pub const MAX_DEPTH_CEILING: u16 = 100;

/// One body handed over by HTTP.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// The captured bytes of the body.
    pub body: &'a [u8],
    /// The body's length on the wire (more than `body.len()` when the capture was cut short).
    pub reported_len: usize,
    pub via: Via,
    pub http: HttpKind,
    /// Content-Type parameters (`charset=...`).
    pub media_params: Option<&'a str>,
    pub prefs: Prefs,
}

/// What the `cwmp` tap reports for one message (statistics: `tshark -z cwmp,tree`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TapRecord {
    /// Method name, `Fault`, or for empty HTTP messages the event's name.
    pub method: String,
    /// `cwmp.direction` value, 0 when unknown.
    pub direction: u32,
    /// `cwmp.message_kind` value.
    pub kind: u32,
    pub session: u32,
    pub new_session: bool,
    pub events: Vec<String>,
    pub fault: Option<u32>,
    pub oui: String,
    pub product_class: String,
    /// For responses: the request's method and the response time in milliseconds.
    pub request_method: Option<String>,
    pub response_ms: Option<f64>,
}

/// What to do with the body.
#[derive(Debug, Default)]
pub struct Verdict {
    pub claimed: bool,
    pub want_xml: bool,
    pub ops: TreeOps,
    pub info: String,
    pub taps: Vec<TapRecord>,
}

/// How much of the tree a packet needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Every item: a visible tree, or an invisible one from which a filter, column or colouring rule
    /// reads CWMP fields.
    #[default]
    Full,
    /// The protocol item and expert items only: no tree, or an invisible one in which no CWMP field
    /// is referenced. The body is still parsed once and the Info column, taps and session state are
    /// computed as usual; only the other tree operations (and their strings) are not built.
    ExpertsOnly,
}

/// Dissects one body on its own (no session context). Never panics on any input.
pub fn dissect(p: &Packet<'_>) -> Verdict {
    dissect_with(p, Detail::Full)
}

/// [`dissect`] with the given level of detail.
pub fn dissect_with(p: &Packet<'_>, detail: Detail) -> Verdict {
    match parse_packet(p) {
        Some(msg) => verdict_with(p, &msg, None, detail),
        None => Verdict::default(),
    }
}

/// The CWMP test, then the parse: `None` when the body is not CWMP.
fn parse_packet(p: &Packet<'_>) -> Option<cwmp::Message> {
    if !cwmp::looks_like_cwmp(p.body) {
        return None;
    }
    let mut limits = p.prefs.limits;
    limits.max_depth = limits.max_depth.clamp(4, MAX_DEPTH_CEILING);
    let opts = Options {
        direction: match p.http {
            HttpKind::Request => Some(Direction::CpeToAcs),
            HttpKind::Response => Some(Direction::AcsToCpe),
            HttpKind::Unknown => None,
        },
        http_charset: p.media_params.and_then(decode::charset_from_params),
        limits,
    };
    let mut msg = cwmp::parse(p.body, &opts);
    if p.reported_len > p.body.len() {
        msg.issues.push(cwmp::Issue {
            expert: crate::fields::Expert::Truncated,
            span: cwmp::Span::new(p.body.len(), 0),
            text: format!(
                "Capture holds {} of the body's {} bytes",
                p.body.len(),
                p.reported_len
            ),
        });
    }
    Some(msg)
}

fn verdict_with(
    p: &Packet<'_>,
    msg: &cwmp::Message,
    record: Option<&crate::session::Record>,
    detail: Detail,
) -> Verdict {
    let info = cwmp::summary::info_line(msg);
    let body_len = u32::try_from(p.body.len()).unwrap_or(u32::MAX);
    let mut ops = match detail {
        Detail::Full => TreeOps::new(body_len),
        Detail::ExpertsOnly => TreeOps::experts_only(body_len),
    };
    tree::render_with_session(msg, body_len, &info, record, &mut ops);
    Verdict {
        claimed: true,
        want_xml: p.prefs.xml_tree,
        ops,
        info,
        taps: Vec::new(),
    }
}

/// Where a body sits in the capture, for the session logic.
pub use crate::session::At;

/// Dissects one body within its session: like [`dissect`], plus session number, device identity,
/// request/response links and sequence checks from `tracker` (updated on the first pass only).
pub fn dissect_in_session(
    p: &Packet<'_>,
    at: At,
    tracker: &mut crate::session::Tracker,
) -> Verdict {
    dissect_in_session_with(p, at, tracker, Detail::Full)
}

/// [`dissect_in_session`] with the given level of detail; the session state is updated the same way
/// whatever the detail.
pub fn dissect_in_session_with(
    p: &Packet<'_>,
    at: At,
    tracker: &mut crate::session::Tracker,
    detail: Detail,
) -> Verdict {
    dissect_in_session_dm(p, at, tracker, detail, None)
}

/// The loaded data models and the per-device state of their checks.
pub type Models<'a> = (
    &'a crate::datamodel::Catalog,
    &'a mut crate::dmcheck::DmSessions,
);

/// [`dissect_in_session_with`], with the loaded data models applied to every parameter name (see
/// [`crate::dmcheck`]); `None`, or an empty catalog, gives exactly the output without models.
pub fn dissect_in_session_dm(
    p: &Packet<'_>,
    at: At,
    tracker: &mut crate::session::Tracker,
    detail: Detail,
    models: Option<Models<'_>>,
) -> Verdict {
    dissect_in_session_viewed(p, at, tracker, None, detail, models)
}

/// [`dissect_in_session_dm`] that also feeds the session views (Flow Graph, Export Objects, change
/// log) when `views` is given.
pub fn dissect_in_session_viewed(
    p: &Packet<'_>,
    at: At,
    tracker: &mut crate::session::Tracker,
    views: Option<&mut crate::views::Views>,
    detail: Detail,
    models: Option<Models<'_>>,
) -> Verdict {
    let Some(mut msg) = parse_packet(p) else {
        return Verdict::default();
    };
    let record = tracker.on_body(at, &msg);
    if let Some(views) = views {
        views.on_body(at, &msg, &record);
    }
    if let Some((cat, devices)) = models {
        let key = crate::dmcheck::device_key(Some(&record), &msg);
        let full = detail == Detail::Full && devices.annotations_are_read();
        crate::dmcheck::annotate(&mut msg, cat, devices.device(&key), full);
    }
    let mut v = verdict_with(p, &msg, Some(&record), detail);
    v.taps = tap_records(&msg, &record);
    v
}

fn tap_records(msg: &cwmp::Message, rec: &crate::session::Record) -> Vec<TapRecord> {
    use crate::values;
    let dir = msg.direction;
    msg.rpcs
        .iter()
        .enumerate()
        .map(|(i, rpc)| TapRecord {
            method: rpc.name.clone(),
            direction: match dir {
                Some(Direction::CpeToAcs) => values::DIR_CPE_TO_ACS,
                Some(Direction::AcsToCpe) => values::DIR_ACS_TO_CPE,
                None => 0,
            },
            kind: match rpc.kind {
                cwmp::RpcKind::Request => values::KIND_REQUEST,
                cwmp::RpcKind::Response => values::KIND_RESPONSE,
                cwmp::RpcKind::Fault => values::KIND_FAULT,
            },
            session: rec.session.unwrap_or(0),
            new_session: rec.new_session && i == 0,
            // An Inform retried after a 401 repeats its events: count them once, with the session.
            events: if rpc.name == "Inform" && rec.new_session {
                msg.events.clone()
            } else {
                Vec::new()
            },
            fault: rpc.fault.as_ref().map(|f| f.0),
            oui: msg
                .device
                .as_ref()
                .map(|d| d.oui.clone())
                .unwrap_or_default(),
            product_class: msg
                .device
                .as_ref()
                .map(|d| d.product_class.clone())
                .unwrap_or_default(),
            request_method: if i == 0 {
                rec.request_method.clone()
            } else {
                None
            },
            response_ms: if i == 0 {
                rec.response_to
                    .map(|(_, (s, n))| s as f64 * 1000.0 + f64::from(n) / 1_000_000.0)
            } else {
                None
            },
        })
        .collect()
}

/// The HTTP messages of a frame that carried no CWMP body (empty POST, 204, 401, connection requests).
pub fn dissect_http(
    at: At,
    msgs: &[crate::session::HttpMessage],
    cwmp_port: bool,
    tracker: &mut crate::session::Tracker,
) -> Verdict {
    dissect_http_viewed(at, msgs, cwmp_port, tracker, None)
}

/// [`dissect_http`] that also feeds the session views when `views` is given.
pub fn dissect_http_viewed(
    at: At,
    msgs: &[crate::session::HttpMessage],
    cwmp_port: bool,
    tracker: &mut crate::session::Tracker,
    views: Option<&mut crate::views::Views>,
) -> Verdict {
    let creds = crate::httpauth::Credentials::default();
    let checks = crate::httpauth::Checks {
        creds: &creds,
        http_checks: false,
        tls: false,
    };
    dissect_http_checked(at, msgs, &[], cwmp_port, tracker, views, checks)
}

/// [`dissect_http_viewed`] with the header values of each message and the authentication and
/// cookie checks to run on them.
pub fn dissect_http_checked(
    at: At,
    msgs: &[crate::session::HttpMessage],
    heads: &[crate::httpauth::HttpHeaders],
    cwmp_port: bool,
    tracker: &mut crate::session::Tracker,
    views: Option<&mut crate::views::Views>,
    checks: crate::httpauth::Checks<'_>,
) -> Verdict {
    let recs = tracker.on_http_checked(at, msgs, heads, cwmp_port, checks);
    if let Some(views) = views {
        views.on_http(at, &recs);
    }
    if recs.iter().all(|r| r.event.is_none() && r.auth.is_none()) {
        return Verdict::default();
    }
    let mut ops = TreeOps::new(0);
    let info = tree::render_http_events(&recs, &mut ops);
    let taps = recs
        .iter()
        .filter_map(|r| {
            let ev = r.event?;
            Some(TapRecord {
                method: crate::session::HTTP_EVENTS
                    .iter()
                    .find(|(k, _)| *k == ev as u32)
                    .map(|(_, s)| (*s).to_owned())
                    .unwrap_or_default(),
                session: r.session.unwrap_or(0),
                ..TapRecord::default()
            })
        })
        .collect();
    Verdict {
        claimed: true,
        want_xml: false,
        ops,
        info,
        taps,
    }
}

/// One UDP datagram that may be a connection request (Annex G) or a lightweight notification (Annex M).
#[derive(Debug, Clone, Copy)]
pub struct Datagram<'a> {
    pub payload: &'a [u8],
    pub frame: u32,
    pub visited: bool,
    /// Capture time, seconds since the epoch (for stale timestamps).
    pub capture_secs: i64,
    pub capture_nanos: u32,
    /// Where the datagram went: the CPE of a connection request.
    pub dst: Option<std::net::IpAddr>,
    /// ConnectionRequestPassword, to check connection-request signatures.
    pub cr_password: Option<&'a str>,
    /// ACS password (ManagementServer.Password), to check lightweight-notification signatures.
    pub acs_password: Option<&'a str>,
}

/// Dissects a CWMP UDP datagram; `claimed` is false when it is neither kind.
pub fn dissect_udp(
    d: &Datagram<'_>,
    state: &mut crate::sidechannel::UdpState,
    tracker: &mut crate::session::Tracker,
) -> Verdict {
    dissect_udp_with(d, &crate::httpauth::Credentials::default(), state, tracker)
}

/// [`dissect_udp`] with the `cwmp_credentials` table: the password of the message's user name
/// (`un`, `UN`) checks its signature; the passwords of the datagram are the fallback.
pub fn dissect_udp_with(
    d: &Datagram<'_>,
    creds: &crate::httpauth::Credentials,
    state: &mut crate::sidechannel::UdpState,
    tracker: &mut crate::session::Tracker,
) -> Verdict {
    use crate::sidechannel as sc;
    let len = d.payload.len();
    let mut links = None;
    let (node, info) = if sc::looks_like_lw_notification(d.payload) {
        let mut node = sc::lw_notification_node(d.payload, d.acs_password);
        if !creds.is_empty() {
            let un = node.children.iter().find_map(|c| match &c.value {
                cwmp::Value::Str(s) if c.field == crate::fields::Field::LwUn => Some(s.clone()),
                _ => None,
            });
            if let Some(pw) = un.as_deref().and_then(|u| creds.password(u)) {
                node = sc::lw_notification_node(d.payload, Some(pw));
            }
        }
        (node, "UDP Lightweight Notification".to_owned())
    } else if let Some(cr) =
        sc::parse_udp_cr(d.payload).filter(|_| sc::looks_like_udp_cr(d.payload))
    {
        let password = cr
            .un
            .as_ref()
            .and_then(|u| creds.password(&u.value))
            .or(d.cr_password);
        let sig = cr.check(password);
        let replay = state.replay_of(d.frame, d.visited, &cr);
        let id = cr.id.as_ref().map(|p| p.value.clone()).unwrap_or_default();
        let mut info = format!("UDP Connection Request id={id}");
        if replay.is_some() {
            info.push_str(" (repeated)");
        }
        match sig {
            sc::SigCheck::Valid => info.push_str(" [signature valid]"),
            sc::SigCheck::Invalid => info.push_str(" [signature INVALID]"),
            sc::SigCheck::NotChecked => {}
        }
        let ts = crate::session::Ts {
            secs: d.capture_secs,
            nanos: d.capture_nanos,
        };
        links = Some(tracker.side_connection_request(d.frame, ts, d.visited, None, d.dst));
        (sc::udp_cr_node(&cr, sig, replay, d.capture_secs, len), info)
    } else {
        return Verdict::default();
    };
    let whole = cwmp::Span {
        start: 0,
        len: u32::try_from(len).unwrap_or(u32::MAX),
    };
    side_channel_verdict(&node, whole, info, links.as_ref())
}

/// A side-channel message: the protocol item over `span`, then the decoded node.
fn side_channel_verdict(
    node: &cwmp::Node,
    span: cwmp::Span,
    info: String,
    links: Option<&crate::follow::Links>,
) -> Verdict {
    use tree::Sink;
    let mut ops = TreeOps::new(span.end());
    ops.item(
        crate::fields::Field::Proto,
        span,
        &cwmp::Value::None,
        Some(&format!("CPE WAN Management Protocol, {info}")),
        false,
    );
    ops.push(crate::fields::Field::Proto);
    tree::render_node(node, &mut ops);
    if let Some(l) = links {
        tree::render_follow(l, &mut ops);
    }
    ops.pop();
    Verdict {
        claimed: true,
        want_xml: false,
        ops,
        info,
        taps: Vec::new(),
    }
}

/// The bytes Wireshark's XMPP dissector parsed a stanza from: a CWMP connection request (Annex K)?
/// `seen` is the frame, its time and whether it was visited before.
pub fn dissect_xmpp(
    frame: &[u8],
    seen: (u32, crate::session::Ts, bool),
    tracker: &mut crate::session::Tracker,
) -> Verdict {
    let Some(node) = crate::sidechannel::xmpp_connection_request(frame) else {
        return Verdict::default();
    };
    let to = node.walk().into_iter().find_map(|n| match &n.value {
        cwmp::Value::Str(s) if n.field == crate::fields::Field::XmppTo => Some(s.clone()),
        _ => None,
    });
    let links = tracker.side_connection_request(seen.0, seen.1, seen.2, to.as_deref(), None);
    side_channel_verdict(
        &node,
        node.span,
        "XMPP Connection Request".to_owned(),
        Some(&links),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::OpCode;

    fn packet(body: &[u8]) -> Packet<'_> {
        Packet {
            body,
            reported_len: body.len() + 10,
            via: Via::Port,
            http: HttpKind::Response,
            media_params: None,
            prefs: Prefs::default(),
        }
    }

    #[test]
    fn experts_only_keeps_experts_info_and_verdict() {
        // A CPE message sent by the "ACS", cut short: wrong-sender and truncation experts.
        let body = include_bytes!("../tests/fixtures/inform-mikrotik.xml");
        let p = packet(body);
        let full = dissect_with(&p, Detail::Full);
        let lean = dissect_with(&p, Detail::ExpertsOnly);
        assert!(full.claimed && lean.claimed);
        assert_eq!(full.want_xml, lean.want_xml);
        assert_eq!(full.info, lean.info);
        assert!(full.ops.ops.len() > lean.ops.ops.len());
        let items: Vec<_> = lean
            .ops
            .ops
            .iter()
            .filter(|o| o.code != OpCode::Expert)
            .collect();
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0].code, OpCode::Protocol);
        assert_eq!(items[0], &full.ops.ops[0]);
        assert!(!full.ops.experts().is_empty());
        assert_eq!(full.ops.experts(), lean.ops.experts());
    }

    #[test]
    fn not_cwmp_is_not_claimed_at_any_detail() {
        let p = packet(b"<html><body>hello</body></html>");
        assert!(!dissect_with(&p, Detail::ExpertsOnly).claimed);
        assert!(!dissect_with(&p, Detail::Full).claimed);
    }
}
