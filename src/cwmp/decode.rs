// SPDX-License-Identifier: GPL-2.0-or-later
//! From the element tree to the [`Message`]: the SOAP envelope, the CWMP header and every Body child,
//! read with the method catalogue (TR-069 Amendment 6, sections 3.4-3.5 and Annex A).
//!
//! PURE. Lenient by design (reference section 8): prefixes are resolved, not read; argument names are
//! matched exactly, then ignoring case (flagged); unknown elements are shown generically, never dropped;
//! every value that does not fit its type keeps its text and gets an issue.
//!
//! Every method gets a generated direction (from the HTTP roles: reference 1.3) and kind. When the
//! caller does not know the HTTP role (Wireshark 4.0 tells heuristic dissectors nothing), the direction
//! is inferred from what only one side sends (a method, a fault code's range, a header) and its label
//! says so. Cost: one pass over the element tree; summaries read direct children only, never a walk
//! of a large list.
#![forbid(unsafe_code)]

use super::model::{DeviceId, Issue, Message, Node, Rpc, RpcKind, Sender, Span, Value};
use super::schema::{self, FileCtx, Label, Member, MethodDef, StructDef, Ty};
use super::xml::{Charset, Dom, Ns, XmlProblem};
use crate::fields::{Expert, Field as F};
use crate::values::{self, EventKind};

pub use super::model::Direction;

/// Bounds that keep one message's cost linear and its tree within Wireshark's limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body parsed, in bytes; the rest is not decoded (flagged).
    pub max_body: usize,
    /// Deepest element nesting decoded.
    pub max_depth: u16,
    /// Most tree items produced for one message.
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024 * 1024,
            max_depth: 64,
            max_items: 400_000,
        }
    }
}

/// What the caller knows about the body besides its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub direction: Option<Direction>,
    /// The charset named by the HTTP Content-Type, if any.
    pub http_charset: Option<Charset>,
    pub limits: Limits,
}

struct Ctx<'d, 'a> {
    dom: &'d Dom<'a>,
    items: usize,
    max_items: usize,
    params: usize,
}

impl Ctx<'_, '_> {
    fn full(&self) -> bool {
        self.items >= self.max_items
    }

    fn node(&mut self, field: F, span: Span, value: Value) -> Node {
        self.items += 1;
        Node::new(field, span, value)
    }

    fn text(&self, e: u32) -> &str {
        self.dom.elem(e).text.as_deref().unwrap_or("")
    }

    fn local(&self, e: u32) -> String {
        String::from_utf8_lossy(self.dom.elem(e).local).into_owned()
    }
}

/// Picks the charset: the XML declaration first, then the HTTP header, then UTF-8 (reference quirk 13).
pub fn choose_charset(body: &[u8], http: Option<Charset>) -> Charset {
    let head = &body[..body.len().min(200)];
    if head.starts_with(b"<?xml") {
        let end = head.iter().position(|&b| b == b'>').unwrap_or(head.len());
        // Lower-cased on the stack: every name matched is ASCII, so bytes that are not ASCII never
        // take part in a match, whatever their encoding.
        let mut buf = [0u8; 200];
        let decl = &mut buf[..end];
        decl.copy_from_slice(&head[..end]);
        decl.make_ascii_lowercase();
        let find = |hay: &[u8], needle: &[u8]| memchr::memmem::find(hay, needle);
        if let Some(p) = find(decl, b"encoding") {
            let v = &decl[p..];
            let has = |needle: &[u8]| find(v, needle).is_some();
            if has(b"iso-8859-1") || has(b"latin1") || has(b"latin-1") {
                return Charset::Latin1;
            }
            if has(b"utf-8") || has(b"utf8") {
                return Charset::Utf8;
            }
        }
    }
    http.unwrap_or(Charset::Utf8)
}

/// Charset from a Content-Type parameter string such as `charset="ISO-8859-1"`.
pub fn charset_from_params(params: &str) -> Option<Charset> {
    let l = params.to_ascii_lowercase();
    let p = l.find("charset")?;
    let v = l[p + 7..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start()
        .trim_start_matches(['"', '\'']);
    if v.starts_with("iso-8859-1") || v.starts_with("latin1") || v.starts_with("iso_8859-1") {
        Some(Charset::Latin1)
    } else if v.starts_with("utf-8") || v.starts_with("utf8") {
        Some(Charset::Utf8)
    } else {
        None
    }
}

/// Parses one HTTP body into a [`Message`]. Never panics; problems become issues.
pub fn parse(body: &[u8], opts: &Options) -> Message {
    let mut msg = Message::default();
    let mut input = body;
    let mut base = 0;
    if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input = &input[3..];
        base = 3;
    }
    if input.len() > opts.limits.max_body {
        msg.issues.push(Issue {
            expert: Expert::TooLarge,
            span: Span::new(
                base + opts.limits.max_body,
                input.len() - opts.limits.max_body,
            ),
            text: format!(
                "Body of {} bytes is larger than the {}-byte limit: only its start is decoded",
                input.len(),
                opts.limits.max_body
            ),
        });
        input = &input[..opts.limits.max_body];
    }
    let charset = choose_charset(input, opts.http_charset);
    // Room for the elements the item budget can show, plus slack for skipped ones.
    let max_elements = u32::try_from(opts.limits.max_items.saturating_mul(2).saturating_add(1024))
        .unwrap_or(u32::MAX);
    let dom = super::xml::parse(
        input,
        base,
        charset,
        super::xml::XmlLimits {
            max_depth: opts.limits.max_depth,
            max_elements,
        },
    );
    report_xml_problems(&dom, &mut msg);
    let mut ctx = Ctx {
        dom: &dom,
        items: 0,
        max_items: opts.limits.max_items,
        params: 0,
    };
    decode_envelope(&mut ctx, &mut msg, opts.direction);
    msg.param_count = ctx.params;
    msg.node_count = ctx.items;
    if ctx.full() {
        msg.issues.push(Issue {
            expert: Expert::TooManyItems,
            span: Span::new(0, 0),
            text: format!(
                "Item limit of {} reached: the rest of the message is not shown",
                opts.limits.max_items
            ),
        });
    }
    msg
}

/// Problems of one kind listed one by one; the rest are counted in one more issue. A hostile body (a
/// million `&e;` references, a control character in every element) would otherwise put one expert item
/// per problem at the top of the tree, before the method and ID, and run into Wireshark's item limit.
const LISTED_PER_KIND: usize = 16;

