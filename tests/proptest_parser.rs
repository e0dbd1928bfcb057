// SPDX-License-Identifier: GPL-2.0-or-later
//! Hostile input never hurts: property tests of every public parse entry point.
//!
//! For arbitrary bytes, XML-ish token soup and structured mutations of real CWMP messages (the fuzzer's
//! XML-aware mutator: truncated, duplicated, dropped and swapped elements, random attributes, deep
//! nesting, huge text, invalid UTF-8, entity bombs and external entities), every entry point returns a
//! model or an error and never panics; the tree it renders is sound for the C shim (spans inside the
//! body, balanced subtrees, valid strings); and memory stays within a linear bound of the input size.
//! Scaling tests count work (tree operations, nodes, bytes allocated) for `k` and `8k` copies of each
//! hostile construct: the counts must grow linearly. No test looks at the clock (CPU work is counted
//! in `linear_work.rs`, with Valgrind's instruction counter).
//!
//! Entry points: `cwmp::looks_like_cwmp`, `cwmp::xml::parse`, `cwmp::parse`, `cwmp::summary::info_line`,
//! `dissector::{dissect, dissect_with, dissect_in_session, dissect_http, dissect_udp, dissect_xmpp}`,
//! `session::Tracker`, `sidechannel::{parse_udp_cr, looks_like_udp_cr, looks_like_lw_notification,
//! lw_notification_node, xmpp_connection_request}`,
//! `cwmp::decode::{charset_from_params, choose_charset}` and the `values` parsers.

mod hostile;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cwmp_dissector::cwmp::{self, decode, xml, Direction, Limits, Options};
use cwmp_dissector::dissector::{self, HttpKind, Packet, Prefs, Via};
use cwmp_dissector::session::{At, HttpMessage, Tracker, Ts};
use cwmp_dissector::{sidechannel, values};
use cwmp_fuzz::{mutate, Rng, ALL_OPS};
use proptest::prelude::*;

// ---- Memory: a counting allocator (per thread, so parallel tests do not mix) ----------------------

struct Counting;

thread_local! {
    static CUR: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static TOTAL: Cell<usize> = const { Cell::new(0) };
}

fn note_alloc(n: usize) {
    let _ = CUR.try_with(|c| {
        let v = c.get() + n;
        c.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
    let _ = TOTAL.try_with(|t| t.set(t.get() + n));
}

fn note_free(n: usize) {
    let _ = CUR.try_with(|c| c.set(c.get().saturating_sub(n)));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the bookkeeping only touches
// const-initialised thread-locals (no allocation, no re-entrancy).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            note_alloc(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            note_alloc(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        note_free(l.size());
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            note_free(l.size());
            note_alloc(new);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Memory used by `f` on this thread: (peak bytes live above the start, total bytes allocated).
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let base = CUR.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let total0 = TOTAL.with(Cell::get);
    let out = f();
    let peak = PEAK.with(Cell::get) - base;
    let total = TOTAL.with(Cell::get) - total0;
    (out, peak, total)
}

/// Generous linear bound on the memory one body may take: its own size times a constant, plus a
/// fixed allowance. An element of 4 bytes (`<a/>`) becomes an element record, a node, tree operations
/// and label text: a few hundred bytes.
fn memory_bound(len: usize) -> usize {
    600 * len + (1 << 20)
}

/// The whole pure path of one body (parse, tree, Info line), measured.
fn dissect_measured(body: &[u8]) -> (usize, usize) {
    let ((), peak, total) = measure(|| {
        let v = hostile::dissect(body, Prefs::default(), HttpKind::Request, 0);
        drop(v);
    });
    (peak, total)
}

// ---- Strategies -----------------------------------------------------------------------------------

const HEAD: &str = "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
    xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
    xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">";

/// Pieces of CWMP-flavoured XML, good and bad, for token soup.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "=",
    "\"",
    "'",
    " ",
    "\n",
    "&",
    ";",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "<!DOCTYPE r [<!ENTITY e \"x\">]>",
    "<!ENTITY x SYSTEM \"file:///etc/passwd\">",
    "&e;",
    "&amp;",
    "&lt;",
    "&#x1F600;",
    "&#0;",
    "&#xD800;",
    "&#99999999;",
    "\u{1}",
    "\u{feff}",
    "\u{e9}",
    "soap-env:Header",
    "soap-env:Body",
    "soap-env:Envelope",
    "soap-env:Fault",
    "cwmp:ID",
    "cwmp:HoldRequests",
    "cwmp:Inform",
    "cwmp:InformResponse",
    "cwmp:GetParameterValuesResponse",
    "cwmp:SetParameterValues",
    "cwmp:Fault",
    "cwmp:X_ACME",
    "cwmp:Download",
    "cwmp:ChangeDUState",
    "cwmp:TransferComplete",
    "DeviceId",
    "OUI",
    "Event",
    "EventStruct",
    "EventCode",
    "ParameterList",
    "ParameterValueStruct",
    "Name",
    "Value",
    "Status",
    "FaultCode",
    "FaultString",
    "CurrentTime",
    "MaxEnvelopes",
    "Operations",
    "detail",
    "faultcode",
    " xsi:type=\"xsd:int\"",
    " xsi:type=\"cwmp:InstallOpStruct\"",
    " soap-enc:arrayType=\"cwmp:ParameterValueStruct[3]\"",
    " soap-env:mustUnderstand=\"1\"",
    " xmlns:cwmp=\"urn:dslforum-org:cwmp-1-4\"",
    " xmlns=\"\"",
    " zz:a=\"1\"",
    "1 BOOT",
    "M Reboot",
    "X 00AB12 E",
    "9003",
    "4294967296",
    "-1",
    "true",
    "2024-05-01T10:00:00Z",
    "0001-01-01T00:00:00Z",
    "Device.A.B.",
    "1 Firmware Upgrade Image",
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
            1 => prop::collection::vec(any::<u8>(), 1..4),
        ],
        0..160,
    )
    .prop_map(|parts| {
        let mut b = HEAD.as_bytes().to_vec();
        for p in parts {
            b.extend(p);
        }
        b
    })
}

