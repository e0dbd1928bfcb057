// SPDX-License-Identifier: GPL-2.0-or-later
//! A small, bounded, namespace-resolving element tree over quick-xml.
//!
//! PURE. The tree borrows the body; every element and text keeps its byte span so that each tree item can
//! highlight its own bytes. Namespaces are resolved properly (prefix -> URI on every element: reference
//! section 2.1), never guessed from prefix text. Hostile input is bounded: only the five predefined
//! entities and character references are expanded (no DTD entities, so no entity bombs), nesting deeper
//! than the limit is skipped but still checked, and the first syntax error stops the tree where it is,
//! keeping everything before it.
#![forbid(unsafe_code)]

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::model::Span;

/// Namespaces the decoder cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace (unqualified argument elements).
    None,
    /// SOAP 1.1 envelope.
    Envelope,
    /// SOAP 1.1 encoding.
    Encoding,
    /// XML Schema.
    Xsd,
    /// XML Schema instance.
    Xsi,
    /// `urn:dslforum-org:cwmp-<major>-<minor>`.
    Cwmp { major: u16, minor: u16 },
    /// Any other bound namespace.
    Other,
    /// A prefix that is not declared.
    Undeclared,
}

impl Ns {
    fn of_uri(uri: &[u8]) -> Ns {
        match uri {
            b"http://schemas.xmlsoap.org/soap/envelope/" => Ns::Envelope,
            b"http://schemas.xmlsoap.org/soap/encoding/" => Ns::Encoding,
            b"http://www.w3.org/2001/XMLSchema" => Ns::Xsd,
            b"http://www.w3.org/2001/XMLSchema-instance" => Ns::Xsi,
            _ => match uri.strip_prefix(b"urn:dslforum-org:cwmp-") {
                Some(ver) => parse_cwmp_version(ver).unwrap_or(Ns::Other),
                None => Ns::Other,
            },
        }
    }

    pub fn is_cwmp(self) -> bool {
        matches!(self, Ns::Cwmp { .. })
    }
}

fn parse_cwmp_version(v: &[u8]) -> Option<Ns> {
    let dash = v.iter().position(|&b| b == b'-')?;
    let (a, b) = (&v[..dash], &v[dash + 1..]);
    let num = |d: &[u8]| -> Option<u16> {
        if d.is_empty() || d.len() > 4 || !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(d).ok()?.parse().ok()
    };
    Some(Ns::Cwmp {
        major: num(a)?,
        minor: num(b)?,
    })
}

/// The character encoding used for text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Latin1,
}

/// One attribute: resolved name, raw value span, unescaped value.
#[derive(Debug, Clone)]
pub struct Attr<'a> {
    pub ns: Ns,
    pub local: &'a [u8],
    pub value: Cow<'a, str>,
    pub span: Span,
    /// For QName-valued attributes (xsi:type): the namespace its prefix resolves to.
    pub value_ns: Ns,
}

/// One element of the tree.
#[derive(Debug, Clone)]
pub struct Elem<'a> {
    pub ns: Ns,
    pub local: &'a [u8],
    /// The whole element, start tag to end tag.
    pub span: Span,
    /// The qualified name in the start tag.
    pub name_span: Span,
    pub attrs: std::ops::Range<u32>,
    /// Text content of an element without element children (entities expanded, CDATA unwrapped).
    pub text: Option<Cow<'a, str>>,
    /// The raw bytes of that text (empty at the end of the start tag for an empty element).
    pub text_span: Span,
    pub first_child: Option<u32>,
    pub next_sibling: Option<u32>,
    pub depth: u16,
}

/// A problem found while building the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlProblem {
    /// Syntax error at a position; the tree holds what came before.
    Syntax { pos: u32, message: String },
    /// Input ended with elements still open.
    Truncated { pos: u32 },
    /// Elements nested deeper than the limit were skipped (first one's span).
    TooDeep { span: Span },
    /// A DOCTYPE was present and ignored.
    Doctype { span: Span },
    /// An entity reference other than the predefined ones, kept literally.
    UnknownEntity { span: Span },
    /// A control character that XML forbids.
    InvalidChar { span: Span },
    /// Bytes that are not valid in the text's encoding (replaced by U+FFFD).
    InvalidEncoding { span: Span },
    /// The element budget ran out; the rest of the body was not read.
    TooManyElements { pos: u32 },
    /// More than [`MAX_NS_DECLS`] namespace declarations in scope; the start tag where the first was
    /// ignored.
    TooManyNamespaces { pos: u32 },
}