fn report_xml_problems(dom: &Dom<'_>, msg: &mut Message) {
    let mut malformed = false;
    let mut per_kind: Vec<(Expert, usize)> = Vec::new();
    for p in &dom.problems {
        let (expert, span, text) = match p {
            XmlProblem::Syntax { pos, message } => {
                malformed = true;
                (
                    Expert::Malformed,
                    Span::new(*pos as usize, 0),
                    format!("Malformed XML at byte {pos}: {message}"),
                )
            }
            XmlProblem::Truncated { pos } => {
                malformed = true;
                (
                    Expert::Truncated,
                    Span::new(*pos as usize, 0),
                    "XML ends before its elements are closed".into(),
                )
            }
            XmlProblem::TooDeep { span } => (
                Expert::TooDeep,
                *span,
                "Nesting depth limit reached: deeper elements not decoded".into(),
            ),
            XmlProblem::Doctype { span } => (
                Expert::Doctype,
                *span,
                "DOCTYPE in a SOAP message: ignored, entities not expanded".into(),
            ),
            XmlProblem::UnknownEntity { span } => (
                Expert::UnknownEntity,
                *span,
                "Entity reference not expanded (only the XML predefined ones are)".into(),
            ),
            XmlProblem::InvalidChar { span } => (
                Expert::InvalidChar,
                *span,
                "Control character not allowed in XML text".into(),
            ),
            XmlProblem::InvalidEncoding { span } => (
                Expert::InvalidUtf8,
                *span,
                "Text is not valid UTF-8: invalid bytes replaced".into(),
            ),
            XmlProblem::TooManyElements { pos } => (
                Expert::TooManyItems,
                Span::new(*pos as usize, 0),
                "Element limit reached: the rest of the body is not decoded".into(),
            ),
            XmlProblem::TooManyNamespaces { pos } => (
                Expert::TooManyItems,
                Span::new(*pos as usize, 0),
                format!(
                    "More than {} namespace declarations in scope: the rest are ignored",
                    super::xml::MAX_NS_DECLS
                ),
            ),
        };
        let seen = match per_kind.iter_mut().find(|(e, _)| *e == expert) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                per_kind.push((expert, 1));
                1
            }
        };
        if seen <= LISTED_PER_KIND {
            msg.issues.push(Issue { expert, span, text });
        }
    }
    for (expert, n) in per_kind {
        if n > LISTED_PER_KIND {
            msg.issues.push(Issue {
                expert,
                span: Span::new(0, 0),
                text: format!(
                    "{} more problems of this kind (only the first {LISTED_PER_KIND} are listed)",
                    n - LISTED_PER_KIND
                ),
            });
        }
    }
    msg.well_formed = !malformed;
}

fn decode_envelope(ctx: &mut Ctx<'_, '_>, msg: &mut Message, dir: Option<Direction>) {
    let dom = ctx.dom;
    let Some(root) = dom.root else {
        msg.well_formed = false;
        msg.issues.push(Issue {
            expert: Expert::NotSoap,
            span: Span::new(0, 0),
            text: "No XML element in the body".into(),
        });
        return;
    };
    let r = dom.elem(root);
    if !(r.ns == Ns::Envelope && r.local.eq_ignore_ascii_case(b"Envelope")) {
        msg.well_formed = false;
        msg.issues.push(Issue {
            expert: Expert::NotSoap,
            span: r.name_span,
            text: format!(
                "Root element {} is not a SOAP 1.1 Envelope",
                ctx.local(root)
            ),
        });
    } else if r.local != b"Envelope" {
        msg.issues.push(Issue {
            expert: Expert::CaseMismatch,
            span: r.name_span,
            text: format!("{} should be spelt Envelope", ctx.local(root)),
        });
    }
    let mut bodies = 0;
    // Misspelt Header/Body names are flagged once each: repeated, they would flood the top of the tree.
    let mut case_flagged = [false; 2];
    for child in dom.children(root) {
        // The item budget covers the header and extra envelope children too, not only the Body.
        if ctx.full() {
            break;
        }
        let c = dom.elem(child);
        let name = c.local;
        let proper = if name.eq_ignore_ascii_case(b"Header") {
            "Header"
        } else if name.eq_ignore_ascii_case(b"Body") {
            "Body"
        } else {
            let mut g = generic(ctx, child);
            g.issue(
                Expert::UnknownElement,
                format!(
                    "{} is not part of a SOAP Envelope (only Header and Body are)",
                    ctx.local(child)
                ),
            );
            msg.extra.push(g);
            continue;
        };
        let flagged = &mut case_flagged[usize::from(proper == "Body")];
        if name != proper.as_bytes() && !*flagged {
            *flagged = true;
            msg.issues.push(Issue {
                expert: Expert::CaseMismatch,
                span: c.name_span,
                text: format!("{} should be spelt {proper}", ctx.local(child)),
            });
        }
        if proper == "Header" {
            msg.header = Some(decode_header(ctx, msg, child, dir));
        } else {
            bodies += 1;
            decode_body(ctx, msg, child, dir);
        }
    }
    set_direction(ctx, msg, dir);
    if bodies == 0 && r.ns == Ns::Envelope {
        msg.issues.push(Issue {
            expert: Expert::NoBody,
            span: r.name_span,
            text: "SOAP Envelope without a Body".into(),
        });
    }
    // The namespace version: the first CWMP namespace of the method elements or header.
    let mut version = None;
    for e in &dom.elems {
        if let Ns::Cwmp { major, minor } = e.ns {
            version = Some((major, minor));
            break;
        }
    }
    if let Some((major, minor)) = version {
        msg.version = Some(format!("{major}-{minor}"));
        if major != 1 || minor > 2 {
            msg.issues.push(Issue {
                expert: Expert::NonStandardNamespace,
                span: Span::new(0, 0),
                text: format!("Namespace urn:dslforum-org:cwmp-{major}-{minor} is not defined by any published schema"),
            });
        }
    }
}