/// A seed message after a list of (mutation, random seed) steps of the fuzzer's mutator.
fn mutated(seeds: &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    (
        0..seeds.len(),
        prop::collection::vec((prop::sample::select(ALL_OPS), any::<u64>()), 1..5),
        0..seeds.len(),
    )
        .prop_map(move |(s, steps, donor)| {
            let mut b = seeds[s].clone();
            for (op, seed) in steps {
                let mut rng = Rng::new(seed);
                if let Some(m) = mutate::apply(op, &mut rng, &b, &seeds[donor]) {
                    // Keep cases small enough for many of them to run.
                    if m.len() <= 400_000 {
                        b = m;
                    }
                }
            }
            b
        })
}

fn seeds() -> &'static [Vec<u8>] {
    static S: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    S.get_or_init(hostile::seeds)
}

fn limits() -> impl Strategy<Value = Limits> {
    (0usize..3_000_000, 0u16..300, 0usize..5_000).prop_map(|(max_body, max_depth, max_items)| {
        Limits {
            max_body,
            max_depth,
            max_items,
        }
    })
}

fn http_kind() -> impl Strategy<Value = HttpKind> {
    prop::sample::select(&[HttpKind::Request, HttpKind::Response, HttpKind::Unknown][..])
}

// ---- Properties -----------------------------------------------------------------------------------