/// The parsed tree.
#[derive(Debug, Default)]
pub struct Dom<'a> {
    pub elems: Vec<Elem<'a>>,
    pub attrs: Vec<Attr<'a>>,
    /// Index of the first top-level element.
    pub root: Option<u32>,
    pub problems: Vec<XmlProblem>,
    /// The `encoding` of the XML declaration, if any.
    pub declared_encoding: Option<String>,
}

impl<'a> Dom<'a> {
    pub fn elem(&self, i: u32) -> &Elem<'a> {
        &self.elems[i as usize]
    }

    /// The element children of `i`, in document order.
    pub fn children(&self, i: u32) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: self.elem(i).first_child,
        }
    }

    pub fn attrs_of(&self, i: u32) -> &[Attr<'a>] {
        let r = &self.elem(i).attrs;
        &self.attrs[r.start as usize..r.end as usize]
    }

    /// An attribute by namespace and local name.
    pub fn attr(&self, i: u32, ns: Ns, local: &[u8]) -> Option<&Attr<'a>> {
        self.attrs_of(i)
            .iter()
            .find(|a| a.ns == ns && a.local == local)
    }
}

pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: Option<u32>,
}

impl Iterator for Children<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let cur = self.next?;
        self.next = self.dom.elem(cur).next_sibling;
        Some(cur)
    }
}

/// Bounds for one parse.
#[derive(Debug, Clone, Copy)]
pub struct XmlLimits {
    pub max_depth: u16,
    pub max_elements: u32,
}

fn span(start: u64, end: u64, base: usize) -> Span {
    let s = start as usize + base;
    let e = (end as usize + base).max(s);
    Span::new(s, e - s)
}

/// Decodes raw text bytes in the given charset.
pub fn decode_text(raw: &[u8], charset: Charset) -> (Cow<'_, str>, bool) {
    match charset {
        Charset::Utf8 => match std::str::from_utf8(raw) {
            Ok(s) => (Cow::Borrowed(s), true),
            Err(_) => (String::from_utf8_lossy(raw), false),
        },
        Charset::Latin1 => {
            if raw.is_ascii() {
                // ASCII is valid UTF-8 and means the same in Latin-1.
                (
                    Cow::Borrowed(std::str::from_utf8(raw).unwrap_or_default()),
                    true,
                )
            } else {
                (
                    Cow::Owned(raw.iter().map(|&b| char::from(b)).collect()),
                    true,
                )
            }
        }
    }
}

fn predefined_entity(name: &[u8]) -> Option<char> {
    Some(match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        _ => return None,
    })
}