/// Which header elements each side may send (reference section 3).
fn decode_header(
    ctx: &mut Ctx<'_, '_>,
    msg: &mut Message,
    header: u32,
    dir: Option<Direction>,
) -> Node {
    let dom = ctx.dom;
    let mut head = ctx.node(F::Header, dom.elem(header).span, Value::None);
    for child in dom.children(header) {
        if ctx.full() {
            break;
        }
        let e = dom.elem(child);
        let name = ctx.local(child);
        let text = ctx.text(child).to_owned();
        let must = dom.attr(child, Ns::Envelope, b"mustUnderstand").map(|a| {
            let v = values::parse_bool(&a.value);
            (a.span, v)
        });
        let known = [
            "ID",
            "HoldRequests",
            "NoMoreRequests",
            "SessionTimeout",
            "SupportedCWMPVersions",
            "UseCWMPVersion",
        ]
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(&name));
        let mut node = match known {
            Some("ID") => {
                msg.id = Some(text.trim().to_owned());
                ctx.node(F::Id, e.text_span, Value::Str(text.trim().to_owned()))
            }
            Some(k @ ("HoldRequests" | "NoMoreRequests")) => {
                let field = if k == "HoldRequests" {
                    F::HoldRequests
                } else {
                    F::NoMoreRequests
                };
                let mut n = bool_node(ctx, field, child, k);
                if let Value::Bool(b) = n.value {
                    if field == F::HoldRequests {
                        msg.hold_requests = Some(b);
                        if dir == Some(Direction::CpeToAcs) {
                            n.issue(Expert::WrongSender, "HoldRequests is sent only by the ACS");
                        }
                    }
                }
                if field == F::NoMoreRequests {
                    if let Value::Bool(b) = n.value {
                        n.label = Some(format!(
                            "NoMoreRequests: {} (deprecated since TR-069 Amendment 1)",
                            if b { "True" } else { "False" }
                        ));
                    }
                    n.issue(
                        Expert::Deprecated,
                        "NoMoreRequests is deprecated since TR-069 Amendment 1",
                    );
                }
                n
            }
            Some("SessionTimeout") => {
                let mut n = typed(ctx, &Ty::U32(F::SessionTimeout), child);
                if dir == Some(Direction::AcsToCpe) {
                    n.issue(
                        Expert::WrongSender,
                        "SessionTimeout is sent only by the CPE",
                    );
                }
                n
            }
            Some("SupportedCWMPVersions") => ctx.node(
                F::SupportedCwmpVersions,
                e.text_span,
                Value::Str(text.trim().to_owned()),
            ),
            Some(_) => {
                let mut n = ctx.node(
                    F::UseCwmpVersion,
                    e.text_span,
                    Value::Str(text.trim().to_owned()),
                );
                if dir == Some(Direction::CpeToAcs) {
                    n.issue(
                        Expert::WrongSender,
                        "UseCWMPVersion is sent only by the ACS",
                    );
                }
                n
            }
            None => {
                let mut n = ctx.node(F::HeaderUnknown, e.name_span, Value::Str(name.clone()));
                n.label = Some(format!("Unknown header element: {name}: {}", text.trim()));
                if matches!(must, Some((_, Some(true)))) {
                    n.issue(
                        Expert::UnknownHeader,
                        format!("Unknown header {name} is marked mustUnderstand"),
                    );
                }
                n
            }
        };
        if let Some(k) = known {
            if k != name {
                node.issue(
                    Expert::CaseMismatch,
                    format!("Header element {name} should be spelt {k}"),
                );
            }
        }
        if let Some((span, v)) = must {
            match v {
                Some(b) => node
                    .children
                    .push(ctx.node(F::MustUnderstand, span, Value::Bool(b))),
                None => node.issue(Expert::BadValue, "mustUnderstand is not a boolean"),
            }
        }
        head.children.push(node);
    }
    head
}

fn decode_body(ctx: &mut Ctx<'_, '_>, msg: &mut Message, body: u32, dir: Option<Direction>) {
    let dom = ctx.dom;
    let children: Vec<u32> = dom.children(body).collect();
    for (i, &child) in children.iter().enumerate() {
        if ctx.full() {
            break;
        }
        let mut rpc = decode_rpc(ctx, msg, child, dir);
        if i == 1 {
            rpc.node.issue(
                Expert::MultipleBody,
                format!(
                    "{} elements in the SOAP Body; one is normal",
                    children.len()
                ),
            );
        }
        msg.rpcs.push(rpc);
    }
}

/// The message's direction: from the HTTP roles, or inferred when HTTP did not say (Wireshark 4.0 gives
/// heuristic dissectors no HTTP information). Every method then gets its direction and kind items.
fn set_direction(ctx: &mut Ctx<'_, '_>, msg: &mut Message, dir: Option<Direction>) {
    let inferred = match dir {
        Some(_) => None,
        None => infer_direction(msg),
    };
    msg.direction = dir.or(inferred.as_ref().map(|(d, _)| *d));
    msg.direction_inferred = inferred.is_some();
    for i in 0..msg.rpcs.len() {
        // Within the item budget (a Body of a million empty methods would otherwise get two million
        // more items), except for the first method, whose direction and kind always show.
        if i > 0 && ctx.full() {
            break;
        }
        let span = msg.rpcs[i].node.span;
        let mut nodes = Vec::with_capacity(2);
        if let Some(d) = msg.direction {
            let v = match d {
                Direction::CpeToAcs => values::DIR_CPE_TO_ACS,
                Direction::AcsToCpe => values::DIR_ACS_TO_CPE,
            };
            let mut n = ctx.node(F::Direction, span, Value::U32(v)).generated();
            if let Some((_, why)) = &inferred {
                n.label = Some(format!(
                    "{}: {} ({why}; the HTTP roles are unknown)",
                    F::Direction.def().name,
                    values::lookup(values::DIRECTIONS, v).unwrap_or("")
                ));
            }
            nodes.push(n);
        }
        let k = match msg.rpcs[i].kind {
            RpcKind::Request => values::KIND_REQUEST,
            RpcKind::Response => values::KIND_RESPONSE,
            RpcKind::Fault => values::KIND_FAULT,
        };
        nodes.push(ctx.node(F::MessageKind, span, Value::U32(k)).generated());
        msg.rpcs[i].node.children.splice(0..0, nodes);
    }
}

/// Who sent a message whose HTTP role is unknown: the first method that only one side sends, else the
/// range of a fault code (8xxx: ACS, 9xxx: CPE), else a header only one side sends.
fn infer_direction(msg: &Message) -> Option<(Direction, String)> {
    for rpc in &msg.rpcs {
        let d = match (rpc.kind, rpc.sender) {
            (RpcKind::Fault, _) => match rpc.fault.as_ref().map(|f| f.0) {
                Some(c @ 8000..=8899) => {
                    return Some((
                        Direction::AcsToCpe,
                        format!("inferred from fault code {c}: ACS fault codes are 8000-8899"),
                    ))
                }
                Some(c @ 9000..=9899) => {
                    return Some((
                        Direction::CpeToAcs,
                        format!("inferred from fault code {c}: CPE fault codes are 9000-9899"),
                    ))
                }
                _ => continue,
            },
            (_, Sender::Cpe) => Direction::CpeToAcs,
            (_, Sender::Acs) => Direction::AcsToCpe,
            _ => continue,
        };
        let d = if rpc.kind == RpcKind::Response {
            d.reverse()
        } else {
            d
        };
        return Some((
            d,
            format!(
                "inferred from {}: only the {} sends it",
                rpc.name,
                d.sender()
            ),
        ));
    }
    let header = msg.header.as_ref()?;
    header.children.iter().find_map(|n| {
        let d = match n.field {
            F::HoldRequests | F::UseCwmpVersion => Direction::AcsToCpe,
            F::SessionTimeout | F::SupportedCwmpVersions => Direction::CpeToAcs,
            _ => return None,
        };
        Some((
            d,
            format!(
                "inferred from the {} header: only the {} sends it",
                n.field.def().name,
                d.sender()
            ),
        ))
    })
}

