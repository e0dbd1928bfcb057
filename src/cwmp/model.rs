// SPDX-License-Identifier: GPL-2.0-or-later
//! The decoded message: what a CWMP body says, independent of how it will be shown.
//!
//! PURE. A [`Message`] holds the typed summary the dissector needs (namespace version, header values,
//! methods, device identity, events, fault) and a tree of [`Node`]s, each tagged with the [`Field`] it
//! will be shown as, its typed [`Value`] and the bytes it came from. Problems are [`Issue`]s attached to
//! the node they concern, so a renderer can put each expert item next to its cause.
#![forbid(unsafe_code)]

use crate::fields::{Expert, Field};

/// A byte range of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn new(start: usize, len: usize) -> Span {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let len = u32::try_from(len)
            .unwrap_or(u32::MAX - start)
            .min(u32::MAX - start);
        Span { start, len }
    }

    pub fn end(self) -> u32 {
        self.start + self.len
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end() as usize
    }
}

/// A typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A subtree head or label without a value.
    None,
    Str(String),
    U32(u32),
    I32(i32),
    U64(u64),
    I64(i64),
    Bool(bool),
    /// Seconds since the epoch and nanoseconds.
    Time {
        secs: i64,
        nanos: u32,
    },
    /// A time difference in seconds and nanoseconds.
    Duration {
        secs: i64,
        nanos: u32,
    },
    /// A frame number.
    Frame(u32),
}

/// A problem, with the bytes it concerns and a text that says what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub expert: Expert,
    pub span: Span,
    pub text: String,
}

/// One item of the decoded tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub field: Field,
    pub span: Span,
    pub value: Value,
    /// Replaces the default "Name: value" label when set.
    pub label: Option<String>,
    /// Derived rather than read from the bytes (Wireshark's "generated" items).
    pub generated: bool,
    pub children: Vec<Node>,
    pub issues: Vec<Issue>,
}

impl Node {
    pub fn new(field: Field, span: Span, value: Value) -> Node {
        Node {
            field,
            span,
            value,
            label: None,
            generated: false,
            children: Vec::new(),
            issues: Vec::new(),
        }
    }

    pub fn text(field: Field, span: Span, s: &str) -> Node {
        Node::new(field, span, Value::Str(s.to_owned()))
    }

    pub fn generated(mut self) -> Node {
        self.generated = true;
        self
    }

    pub fn with_label(mut self, label: String) -> Node {
        self.label = Some(label);
        self
    }

    pub fn issue(&mut self, expert: Expert, text: impl Into<String>) {
        let span = self.span;
        self.issues.push(Issue {
            expert,
            span,
            text: text.into(),
        });
    }

    /// All nodes of this subtree, depth first.
    pub fn walk(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(n.children.iter().rev());
        }
        out
    }

    /// The node's own string value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The first direct child shown as `field`.
    pub fn child(&self, field: Field) -> Option<&Node> {
        self.children.iter().find(|n| n.field == field)
    }

    /// The string value of the first direct child shown as `field`.
    pub fn child_str(&self, field: Field) -> Option<&str> {
        self.child(field)?.as_str()
    }

    /// The `u32` value of the first direct child shown as `field`.
    pub fn child_u32(&self, field: Field) -> Option<u32> {
        match self.child(field)?.value {
            Value::U32(v) => Some(v),
            _ => None,
        }
    }

    /// The first string value of `field` in this subtree (walks it all: not for large subtrees).
    pub fn find_str(&self, field: Field) -> Option<&str> {
        self.walk()
            .into_iter()
            .find(|n| n.field == field)
            .and_then(|n| match &n.value {
                Value::Str(s) => Some(s.as_str()),
                _ => None,
            })
    }
}

/// Who sent the HTTP message a body came in (the HTTP client is the CPE: reference 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    CpeToAcs,
    AcsToCpe,
}

