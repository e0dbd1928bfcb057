// SPDX-License-Identifier: GPL-2.0-or-later
//! CWMP sessions and request/response matching across HTTP messages (TR-069 Amendment 6, 3.7.1 and 3.7.2;
//! reference sections 1.3 and 1.4).
//!
//! PURE. CWMP turns HTTP inside out: an ACS request rides in HTTP response *n* and is answered by the body
//! of HTTP request *n+1* on the same connection; a CPE request is answered in the response to the same
//! POST. A session runs from the Inform to the ACS's empty answer (204, or 200 without a body).
//!
//! State changes only on the first pass over a file (`visited == false`); every CWMP message and every
//! empty HTTP message gets a stored [`Record`] that later passes read back, so re-dissection is stable.
//! Links that are only known later (`response in`, "never answered") are written into the earlier
//! record when they become known, and show from the second pass on (`tshark -2`, the GUI).
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use crate::cwmp::{DeviceId, Direction, Message, Node, RpcKind, Value};
use crate::fields::{Expert, Field};
use crate::follow::{DeviceKey, FetchOutcome, Follow, InformFacts, Links, Seen};

/// A capture time stamp.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ts {
    pub secs: i64,
    pub nanos: u32,
}

impl Ts {
    /// `self - earlier`, as (seconds, nanoseconds) with nanoseconds in 0..1e9.
    pub fn since(self, earlier: Ts) -> (i64, u32) {
        let mut secs = self.secs - earlier.secs;
        let mut nanos = i64::from(self.nanos) - i64::from(earlier.nanos);
        if nanos < 0 {
            nanos += 1_000_000_000;
            secs -= 1;
        }
        (secs, nanos as u32)
    }
}

/// Where a message was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub frame: u32,
    /// Index among the CWMP messages (or empty HTTP messages) of the frame.
    pub index: u16,
    /// The TCP connection (Wireshark's conversation index).
    pub stream: u32,
    pub ts: Ts,
    pub visited: bool,
    /// The frame's network addresses, where IP.
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
}

/// What an HTTP message without a CWMP body means for the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpEventKind {
    /// The CPE's empty POST: it has no more requests and hands the floor to the ACS.
    EmptyPost = 1,
    /// The ACS's empty answer (204 or empty 200) to the empty POST: the session ends.
    SessionEnd = 2,
    /// HTTP 401 with a challenge: the CPE retries with credentials.
    AuthChallenge = 3,
    /// HTTP 3xx: the session moves to another URL.
    Redirect = 4,
    /// HTTP 4xx/5xx other than 401.
    HttpError = 5,
    /// An empty answer that is not the end of a session (it leaves a CPE request unanswered).
    EmptyAnswer = 6,
    /// The ACS's GET to the CPE's ConnectionRequestURL.
    ConnectionRequest = 7,
    /// The CPE's answer to a connection request.
    ConnectionRequestAnswer = 8,
}

/// `cwmp.http_event` values.
pub static HTTP_EVENTS: &[(u32, &str)] = &[
    (1, "Empty POST: the CPE has no more requests"),
    (2, "End of session: empty answer from the ACS"),
    (3, "Authentication challenge (HTTP 401)"),
    (4, "Redirect to another ACS URL (HTTP 3xx)"),
    (5, "HTTP error"),
    (6, "Empty answer while a CPE request is pending"),
    (7, "Connection request (ACS to CPE)"),
    (8, "Connection request answer"),
];

/// One HTTP message of a frame, as HTTP's own fields tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpMessage {
    Request {
        method: String,
        has_body: bool,
    },
    Response {
        code: u16,
        has_body: bool,
        location: Option<String>,
    },
}

/// What non-CWMP traffic of a frame says about the fetch of a transfer's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFact {
    /// A request for a file: HTTP (its full URI), FTP RETR/STOR or TFTP RRQ/WRQ (`ftp://server/arg`).
    Fetch { url: String },
    /// An HTTP response to the request in `request_frame`.
    HttpOutcome { request_frame: u32, code: u16 },
    /// An FTP reply on the connection.
    FtpReply { code: u16 },
    /// A TFTP error sent to the frame's destination.
    TftpError { code: u16 },
}

/// A problem or note found by the session logic, attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub expert: Expert,
    pub text: String,
}