fn decode_rpc(ctx: &mut Ctx<'_, '_>, msg: &mut Message, el: u32, dir: Option<Direction>) -> Rpc {
    let dom = ctx.dom;
    let e = dom.elem(el);
    let name = ctx.local(el);
    let mut node = ctx.node(F::Method, e.span, Value::Str(name.clone()));
    let soap_fault = e.ns == Ns::Envelope && name == "Fault";
    // Some builders put the cwmp:Fault detail straight into the Body, without the SOAP Fault around it:
    // its code and string still say what failed.
    let bare_fault = e.ns.is_cwmp() && name == "Fault";
    if soap_fault || bare_fault {
        let fault = if soap_fault {
            decode_soap_fault(ctx, el, &mut node)
        } else {
            node.issue(
                Expert::BareFault,
                "cwmp:Fault directly in the SOAP Body: the SOAP Fault around it (faultcode, faultstring, detail) is missing",
            );
            let f = decode_struct(ctx, el, &schema::SOAP_FAULT_DETAIL);
            let code = f.child_u32(F::FaultCode);
            let text = f.child_str(F::FaultString).unwrap_or("").to_owned();
            node.children.push(f);
            code.map(|c| (c, text))
        };
        let (code, text) = fault.clone().unwrap_or((0, String::new()));
        let mut label = String::from("Fault");
        if fault.is_some() {
            label = format!("Fault {code} {}", values::fault_name(code));
            node.issue(
                Expert::Fault,
                format!(
                    "CWMP fault {code}: {}",
                    if text.is_empty() {
                        values::fault_name(code)
                    } else {
                        &text
                    }
                ),
            );
        } else if soap_fault {
            node.issue(Expert::Fault, "SOAP Fault without a cwmp:Fault detail");
        }
        node.label = Some(format!("Method: {label}"));
        return Rpc {
            name,
            kind: RpcKind::Fault,
            sender: Sender::Unknown,
            vendor: false,
            node,
            fault,
        };
    }
    let found = schema::lookup(&name).or_else(|| {
        let f = schema::lookup_ignore_case(&name);
        if let Some((m, resp)) = f {
            let proper = if resp {
                format!("{}Response", m.name)
            } else {
                m.name.to_owned()
            };
            node.issue(
                Expert::CaseMismatch,
                format!("Method {name} should be spelt {proper}"),
            );
        }
        f
    });
    let Some((def, is_response)) = found else {
        let vendor = name.starts_with("X_");
        let kind = if name.ends_with("Response") {
            RpcKind::Response
        } else {
            RpcKind::Request
        };
        if vendor {
            node.issue(
                Expert::VendorMethod,
                format!("Vendor-specific method {name}: arguments shown as written"),
            );
        } else if e.ns.is_cwmp() {
            node.issue(
                Expert::UnknownMethod,
                format!("Unknown method {name}: arguments shown as written"),
            );
        } else {
            node.issue(
                Expert::UnknownMethod,
                format!("Unknown Body element {name} outside the CWMP namespace"),
            );
        }
        for c in dom.children(el) {
            if ctx.full() {
                break;
            }
            node.children.push(generic(ctx, c));
        }
        return Rpc {
            name,
            kind,
            sender: Sender::Unknown,
            vendor,
            node,
            fault: None,
        };
    };
    let kind = if is_response {
        RpcKind::Response
    } else {
        RpcKind::Request
    };
    if !e.ns.is_cwmp() {
        node.issue(
            Expert::NonStandardNamespace,
            format!("Method element {name} is not in the CWMP namespace"),
        );
    }
    if def.deprecated {
        node.issue(Expert::Deprecated, format!("{} is deprecated", def.name));
    }
    check_sender(&mut node, def, is_response, dir);
    let members = if is_response {
        def.response
    } else {
        def.request
    };
    decode_members(ctx, el, members, &mut node);
    if def.name == "Inform" && !is_response {
        summarise_inform(msg, &mut node);
    }
    Rpc {
        name,
        kind,
        sender: def.sender,
        vendor: false,
        node,
        fault: None,
    }
}

fn check_sender(node: &mut Node, def: &MethodDef, is_response: bool, dir: Option<Direction>) {
    let Some(dir) = dir else { return };
    let request_from = match def.sender {
        Sender::Cpe => Direction::CpeToAcs,
        Sender::Acs => Direction::AcsToCpe,
        Sender::Either | Sender::Unknown => return,
    };
    let expected = if is_response {
        if request_from == Direction::CpeToAcs {
            Direction::AcsToCpe
        } else {
            Direction::CpeToAcs
        }
    } else {
        request_from
    };
    if dir != expected {
        let who = |d| {
            if d == Direction::CpeToAcs {
                "CPE"
            } else {
                "ACS"
            }
        };
        node.issue(
            Expert::WrongSender,
            format!(
                "{}{} is sent by the {}, but this message comes from the {}",
                def.name,
                if is_response { "Response" } else { "" },
                who(expected),
                who(dir)
            ),
        );
    }
}

fn summarise_inform(msg: &mut Message, node: &mut Node) {
    // Direct children only: the ParameterList may hold thousands of items.
    let mut dev = DeviceId::default();
    let mut events = Vec::new();
    for arg in &node.children {
        match arg.field {
            F::DeviceId => {
                let get = |f| arg.child_str(f).unwrap_or("").to_owned();
                dev = DeviceId {
                    manufacturer: get(F::Manufacturer),
                    oui: get(F::Oui),
                    product_class: get(F::ProductClass),
                    serial_number: get(F::SerialNumber),
                };
            }
            F::EventList => {
                let codes = arg
                    .children
                    .iter()
                    .filter_map(|ev| ev.child_str(F::EventCode));
                events.extend(codes.map(|c| c.trim().to_owned()));
            }
            _ => {}
        }
    }
    if events.len() > 64 {
        node.issue(
            Expert::TooManyEvents,
            format!("{} events; an Inform carries at most 64", events.len()),
        );
    }
    msg.device = Some(dev);
    msg.events = events;
}