/// Cases per property: `PROPTEST_CASES` when set (for long runs), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        hostile::check_all(&body);
        // The same bytes behind a CWMP prefix reach the decoder.
        let mut b = HEAD.as_bytes().to_vec();
        b.extend(&body);
        hostile::check_all(&b);
    }

    #[test]
    fn token_soup_never_panics(body in soup()) {
        hostile::check_all(&body);
        let (peak, _) = dissect_measured(&body);
        prop_assert!(peak <= memory_bound(body.len()), "{peak} bytes for {} input bytes", body.len());
    }

    #[test]
    fn mutated_messages_never_panic_and_stay_linear(body in mutated(seeds())) {
        hostile::check_all(&body);
        let (peak, total) = dissect_measured(&body);
        prop_assert!(peak <= memory_bound(body.len()), "peak {peak} bytes for {} input bytes", body.len());
        prop_assert!(total <= 4 * memory_bound(body.len()), "{total} bytes allocated for {} input bytes", body.len());
    }

    #[test]
    fn any_limits_and_packet_shape(
        body in mutated(seeds()),
        limits in limits(),
        http in http_kind(),
        xml_tree in any::<bool>(),
        extra in 0usize..100,
        params in prop::sample::select(&[None, Some("charset=ISO-8859-1"), Some("charset=\"utf-8\""), Some("charset=\u{e9}"), Some("")][..]),
    ) {
        let opts = Options { direction: None, http_charset: params.and_then(decode::charset_from_params), limits };
        let msg = cwmp::parse(&body, &opts);
        hostile::check_message(&body, &msg, &limits);
        let p = Packet {
            body: &body,
            reported_len: body.len() + extra,
            via: Via::MediaType,
            http,
            media_params: params,
            prefs: Prefs { xml_tree, limits },
        };
        let v = dissector::dissect(&p);
        if v.claimed {
            hostile::check_ops(body.len(), &v.ops);
        }
        hostile::check_xml(&body, limits.max_depth.max(1), u32::try_from(limits.max_items).unwrap_or(u32::MAX));
    }

    #[test]
    fn value_parsers_never_panic(s in ".{0,64}", n in any::<u32>(), i in any::<i32>(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = values::parse_bool(&s);
        let _ = values::parse_u32(&s);
        let _ = values::parse_i32(&s);
        let _ = values::parse_datetime(&s);
        let _ = values::classify_event(&s);
        let _ = values::leading_number(&s);
        let _ = values::is_valid_oui(&s);
        let _ = values::fault_name(n);
        let _ = values::fault_ranges();
        let _ = sidechannel::hmac_sha1_hex(s.as_bytes(), &bytes);
        let _ = values::lookup(values::FAULT_CODES, n);
        let _ = values::file_type_name(values::FILE_TYPES, n, &s);
        let _ = decode::charset_from_params(&s);
        let _ = decode::choose_charset(&bytes, None);
        let _ = decode::choose_charset(&bytes, Some(xml::Charset::Latin1));
        let _ = xml::decode_text(&bytes, xml::Charset::Utf8);
        let _ = xml::decode_text(&bytes, xml::Charset::Latin1);
        // What the parsers accept, they read back exactly.
        prop_assert_eq!(values::parse_u32(&n.to_string()), Some(n));
        prop_assert_eq!(values::parse_u32(&format!(" +{n}\n")), Some(n));
        prop_assert_eq!(values::parse_i32(&i.to_string()), Some(i));
        prop_assert_eq!(values::parse_bool(if n % 2 == 0 { "TRUE" } else { "0" }), Some(n % 2 == 0));
    }

    #[test]
    fn datetimes_are_ordered_and_never_panic(
        y in 0u32..10_000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62, sec in 0u32..62,
        frac in prop::option::of("[0-9]{1,25}"),
        zone in prop::sample::select(&["", "Z", "z", "+02:00", "-14:00", "+15:00", "+2", "-00:60"][..]),
    ) {
        let s = format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{sec:02}{}{zone}",
            frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default()
        );
        if let Some(t) = values::parse_datetime(&s) {
            prop_assert!(t.nanos < 1_000_000_000);
            // One second later (same fields otherwise) is never earlier.
            if sec < 59 {
                let later = s.replacen(&format!(":{sec:02}"), &format!(":{:02}", sec + 1), 1);
                if let Some(u) = values::parse_datetime(&later) {
                    prop_assert!(u.secs >= t.secs, "{s} vs {later}");
                }
            }
        }
    }

    #[test]
    fn udp_side_channel_never_panics(
        raw in prop::collection::vec(any::<u8>(), 0..600),
        query in prop::collection::vec(("(ts|id|un|cn|sig|x|)", "[ -~%]{0,12}"), 0..8),
        password in prop::option::of("[ -~]{0,10}"),
        visited in any::<bool>(),
        frame in 1u32..10,
    ) {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let line = format!("GET http://192.0.2.10:7547?{} HTTP/1.1\r\nHost: x\r\n\r\n", q.join("&")).into_bytes();
        let mut state = sidechannel::UdpState::default();
        let mut tracker = Tracker::new();
        for payload in [&raw[..], &line[..]] {
            let _ = sidechannel::looks_like_udp_cr(payload);
            let _ = sidechannel::looks_like_lw_notification(payload);
            if let Some(cr) = sidechannel::parse_udp_cr(payload) {
                let _ = cr.check(password.as_deref());
            }
            let _ = sidechannel::lw_notification_node(payload, password.as_deref());
            let d = dissector::Datagram {
                payload,
                frame,
                visited,
                capture_secs: 1_714_557_600,
                capture_nanos: 0,
                dst: Some(std::net::IpAddr::from([192, 0, 2, 10])),
                cr_password: password.as_deref(),
                acs_password: password.as_deref(),
            };
            let v = dissector::dissect_udp(&d, &mut state, &mut tracker);
            if v.claimed {
                hostile::check_ops(payload.len(), &v.ops);
            }
        }
    }

    #[test]
    fn xmpp_connection_requests_never_panic(
        user in "[ -~]{0,16}",
        pass in "[ -~]{0,16}",
        steps in prop::collection::vec((prop::sample::select(ALL_OPS), any::<u64>()), 0..4),
        junk in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let stanza = format!(
            "<iq type=\"set\" from=\"acs@example.net/a\" to=\"cpe@example.net/c\" id=\"cr1\">\
             <connectionRequest xmlns=\"urn:broadband-forum-org:cwmp:xmppConnReq-1-0\">\
             <username>{user}</username><password>{pass}</password></connectionRequest></iq>"
        );
        let mut frame = junk.clone();
        frame.extend(stanza.as_bytes());
        for (op, seed) in steps {
            if let Some(m) = mutate::apply(op, &mut Rng::new(seed), &frame, stanza.as_bytes()) {
                frame = m;
            }
        }
        for f in [&frame[..], &junk[..]] {
            let _ = sidechannel::xmpp_connection_request(f);
            let ts = Ts { secs: 1_714_557_600, nanos: 0 };
            let v = dissector::dissect_xmpp(f, (1, ts, false), &mut Tracker::new());
            if v.claimed {
                hostile::check_ops(f.len(), &v.ops);
            }
        }
    }

    #[test]
    fn lightweight_notifications_never_panic(body in mutated(seeds()), sig in "[0-9a-f]{0,40}") {
        let mut p = format!("POST / HTTP/1.1\r\nSignature: {sig}\r\nContent-Length: 3\r\n\r\n").into_bytes();
        let ns = body
            .windows(22)
            .position(|w| w == b"urn:dslforum-org:cwmp-")
            .map(|_| body.clone())
            .unwrap_or_default();
        p.extend(b"<Notification xmlns=\"urn:broadband-forum-org:cwmp:lwnotif-1-0\">");
        p.extend(ns);
        let _ = sidechannel::lw_notification_node(&p, Some("pw"));
        let _ = sidechannel::lw_notification_node(&p, None);
    }
}

