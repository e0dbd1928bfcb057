// SPDX-License-Identifier: GPL-2.0-or-later
//! Maps a decoded [`Message`] onto a protocol tree, through a small [`Sink`].
//!
//! PURE. The real sink is [`TreeOps`], a flat list of operations with its strings in one arena, which the
//! C shim replays into Wireshark's tree inside `TRY`/`CATCH` (see `wireshark-headers/cwmp_shim.c`). Tests
//! read the same list, so what they check is exactly what Wireshark is asked to show.
//!
//! Order matters: the protocol item and its summary (method, ID, device) come first, so that if
//! Wireshark's own item or depth limit stops the replay, the top of the tree is already there.
#![forbid(unsafe_code)]

use crate::cwmp::{Message, Node, Span, Value};
use crate::fields::{Expert, Field, FieldType};

/// Where rendered items go.
pub trait Sink {
    /// Adds an item for `field` with `value` over `span` of the body.
    fn item(
        &mut self,
        field: Field,
        span: Span,
        value: &Value,
        label: Option<&str>,
        generated: bool,
    );
    /// Makes the last item the parent of what follows, until [`Sink::pop`].
    fn push(&mut self, field: Field);
    fn pop(&mut self);
    /// Attaches an expert item to the last item.
    fn expert(&mut self, expert: Expert, text: &str);
}

/// Operation codes; the same numbers as `enum cwmp_op_code` in `cwmp_shim.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum OpCode {
    Protocol = 0,
    None = 1,
    String = 2,
    Uint = 3,
    Int = 4,
    Uint64 = 5,
    Int64 = 6,
    Boolean = 7,
    Time = 8,
    Push = 9,
    Pop = 10,
    Expert = 11,
}

/// Index of a string in [`TreeOps::text`]; `NO_TEXT` when absent.
pub const NO_TEXT: u32 = u32::MAX;

/// One operation. `index` is a [`Field`] (items and pushes) or an [`Expert`] (expert items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    pub code: OpCode,
    pub index: u16,
    pub start: u32,
    pub len: u32,
    pub generated: bool,
    pub nanos: u32,
    pub u: u64,
    pub i: i64,
    pub str: u32,
    pub label: u32,
}

impl Op {
    /// An operation with no span, value or text.
    fn bare(code: OpCode, index: u16) -> Op {
        Op {
            code,
            index,
            start: 0,
            len: 0,
            generated: false,
            nanos: 0,
            u: 0,
            i: 0,
            str: NO_TEXT,
            label: NO_TEXT,
        }
    }
}

/// The recorded tree: operations and a NUL-separated string arena.
#[derive(Debug, Default)]
pub struct TreeOps {
    pub ops: Vec<Op>,
    pub text: Vec<u8>,
    /// Deepest nesting reached, for checking against the shim's stack.
    pub max_depth: usize,
    depth: usize,
    /// Bytes the items may cover: spans are clamped to this.
    pub limit: u32,
    /// Record expert items only (see [`TreeOps::experts_only`]).
    experts_only: bool,
    /// Expert items recorded so far (see [`MAX_EXPERTS`]).
    experts: usize,
}

/// Most expert items in one message's tree. Wireshark adds some five tree items per expert item and
/// counts them against its own limit (`gui.max_tree_items`, 1,000,000 by default); the decoder's item
/// budget (`cwmp.max_items`, 400,000) counts nodes only. Capping experts keeps the whole tree within
/// Wireshark's limit, so that it is never cut by an exception, whatever the body.
pub const MAX_EXPERTS: usize = 80_000;

impl TreeOps {
    pub fn new(limit: u32) -> TreeOps {
        // Sized from the body once, instead of doubling (and copying) as items arrive: about one
        // operation per 48 bytes of CWMP XML, and strings about the size of the body's text.
        let body = limit as usize;
        TreeOps {
            ops: Vec::with_capacity(body / 48 + 8),
            text: Vec::with_capacity(body / 2 + 64),
            limit,
            ..TreeOps::default()
        }
    }