fn char_ref(name: &[u8]) -> Option<char> {
    let body = name.strip_prefix(b"#")?;
    let v = if let Some(hex) = body.strip_prefix(b"x").or_else(|| body.strip_prefix(b"X")) {
        if hex.is_empty() || hex.len() > 8 {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?
    } else {
        if body.is_empty() || body.len() > 10 {
            return None;
        }
        std::str::from_utf8(body).ok()?.parse().ok()?
    };
    char::from_u32(v)
}

/// Unescapes an attribute value or text with references, with the same rules as text.
fn unescape<'a>(raw: &'a [u8], charset: Charset) -> (Cow<'a, str>, bool) {
    if !raw.contains(&b'&') {
        return decode_text(raw, charset);
    }
    let (decoded, ok) = decode_text(raw, charset);
    let mut out = String::with_capacity(decoded.len());
    let mut rest: &str = &decoded;
    let mut all_known = ok;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';') {
            Some(semi) if semi <= 12 => {
                let name = &after.as_bytes()[..semi];
                match predefined_entity(name).or_else(|| char_ref(name)) {
                    Some(c) => out.push(c),
                    None => {
                        all_known = false;
                        out.push_str(&rest[amp..amp + 2 + semi]);
                    }
                }
                rest = &after[semi + 1..];
            }
            _ => {
                all_known = false;
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (Cow::Owned(out), all_known)
}

struct Open {
    idx: Option<u32>,
    last_child: Option<u32>,
    has_child: bool,
    text: Option<TextAcc>,
    /// Length of the namespace scope stack before this element's declarations.
    ns_mark: usize,
}

/// Text of a leaf element being accumulated from several events.
struct TextAcc {
    start: usize,
    end: usize,
    /// `None` while the text is one borrowed run.
    owned: Option<String>,
    first: Option<(usize, usize)>,
}

/// The namespace declarations in scope: (prefix, namespace), innermost last; the default namespace has
/// the empty prefix. Resolving a prefix walks back from the innermost declaration. Documents declare a
/// handful of prefixes, mostly on the root, so this costs a few comparisons per element: far less than
/// a general resolver that rebuilds its scope on every event (the parser's single largest cost before).
///
/// At most [`MAX_NS_DECLS`] declarations are kept in scope: with thousands (a hostile body declaring a
/// prefix per attribute), every element would walk all of them and parsing would turn quadratic.
/// Declarations beyond the cap are ignored (their prefixes stay undeclared) and reported once.
#[derive(Default)]
struct Scopes<'a> {
    decls: Vec<(&'a [u8], Ns)>,
    /// Position of the first start tag whose declarations went beyond the cap.
    overflow: Option<u64>,
}

/// Most namespace declarations in scope at once. Real CWMP messages declare a handful.
pub const MAX_NS_DECLS: usize = 64;

impl<'a> Scopes<'a> {
    /// Records the `xmlns` and `xmlns:p` attributes of a start tag at `pos`.
    fn declare(&mut self, attrs: &[RawAttr<'a>], pos: u64) {
        for a in attrs {
            let key = a.key;
            let prefix: &[u8] = if key == b"xmlns" {
                b""
            } else if let Some(p) = key.strip_prefix(b"xmlns:") {
                p
            } else {
                continue;
            };
            let uri: &[u8] = a.value;
            let ns = match (prefix.is_empty(), uri.is_empty()) {
                // xmlns="" takes the default namespace away.
                (true, true) => Ns::None,
                // xmlns:p="" is not allowed in XML 1.0: the prefix is as good as undeclared.
                (false, true) => Ns::Undeclared,
                _ => Ns::of_uri(uri),
            };
            if self.decls.len() >= MAX_NS_DECLS {
                self.overflow.get_or_insert(pos);
                continue;
            }
            self.decls.push((prefix, ns));
        }
    }

    /// The namespace of a prefix (`b""`: the default namespace).
    fn lookup(&self, prefix: &[u8]) -> Ns {
        match self.decls.iter().rev().find(|(p, _)| *p == prefix) {
            Some((_, ns)) => *ns,
            None if prefix.is_empty() => Ns::None,
            None if prefix == b"xml" => Ns::Other,
            None => Ns::Undeclared,
        }
    }

    /// An element name: unprefixed names take the default namespace.
    fn element(&self, qname: &[u8]) -> Ns {
        match qname.iter().position(|&b| b == b':') {
            Some(c) => self.lookup(&qname[..c]),
            None => self.lookup(b""),
        }
    }

    /// An attribute name: unprefixed attributes are in no namespace.
    fn attribute(&self, qname: &[u8]) -> Ns {
        match qname.iter().position(|&b| b == b':') {
            Some(c) => self.lookup(&qname[..c]),
            None => Ns::None,
        }
    }
}

/// `part` as a slice of `input` when it lies inside it (quick-xml borrows event bytes from a slice
/// reader), found by address; an empty slice otherwise. Safe code: addresses are only compared.
fn offset_in(input: &[u8], part: &[u8]) -> Option<usize> {
    let off = (part.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    (off <= input.len() && part.len() <= input.len() - off).then_some(off)
}

fn borrow_from<'a>(input: &'a [u8], part: &[u8]) -> &'a [u8] {
    match offset_in(input, part) {
        Some(off) => &input[off..off + part.len()],
        None => &[],
    }
}

/// True when a start tag has anything besides its name (attributes or namespace declarations).
fn has_attributes(s: &BytesStart<'_>) -> bool {
    s.attributes_raw()
        .iter()
        .any(|&b| !b.is_ascii_whitespace() && b != b'/')
}

/// One attribute of a start tag as written: its qualified name and its raw value, both borrowed from
/// the body.
#[derive(Clone, Copy)]
struct RawAttr<'a> {
    key: &'a [u8],
    value: &'a [u8],
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\r' | b'\n' | b'\t')
}