/// What the session logic knows about one message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub session: Option<u32>,
    pub device: Option<Arc<DeviceId>>,
    /// For responses: the frame of the request and the time since it.
    pub response_to: Option<(u32, (i64, u32))>,
    /// For responses: the method of the request they answer.
    pub request_method: Option<String>,
    /// This message opened a new session (an Inform that is not an authenticated retry).
    pub new_session: bool,
    /// For requests: the frame of the response (known once seen).
    pub response_in: Option<u32>,
    /// For empty HTTP messages.
    pub event: Option<HttpEventKind>,
    pub http_code: Option<u16>,
    pub location: Option<String>,
    pub notes: Vec<Note>,
    /// What the cross-session layer links to this message (transfers, connection requests,
    /// periodic intervals) and finds about it.
    pub follow: Links,
    /// HTTP authentication and cookie checks of an HTTP message (see [`crate::httpauth`]).
    pub auth: Option<crate::httpauth::AuthRecord>,
}

#[derive(Debug, Clone)]
struct Pending {
    key: (u32, u16),
    method: String,
    id: Option<String>,
    ts: Ts,
}

#[derive(Debug, Default)]
struct Stream {
    session: Option<u32>,
    device: Option<Arc<DeviceId>>,
    /// The CPE request waiting for its answer in the HTTP response.
    pending_cpe: Option<Pending>,
    /// The ACS request waiting for its answer in the CPE's next POST.
    pending_acs: Option<Pending>,
    /// The CPE has sent its empty POST in this session and no request since: an empty answer from the
    /// ACS then ends the session normally (TR-069 3.7.1.4), even after further ACS requests.
    after_empty_post: bool,
    /// HoldRequests=true in the ACS's last envelope.
    hold: bool,
    /// The last answer was a 401: the next Inform is the authenticated retry of the same session.
    auth_retry: bool,
    /// A connection request GET waiting for its answer.
    pending_get: Option<Pending>,
    /// A CWMP body has been seen on this connection.
    is_cwmp: bool,
    /// The values of the ACS's last SetParameterValues, in force once the CPE's response confirms them.
    pending_spv: Vec<(String, String)>,
}

/// Session state of one capture file.
#[derive(Debug, Default)]
pub struct Tracker {
    streams: HashMap<u32, Stream>,
    records: HashMap<(u32, u16), Record>,
    http_records: HashMap<(u32, u16), Record>,
    sessions: u32,
    /// The cross-session layer: devices across connections.
    follow: Follow,
    /// File fetches waiting for their outcome: FTP by control connection, TFTP by client.
    ftp_fetches: HashMap<u32, u32>,
    tftp_fetches: HashMap<IpAddr, u32>,
    /// Challenges, authentication runs and session cookies per connection.
    auth: crate::httpauth::AuthState,
}

fn who(d: Direction) -> &'static str {
    match d {
        Direction::CpeToAcs => "CPE",
        Direction::AcsToCpe => "ACS",
    }
}

impl Tracker {
    pub fn new() -> Tracker {
        let mut t = Tracker::default();
        t.follow.connreq_timeout = crate::follow::DEFAULT_CONNREQ_TIMEOUT;
        t
    }

    /// Forgets everything (a new file, or preferences changed).
    pub fn reset(&mut self) {
        let timeout = self.follow.connreq_timeout;
        *self = Tracker::default();
        self.follow.connreq_timeout = timeout;
    }