impl Direction {
    /// The side that sends in this direction.
    pub fn sender(self) -> &'static str {
        match self {
            Direction::CpeToAcs => "CPE",
            Direction::AcsToCpe => "ACS",
        }
    }

    pub fn reverse(self) -> Direction {
        match self {
            Direction::CpeToAcs => Direction::AcsToCpe,
            Direction::AcsToCpe => Direction::CpeToAcs,
        }
    }
}

/// Whether a body element is a request, a response or a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcKind {
    Request,
    Response,
    Fault,
}

/// Which side sends a method's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// CPE methods: the ACS calls them.
    Acs,
    /// ACS methods: the CPE calls them.
    Cpe,
    /// GetRPCMethods goes both ways.
    Either,
    /// Vendor or unknown methods.
    Unknown,
}

/// One child of the SOAP Body.
#[derive(Debug, Clone, PartialEq)]
pub struct Rpc {
    /// The element's local name (`Inform`, `GetParameterValuesResponse`, `Fault`, `X_0012AB_Foo`).
    pub name: String,
    pub kind: RpcKind,
    /// Who sends the request this element is or answers.
    pub sender: Sender,
    /// True for methods not in the standard catalogue.
    pub vendor: bool,
    /// The method node (`cwmp.method`) with its arguments as children.
    pub node: Node,
    /// For faults: the CWMP fault code and string.
    pub fault: Option<(u32, String)>,
}

/// The DeviceIdStruct of an Inform.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceId {
    pub manufacturer: String,
    pub oui: String,
    pub product_class: String,
    pub serial_number: String,
}

impl DeviceId {
    /// The device as the Info column names it: `OUI-ProductClass-SerialNumber`.
    pub fn label(&self) -> String {
        format!("{}-{}-{}", self.oui, self.product_class, self.serial_number)
    }
}

/// A decoded CWMP body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    /// The CWMP namespace version as written (`1-0`, `1-2`, ...).
    pub version: Option<String>,
    /// The SOAP Header node with its children, if there is a header.
    pub header: Option<Node>,
    pub id: Option<String>,
    pub hold_requests: Option<bool>,
    pub rpcs: Vec<Rpc>,
    pub device: Option<DeviceId>,
    pub events: Vec<String>,
    /// Number of parameters named in the message (ParameterValueStruct and similar).
    pub param_count: usize,
    /// Message-level problems (malformed XML, limits).
    pub issues: Vec<Issue>,
    /// The body is well-formed XML and a SOAP envelope.
    pub well_formed: bool,
    /// Number of nodes produced; the decoder stops adding nodes at its limit.
    pub node_count: usize,
    /// Who sent the message: from the HTTP roles when known, else inferred from the content.
    pub direction: Option<Direction>,
    /// `direction` was inferred from the methods, fault codes or header (the HTTP role was unknown).
    pub direction_inferred: bool,
    /// Children of the Envelope other than Header and Body, shown generically after the methods.
    pub extra: Vec<Node>,
}

impl Message {
    /// The method names of the body, in order.
    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.rpcs.iter().map(|r| r.name.as_str())
    }

    /// Every node of the message (header first), depth first.
    pub fn nodes(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        if let Some(h) = &self.header {
            out.extend(h.walk());
        }
        for r in &self.rpcs {
            out.extend(r.node.walk());
        }
        for n in &self.extra {
            out.extend(n.walk());
        }
        out
    }

    /// Every string value of `field`, in document order.
    pub fn strs(&self, field: Field) -> Vec<&str> {
        self.nodes()
            .into_iter()
            .filter(|n| n.field == field)
            .filter_map(|n| match &n.value {
                Value::Str(s) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every issue of the message, message-level first.
    pub fn all_issues(&self) -> Vec<&Issue> {
        let mut out: Vec<&Issue> = self.issues.iter().collect();
        for n in self.nodes() {
            out.extend(n.issues.iter());
        }
        out
    }
}