/// Reads the attributes of a start tag (`raw`: the tag's bytes after its name) in one pass, into
/// `out`. It accepts and skips exactly what quick-xml's attribute iterator without duplicate checks
/// does (`attributes().with_checks(false).flatten()`), so nothing shown changes: `key = "v"` or
/// `key='v'` with optional spaces; a key without `=` is dropped and reading goes on at the next word; an
/// unquoted value is dropped up to the next space; an unclosed quote ends the tag's attributes. One
/// scan instead of two iterator passes (declarations, then attributes) per start tag.
fn scan_attrs<'a>(raw: &'a [u8], out: &mut Vec<RawAttr<'a>>) {
    let n = raw.len();
    let skip_space = |mut i: usize| {
        while i < n && is_xml_space(raw[i]) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    loop {
        let key_start = skip_space(i);
        if key_start >= n {
            return;
        }
        // The key runs to the first `=` or space after its first byte.
        let mut k = key_start + 1;
        while k < n && raw[k] != b'=' && !is_xml_space(raw[k]) {
            k += 1;
        }
        if k >= n {
            return;
        }
        let key = &raw[key_start..k];
        let eq = if raw[k] == b'=' {
            k
        } else {
            let e = skip_space(k);
            if e >= n {
                return;
            }
            if raw[e] != b'=' {
                // A key without a value: the next word starts the next attribute.
                i = e;
                continue;
            }
            e
        };
        let q = skip_space(eq + 1);
        if q >= n {
            return;
        }
        let quote = raw[q];
        if quote != b'"' && quote != b'\'' {
            // Unquoted value: skipped up to the next space.
            match raw[q..].iter().position(|&b| is_xml_space(b)) {
                Some(p) => {
                    i = q + p;
                    continue;
                }
                None => return,
            }
        }
        let Some(len) = memchr::memchr(quote, &raw[q + 1..]) else {
            return;
        };
        let end = q + 1 + len;
        out.push(RawAttr {
            key,
            value: &raw[q + 1..end],
        });
        i = end + 1;
    }
}

/// The body being read, with what decoding its texts needs.
#[derive(Clone, Copy)]
struct Src<'a> {
    input: &'a [u8],
    /// The whole body as text, when it decodes as is (see [`parse`]).
    whole: Option<&'a str>,
    /// Added to every span.
    base: usize,
    charset: Charset,
}