/// One step of a session: a CWMP body (seed, mutation seed) in a request or response, or an HTTP
/// message without one.
#[derive(Debug, Clone)]
enum Step {
    Body {
        seed: usize,
        mutation: u64,
        request: bool,
    },
    Http(HttpMessage),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..seeds().len(), any::<u64>(), any::<bool>()).prop_map(|(seed, mutation, request)| Step::Body { seed, mutation, request }),
        1 => (prop::sample::select(&["POST", "GET", "PUT", ""][..]), any::<bool>())
            .prop_map(|(m, b)| Step::Http(HttpMessage::Request { method: m.to_owned(), has_body: b })),
        1 => (prop::sample::select(&[200u16, 204, 301, 302, 401, 404, 500, 0, 999][..]), any::<bool>(), prop::option::of("[ -~]{0,20}"))
            .prop_map(|(code, has_body, location)| Step::Http(HttpMessage::Response { code, has_body, location })),
    ]
}

/// One tree operation with its strings resolved, so that dissections can be compared whatever the
/// layout of their string arenas: (code, field or expert, start, len, generated, u, i, nanos, value,
/// label).
type Shown = (
    cwmp_dissector::tree::OpCode,
    u16,
    u32,
    u32,
    bool,
    u64,
    i64,
    u32,
    Option<String>,
    Option<String>,
);

fn shown(ops: &cwmp_dissector::tree::TreeOps) -> Vec<Shown> {
    ops.ops
        .iter()
        .map(|o| {
            (
                o.code,
                o.index,
                o.start,
                o.len,
                o.generated,
                o.u,
                o.i,
                o.nanos,
                ops.str_at(o.str).map(str::to_owned),
                ops.str_at(o.label).map(str::to_owned),
            )
        })
        .collect()
}