fn decode_soap_fault(ctx: &mut Ctx<'_, '_>, el: u32, node: &mut Node) -> Option<(u32, String)> {
    let dom = ctx.dom;
    let mut result = None;
    for c in dom.children(el) {
        if ctx.full() {
            break;
        }
        let name = ctx.local(c);
        let e = dom.elem(c);
        match name.to_ascii_lowercase().as_str() {
            "faultcode" => {
                let t = ctx.text(c).trim().to_owned();
                node.children
                    .push(ctx.node(F::SoapFaultCode, e.text_span, Value::Str(t)));
            }
            "faultstring" => {
                let t = ctx.text(c).trim().to_owned();
                node.children
                    .push(ctx.node(F::SoapFaultString, e.text_span, Value::Str(t)));
            }
            "detail" => {
                for d in dom.children(c) {
                    if ctx.full() {
                        break;
                    }
                    if dom.elem(d).local.eq_ignore_ascii_case(b"Fault") {
                        let f = decode_struct(ctx, d, &schema::SOAP_FAULT_DETAIL);
                        let code = f.child_u32(F::FaultCode);
                        let text = f.child_str(F::FaultString).unwrap_or("").to_owned();
                        if let Some(code) = code {
                            result = Some((code, text));
                        }
                        node.children.push(f);
                    } else {
                        node.children.push(generic(ctx, d));
                    }
                }
            }
            _ => {
                let mut g = generic(ctx, c);
                g.issue(
                    Expert::UnknownElement,
                    format!("{name} is not part of a SOAP Fault"),
                );
                node.children.push(g);
            }
        }
    }
    result
}

/// Matches the child elements of `el` against `members` and decodes each into `parent`'s children.
fn decode_members(ctx: &mut Ctx<'_, '_>, el: u32, members: &'static [Member], parent: &mut Node) {
    let dom = ctx.dom;
    // Which members were met: on the stack for every real struct (the largest has a dozen members).
    let mut seen_small = [false; 32];
    let mut seen_big;
    let seen: &mut [bool] = match seen_small.get_mut(..members.len()) {
        Some(s) => s,
        None => {
            seen_big = vec![false; members.len()];
            &mut seen_big
        }
    };
    for c in dom.children(el) {
        if ctx.full() {
            return;
        }
        let local = dom.elem(c).local;
        let exact = members.iter().position(|m| m.name.as_bytes() == local);
        let idx = exact.or_else(|| {
            members
                .iter()
                .position(|m| m.name.as_bytes().eq_ignore_ascii_case(local))
        });
        let Some(i) = idx else {
            let mut g = generic(ctx, c);
            g.issue(
                Expert::UnknownElement,
                format!("{} is not an argument of this message", ctx.local(c)),
            );
            parent.children.push(g);
            continue;
        };
        let m = &members[i];
        let first = parent.children.len();
        decode_ty(ctx, &m.ty, c, &mut parent.children);
        if exact.is_none() {
            if let Some(n) = parent.children.get_mut(first) {
                n.issue(
                    Expert::CaseMismatch,
                    format!("{} should be spelt {}", ctx.local(c), m.name),
                );
            }
        }
        if seen[i] && !m.repeated {
            if let Some(n) = parent.children.get_mut(first) {
                n.issue(
                    Expert::UnknownElement,
                    format!("{} occurs more than once", m.name),
                );
            }
        }
        seen[i] = true;
    }
    let missing: Vec<&str> = members
        .iter()
        .zip(seen.iter())
        .filter(|(m, s)| m.required && !**s)
        .map(|(m, _)| m.name)
        .collect();
    if !missing.is_empty() {
        parent.issue(
            Expert::MissingArgument,
            format!("Missing required argument(s): {}", missing.join(", ")),
        );
    }
}

/// Decodes one element as `ty`, appending its node(s) to `out`: most types make one node, some two
/// (a literal and its number), and a parameter's value two (value and type). Appending spares the
/// hot path a vector per argument.
fn decode_ty(ctx: &mut Ctx<'_, '_>, ty: &'static Ty, el: u32, out: &mut Vec<Node>) {
    match ty {
        Ty::Struct(def) => out.push(decode_struct(ctx, el, def)),
        Ty::Array(head, item, item_ty) => out.push(decode_array(ctx, el, *head, item, item_ty)),
        Ty::Time(lit, utc) => out.extend(time_nodes(ctx, *lit, *utc, el)),
        Ty::EventCode => out.extend(event_code_nodes(ctx, el)),
        Ty::FileType(fc) => out.extend(file_type_nodes(ctx, el, *fc)),
        Ty::WindowMode => out.extend(window_mode_nodes(ctx, el)),
        Ty::Operations => out.extend(operations(ctx, el)),
        Ty::Value => ctx.value(el, out),
        Ty::Any => out.push(generic(ctx, el)),
        _ => out.push(typed(ctx, ty, el)),
    }
}

/// A leaf of a scalar type.
fn typed(ctx: &mut Ctx<'_, '_>, ty: &Ty, el: u32) -> Node {
    // Borrowed from the element tree, not from `ctx`: one copy per value, into its node.
    let dom = ctx.dom;
    let e = dom.elem(el);
    let span = e.text_span;
    let raw: &str = e.text.as_deref().unwrap_or("");
    match ty {
        Ty::Str(f, max) | Ty::Lit(f, max) | Ty::Cred(f, max) => {
            let v = if matches!(ty, Ty::Lit(..)) {
                raw
            } else {
                raw.trim()
            };
            if *f == F::ParameterName {
                ctx.params += 1;
            }
            let mut n = ctx.node(*f, span, Value::Str(v.to_owned()));
            check_len(&mut n, v, *max);
            if matches!(ty, Ty::Cred(..)) && !v.is_empty() {
                n.issue(
                    Expert::Credentials,
                    format!("{} sent in clear text", f.def().name),
                );
            }
            n
        }
        Ty::Enum(f, def) => {
            let v = raw.trim().to_owned();
            let mut n = ctx.node(*f, span, Value::Str(v.clone()));
            let name = f.def().name;
            let found = def.values.iter().find(|(k, _)| k.eq_ignore_ascii_case(&v));
            match found {
                Some((k, meaning)) => {
                    n.label = Some(format!("{name}: {v} ({meaning})"));
                    if *k != v {
                        n.issue(Expert::CaseMismatch, format!("{v} should be spelt {k}"));
                    }
                }
                None if def.vendor_values => {
                    n.label = Some(format!("{name}: {v} (vendor-specific)"));
                }
                None => {
                    let allowed: Vec<&str> = def.values.iter().map(|(k, _)| *k).collect();
                    n.issue(
                        Expert::BadValue,
                        format!("{name} \"{v}\" is not one of {}", allowed.join(", ")),
                    );
                }
            }
            check_len(&mut n, &v, def.max);
            n
        }
        Ty::Oui => {
            let v = raw.trim().to_owned();
            let mut n = ctx.node(F::Oui, span, Value::Str(v.clone()));
            if values::is_valid_oui(&v.to_ascii_uppercase()) {
                if !values::is_valid_oui(&v) {
                    n.issue(
                        Expert::LenientValue,
                        format!("OUI \"{v}\" is in lower case; TR-069 writes it in upper-case hex digits"),
                    );
                }
            } else {
                n.issue(Expert::BadOui, format!("OUI \"{v}\" is not six hex digits"));
            }
            n
        }
        Ty::U32(f) => match values::parse_u32(raw) {
            Some(v) => {
                let mut n = ctx.node(*f, span, Value::U32(v));
                if *f == F::MaxEnvelopes && v != 1 {
                    n.issue(
                        Expert::MaxEnvelopesNotOne,
                        format!("MaxEnvelopes is {v}; CWMP requires 1"),
                    );
                }
                if *f == F::Notification && v > 6 {
                    n.issue(
                        Expert::BadValue,
                        format!("Notification {v} is not defined (0-6)"),
                    );
                } else if let Some(vals) = f.def().vals {
                    if matches!(
                        f,
                        F::FaultCode | F::SpvFaultCode | F::TransferFaultCode | F::DuFaultCode
                    ) {
                        n.label =
                            Some(format!("{}: {v} ({})", f.def().name, values::fault_name(v)));
                    } else if values::lookup(vals, v).is_none() {
                        n.issue(
                            Expert::BadValue,
                            format!("{} {v} is not a defined value", f.def().name),
                        );
                    }
                }
                n
            }
            None => bad_value(ctx, el, f.def().name, "unsignedInt"),
        },
        Ty::I32(f) => match values::parse_i32(raw) {
            Some(v) => ctx.node(*f, span, Value::I32(v)),
            None => bad_value(ctx, el, f.def().name, "int"),
        },
        Ty::Bool(f) => bool_node(ctx, *f, el, f.def().name),
        _ => generic(ctx, el),
    }
}