/// Builds the element tree of `input`. `base` is added to every span (used when a BOM was skipped).
pub fn parse<'a>(input: &'a [u8], base: usize, charset: Charset, limits: XmlLimits) -> Dom<'a> {
    // A CWMP element takes some 40 bytes of markup and text: reserve once instead of growing.
    let guess = (input.len() / 40 + 16).min(limits.max_elements as usize);
    let mut dom = Dom {
        elems: Vec::with_capacity(guess),
        // Attributes: the namespace declarations of the root, then an xsi:type or arrayType here
        // and there.
        attrs: Vec::with_capacity(guess / 4 + 8),
        ..Dom::default()
    };
    // The body as text when all of it decodes as is: valid UTF-8 (or ASCII, which reads the same in
    // Latin-1). Then every text and attribute value, cut between markup characters, is a slice of it:
    // one validation for the body instead of one per text.
    let whole = match charset {
        Charset::Utf8 => std::str::from_utf8(input).ok(),
        Charset::Latin1 if input.is_ascii() => std::str::from_utf8(input).ok(),
        Charset::Latin1 => None,
    };
    let src = Src {
        input,
        whole,
        base,
        charset,
    };
    let mut reader = Reader::from_reader(input);
    {
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.allow_unmatched_ends = false;
        cfg.check_comments = false;
    }
    // Room for the usual nesting and declarations from the start: growing them costs more than
    // their few hundred bytes.
    let mut scopes = Scopes {
        decls: Vec::with_capacity(16),
        overflow: None,
    };
    // The attributes of the current start tag, reused from tag to tag.
    let mut raw_attrs: Vec<RawAttr<'a>> = Vec::with_capacity(16);
    let mut stack: Vec<Open> = Vec::with_capacity(16);
    let mut top_last: Option<u32> = None;
    let mut skipped_depth = 0usize;
    let mut depth_reported = false;
    loop {
        let before = reader.buffer_position();
        let ev = reader.read_event();
        let after = reader.buffer_position();
        let ev = match ev {
            Ok(e) => e,
            Err(e) => {
                let pos = (reader.error_position() as usize + base) as u32;
                dom.problems.push(XmlProblem::Syntax {
                    pos,
                    message: e.to_string(),
                });
                break;
            }
        };
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let empty = matches!(ev, Event::Empty(_));
                if skipped_depth > 0 || stack.len() >= usize::from(limits.max_depth) {
                    if !depth_reported {
                        dom.problems.push(XmlProblem::TooDeep {
                            span: span(before, after, base),
                        });
                        depth_reported = true;
                    }
                    if !empty {
                        skipped_depth += 1;
                    }
                    continue;
                }
                if dom.elems.len() as u64 >= u64::from(limits.max_elements) {
                    dom.problems.push(XmlProblem::TooManyElements {
                        pos: (before as usize + base) as u32,
                    });
                    break;
                }
                let idx = dom.elems.len() as u32;
                let ns_mark = scopes.decls.len();
                let with_attrs = has_attributes(s);
                raw_attrs.clear();
                if with_attrs {
                    scan_attrs(borrow_from(input, s.attributes_raw()), &mut raw_attrs);
                    if raw_attrs.iter().any(|a| a.key.starts_with(b"xmlns")) {
                        scopes.declare(&raw_attrs, before);
                    }
                }
                let qname = borrow_from(input, s.name().as_ref());
                let qname = if qname.is_empty() {
                    // Not borrowed (cannot happen with a slice reader): take it from the tag text.
                    let start = before as usize + 1;
                    input
                        .get(start..start + s.name().as_ref().len())
                        .unwrap_or_default()
                } else {
                    qname
                };
                let resolved = scopes.element(qname);
                let local = match qname.iter().position(|&b| b == b':') {
                    Some(c) => &qname[c + 1..],
                    None => qname,
                };
                let attrs = if with_attrs {
                    collect_attrs(&scopes, &raw_attrs, src, before, &mut dom)
                } else {
                    let n = dom.attrs.len() as u32;
                    n..n
                };
                let name_span = Span::new(before as usize + base + 1, qname.len());
                dom.elems.push(Elem {
                    ns: resolved,
                    local,
                    span: span(before, after, base),
                    name_span,
                    attrs,
                    text: if empty { Some(Cow::Borrowed("")) } else { None },
                    text_span: Span::new(after as usize + base, 0),
                    first_child: None,
                    next_sibling: None,
                    depth: stack.len() as u16,
                });
                match stack.last_mut() {
                    Some(parent) => {
                        parent.has_child = true;
                        parent.text = None;
                        match parent.last_child {
                            Some(prev) => dom.elems[prev as usize].next_sibling = Some(idx),
                            None => {
                                if let Some(p) = parent.idx {
                                    dom.elems[p as usize].first_child = Some(idx);
                                }
                            }
                        }
                        parent.last_child = Some(idx);
                    }
                    None => {
                        match top_last {
                            Some(prev) => dom.elems[prev as usize].next_sibling = Some(idx),
                            None => dom.root = Some(idx),
                        }
                        top_last = Some(idx);
                    }
                }
                if empty {
                    scopes.decls.truncate(ns_mark);
                } else {
                    stack.push(Open {
                        idx: Some(idx),
                        last_child: None,
                        has_child: false,
                        text: None,
                        ns_mark,
                    });
                }
            }
            Event::End(_) => {
                if skipped_depth > 0 {
                    skipped_depth -= 1;
                    continue;
                }
                let Some(open) = stack.pop() else { continue };
                scopes.decls.truncate(open.ns_mark);
                if let Some(i) = open.idx {
                    finish_elem(&mut dom, i, open, src, after);
                }
            }
            Event::Text(_) => {
                if skipped_depth > 0 {
                    continue;
                }
                add_text(
                    &mut stack,
                    input,
                    before as usize,
                    after as usize,
                    None,
                    charset,
                );
            }
            Event::CData(ref c) => {
                if skipped_depth > 0 {
                    continue;
                }
                let raw: &[u8] = c.as_ref();
                let (s, _) = decode_text(raw, charset);
                add_text(
                    &mut stack,
                    input,
                    before as usize,
                    after as usize,
                    Some(s.into_owned()),
                    charset,
                );
            }
            Event::GeneralRef(ref r) => {
                if skipped_depth > 0 {
                    continue;
                }
                let name: &[u8] = r.as_ref();
                let repl = match predefined_entity(name).or_else(|| char_ref(name)) {
                    Some(c) => c.to_string(),
                    None => {
                        dom.problems.push(XmlProblem::UnknownEntity {
                            span: span(before, after, base),
                        });
                        let raw = input
                            .get(before as usize..after as usize)
                            .unwrap_or_default();
                        String::from_utf8_lossy(raw).into_owned()
                    }
                };
                add_text(
                    &mut stack,
                    input,
                    before as usize,
                    after as usize,
                    Some(repl),
                    charset,
                );
            }
            Event::Decl(ref d) => {
                if let Some(Ok(enc)) = d.encoding() {
                    dom.declared_encoding = Some(String::from_utf8_lossy(&enc).into_owned());
                }
            }
            Event::DocType(_) => dom.problems.push(XmlProblem::Doctype {
                span: span(before, after, base),
            }),
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => {
                if !stack.is_empty() || skipped_depth > 0 {
                    dom.problems.push(XmlProblem::Truncated {
                        pos: (after as usize + base) as u32,
                    });
                }
                break;
            }
        }
    }
    // Close whatever is still open (truncated or broken input) so the tree is usable.
    let end = input.len() as u64;
    while let Some(open) = stack.pop() {
        if let Some(i) = open.idx {
            finish_elem(&mut dom, i, open, src, end);
        }
    }
    if let Some(pos) = scopes.overflow {
        dom.problems.push(XmlProblem::TooManyNamespaces {
            pos: (pos as usize + base) as u32,
        });
    }
    check_chars(&mut dom, base);
    dom
}