    /// Number of records held (for the memory-growth tests).
    pub fn len(&self) -> usize {
        self.records.len() + self.http_records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when CWMP has been seen on this connection.
    pub fn is_cwmp_stream(&self, stream: u32) -> bool {
        self.streams.get(&stream).is_some_and(|s| s.is_cwmp)
    }

    /// A connection request outside HTTP: UDP (Annex G) to `dst`, or an XMPP stanza (Annex K) to
    /// the JID `target`. Registered on the first pass; returns what it shows.
    pub fn side_connection_request(
        &mut self,
        frame: u32,
        ts: Ts,
        visited: bool,
        target: Option<&str>,
        dst: Option<IpAddr>,
    ) -> Links {
        // An index space of its own, apart from bodies and HTTP messages of the same frame.
        let seen = Seen {
            frame,
            index: 0x4000,
            ts,
        };
        if !visited {
            let addr = dst.map(|a| a.to_string());
            self.follow
                .on_connection_request(seen, target, addr.as_deref(), &[]);
        }
        self.follow.links((frame, 0x4000), visited)
    }

    /// The file-fetch facts of a frame (first pass only): requests are linked to the transfer of
    /// their URL, outcomes to their request (an FTP reply to the connection's last RETR/STOR, a TFTP
    /// error to its client's last request).
    pub fn on_file_facts(&mut self, at: At, facts: &[FileFact]) {
        if at.visited {
            return;
        }
        for f in facts {
            match f {
                FileFact::Fetch { url } => {
                    let from = at.src.map(|a| a.to_string());
                    if self.follow.on_fetch(at.frame, at.ts, url, from.as_deref()) {
                        if url.starts_with("ftp://") {
                            self.ftp_fetches.insert(at.stream, at.frame);
                        } else if let (true, Some(client)) = (url.starts_with("tftp://"), at.src) {
                            self.tftp_fetches.insert(client, at.frame);
                        }
                    }
                }
                FileFact::HttpOutcome {
                    request_frame,
                    code,
                } => self
                    .follow
                    .on_fetch_outcome(*request_frame, FetchOutcome::Http(*code)),
                // Preliminary replies (1xx: "150 Opening data connection") are not the outcome.
                FileFact::FtpReply { code } if *code >= 200 => {
                    if let Some(frame) = self.ftp_fetches.remove(&at.stream) {
                        self.follow
                            .on_fetch_outcome(frame, FetchOutcome::Ftp(*code));
                    }
                }
                FileFact::FtpReply { .. } => {}
                FileFact::TftpError { code } => {
                    if let Some(frame) = at.dst.and_then(|c| self.tftp_fetches.remove(&c)) {
                        self.follow
                            .on_fetch_outcome(frame, FetchOutcome::Tftp(*code));
                    }
                }
            }
        }
    }

    /// Sets the connection request timeout (preference `cwmp.connreq_timeout`).
    pub fn set_connreq_timeout(&mut self, secs: u32) {
        self.follow.connreq_timeout = secs;
    }

    /// The per-device figures (`tshark -z cwmp,devices`).
    pub fn devices(&self) -> Vec<(DeviceKey, crate::follow::DeviceStats)> {
        self.follow.devices()
    }

    /// The device a frame's first CWMP message (or HTTP event) belongs to, with its figures.
    pub fn device_of_frame(&self, frame: u32) -> Option<(DeviceKey, crate::follow::DeviceStats)> {
        let rec = self
            .records
            .get(&(frame, 0))
            .or_else(|| self.http_records.get(&(frame, 0)))?;
        let key = device_key(rec.device.as_deref()?);
        let stats = self.follow.device_stats(&key)?;
        Some((key, stats))
    }

    /// A CWMP body in a message going in `dir`. Returns its record (stored on the first pass).
    pub fn on_body(&mut self, at: At, msg: &Message) -> Record {
        let key = (at.frame, at.index);
        if at.visited {
            let mut rec = self.records.get(&key).cloned().unwrap_or_default();
            rec.follow = self.follow.view(key);
            return rec;
        }
        let mut rec = Record::default();
        // The decoder gives the HTTP role, or infers it from methods, fault codes and headers.
        let Some(dir) = msg.direction else {
            self.records.insert(key, rec.clone());
            return rec;
        };
        let mut updates: Vec<((u32, u16), Update)> = Vec::new();
        let sessions = &mut self.sessions;
        let st = self.streams.entry(at.stream).or_default();
        st.is_cwmp = true;
        for rpc in &msg.rpcs {
            let this = Pending {
                key,
                method: rpc.name.clone(),
                id: msg.id.clone(),
                ts: at.ts,
            };
            match (dir, rpc.kind) {
                (Direction::CpeToAcs, RpcKind::Request) => {
                    if rpc.name == "Inform" {
                        let retry = st.auth_retry && st.session.is_some();
                        if !retry {
                            *sessions += 1;
                            st.session = Some(*sessions);
                            rec.new_session = true;
                        } else {
                            rec.notes.push(Note {
                                expert: Expert::AuthRetry,
                                text: "Inform retried with credentials after an authentication challenge".into(),
                            });
                        }
                        st.device = msg.device.clone().map(Arc::new);
                        st.hold = false;
                        if let Some(n) = retry_count(msg) {
                            rec.notes.push(Note {
                                expert: Expert::RetriedInform,
                                text: format!("Inform retried: RetryCount {n}"),
                            });
                        }
                    } else if st.session.is_none() {
                        *sessions += 1;
                        st.session = Some(*sessions);
                    }
                    st.auth_retry = false;
                    st.after_empty_post = false;
                    if let Some(p) = st.pending_acs.take() {
                        updates.push((
                            p.key,
                            Update::Unanswered(format!(
                                "{} never answered: the CPE sent {} instead",
                                p.method, rpc.name
                            )),
                        ));
                    }
                    if st.hold {
                        rec.notes.push(Note {
                            expert: Expert::HoldRequestsViolated,
                            text: format!(
                                "CPE sent {} while the ACS held requests (HoldRequests)",
                                rpc.name
                            ),
                        });
                    }
                    st.pending_cpe = Some(this);
                }
                (Direction::AcsToCpe, RpcKind::Request) => {
                    if let Some(p) = st.pending_cpe.take() {
                        updates.push((
                            p.key,
                            Update::Unanswered(format!(
                                "{} never answered: the ACS sent {} instead",
                                p.method, rpc.name
                            )),
                        ));
                    }
                    st.pending_acs = Some(this);
                }
                (_, RpcKind::Response | RpcKind::Fault) => {
                    let pending = match dir {
                        Direction::CpeToAcs => st.pending_acs.take(),
                        Direction::AcsToCpe => st.pending_cpe.take(),
                    };
                    match pending {
                        Some(p) => {
                            rec.response_to = Some((p.key.0, at.ts.since(p.ts)));
                            rec.request_method = Some(p.method.clone());
                            updates.push((p.key, Update::ResponseIn(at.frame)));
                            let expected = format!("{}Response", p.method);
                            if rpc.kind == RpcKind::Response && rpc.name != expected {
                                rec.notes.push(Note {
                                    expert: Expert::MethodMismatch,
                                    text: format!(
                                        "{} answers {} (expected {expected})",
                                        rpc.name, p.method
                                    ),
                                });
                            }
                            if let (Some(a), Some(b)) = (&p.id, &msg.id) {
                                if a != b {
                                    rec.notes.push(Note {
                                        expert: Expert::IdMismatch,
                                        text: format!(
                                            "cwmp:ID {b} differs from the request's ID {a}"
                                        ),
                                    });
                                }
                            }
                            if rpc.kind == RpcKind::Fault
                                && rpc.fault.as_ref().is_some_and(|f| f.0 == 8005)
                            {
                                rec.notes.push(Note {
                                    expert: Expert::RetryRequest,
                                    text: format!(
                                        "ACS asks the CPE to retry {} (fault 8005)",
                                        p.method
                                    ),
                                });
                            }
                        }
                        None => rec.notes.push(Note {
                            expert: Expert::ResponseWithoutRequest,
                            text: format!(
                                "{} from the {} answers no pending request",
                                rpc.name,
                                who(dir)
                            ),
                        }),
                    }
                }
            }
        }
        if dir == Direction::AcsToCpe {
            st.hold = msg.hold_requests == Some(true);
            if st.hold {
                rec.notes.push(Note {
                    expert: Expert::HoldRequests,
                    text: "HoldRequests: the CPE must not send requests in its next POST".into(),
                });
            }
        }
        rec.session = st.session;
        rec.device = st.device.clone();
        let spv = std::mem::take(&mut st.pending_spv);
        if dir == Direction::AcsToCpe {
            st.pending_spv = spv_values(msg);
        }
        let confirmed = if dir == Direction::CpeToAcs
            && msg.methods().any(|m| m == "SetParameterValuesResponse")
        {
            spv
        } else {
            Vec::new()
        };
        self.apply(updates);
        self.observe(at, msg, dir, &rec, &confirmed);
        if let Some(d) = rec.device.as_deref() {
            self.follow.on_activity(&device_key(d), at.ts);
        }
        rec.follow = self.follow.links(key, false);
        self.records.insert(key, rec.clone());
        rec
    }

    /// What the message tells the cross-session layer, for the session's device.
    fn observe(
        &mut self,
        at: At,
        msg: &Message,
        dir: Direction,
        rec: &Record,
        confirmed: &[(String, String)],
    ) {
        let Some(dev) = rec.device.as_deref().map(device_key) else {
            return;
        };
        let seen = Seen {
            frame: at.frame,
            index: at.index,
            ts: at.ts,
        };
        let f = &mut self.follow;
        for (name, value) in confirmed {
            f.on_param(&dev, name, value, at.ts);
        }
        for rpc in &msg.rpcs {
            let text = |field: Field| first_text(&rpc.node, field).unwrap_or_default();
            match (dir, rpc.kind, rpc.name.as_str()) {
                (Direction::CpeToAcs, RpcKind::Request, "Inform") => {
                    let events: Vec<&str> = msg.events.iter().map(String::as_str).collect();
                    let params = param_values(&rpc.node);
                    let addr = at.src.map(|a| a.to_string());
                    let label = rec
                        .device
                        .as_deref()
                        .map(DeviceId::label)
                        .unwrap_or_default();
                    f.on_inform(
                        seen,
                        &dev,
                        &InformFacts {
                            new_session: rec.new_session,
                            events: &events,
                            retry_count: retry_count(msg).unwrap_or(0),
                            params: &params,
                            addr: addr.as_deref(),
                            label: &label,
                        },
                    );
                    // `M Download` etc. with the CommandKey: the complete's event in the Inform.
                    for (code, key) in event_keys(&rpc.node) {
                        if let Some(method) = code.strip_prefix("M ") {
                            f.on_transfer_event(seen, &dev, method, &key);
                        }
                    }
                }
                (Direction::AcsToCpe, RpcKind::Response, "InformResponse") => {
                    f.on_session_accepted(&dev);
                }
                (
                    Direction::AcsToCpe,
                    RpcKind::Request,
                    "Download" | "ScheduleDownload" | "Upload" | "ChangeDUState",
                ) => {
                    let url = first_text(&rpc.node, Field::Url);
                    f.on_transfer_request(
                        seen,
                        &dev,
                        &rpc.name,
                        &text(Field::CommandKey),
                        url.as_deref(),
                    );
                }
                (Direction::CpeToAcs, RpcKind::Request, name)
                    if name.ends_with("TransferComplete")
                        || name.ends_with("DUStateChangeComplete") =>
                {
                    let fault = completion_fault(&rpc.node);
                    f.on_complete(
                        seen,
                        &dev,
                        name,
                        &text(Field::CommandKey),
                        fault.as_ref().map(|(c, s)| (*c, s.as_str())),
                    );
                }
                (Direction::CpeToAcs, RpcKind::Response, "GetParameterValuesResponse") => {
                    for (n, v) in param_values(&rpc.node) {
                        f.on_param(&dev, n, v, at.ts);
                    }
                }
                _ => {}
            }
            if dir == Direction::AcsToCpe
                && rpc.kind == RpcKind::Request
                && crate::follow::is_state_changing(&rpc.name)
            {
                let (sig, label) = signature(&rpc.name, &rpc.node);
                f.on_repeatable(seen, &dev, &sig, &label);
            }
            if rpc.kind == RpcKind::Fault {
                if let Some((code, _)) = &rpc.fault {
                    f.on_fault(&dev);
                    let to = rec.request_method.as_deref().unwrap_or("a request");
                    let sig = format!("Fault {code} to {to}");
                    f.on_repeatable(seen, &dev, &sig, &sig);
                }
            }
        }
    }

    /// The HTTP messages of a frame that carried no CWMP body. `cwmp_port` says whether the connection
    /// uses a CWMP port (for connection requests on connections without CWMP bodies).
    pub fn on_http(&mut self, at: At, msgs: &[HttpMessage], cwmp_port: bool) -> Vec<Record> {
        let creds = crate::httpauth::Credentials::default();
        let checks = crate::httpauth::Checks {
            creds: &creds,
            http_checks: false,
            tls: false,
        };
        self.on_http_checked(at, msgs, &[], cwmp_port, checks)
    }

    /// [`Tracker::on_http`] with the header values of each message (`heads[i]` for `msgs[i]`, where
    /// read) and the authentication and cookie checks to run on them. A message without a session
    /// event gets a record of its own when the checks have something to say about it.
    pub fn on_http_checked(
        &mut self,
        at: At,
        msgs: &[HttpMessage],
        heads: &[crate::httpauth::HttpHeaders],
        cwmp_port: bool,
        checks: crate::httpauth::Checks<'_>,
    ) -> Vec<Record> {
        let mut out = Vec::new();
        if at.visited {
            // Later passes: what the first pass stored, whatever HTTP shows now.
            let mut i = 0u16;
            while let Some(r) = self.http_records.get(&(at.frame, i)) {
                let mut r = r.clone();
                r.follow = self.follow.view(http_follow_key((at.frame, i)));
                out.push(r);
                i += 1;
            }
            return out;
        }
        let mut stored = 0u16;
        for (i, m) in msgs.iter().enumerate() {
            let key = (at.frame, stored);
            let known = self.is_cwmp_stream(at.stream);
            let session = self.streams.get(&at.stream).and_then(|s| s.session);
            let mut rec = self.http_message(at, key, m, cwmp_port);
            let event = rec.as_ref().and_then(|r| r.event);
            if let Some(msg) = auth_message(m, known, event, session) {
                if let Some(a) = self.auth.on_message(at, msg, heads.get(i), checks) {
                    let r = rec.get_or_insert_with(|| Record {
                        session,
                        device: self.streams.get(&at.stream).and_then(|s| s.device.clone()),
                        ..Record::default()
                    });
                    r.auth = Some(a);
                }
            }
            if let Some(r) = rec {
                stored += 1;
                self.http_records.insert(key, r.clone());
                out.push(r);
            }
        }
        out
    }

    fn http_message(
        &mut self,
        at: At,
        key: (u32, u16),
        m: &HttpMessage,
        cwmp_port: bool,
    ) -> Option<Record> {
        let known = self.is_cwmp_stream(at.stream);
        // Body dissectors run before this postdissector: a record of this frame means its body was
        // CWMP, and the CWMP message tells that story itself.
        let cwmp_body_here = self.records.contains_key(&(at.frame, 0));
        let st = self.streams.entry(at.stream).or_default();
        let mut rec = Record::default();
        let mut updates = Vec::new();
        let mut accepted_get: Option<(Seen, Option<String>)> = None;
        match m {
            HttpMessage::Request { method, has_body } => {
                if method == "GET" && !has_body && !known && cwmp_port {
                    rec.event = Some(HttpEventKind::ConnectionRequest);
                    rec.notes.push(Note {
                        expert: Expert::ConnectionRequest,
                        text: "Connection request from the ACS".into(),
                    });
                    st.pending_get = Some(Pending {
                        key,
                        method: "connection request".into(),
                        id: None,
                        ts: at.ts,
                    });
                } else if method == "POST" && !has_body && known {
                    rec.event = Some(HttpEventKind::EmptyPost);
                    rec.notes.push(Note {
                        expert: Expert::EmptyPost,
                        text: "Empty POST: the CPE has no more requests and hands the floor to the ACS".into(),
                    });
                    if let Some(p) = st.pending_acs.take() {
                        updates.push((
                            p.key,
                            Update::Unanswered(format!(
                                "{} never answered: the CPE sent an empty POST",
                                p.method
                            )),
                        ));
                    }
                    st.after_empty_post = true;
                } else {
                    return None;
                }
            }
            HttpMessage::Response {
                code,
                has_body,
                location,
            } => {
                if let Some(p) = st.pending_get.take() {
                    rec.event = Some(HttpEventKind::ConnectionRequestAnswer);
                    rec.http_code = Some(*code);
                    rec.response_to = Some((p.key.0, at.ts.since(p.ts)));
                    updates.push((p.key, Update::HttpResponseIn(at.frame)));
                    if *code == 401 {
                        rec.notes.push(Note {
                            expert: Expert::AuthChallenge,
                            text: "Connection request challenged (HTTP 401): the ACS retries with credentials".into(),
                        });
                    } else if !(200..300).contains(code) {
                        rec.notes.push(Note {
                            expert: Expert::HttpError,
                            text: format!("Connection request refused (HTTP {code})"),
                        });
                    } else {
                        // The GET that succeeded (after any Digest round) is the connection
                        // request the device's Inform answers; the answer comes from the CPE.
                        accepted_get = Some((
                            Seen {
                                frame: p.key.0,
                                index: http_follow_key(p.key).1,
                                ts: p.ts,
                            },
                            at.src.map(|a| a.to_string()),
                        ));
                    }
                } else if !known || (*has_body && (cwmp_body_here || (200..300).contains(code))) {
                    // A 401, 3xx or error status keeps its meaning whatever page comes with it: ACS
                    // servers commonly send an HTML page with a 401. A 2xx with a body that is not
                    // CWMP says nothing about the session.
                    return None;
                } else {
                    rec.http_code = Some(*code);
                    let pending = st.pending_cpe.take();
                    match code {
                        401 => {
                            rec.event = Some(HttpEventKind::AuthChallenge);
                            st.auth_retry = true;
                            rec.notes.push(Note {
                                expert: Expert::AuthChallenge,
                                text: format!(
                                    "Authentication challenge{}",
                                    pending
                                        .as_ref()
                                        .map(|p| format!(" to {}", p.method))
                                        .unwrap_or_default()
                                ),
                            });
                            if let Some(p) = &pending {
                                rec.response_to = Some((p.key.0, at.ts.since(p.ts)));
                            }
                        }
                        300..=399 => {
                            rec.event = Some(HttpEventKind::Redirect);
                            rec.location = location.clone();
                            rec.notes.push(Note {
                                expert: Expert::Redirect,
                                text: format!(
                                    "Session redirected (HTTP {code}){}",
                                    location
                                        .as_ref()
                                        .map(|l| format!(" to {l}"))
                                        .unwrap_or_default()
                                ),
                            });
                        }
                        200 | 204 if pending.is_none() => {
                            rec.event = Some(HttpEventKind::SessionEnd);
                            rec.notes.push(if st.after_empty_post {
                                Note { expert: Expert::SessionEnd, text: format!("End of session (HTTP {code})") }
                            } else {
                                Note {
                                    expert: Expert::SessionEndAbrupt,
                                    text: format!("Session ended by the ACS (HTTP {code}) without an empty POST from the CPE"),
                                }
                            });
                        }
                        200 | 204 => {
                            rec.event = Some(HttpEventKind::EmptyAnswer);
                            if let Some(p) = &pending {
                                updates.push((
                                    p.key,
                                    Update::Unanswered(format!(
                                        "{} never answered: the ACS sent an empty HTTP {code}",
                                        p.method
                                    )),
                                ));
                            }
                        }
                        _ => {
                            rec.event = Some(HttpEventKind::HttpError);
                            rec.notes.push(Note {
                                expert: Expert::HttpError,
                                text: format!(
                                    "HTTP {code}{}",
                                    pending
                                        .as_ref()
                                        .map(|p| format!(" in answer to {}", p.method))
                                        .unwrap_or_default()
                                ),
                            });
                        }
                    }
                    rec.session = st.session;
                    rec.device = st.device.clone();
                    if matches!(
                        rec.event,
                        Some(HttpEventKind::SessionEnd | HttpEventKind::Redirect)
                    ) {
                        if let Some(p) = st.pending_acs.take() {
                            updates.push((
                                p.key,
                                Update::Unanswered(format!(
                                    "{} never answered: the session ended",
                                    p.method
                                )),
                            ));
                        }
                        st.session = None;
                        st.device = None;
                        st.hold = false;
                        st.after_empty_post = false;
                    }
                }
            }
        }
        if rec.session.is_none() {
            rec.session = st.session;
            rec.device = st.device.clone();
        }
        self.apply(updates);
        if let Some(d) = rec.device.as_deref() {
            self.follow.on_activity(&device_key(d), at.ts);
        }
        if let Some((get, addr)) = accepted_get {
            let answer = http_follow_key(key);
            self.follow
                .on_connection_request(get, None, addr.as_deref(), &[answer]);
        }
        rec.follow = self.follow.links(http_follow_key(key), false);
        Some(rec)
    }

    fn apply(&mut self, updates: Vec<((u32, u16), Update)>) {
        for (key, u) in updates {
            let target = match u {
                Update::HttpResponseIn(_) => self.http_records.get_mut(&key),
                _ => self.records.get_mut(&key),
            };
            let Some(r) = target else { continue };
            match u {
                Update::ResponseIn(f) | Update::HttpResponseIn(f) => r.response_in = Some(f),
                Update::Unanswered(text) => r.notes.push(Note {
                    expert: Expert::Unanswered,
                    text,
                }),
            }
        }
    }
}

/// The message as the authentication checks see it, for the messages they concern: those of a CWMP
/// connection and of TCP connection requests.
fn auth_message(
    m: &HttpMessage,
    known: bool,
    event: Option<HttpEventKind>,
    session: Option<u32>,
) -> Option<crate::httpauth::Message<'_>> {
    use crate::httpauth::{Message, Role};
    match m {
        HttpMessage::Request { method, has_body } => {
            let role = match event {
                Some(HttpEventKind::ConnectionRequest) => Role::ConnReqGet,
                _ if known && method == "POST" => Role::CpeRequest,
                _ => return None,
            };
            Some(Message {
                role,
                method,
                code: 0,
                empty_body: !has_body,
                session,
            })
        }
        HttpMessage::Response { code, has_body, .. } => {
            let role = match event {
                Some(HttpEventKind::ConnectionRequestAnswer) => Role::ConnReqAnswer,
                _ if known => Role::AcsResponse,
                _ => return None,
            };
            Some(Message {
                role,
                method: "",
                code: *code,
                empty_body: !has_body,
                session,
            })
        }
    }
}