/// What only a later pass can know, because it comes from a later frame: the link to the response
/// and "never answered".
fn known_only_later(op: &Shown) -> bool {
    use cwmp_dissector::fields::{Expert, Field};
    use cwmp_dissector::tree::OpCode;
    if op.0 == OpCode::Expert {
        [
            Expert::Unanswered,
            // Cross-session findings that need the rest of the capture.
            Expert::TransferIncomplete,
            Expert::ConnreqUnanswered,
        ]
        .iter()
        .any(|e| op.1 == *e as u16)
    } else {
        // Links forward across sessions, written into the request when its complete, fetch or
        // Inform is seen.
        [
            Field::TransferCompleteIn,
            Field::TransferDuration,
            Field::TransferFetchIn,
            Field::TransferFetchStatus,
            Field::ConnreqInformIn,
            Field::ConnreqLatency,
            Field::ConnreqUndecided,
        ]
        .iter()
        .any(|f| op.1 == *f as u16)
            || op.1 == Field::ResponseIn as u16
    }
}

/// Runs a session's steps through the tracker as one pass over a file; returns what each frame shows.
fn session_pass(
    steps: &[(Step, u32)],
    tracker: &mut Tracker,
    visited: bool,
) -> Vec<(String, Vec<Shown>)> {
    let mut out = Vec::new();
    for (k, (s, stream)) in steps.iter().enumerate() {
        let frame = k as u32 + 1;
        let at = At {
            frame,
            index: 0,
            stream: *stream,
            ts: Ts {
                secs: 1_714_557_600 + i64::from(frame),
                nanos: 0,
            },
            visited,
            src: None,
            dst: None,
        };
        let v = match s {
            Step::Body {
                seed,
                mutation,
                request,
            } => {
                let mut body = seeds()[*seed].clone();
                if mutation % 3 != 0 {
                    let mut rng = Rng::new(*mutation);
                    body = mutate::mutate(
                        &mut rng,
                        &body,
                        &seeds()[0],
                        &cwmp_fuzz::Config {
                            max_ops: 3,
                            max_size: 200_000,
                        },
                    )
                    .0;
                }
                let p = Packet {
                    body: &body,
                    reported_len: body.len(),
                    via: Via::Port,
                    http: if *request {
                        HttpKind::Request
                    } else {
                        HttpKind::Response
                    },
                    media_params: None,
                    prefs: Prefs::default(),
                };
                let v = dissector::dissect_in_session(&p, at, tracker);
                if v.claimed {
                    hostile::check_ops(body.len(), &v.ops);
                }
                v
            }
            Step::Http(m) => {
                let v = dissector::dissect_http(at, std::slice::from_ref(m), *stream == 0, tracker);
                if v.claimed {
                    hostile::check_ops(0, &v.ops);
                }
                v
            }
        };
        out.push((v.info, shown(&v.ops)));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn sessions_never_panic_and_later_passes_agree(steps in prop::collection::vec((step(), 0u32..3), 1..14)) {
        let mut tracker = Tracker::new();
        let first = session_pass(&steps, &mut tracker, false);
        let second = session_pass(&steps, &mut tracker, true);
        let third = session_pass(&steps, &mut tracker, true);
        // Later passes show what the first pass showed, plus only what later frames taught it.
        let later: Vec<(String, Vec<Shown>)> = second
            .iter()
            .map(|(info, ops)| {
                (info.clone(), ops.iter().filter(|o| !known_only_later(o)).cloned().collect())
            })
            .collect();
        prop_assert_eq!(&first, &later, "a later pass must agree with the first");
        prop_assert_eq!(second, third, "re-dissection must be stable");
    }
}

// ---- Hostile classics -----------------------------------------------------------------------------

/// The text of every element, every item string and label of a dissection.
fn all_text(body: &[u8]) -> String {
    let v = hostile::dissect(body, Prefs::default(), HttpKind::Request, 0);
    String::from_utf8_lossy(&v.ops.text).into_owned()
}

#[test]
fn entity_bombs_are_not_expanded() {
    for k in [1, 100] {
        let body = hostile::template("doctype_bomb", k);
        let text = all_text(&body);
        // Ten levels of ten: an expansion would hold "lol" 10^9 times.
        assert!(!text.contains("lollollol"), "entities expanded");
        assert!(text.contains("&lol9;"), "the reference is kept as written");
        let v = hostile::dissect(&body, Prefs::default(), HttpKind::Request, 0);
        let experts: Vec<_> = v.ops.experts().into_iter().map(|(e, _)| e).collect();
        assert!(experts.contains(&cwmp_dissector::fields::Expert::Doctype));
        assert!(experts.contains(&cwmp_dissector::fields::Expert::UnknownEntity));
        assert!(v.ops.text.len() < 40 * body.len() + 65_536);
    }
    // Quadratic blow-up: one large entity referenced many times.
    let big = "x".repeat(50_000);
    let mut body = format!("<!DOCTYPE r [<!ENTITY big \"{big}\">]>").into_bytes();
    body.extend(hostile::envelope(
        "",
        &format!("<cwmp:X_ACME_M>{}</cwmp:X_ACME_M>", "&big;".repeat(20_000)),
    ));
    let (peak, _) = dissect_measured(&body);
    assert!(peak <= memory_bound(body.len()));
    assert!(!all_text(&body).contains(&"x".repeat(60_000)));
}

#[test]
fn external_entities_are_neither_fetched_nor_read() {
    for dtd in [
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"http://192.0.2.66/secret\">]>",
        "<!DOCTYPE r [<!ENTITY % pe SYSTEM \"file:///etc/passwd\"> %pe;]>",
        "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">",
        "<!DOCTYPE r PUBLIC \"-//A//B//EN\" \"file:///etc/passwd\">",
    ] {
        let mut body = dtd.as_bytes().to_vec();
        body.extend(hostile::envelope(
            "<cwmp:ID>&xxe;</cwmp:ID>",
            "<cwmp:Reboot><CommandKey>&xxe;</CommandKey></cwmp:Reboot>",
        ));
        let text = all_text(&body);
        assert!(!text.contains("root:"), "file contents in the tree: {dtd}");
        assert!(
            text.contains("&xxe;") || dtd.contains("%pe"),
            "reference kept as written: {dtd}"
        );
        let msg = cwmp::parse(&body, &Options::default());
        assert!(msg.methods().any(|m| m == "Reboot"), "still decoded: {dtd}");
    }
}

#[test]
fn deep_nesting_is_bounded_without_stack_overflow() {
    // Run on a small stack: recursion must be bounded by the depth limit, not by the input.
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for k in [100, 10_000, 200_000] {
                let body = hostile::template("deep", k);
                let v = hostile::dissect(&body, Prefs::default(), HttpKind::Request, 0);
                assert!(v.ops.max_depth <= 128);
                // Even a limit set absurdly high in the preferences is clamped.
                let prefs = Prefs {
                    xml_tree: true,
                    limits: Limits {
                        max_depth: u16::MAX,
                        ..Limits::default()
                    },
                };
                let v = hostile::dissect(&body, prefs, HttpKind::Request, 0);
                assert!(v.ops.max_depth <= 128);
                let opts = Options {
                    limits: Limits {
                        max_depth: 500,
                        ..Limits::default()
                    },
                    ..Options::default()
                };
                let m = cwmp::parse(&body, &opts);
                hostile::check_message(&body, &m, &opts.limits);
            }
        })
        .expect("spawn");
    h.join()
        .expect("no stack overflow or panic on deep nesting");
}