fn collect_attrs<'a>(
    scopes: &Scopes<'a>,
    raw_attrs: &[RawAttr<'a>],
    src: Src<'a>,
    before: u64,
    dom: &mut Dom<'a>,
) -> std::ops::Range<u32> {
    let Src {
        input,
        whole,
        base,
        charset,
    } = src;
    let start = dom.attrs.len() as u32;
    for a in raw_attrs {
        let key = a.key;
        if key.starts_with(b"xmlns") {
            continue;
        }
        let ns = scopes.attribute(key);
        // The value's span by its address in the body (exact even when two attributes have the same
        // value); an empty value is placed, empty, at the start of its tag.
        let vspan = match offset_in(input, a.value) {
            Some(off) if !a.value.is_empty() => Span::new(off + base, a.value.len()),
            _ => Span::new(before as usize + base, 0),
        };
        let value = match (whole, offset_in(input, a.value)) {
            (Some(w), Some(off)) if !a.value.contains(&b'&') => {
                match w.get(off..off + a.value.len()) {
                    Some(t) => Cow::Borrowed(t),
                    None => unescape(a.value, charset).0,
                }
            }
            _ => unescape(a.value, charset).0,
        };
        let local = match key.iter().position(|&b| b == b':') {
            Some(c) => &key[c + 1..],
            None => key,
        };
        let value_ns = if ns == Ns::Xsi && local == b"type" {
            match value.find(':') {
                // The prefix of a QName value resolves in this element's scope.
                Some(c) => scopes.lookup(value[..c].as_bytes()),
                None => Ns::None,
            }
        } else {
            Ns::None
        };
        dom.attrs.push(Attr {
            ns,
            local,
            value,
            span: vspan,
            value_ns,
        });
    }
    start..dom.attrs.len() as u32
}

fn add_text(
    stack: &mut [Open],
    input: &[u8],
    start: usize,
    end: usize,
    repl: Option<String>,
    charset: Charset,
) {
    let Some(open) = stack.last_mut() else { return };
    if open.has_child {
        return;
    }
    match &mut open.text {
        None => {
            let first = if repl.is_none() {
                Some((start, end))
            } else {
                None
            };
            open.text = Some(TextAcc {
                start,
                end,
                owned: repl,
                first,
            });
        }
        Some(acc) => {
            // A second run (text after a reference or CDATA): switch to an owned string.
            let mut s = acc.owned.take().unwrap_or_default();
            if let Some((fs, fe)) = acc.first.take() {
                s.push_str(&decode_text(input.get(fs..fe).unwrap_or_default(), charset).0);
            }
            match repl {
                Some(r) => s.push_str(&r),
                None => {
                    s.push_str(&decode_text(input.get(start..end).unwrap_or_default(), charset).0)
                }
            }
            acc.end = end;
            acc.owned = Some(s);
        }
    }
}