enum Update {
    ResponseIn(u32),
    HttpResponseIn(u32),
    Unanswered(String),
}

fn retry_count(msg: &Message) -> Option<u32> {
    let inform = msg.rpcs.iter().find(|r| r.name == "Inform")?;
    inform
        .node
        .children
        .iter()
        .find_map(|c| match (c.field, &c.value) {
            (crate::fields::Field::RetryCount, crate::cwmp::Value::U32(n)) if *n > 0 => Some(*n),
            _ => None,
        })
}

/// The cross-session layer's key of an HTTP message without a body: its own index space, apart from
/// the CWMP bodies of the same frame.
fn http_follow_key((frame, index): (u32, u16)) -> (u32, u16) {
    (frame, index | 0x8000)
}

fn device_key(d: &DeviceId) -> DeviceKey {
    DeviceKey {
        oui: d.oui.clone(),
        serial: d.serial_number.clone(),
    }
}

/// The text of the first node tagged `field` below `node`.
fn first_text(node: &Node, field: Field) -> Option<String> {
    node.walk().into_iter().find_map(|n| match &n.value {
        Value::Str(s) if n.field == field => Some(s.clone()),
        _ => None,
    })
}

/// The (name, value) pairs of the ParameterValueStructs below `node`.
fn param_values(node: &Node) -> Vec<(&str, &str)> {
    node.walk()
        .into_iter()
        .filter(|n| n.field == Field::Parameter)
        .filter_map(|p| {
            let name = p.children.iter().find(|c| c.field == Field::ParameterName);
            let value = p.children.iter().find(|c| c.field == Field::ParameterValue);
            match (name.map(|n| &n.value), value.map(|v| &v.value)) {
                (Some(Value::Str(n)), Some(Value::Str(v))) => Some((n.as_str(), v.as_str())),
                (Some(Value::Str(n)), None) => Some((n.as_str(), "")),
                _ => None,
            }
        })
        .collect()
}