fn bool_node(ctx: &mut Ctx<'_, '_>, field: F, el: u32, name: &str) -> Node {
    let span = ctx.dom.elem(el).text_span;
    match values::parse_bool(ctx.text(el)) {
        Some(b) => ctx.node(field, span, Value::Bool(b)),
        None => bad_value(ctx, el, name, "boolean"),
    }
}

/// Flags a text longer than its schema limit (0: none). Limits are advisory: the text is kept.
fn check_len(n: &mut Node, text: &str, max: u32) {
    // A text never has more characters than bytes: count characters only when it might be too long.
    if max == 0 || text.len() <= max as usize {
        return;
    }
    let chars = text.chars().count();
    if chars > max as usize {
        n.issue(
            Expert::TooLong,
            format!(
                "{} is {chars} characters long; the schema allows {max}",
                n.field.def().name
            ),
        );
    }
}

/// A value that does not fit its type: kept as text in a generic item, with an issue.
fn bad_value(ctx: &mut Ctx<'_, '_>, el: u32, name: &str, ty: &str) -> Node {
    let e = ctx.dom.elem(el);
    let raw = ctx.text(el).to_owned();
    let mut n = ctx.node(F::Element, e.text_span, Value::Str(ctx.local(el)));
    n.label = Some(format!("{name}: {raw} [not a valid {ty}]"));
    n.issue(
        Expert::BadValue,
        format!("{name} \"{raw}\" is not a valid {ty}"),
    );
    n
}

/// The note for the all-zero dateTime that devices write for a time they do not know.
fn zero_datetime_text(name: &str, raw: &str) -> String {
    format!(
        "{name} \"{}\" is the all-zero dateTime that devices write for an unknown time \
         (TR-069's Unknown Time is 0001-01-01T00:00:00Z)",
        raw.trim()
    )
}

fn time_nodes(ctx: &mut Ctx<'_, '_>, lit: F, utc: F, el: u32) -> Vec<Node> {
    let e = ctx.dom.elem(el);
    let span = e.text_span;
    let raw = ctx.text(el).to_owned();
    let mut n = ctx.node(lit, span, Value::Str(raw.clone()));
    if values::is_zero_datetime(&raw) {
        n.issue(
            Expert::LenientValue,
            zero_datetime_text(lit.def().name, &raw),
        );
        return vec![n];
    }
    let Some(t) = values::parse_datetime(&raw) else {
        n.issue(
            Expert::BadValue,
            format!(
                "{} \"{}\" is not a valid dateTime",
                lit.def().name,
                raw.trim()
            ),
        );
        return vec![n];
    };
    let mut u = ctx
        .node(
            utc,
            span,
            Value::Time {
                secs: t.secs,
                nanos: t.nanos,
            },
        )
        .generated();
    if t.is_unknown() {
        u.label = Some(format!(
            "{}: Unknown Time (0001-01-01T00:00:00Z: the CPE does not know it)",
            utc.def().name
        ));
    } else if t.year_one {
        let since_boot = t.secs - values::UNKNOWN_TIME_SECS;
        u.label = Some(format!(
            "{}: {since_boot} s after boot (year 0001: the CPE has no absolute time)",
            utc.def().name
        ));
    } else if t.no_zone {
        u.label = None;
        n.label = Some(format!(
            "{}: {} (no time zone: taken as UTC)",
            lit.def().name,
            raw
        ));
    }
    vec![n, u]
}

fn event_code_nodes(ctx: &mut Ctx<'_, '_>, el: u32) -> Vec<Node> {
    let span = ctx.dom.elem(el).text_span;
    let raw = ctx.text(el).to_owned();
    let mut n = ctx.node(F::EventCode, span, Value::Str(raw.clone()));
    check_len(&mut n, raw.trim(), 64);
    let mut out = Vec::new();
    match values::classify_event(&raw) {
        EventKind::Standard { num, text_matches } => {
            if !text_matches {
                let name = values::lookup(values::EVENT_CODES, num).unwrap_or("");
                n.issue(
                    Expert::UnknownEvent,
                    format!("Event \"{}\" should read \"{num} {name}\"", raw.trim()),
                );
            }
            out.push(n);
            out.push(ctx.node(F::EventCodeNum, span, Value::U32(num)));
        }
        EventKind::UnknownNumber(num) => {
            n.issue(
                Expert::UnknownEvent,
                format!("Event code number {num} is not defined"),
            );
            out.push(n);
            out.push(ctx.node(F::EventCodeNum, span, Value::U32(num)));
        }
        EventKind::Method { known } => {
            let method = raw.trim().trim_start_matches("M ").trim();
            if known {
                n.label = Some(format!(
                    "{}: {} (the {method} method completed)",
                    F::EventCode.def().name,
                    raw.trim()
                ));
            } else {
                n.issue(
                    Expert::UnknownEvent,
                    format!("\"{}\" names no method that reports completion", raw.trim()),
                );
            }
            out.push(n);
        }
        EventKind::Vendor => {
            n.label = Some(format!(
                "{}: {} (vendor-specific event)",
                F::EventCode.def().name,
                raw.trim()
            ));
            out.push(n);
        }
        EventKind::Unknown => {
            n.issue(
                Expert::UnknownEvent,
                format!("\"{}\" is not an event code", raw.trim()),
            );
            out.push(n);
        }
    }
    out
}

