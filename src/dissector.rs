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

/// What to do with the body.
#[derive(Debug, Default)]
pub struct Verdict {
    pub claimed: bool,
    pub want_xml: bool,
    pub ops: TreeOps,
    pub info: String,
}

/// Dissects one body on its own (no session context). Never panics on any input.
pub fn dissect(p: &Packet<'_>) -> Verdict {
    match parse_packet(p) {
        Some((msg, _)) => verdict(p, &msg, None),
        None => Verdict::default(),
    }
}

/// The CWMP test, then the parse: `None` when the body is not CWMP.
fn parse_packet(p: &Packet<'_>) -> Option<(cwmp::Message, Options)> {
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
    Some((msg, opts))
}

fn verdict(
    p: &Packet<'_>,
    msg: &cwmp::Message,
    record: Option<&crate::session::Record>,
) -> Verdict {
    let info = cwmp::summary::info_line(msg);
    let body_len = u32::try_from(p.body.len()).unwrap_or(u32::MAX);
    let mut ops = TreeOps::new(body_len);
    tree::render_with_session(msg, body_len, &info, record, &mut ops);
    Verdict {
        claimed: true,
        want_xml: p.prefs.xml_tree,
        ops,
        info,
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
    let Some((msg, opts)) = parse_packet(p) else {
        return Verdict::default();
    };
    let record = tracker.on_body(at, &msg, opts.direction);
    verdict(p, &msg, Some(&record))
}

/// The HTTP messages of a frame that carried no CWMP body (empty POST, 204, 401, connection requests).
pub fn dissect_http(
    at: At,
    msgs: &[crate::session::HttpMessage],
    cwmp_port: bool,
    tracker: &mut crate::session::Tracker,
) -> Verdict {
    let recs = tracker.on_http(at, msgs, cwmp_port);
    if recs.iter().all(|r| r.event.is_none()) {
        return Verdict::default();
    }
    let mut ops = TreeOps::new(0);
    let info = tree::render_http_events(&recs, &mut ops);
    Verdict {
        claimed: true,
        want_xml: false,
        ops,
        info,
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
    /// ConnectionRequestPassword, to check connection-request signatures.
    pub cr_password: Option<&'a str>,
    /// ACS password (ManagementServer.Password), to check lightweight-notification signatures.
    pub acs_password: Option<&'a str>,
}

/// Dissects a CWMP UDP datagram; `claimed` is false when it is neither kind.
pub fn dissect_udp(d: &Datagram<'_>, state: &mut crate::sidechannel::UdpState) -> Verdict {
    use crate::sidechannel as sc;
    let len = d.payload.len();
    let (node, info) = if sc::looks_like_lw_notification(d.payload) {
        (
            sc::lw_notification_node(d.payload, d.acs_password),
            "UDP Lightweight Notification".to_owned(),
        )
    } else if let Some(cr) =
        sc::parse_udp_cr(d.payload).filter(|_| sc::looks_like_udp_cr(d.payload))
    {
        let sig = cr.check(d.cr_password);
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
        (sc::udp_cr_node(&cr, sig, replay, d.capture_secs, len), info)
    } else {
        return Verdict::default();
    };
    let body_len = u32::try_from(len).unwrap_or(u32::MAX);
    let mut ops = TreeOps::new(body_len);
    {
        use tree::Sink;
        let whole = cwmp::Span {
            start: 0,
            len: body_len,
        };
        ops.item(
            crate::fields::Field::Proto,
            whole,
            &cwmp::Value::None,
            Some(&format!("CPE WAN Management Protocol, {info}")),
            false,
        );
        ops.push(crate::fields::Field::Proto);
        tree::render_node(&node, &mut ops);
        ops.pop();
    }
    Verdict {
        claimed: true,
        want_xml: false,
        ops,
        info,
    }
}