/// The (EventCode, CommandKey) pairs of an Inform's EventStructs.
fn event_keys(node: &Node) -> Vec<(String, String)> {
    node.walk()
        .into_iter()
        .filter(|n| n.field == Field::EventStruct)
        .filter_map(|e| {
            let text = |f: Field| {
                e.children.iter().find_map(|c| match &c.value {
                    Value::Str(s) if c.field == f => Some(s.clone()),
                    _ => None,
                })
            };
            Some((
                text(Field::EventCode)?,
                text(Field::CommandKey).unwrap_or_default(),
            ))
        })
        .collect()
}

/// The values an ACS message asks the CPE to set.
fn spv_values(msg: &Message) -> Vec<(String, String)> {
    msg.rpcs
        .iter()
        .filter(|r| r.name == "SetParameterValues" && r.kind == RpcKind::Request)
        .flat_map(|r| param_values(&r.node))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

/// The first non-zero fault code of a TransferComplete's FaultStruct or of a DUStateChangeComplete's
/// results, with its text.
fn completion_fault(node: &Node) -> Option<(u32, String)> {
    let all = node.walk();
    all.iter()
        .enumerate()
        .find_map(|(i, n)| match (n.field, &n.value) {
            (Field::TransferFaultCode | Field::DuFaultCode, Value::U32(c)) if *c != 0 => {
                let text = all[i..].iter().find_map(|m| match (m.field, &m.value) {
                    (Field::TransferFaultString | Field::DuFaultString, Value::Str(s)) => {
                        Some(s.clone())
                    }
                    _ => None,
                });
                Some((
                    *c,
                    text.unwrap_or_else(|| crate::values::fault_name(*c).to_owned()),
                ))
            }
            _ => None,
        })
}

/// A request with its arguments, as one comparable text (the same text in consecutive sessions is
/// the same request sent again), and a short label for it: the method and its first parameter.
/// ParameterKey and CommandKey are left out: an ACS in a loop often stamps each attempt with a new
/// key.
fn signature(method: &str, node: &Node) -> (String, String) {
    let mut sig = method.to_owned();
    let mut first = None;
    for n in node.walk().into_iter().skip(1) {
        if matches!(n.field, Field::ParameterKey | Field::CommandKey) {
            continue;
        }
        if let Value::Str(v) = &n.value {
            sig.push(' ');
            sig.push_str(n.field.def().abbrev);
            sig.push('=');
            sig.push_str(v);
            if first.is_none()
                && matches!(n.field, Field::Parameter | Field::ObjectName | Field::Url)
            {
                first = Some(v.clone());
            }
        }
    }
    let label = match first {
        Some(v) if v.chars().count() > 60 => {
            format!("{method} ({}...)", v.chars().take(60).collect::<String>())
        }
        Some(v) => format!("{method} ({v})"),
        None => method.to_owned(),
    };
    (sig, label)
}