/// WindowMode (reference 6.8): the literal, and its number with the value string.
fn window_mode_nodes(ctx: &mut Ctx<'_, '_>, el: u32) -> Vec<Node> {
    let span = ctx.dom.elem(el).text_span;
    let raw = ctx.text(el).to_owned();
    let mut lit = ctx.node(F::WindowMode, span, Value::Str(raw.clone()));
    check_len(&mut lit, raw.trim(), 64);
    let mut out = Vec::with_capacity(2);
    match values::leading_number(&raw) {
        Some(num) => {
            let mut n = ctx.node(F::WindowModeNum, span, Value::U32(num));
            if values::lookup(values::WINDOW_MODES, num).is_none() {
                n.issue(
                    Expert::BadValue,
                    format!("WindowMode number {num} is not defined"),
                );
            }
            out.push(lit);
            out.push(n);
        }
        None => {
            if !raw.trim().starts_with("X ") {
                lit.issue(
                    Expert::BadValue,
                    format!(
                        "WindowMode \"{}\" is neither \"<n> <text>\" nor a vendor mode",
                        raw.trim()
                    ),
                );
            }
            out.push(lit);
        }
    }
    out
}

fn file_type_nodes(ctx: &mut Ctx<'_, '_>, el: u32, fc: FileCtx) -> Vec<Node> {
    let span = ctx.dom.elem(el).text_span;
    let raw = ctx.text(el).to_owned();
    let mut out = vec![ctx.node(F::FileType, span, Value::Str(raw.clone()))];
    check_len(&mut out[0], raw.trim(), 64);
    if let Some(num) = values::leading_number(&raw) {
        // The numbering depends on the message (reference 6.7): the label names the type in its own
        // table, whatever the field's value string (the Download numbering) says.
        let table = match fc {
            FileCtx::Upload => values::UPLOAD_FILE_TYPES,
            FileCtx::Download => values::FILE_TYPES,
            FileCtx::Transfer => values::TRANSFER_FILE_TYPES,
        };
        let mut n = ctx.node(F::FileTypeNum, span, Value::U32(num));
        let name = values::file_type_name(table, num, &raw);
        n.label = Some(format!(
            "{}: {num} ({})",
            F::FileTypeNum.def().name,
            name.unwrap_or("not a standard file type")
        ));
        if name.is_none() {
            n.issue(
                Expert::BadValue,
                format!("FileType number {num} is not defined for this message"),
            );
        }
        out.push(n);
    } else if !raw.trim().starts_with("X ") {
        out[0].issue(
            Expert::BadValue,
            format!(
                "FileType \"{}\" is neither \"<n> <text>\" nor a vendor type",
                raw.trim()
            ),
        );
    }
    out
}

fn decode_struct(ctx: &mut Ctx<'_, '_>, el: u32, def: &'static StructDef) -> Node {
    let span = ctx.dom.elem(el).span;
    let value = if def.field.def().ty == crate::fields::FieldType::Str {
        Value::Str(String::new())
    } else {
        Value::None
    };
    let mut node = ctx.node(def.field, span, value);
    decode_members(ctx, el, def.members, &mut node);
    label_struct(&mut node, def);
    node
}

fn label_struct(node: &mut Node, def: &StructDef) {
    let first_text = |n: &Node| -> Option<String> {
        n.children.iter().find_map(|c| match &c.value {
            Value::Str(s) if c.field != F::Element => Some(s.clone()),
            Value::U32(v) => Some(v.to_string()),
            _ => None,
        })
    };
    match def.label {
        Label::NameValue => {
            // Once per parameter: plain concatenation, not format! (a measurable share of parsing).
            let name = node.child_str(F::ParameterName).unwrap_or("");
            let value = node.child_str(F::ParameterValue).unwrap_or("");
            let mut label = String::with_capacity(name.len() + value.len() + 3);
            label.push_str(name);
            label.push_str(" = ");
            label.push_str(value);
            let mut joined = String::with_capacity(name.len() + value.len() + 1);
            joined.push_str(name);
            joined.push('=');
            joined.push_str(value);
            node.value = Value::Str(joined);
            node.label = Some(label);
        }
        Label::Device => {
            let get = |f| node.child_str(f).unwrap_or("").to_owned();
            node.label = Some(format!(
                "DeviceId: {} {} {} {}",
                get(F::Manufacturer),
                get(F::Oui),
                get(F::ProductClass),
                get(F::SerialNumber)
            ));
        }
        Label::First => {
            let mut label = match first_text(node) {
                Some(t) => format!("{}: {t}", def.name),
                None => def.name.to_owned(),
            };
            // Fault structs: the code's name too (a SetParameterValuesFault reads `name: code (..)`).
            let code = [
                F::FaultCode,
                F::SpvFaultCode,
                F::TransferFaultCode,
                F::DuFaultCode,
            ]
            .into_iter()
            .find_map(|f| node.child_u32(f));
            if let Some(c) = code {
                if node.child(F::ParameterName).is_some() {
                    label.push_str(&format!(": {c}"));
                }
                label.push_str(&format!(" ({})", values::fault_name(c)));
            }
            node.label = Some(label);
        }
    }
}

/// `soap-enc:arrayType="prefix:Type[n]"`: the declared count, leniently (`[0008]`, `[03]`).
fn declared_count(array_type: &str) -> Option<u32> {
    let open = array_type.rfind('[')?;
    let close = array_type[open..].find(']')? + open;
    values::parse_u32(&array_type[open + 1..close])
}