    /// A sink that keeps only the protocol item and the expert items, for packets whose tree nobody
    /// reads (no tree, or an invisible one in which no CWMP field is referenced): Wireshark still
    /// reports expert items to its expert tap (`-z expert`) without a tree, so they must not be
    /// skipped.
    pub fn experts_only(limit: u32) -> TreeOps {
        TreeOps {
            limit,
            experts_only: true,
            ..TreeOps::default()
        }
    }

    fn intern(&mut self, s: &str) -> u32 {
        let off = u32::try_from(self.text.len()).unwrap_or(NO_TEXT);
        // A NUL inside the text would cut it short in C: show it as U+FFFD instead.
        if s.as_bytes().contains(&0) {
            self.text
                .extend_from_slice(s.replace('\0', "\u{FFFD}").as_bytes());
        } else {
            self.text.extend_from_slice(s.as_bytes());
        }
        self.text.push(0);
        off
    }

    /// The string at an arena offset.
    pub fn str_at(&self, off: u32) -> Option<&str> {
        if off == NO_TEXT {
            return None;
        }
        let rest = self.text.get(off as usize..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        std::str::from_utf8(&rest[..end]).ok()
    }

    fn clamp(&self, span: Span) -> (u32, u32) {
        let start = span.start.min(self.limit);
        let len = span.len.min(self.limit - start);
        (start, len)
    }

    /// Items recorded for `field`, as (value text, label), for tests and summaries.
    pub fn values_of(&self, field: Field) -> Vec<String> {
        self.ops
            .iter()
            .filter(|o| {
                o.code != OpCode::Push && o.code != OpCode::Expert && o.index == field as u16
            })
            .map(|o| match o.code {
                OpCode::String => self.str_at(o.str).unwrap_or("").to_owned(),
                OpCode::Uint | OpCode::Uint64 | OpCode::Boolean => o.u.to_string(),
                OpCode::Int | OpCode::Int64 | OpCode::Time => o.i.to_string(),
                _ => String::new(),
            })
            .collect()
    }

    /// Expert items recorded, as (expert, text).
    pub fn experts(&self) -> Vec<(Expert, String)> {
        self.ops
            .iter()
            .filter(|o| o.code == OpCode::Expert)
            .filter_map(|o| {
                let e = *crate::fields::ALL_EXPERTS.get(o.index as usize)?;
                Some((e, self.str_at(o.str).unwrap_or("").to_owned()))
            })
            .collect()
    }
}

impl Sink for TreeOps {
    fn item(
        &mut self,
        field: Field,
        span: Span,
        value: &Value,
        label: Option<&str>,
        generated: bool,
    ) {
        // The protocol item stays: Wireshark never fakes top-level items, and statistics such as
        // the protocol hierarchy (`-z io,phs`) count them even in an invisible tree.
        if self.experts_only && field != Field::Proto {
            return;
        }
        let (start, len) = self.clamp(span);
        let mut op = Op {
            start,
            len,
            generated,
            ..Op::bare(OpCode::None, field as u16)
        };
        let ty = field.def().ty;
        match (ty, value) {
            (FieldType::Protocol, _) => op.code = OpCode::Protocol,
            (FieldType::Str, Value::Str(s)) => {
                op.code = OpCode::String;
                op.str = self.intern(s);
            }
            (FieldType::Str, _) => {
                op.code = OpCode::String;
                op.str = self.intern("");
            }
            (
                FieldType::U32
                | FieldType::FrameRequest
                | FieldType::FrameResponse
                | FieldType::Frame,
                Value::U32(v) | Value::Frame(v),
            ) => {
                op.code = OpCode::Uint;
                op.u = u64::from(*v);
            }
            (FieldType::I32, Value::I32(v)) => {
                op.code = OpCode::Int;
                op.i = i64::from(*v);
            }
            (FieldType::U64, Value::U64(v)) => {
                op.code = OpCode::Uint64;
                op.u = *v;
            }
            (FieldType::I64, Value::I64(v)) => {
                op.code = OpCode::Int64;
                op.i = *v;
            }
            (FieldType::Bool, Value::Bool(b)) => {
                op.code = OpCode::Boolean;
                op.u = u64::from(*b);
            }
            (FieldType::AbsTime, Value::Time { secs, nanos })
            | (FieldType::RelTime, Value::Duration { secs, nanos }) => {
                op.code = OpCode::Time;
                op.i = *secs;
                op.nanos = *nanos;
            }
            (FieldType::None, _) => op.code = OpCode::None,
            // A value of the wrong type for its field would make Wireshark throw: never emit it.
            _ => return,
        }
        if let Some(l) = label {
            op.label = self.intern(l);
        }
        self.ops.push(op);
    }