#[test]
fn huge_text_and_invalid_utf8_are_linear() {
    let body = hostile::template("huge_text", 500_000); // 8 MB of text
    let (peak, _) = dissect_measured(&body);
    assert!(
        peak <= memory_bound(body.len()),
        "{peak} for {}",
        body.len()
    );
    let body = hostile::template("invalid_utf8", 50_000);
    let (peak, _) = dissect_measured(&body);
    assert!(
        peak <= memory_bound(body.len()),
        "{peak} for {}",
        body.len()
    );
    let v = hostile::dissect(&body, Prefs::default(), HttpKind::Request, 0);
    assert!(v.claimed);
}

#[test]
fn problem_floods_stay_off_the_top_of_the_tree() {
    // A million unknown entities or control characters must not put a million expert items before
    // the method and ID (Wireshark's item limit would cut the tree before them).
    for name in ["unknown_entities", "control_chars", "invalid_utf8"] {
        let body = hostile::template(name, 20_000);
        let msg = cwmp::parse(&body, &Options::default());
        assert!(
            msg.issues.len() <= 64,
            "{name}: {} message-level issues",
            msg.issues.len()
        );
    }
}

#[test]
fn expert_items_are_bounded() {
    // Every unknown element in a parameter list carries an expert item: 200,000 of them would put
    // a million tree items on Wireshark's counter. The tree stops at MAX_EXPERTS, and says so.
    let body = hostile::envelope(
        "<cwmp:ID>1</cwmp:ID>",
        &format!(
            "<cwmp:GetParameterValuesResponse><ParameterList>{}</ParameterList></cwmp:GetParameterValuesResponse>",
            "<x/>".repeat(200_000)
        ),
    );
    let v = hostile::dissect(&body, Prefs::default(), HttpKind::Request, 0);
    let experts = v.ops.experts();
    assert_eq!(experts.len(), cwmp_dissector::tree::MAX_EXPERTS + 1);
    let (last, text) = experts.last().expect("experts");
    assert_eq!(*last, cwmp_dissector::fields::Expert::TooManyItems);
    assert!(text.contains("the rest are not shown"));
    // Items plus about five per expert item stay well under Wireshark's 1,000,000.
    let items = v
        .ops
        .ops
        .iter()
        .filter(|o| {
            !matches!(
                o.code,
                cwmp_dissector::tree::OpCode::Push | cwmp_dissector::tree::OpCode::Pop
            )
        })
        .count();
    assert!(items + 4 * experts.len() < 900_000, "{items} items");
}