fn finish_elem<'a>(dom: &mut Dom<'a>, i: u32, open: Open, src: Src<'a>, end: u64) {
    let Src {
        input,
        whole,
        base,
        charset,
    } = src;
    let e = &mut dom.elems[i as usize];
    let start = e.span.start as usize;
    e.span = Span::new(start, (end as usize + base).saturating_sub(start));
    if open.has_child {
        return;
    }
    match open.text {
        None => {
            e.text = Some(Cow::Borrowed(""));
        }
        Some(acc) => {
            e.text_span = Span::new(acc.start + base, acc.end - acc.start);
            e.text = Some(match (acc.owned, acc.first) {
                (Some(s), _) => Cow::Owned(s),
                (None, Some((s, en))) => {
                    let raw = input.get(s..en).unwrap_or_default();
                    let (txt, ok) = match whole.and_then(|w| w.get(s..en)) {
                        Some(t) => (Cow::Borrowed(t), true),
                        None => decode_text(raw, charset),
                    };
                    if !ok {
                        dom.problems.push(XmlProblem::InvalidEncoding {
                            span: Span::new(s + base, en - s),
                        });
                    }
                    txt
                }
                (None, None) => Cow::Borrowed(""),
            });
        }
    }
}

fn check_chars(dom: &mut Dom<'_>, _base: usize) {
    // Forbidden characters are ASCII controls, and UTF-8 never uses ASCII bytes inside a multi-byte
    // character: a byte scan finds them in any decoded text.
    let forbidden = |b: &u8| *b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r');
    let found: Vec<XmlProblem> = dom
        .elems
        .iter()
        .filter(|e| {
            e.text
                .as_deref()
                .is_some_and(|t| t.as_bytes().iter().any(forbidden))
        })
        .map(|e| XmlProblem::InvalidChar { span: e.text_span })
        .collect();
    dom.problems.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: XmlLimits = XmlLimits {
        max_depth: 64,
        max_elements: 1_000_000,
    };

    #[test]
    fn resolves_namespaces_not_prefixes() {
        let x = br#"<a:E xmlns:a="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap='http://schemas.xmlsoap.org/soap/encoding/'><a:Body><c:Inform xmlns:c="urn:dslforum-org:cwmp-1-2"><X soap:arrayType='c:T[1]'>v</X></c:Inform></a:Body></a:E>"#;
        let d = parse(x, 0, Charset::Utf8, LIM);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        let root = d.root.unwrap();
        assert_eq!(d.elem(root).ns, Ns::Envelope);
        let body = d.children(root).next().unwrap();
        let inform = d.children(body).next().unwrap();
        assert_eq!(d.elem(inform).ns, Ns::Cwmp { major: 1, minor: 2 });
        assert_eq!(d.elem(inform).local, b"Inform");
        let x_el = d.children(inform).next().unwrap();
        assert_eq!(d.elem(x_el).ns, Ns::None);
        assert_eq!(d.elem(x_el).text.as_deref(), Some("v"));
        let a = d.attr(x_el, Ns::Encoding, b"arrayType").unwrap();
        assert_eq!(a.value, "c:T[1]");
        assert_eq!(&x[a.span.range()], b"c:T[1]");
        let t = d.elem(x_el).text_span;
        assert_eq!(&x[t.range()], b"v");
    }

    #[test]
    fn entities_cdata_and_spans() {
        let x = b"<r><a>x &amp; &#65;&#x42; <![CDATA[<raw>]]>y</a><b/><c></c></r>";
        let d = parse(x, 0, Charset::Utf8, LIM);
        let r = d.root.unwrap();
        let kids: Vec<_> = d.children(r).collect();
        assert_eq!(d.elem(kids[0]).text.as_deref(), Some("x & AB <raw>y"));
        assert_eq!(
            &x[d.elem(kids[0]).text_span.range()],
            b"x &amp; &#65;&#x42; <![CDATA[<raw>]]>y"
        );
        assert_eq!(d.elem(kids[1]).text.as_deref(), Some(""));
        assert_eq!(d.elem(kids[2]).text.as_deref(), Some(""));
        assert_eq!(
            &x[d.elem(kids[0]).span.range()],
            &b"<a>x &amp; &#65;&#x42; <![CDATA[<raw>]]>y</a>"[..]
        );
    }

    #[test]
    fn unknown_entities_and_doctype_are_not_expanded() {
        let x = b"<!DOCTYPE r [<!ENTITY e \"boom\">]><r>&e;</r>";
        let d = parse(x, 0, Charset::Utf8, LIM);
        assert_eq!(d.elem(d.root.unwrap()).text.as_deref(), Some("&e;"));
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::Doctype { .. })));
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::UnknownEntity { .. })));
    }

    #[test]
    fn errors_keep_the_prefix() {
        let x = b"<r><a>1</a><b>2</c></r>";
        let d = parse(x, 0, Charset::Utf8, LIM);
        assert!(matches!(d.problems[0], XmlProblem::Syntax { .. }));
        let r = d.root.unwrap();
        assert_eq!(d.children(r).count(), 2);
        let x = b"<r><a>1</a><b>2";
        let d = parse(x, 0, Charset::Utf8, LIM);
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::Truncated { .. })));
        assert_eq!(d.elem(d.root.unwrap()).span.len as usize, x.len());
    }

    #[test]
    fn depth_is_bounded() {
        let mut x = Vec::new();
        for _ in 0..5000 {
            x.extend_from_slice(b"<a>");
        }
        for _ in 0..5000 {
            x.extend_from_slice(b"</a>");
        }
        let d = parse(&x, 0, Charset::Utf8, LIM);
        assert_eq!(d.elems.len(), 64);
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::TooDeep { .. })));
        assert!(!d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::Syntax { .. })));
    }

    #[test]
    fn latin1_and_control_chars() {
        let x = b"<r>caf\xe9\x02</r>";
        let d = parse(x, 0, Charset::Latin1, LIM);
        assert_eq!(
            d.elem(d.root.unwrap()).text.as_deref(),
            Some("caf\u{e9}\u{2}")
        );
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::InvalidChar { .. })));
        let d = parse(x, 0, Charset::Utf8, LIM);
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, XmlProblem::InvalidEncoding { .. })));
    }

    type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

    fn scanned(s: &BytesStart<'_>) -> Pairs {
        let mut got = Vec::new();
        scan_attrs(s.attributes_raw(), &mut got);
        got.iter()
            .map(|a| (a.key.to_vec(), a.value.to_vec()))
            .collect()
    }

    fn iterated(s: &BytesStart<'_>) -> Pairs {
        s.attributes()
            .with_checks(false)
            .flatten()
            .map(|a| (a.key.as_ref().to_vec(), a.value.to_vec()))
            .collect()
    }

    /// The one-pass attribute scanner keeps and drops exactly what quick-xml's iterator does.
    #[test]
    fn attribute_scan_matches_quick_xml() {
        let tags: &[&[u8]] = &[
            b"<a>",
            b"<a x=\"1\" y='2'>",
            b"<a  x = \"1\"\ty\n=\r'2' >",
            b"<a x=\"\" y=''>",
            b"<a x y=\"1\">",
            b"<a x>",
            b"<a x =>",
            b"<a x=1 y=\"2\">",
            b"<a x=1>",
            b"<a x=\"1 y='2'>",
            b"<a =\"1\" ==\"2\" x==\"3\">",
            b"<a x=\"1\"y=\"2\">",
            b"<a x=\"a'b\" y='a\"b'>",
            b"<a xmlns='u' xmlns:p=\"v\" p:q='w'/>",
            b"<a x = >",
            b"<a x=\"1\" / >",
        ];
        for tag in tags {
            // The tag's content between `<` and `>`, name first (an unclosed quote is no tag to
            // the reader, but can reach the scanner through a start tag's content in principle).
            let content = &tag[1..tag.len() - 1];
            let s = BytesStart::from_content(String::from_utf8_lossy(content), 1);
            assert_eq!(
                scanned(&s),
                iterated(&s),
                "{}",
                String::from_utf8_lossy(tag)
            );
        }
        // Every string of up to 7 bytes over the bytes that matter, after a name.
        let alphabet = b"k=\"' \t";
        let mut content = Vec::new();
        for len in 0..=7u32 {
            for mut code in 0..alphabet.len().pow(len) {
                content.clear();
                content.extend_from_slice(b"a ");
                for _ in 0..len {
                    content.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                let s = BytesStart::from_content(String::from_utf8_lossy(&content), 1);
                assert_eq!(scanned(&s), iterated(&s), "{content:?}");
            }
        }
    }

    #[test]
    fn cwmp_versions() {
        assert_eq!(
            Ns::of_uri(b"urn:dslforum-org:cwmp-1-0"),
            Ns::Cwmp { major: 1, minor: 0 }
        );
        assert_eq!(
            Ns::of_uri(b"urn:dslforum-org:cwmp-1-4"),
            Ns::Cwmp { major: 1, minor: 4 }
        );
        assert_eq!(Ns::of_uri(b"urn:dslforum-org:cwmp-x"), Ns::Other);
    }
}