    fn push(&mut self, field: Field) {
        if self.experts_only {
            return;
        }
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        self.ops.push(Op::bare(OpCode::Push, field as u16));
    }

    fn pop(&mut self) {
        if self.experts_only {
            return;
        }
        self.depth = self.depth.saturating_sub(1);
        self.ops.push(Op::bare(OpCode::Pop, 0));
    }

    fn expert(&mut self, expert: Expert, text: &str) {
        self.experts += 1;
        if self.experts <= MAX_EXPERTS {
            self.expert_op(expert, text);
        } else if self.experts == MAX_EXPERTS + 1 {
            // One more says that the rest are not shown.
            let note = format!(
                "More than {MAX_EXPERTS} expert items in this message: the rest are not shown"
            );
            self.expert_op(Expert::TooManyItems, &note);
        }
    }
}

impl TreeOps {
    fn expert_op(&mut self, expert: Expert, text: &str) {
        let s = self.intern(text);
        self.ops.push(Op {
            str: s,
            ..Op::bare(OpCode::Expert, expert as u16)
        });
    }
}

/// Renders one decoded node and its subtree.
pub fn render_node(n: &Node, sink: &mut dyn Sink) {
    node(sink, n);
}

fn node(sink: &mut dyn Sink, n: &Node) {
    sink.item(n.field, n.span, &n.value, n.label.as_deref(), n.generated);
    for i in &n.issues {
        sink.expert(i.expert, &i.text);
    }
    if !n.children.is_empty() {
        sink.push(n.field);
        for c in &n.children {
            node(sink, c);
        }
        sink.pop();
    }
}

/// Renders a message over a body of `body_len` bytes.
pub fn render(msg: &Message, body_len: u32, info: &str, sink: &mut dyn Sink) {
    render_with_session(msg, body_len, info, None, sink);
}

/// Renders a message and, when known, its place in the session.
pub fn render_with_session(
    msg: &Message,
    body_len: u32,
    info: &str,
    record: Option<&crate::session::Record>,
    sink: &mut dyn Sink,
) {
    let whole = Span {
        start: 0,
        len: body_len,
    };
    sink.item(
        Field::Proto,
        whole,
        &Value::None,
        Some(&format!("CPE WAN Management Protocol, {info}")),
        false,
    );
    for i in &msg.issues {
        sink.expert(i.expert, &i.text);
    }
    sink.push(Field::Proto);
    if let Some(v) = &msg.version {
        sink.item(
            Field::Version,
            Span::default(),
            &Value::Str(v.clone()),
            None,
            true,
        );
    }
    if let Some(rec) = record {
        render_session(rec, sink);
    }
    if let Some(h) = &msg.header {
        node(sink, h);
    }
    for r in &msg.rpcs {
        node(sink, &r.node);
    }
    for n in &msg.extra {
        node(sink, n);
    }
    sink.pop();
}

/// Renders what the session logic knows about a message, right below the protocol item's summary.
pub fn render_session(rec: &crate::session::Record, sink: &mut dyn Sink) {
    let none = Span::default();
    if let Some(s) = rec.session {
        sink.item(Field::Session, none, &Value::U32(s), None, true);
    }
    if let Some(d) = &rec.device {
        for (f, v) in [
            (Field::SessionManufacturer, &d.manufacturer),
            (Field::SessionOui, &d.oui),
            (Field::SessionProductClass, &d.product_class),
            (Field::SessionSerialNumber, &d.serial_number),
        ] {
            sink.item(f, none, &Value::Str(v.clone()), None, true);
        }
    }
    if let Some(f) = rec.response_in {
        sink.item(Field::ResponseIn, none, &Value::Frame(f), None, true);
    }
    if let Some((f, (secs, nanos))) = rec.response_to {
        sink.item(Field::ResponseTo, none, &Value::Frame(f), None, true);
        if let Some(m) = &rec.request_method {
            sink.item(
                Field::RequestMethod,
                none,
                &Value::Str(m.clone()),
                None,
                true,
            );
        }
        sink.item(
            Field::Time,
            none,
            &Value::Duration { secs, nanos },
            None,
            true,
        );
    }
    for n in &rec.notes {
        sink.expert(n.expert, &n.text);
    }
    render_follow(&rec.follow, sink);
}

/// Renders the cross-session links and findings of a message.
pub fn render_follow(l: &crate::follow::Links, sink: &mut dyn Sink) {
    use crate::follow::Finding;
    let none = Span::default();
    let frames = [
        (Field::TransferRequestIn, l.transfer_request_in),
        (Field::TransferCompleteIn, l.transfer_complete_in),
        (Field::TransferFetchIn, l.transfer_fetch_in),
        (Field::ConnreqRequestIn, l.connreq_request_in),
        (Field::ConnreqInformIn, l.connreq_inform_in),
    ];
    for (field, frame) in frames {
        if let Some(f) = frame {
            sink.item(field, none, &Value::Frame(f), None, true);
        }
    }
    if let Some(code) = l.transfer_fetch_status {
        sink.item(
            Field::TransferFetchStatus,
            none,
            &Value::U32(code),
            None,
            true,
        );
    }
    let times = [
        (Field::TransferDuration, l.transfer_duration),
        (Field::ConnreqLatency, l.connreq_latency),
        (Field::PeriodicInterval, l.periodic_interval),
    ];
    for (field, time) in times {
        if let Some((secs, nanos)) = time {
            sink.item(field, none, &Value::Duration { secs, nanos }, None, true);
        }
    }
    if let Some(text) = &l.undecided {
        sink.item(
            Field::ConnreqUndecided,
            none,
            &Value::Str(text.clone()),
            None,
            true,
        );
    }
    for n in &l.notes {
        let expert = match n.finding {
            Finding::TransferIncomplete => Expert::TransferIncomplete,
            Finding::TransferOrphan => Expert::TransferOrphan,
            Finding::TransferFailed => Expert::TransferFailed,
            Finding::ConnreqUnanswered => Expert::ConnreqUnanswered,
            Finding::PeriodicDrift => Expert::PeriodicDrift,
            Finding::RetryTooSoon => Expert::RetryTooSoon,
            Finding::RetryAfterSuccess => Expert::RetryAfterSuccess,
            Finding::RpcLoop => Expert::RpcLoop,
            Finding::HistoryCapped => Expert::FollowCapped,
        };
        sink.expert(expert, &n.text);
    }
}

/// The Info column text of an HTTP message without a CWMP body.
pub fn http_event_info(rec: &crate::session::Record) -> String {
    use crate::session::HttpEventKind as K;
    let code = rec.http_code.map(|c| c.to_string()).unwrap_or_default();
    match rec.event {
        Some(K::EmptyPost) => "Empty POST".into(),
        Some(K::SessionEnd) => format!("End of session ({code})"),
        Some(K::AuthChallenge) => format!("Authentication challenge ({code})"),
        Some(K::Redirect) => format!(
            "Redirect ({code}) {}",
            rec.location.as_deref().unwrap_or("")
        )
        .trim_end()
        .to_owned(),
        Some(K::HttpError) => format!("HTTP error {code}"),
        Some(K::EmptyAnswer) => format!("Empty answer ({code})"),
        Some(K::ConnectionRequest) => "Connection request".into(),
        Some(K::ConnectionRequestAnswer) => format!("Connection request answer ({code})"),
        None => String::new(),
    }
}

/// Renders HTTP messages without a CWMP body (empty POST, end of session, ...) as CWMP items.
pub fn render_http_events(recs: &[crate::session::Record], sink: &mut dyn Sink) -> String {
    let mut infos = Vec::new();
    for rec in recs {
        let Some(ev) = rec.event else {
            if let Some(a) = &rec.auth {
                sink.item(
                    Field::Proto,
                    Span::default(),
                    &Value::None,
                    Some("CPE WAN Management Protocol, HTTP Authentication"),
                    false,
                );
                sink.push(Field::Proto);
                render_auth(a, sink);
                render_session(rec, sink);
                sink.pop();
            }
            continue;
        };
        let info = http_event_info(rec);
        sink.item(
            Field::Proto,
            Span::default(),
            &Value::None,
            Some(&format!("CPE WAN Management Protocol, {info}")),
            false,
        );
        sink.push(Field::Proto);
        sink.item(
            Field::HttpEvent,
            Span::default(),
            &Value::U32(ev as u32),
            None,
            true,
        );
        if let Some(a) = &rec.auth {
            render_auth(a, sink);
        }
        render_session(rec, sink);
        sink.pop();
        infos.push(info);
    }
    infos.join(", ")
}

/// The authentication and cookie checks of an HTTP message: a generated subtree with the scheme,
/// user, realm, verdict and challenge, then the cookie's name and the expert items. Never a password.
pub fn render_auth(a: &crate::httpauth::AuthRecord, sink: &mut dyn Sink) {
    let none = Span::default();
    if a.scheme.is_some() || a.verdict.is_some() {
        let label = match (&a.username, a.verdict) {
            (Some(u), Some(v)) => format!(
                "HTTP Authentication: {u}, {}",
                crate::values::AUTH_VERDICTS
                    .iter()
                    .find(|(k, _)| *k == v as u32)
                    .map_or("", |(_, s)| s)
            ),
            (Some(u), None) => format!("HTTP Authentication: {u}"),
            _ => "HTTP Authentication".to_owned(),
        };
        sink.item(Field::Auth, none, &Value::None, Some(&label), true);
        // On the subtree's head, where the analyst sees them without opening it.
        for n in a
            .notes
            .iter()
            .filter(|n| n.expert != Expert::CookieNotReturned)
        {
            sink.expert(n.expert, &n.text);
        }
        sink.push(Field::Auth);
        if let Some(v) = a.verdict {
            sink.item(
                Field::AuthValid,
                none,
                &Value::Bool(v.is_valid()),
                None,
                true,
            );
            sink.item(Field::AuthVerdict, none, &Value::U32(v as u32), None, true);
        }
        if let Some(s) = a.scheme {
            sink.item(Field::AuthScheme, none, &Value::U32(s as u32), None, true);
        }
        if let Some(u) = &a.username {
            sink.item(
                Field::AuthUsername,
                none,
                &Value::Str(u.clone()),
                None,
                true,
            );
        }
        if let Some(r) = &a.realm {
            sink.item(Field::AuthRealm, none, &Value::Str(r.clone()), None, true);
        }
        if let Some(f) = a.challenge_in {
            sink.item(Field::AuthChallengeIn, none, &Value::Frame(f), None, true);
        }
        sink.pop();
    }
    if let Some(c) = &a.cookie {
        sink.item(Field::Cookie, none, &Value::Str(c.clone()), None, true);
    }
    let shown = a.scheme.is_some() || a.verdict.is_some();
    for n in &a.notes {
        if !shown || n.expert == Expert::CookieNotReturned {
            sink.expert(n.expert, &n.text);
        }
    }
}