fn decode_array(ctx: &mut Ctx<'_, '_>, el: u32, head: F, item: &str, item_ty: &'static Ty) -> Node {
    let dom = ctx.dom;
    let e = dom.elem(el);
    let mut node = ctx.node(head, e.span, Value::None);
    let mut declared = None;
    if let Some(a) = dom.attr(el, Ns::Encoding, b"arrayType").or_else(|| {
        dom.attrs_of(el)
            .iter()
            .find(|a| a.local.eq_ignore_ascii_case(b"arrayType"))
    }) {
        let at = a.value.to_string();
        declared = declared_count(&at);
        let span = a.span;
        node.children
            .push(ctx.node(F::ArrayType, span, Value::Str(at)));
        if let Some(d) = declared {
            node.children
                .push(ctx.node(F::ArrayDeclared, span, Value::U32(d)).generated());
        }
    }
    let mut count = 0u32;
    // The count comes first but is known last: its place is kept, and the items go straight into the
    // head's children, sized once (a list can hold 50,000 items, and growing by doubling or moving
    // them from a list of their own copies them again and again).
    let count_at = node.children.len();
    node.children.reserve(1 + dom.children(el).count());
    node.children
        .push(Node::new(F::ArrayCount, e.span, Value::None));
    for c in dom.children(el) {
        if ctx.full() {
            break;
        }
        let local = dom.elem(c).local;
        if local.eq_ignore_ascii_case(item.as_bytes()) {
            count += 1;
            let first = node.children.len();
            decode_ty(ctx, item_ty, c, &mut node.children);
            if local != item.as_bytes() {
                if let Some(n) = node.children.get_mut(first) {
                    n.issue(
                        Expert::CaseMismatch,
                        format!("{} should be spelt {item}", ctx.local(c)),
                    );
                }
            }
        } else {
            let mut g = generic(ctx, c);
            g.issue(
                Expert::UnknownElement,
                format!("{} in a list of {item}", ctx.local(c)),
            );
            node.children.push(g);
        }
    }
    let mut cnt = ctx
        .node(F::ArrayCount, e.span, Value::U32(count))
        .generated();
    if let Some(d) = declared {
        if d != count && !ctx.full() {
            cnt.issue(
                Expert::ArrayMismatch,
                format!("arrayType declares {d} items, {count} present"),
            );
        }
    }
    if let Some(slot) = node.children.get_mut(count_at) {
        *slot = cnt;
    }
    node.label = Some(format!(
        "{}: {count} item{}",
        head.def().name,
        if count == 1 { "" } else { "s" }
    ));
    node
}

/// ChangeDUState `Operations`: one typed element per operation, or a wrapper of operation structs.
fn operations(ctx: &mut Ctx<'_, '_>, el: u32) -> Vec<Node> {
    let dom = ctx.dom;
    let by_name = |n: &[u8]| {
        schema::OPERATIONS
            .iter()
            .copied()
            .find(|d| d.name.as_bytes().eq_ignore_ascii_case(n))
    };
    // Schema style: xsi:type names the operation.
    if let Some(t) = dom.attr(el, Ns::Xsi, b"type") {
        let local = t.value.rsplit(':').next().unwrap_or("").to_owned();
        if let Some(def) = by_name(local.as_bytes()) {
            return vec![operation(ctx, el, def)];
        }
    }
    // Wrapper style: children are the operation structs.
    let kids: Vec<u32> = dom.children(el).collect();
    if !kids.is_empty() && kids.iter().all(|&k| by_name(dom.elem(k).local).is_some()) {
        let mut ops = Vec::with_capacity(kids.len());
        for k in kids {
            if ctx.full() {
                break;
            }
            if let Some(d) = by_name(dom.elem(k).local) {
                ops.push(operation(ctx, k, d));
            }
        }
        return ops;
    }
    let mut g = generic(ctx, el);
    g.issue(
        Expert::BadValue,
        "Operations names no InstallOpStruct, UpdateOpStruct or UninstallOpStruct",
    );
    vec![g]
}

fn operation(ctx: &mut Ctx<'_, '_>, el: u32, def: &'static StructDef) -> Node {
    let span = ctx.dom.elem(el).span;
    let mut n = decode_struct(ctx, el, def);
    n.children.insert(
        0,
        ctx.node(F::DuOperationType, span, Value::Str(def.name.to_owned()))
            .generated(),
    );
    n
}

/// An element shown as written: its name, its text, its children (vendor methods, unknown elements).
fn generic(ctx: &mut Ctx<'_, '_>, el: u32) -> Node {
    let dom = ctx.dom;
    let e = dom.elem(el);
    let name = ctx.local(el);
    let mut n = ctx.node(F::Element, e.span, Value::Str(name.clone()));
    match &e.text {
        Some(t) => {
            let t = t.to_string();
            n.label = Some(format!("{name}: {}", t.trim()));
            n.children
                .push(ctx.node(F::ElementValue, e.text_span, Value::Str(t)));
        }
        None => n.label = Some(name),
    }
    let kids: Vec<u32> = dom.children(el).collect();
    for c in kids {
        if ctx.full() {
            break;
        }
        n.children.push(generic(ctx, c));
    }
    n
}

/// ParameterValueStruct `Value`: the literal text and its xsi:type, checked against the type.
fn value_nodes(ctx_dom: &Dom<'_>, el: u32) -> (Node, Option<Node>) {
    let e = ctx_dom.elem(el);
    let text: &str = e.text.as_deref().unwrap_or("");
    let mut n = Node::new(F::ParameterValue, e.text_span, Value::Str(text.to_owned()));
    let t = ctx_dom.attr(el, Ns::Xsi, b"type");
    let ty = t.map(|a| {
        let mut tn = Node::new(F::ParameterType, a.span, Value::Str(a.value.to_string()));
        let local = a.value.rsplit(':').next().unwrap_or("");
        let known_ns = matches!(a.value_ns, Ns::Xsd | Ns::Encoding) || !a.value.contains(':');
        if local.is_empty() {
            tn.issue(
                Expert::MissingType,
                format!(
                    "xsi:type \"{}\" has no type name: taken as a string",
                    a.value
                ),
            );
        } else if !known_ns
            || !matches!(
                local,
                "string"
                    | "int"
                    | "unsignedInt"
                    | "boolean"
                    | "dateTime"
                    | "base64"
                    | "base64Binary"
                    | "long"
                    | "unsignedLong"
                    | "hexBinary"
                    | "decimal"
                    | "anySimpleType"
            )
        {
            tn.issue(
                Expert::UnknownType,
                format!("Unknown xsi:type \"{}\"", a.value),
            );
        } else {
            let ok = match local {
                "int" => values::parse_i32(text).is_some(),
                "unsignedInt" => values::parse_u32(text).is_some(),
                "boolean" => values::parse_bool(text).is_some(),
                "dateTime" => values::parse_datetime(text).is_some(),
                "long" => text.trim().parse::<i64>().is_ok(),
                "unsignedLong" => text.trim().parse::<u64>().is_ok(),
                _ => true,
            };
            if !ok && local == "dateTime" && values::is_zero_datetime(text) {
                n.issue(Expert::LenientValue, zero_datetime_text("Value", text));
            } else if !ok {
                n.issue(
                    Expert::BadValue,
                    format!("Value \"{}\" is not a valid {local}", text.trim()),
                );
            }
        }
        tn
    });
    if ty.is_none() {
        n.issue(
            Expert::MissingType,
            "Value without xsi:type: taken as a string",
        );
    }
    (n, ty)
}

impl Ctx<'_, '_> {
    fn value(&mut self, el: u32, out: &mut Vec<Node>) {
        let (v, t) = value_nodes(self.dom, el);
        self.items += 1 + usize::from(t.is_some());
        out.push(v);
        out.extend(t);
    }
}