#[test]
fn limits_are_reached_and_flagged() {
    use cwmp_dissector::fields::Expert;
    let has = |body: &[u8], limits: Limits, e: Expert| {
        let prefs = Prefs {
            xml_tree: false,
            limits,
        };
        let v = hostile::dissect(body, prefs, HttpKind::Response, 0);
        v.ops.experts().iter().any(|(x, _)| *x == e)
    };
    let gpv = hostile::template("params", 1000);
    assert!(has(
        &gpv,
        Limits {
            max_items: 100,
            ..Limits::default()
        },
        Expert::TooManyItems
    ));
    assert!(!has(&gpv, Limits::default(), Expert::TooManyItems));
    assert!(has(
        &gpv,
        Limits {
            max_body: 5000,
            ..Limits::default()
        },
        Expert::TooLarge
    ));
    let deep = hostile::template("deep", 50);
    assert!(has(
        &deep,
        Limits {
            max_depth: 10,
            ..Limits::default()
        },
        Expert::TooDeep
    ));
    assert!(has(
        &hostile::template("xmlns", 100),
        Limits::default(),
        Expert::TooManyItems
    ));
}

#[test]
fn fifty_thousand_parameters_decode_fully_with_the_defaults() {
    let body = hostile::template("params", 50_000);
    let msg = cwmp::parse(
        &body,
        &Options {
            direction: Some(Direction::CpeToAcs),
            ..Options::default()
        },
    );
    assert_eq!(msg.param_count, 50_000);
    assert!(msg.issues.is_empty(), "{:?}", msg.issues.first());
    let v = hostile::dissect(&body, Prefs::default(), HttpKind::Request, 0);
    assert_eq!(
        v.ops
            .values_of(cwmp_dissector::fields::Field::ParameterName)
            .len(),
        50_000
    );
    assert!(v.ops.experts().is_empty());
}

// ---- Linear growth, by counting work --------------------------------------------------------------

/// Work of one dissection: tree operations, string bytes, bytes allocated, peak bytes live.
fn work(body: &[u8]) -> [usize; 4] {
    let (v, peak, total) =
        measure(|| hostile::dissect(body, Prefs::default(), HttpKind::Request, 0));
    [v.ops.ops.len(), v.ops.text.len(), total, peak]
}

#[test]
fn work_grows_linearly_with_repetition() {
    const NAMES: [&str; 4] = ["ops", "text bytes", "bytes allocated", "peak bytes"];
    for name in hostile::TEMPLATES {
        let (k, f) = (2_000, 8);
        let (small, large) = (hostile::template(name, k), hostile::template(name, k * f));
        let (a, b) = (work(&small), work(&large));
        let size_ratio = large.len() as f64 / small.len() as f64;
        for m in 0..4 {
            // Linear growth gives the size ratio (allocations up to twice that, from capacity
            // doubling); quadratic growth would give its square.
            let bound = 2.5 * size_ratio * a[m] as f64 + 65_536.0;
            assert!(
                (b[m] as f64) <= bound,
                "{name}: {} grows from {} to {} for {}x the input",
                NAMES[m],
                a[m],
                b[m],
                size_ratio
            );
        }
    }
}
