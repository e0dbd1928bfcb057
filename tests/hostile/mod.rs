// SPDX-License-Identifier: GPL-2.0-or-later
//! Shared by the hostile-input tests (`proptest_parser.rs`, `linear_work.rs`): seed messages, bodies
//! that repeat one construct `k` times, and the checks every parse entry point must pass.
#![allow(dead_code)]

use std::path::Path;

use cwmp_dissector::cwmp::{self, xml, Limits, Message, Options};
use cwmp_dissector::dissector::{self, HttpKind, Packet, Prefs, Via};
use cwmp_dissector::tree::{OpCode, TreeOps, NO_TEXT};

/// The fuzzer's built-in seeds and every fixture body (`tests/fixtures/*.xml`, `tests/fixtures/rpc/`).
pub fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = cwmp_fuzz::seeds::builtin()
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for dir in [root.clone(), root.join("rpc")] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        files.sort();
        for f in files {
            if let Ok(b) = std::fs::read(&f) {
                out.push(b);
            }
        }
    }
    out
}

/// A SOAP envelope around `header` and `body` (CWMP 1-2 namespaces).
pub fn envelope(header: &str, body: &str) -> Vec<u8> {
    cwmp_fuzz::seeds::envelope("urn:dslforum-org:cwmp-1-2", header, body)
}

/// Constructs that a hostile body can repeat; [`template`] builds a body with `k` of them.
pub const TEMPLATES: &[&str] = &[
    "params",
    "siblings",
    "attrs",
    "xmlns",
    "unknown_entities",
    "predefined_refs",
    "cdata",
    "control_chars",
    "invalid_utf8",
    "deep",
    "header",
    "events",
    "huge_text",
    "faults",
    "bodies",
    "operations",
    "doctype_bomb",
];

/// A body with `k` copies of the construct `name`.
pub fn template(name: &str, k: usize) -> Vec<u8> {
    let rep = |s: &str| s.repeat(k);
    match name {
        "params" => envelope(
            "<cwmp:ID>1</cwmp:ID>",
            &format!(
                "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[{k}]\">{}</ParameterList></cwmp:GetParameterValuesResponse>",
                rep("<ParameterValueStruct><Name>Device.A.B</Name><Value xsi:type=\"xsd:unsignedInt\">12</Value></ParameterValueStruct>")
            ),
        ),
        "siblings" => envelope("", &format!("<cwmp:X_ACME_M>{}</cwmp:X_ACME_M>", rep("<b>t</b>"))),
        "attrs" => envelope(
            "",
            &format!(
                "<cwmp:X_ACME_M{}>v</cwmp:X_ACME_M>",
                (0..k).map(|i| format!(" a{i}=\"{i}\"")).collect::<String>()
            ),
        ),
        "xmlns" => envelope(
            "",
            &format!(
                "<cwmp:X_ACME_M{}>{}</cwmp:X_ACME_M>",
                (0..k).map(|i| format!(" xmlns:p{i}=\"urn:p{i}\"")).collect::<String>(),
                rep("<zz:b q:a=\"1\"/>")
            ),
        ),
        "unknown_entities" => envelope("", &format!("<cwmp:X_ACME_M>{}</cwmp:X_ACME_M>", rep("&e;"))),
        "predefined_refs" => envelope(
            "",
            &format!("<cwmp:X_ACME_M a=\"{}\">{}</cwmp:X_ACME_M>", rep("&amp;"), rep("&lt;x&#x1F600;")),
        ),
        "cdata" => envelope("", &format!("<cwmp:X_ACME_M>{}</cwmp:X_ACME_M>", rep("<![CDATA[<x>]]>y"))),
        "control_chars" => envelope("", &format!("<cwmp:X_ACME_M>{}</cwmp:X_ACME_M>", rep("<b>\u{1}</b>"))),
        "invalid_utf8" => {
            let mut b = envelope("", "<cwmp:X_ACME_M>@@</cwmp:X_ACME_M>");
            let at = b.windows(2).position(|w| w == b"@@").unwrap_or(0);
            let bad: Vec<u8> = b"<b>\xff\xc0\x80</b>".repeat(k);
            b.splice(at..at + 2, bad);
            b
        }
        "deep" => envelope("", &format!("{}{}", rep("<cwmp:X_ACME_M>"), rep("</cwmp:X_ACME_M>"))),
        "header" => envelope(
            &rep("<cwmp:X_Hdr soap-env:mustUnderstand=\"1\">v</cwmp:X_Hdr>"),
            "<cwmp:Reboot><CommandKey>c</CommandKey></cwmp:Reboot>",
        ),
        "events" => envelope(
            "<cwmp:ID>1</cwmp:ID>",
            &format!(
                "<cwmp:Inform><DeviceId><Manufacturer>M</Manufacturer><OUI>00AB12</OUI><ProductClass>P</ProductClass><SerialNumber>S</SerialNumber></DeviceId><Event>{}</Event><MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount><ParameterList/></cwmp:Inform>",
                rep("<EventStruct><EventCode>4 VALUE CHANGE</EventCode><CommandKey/></EventStruct>")
            ),
        ),
        "huge_text" => envelope(
            "",
            &format!("<cwmp:Reboot><CommandKey>{}</CommandKey></cwmp:Reboot>", rep("0123456789abcdef")),
        ),
        "faults" => envelope(
            "",
            &format!(
                "<soap-env:Fault><faultcode>Client</faultcode><faultstring>x</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>x</FaultString>{}</cwmp:Fault></detail></soap-env:Fault>",
                rep("<SetParameterValuesFault><ParameterName>A</ParameterName><FaultCode>9007</FaultCode><FaultString>bad</FaultString></SetParameterValuesFault>")
            ),
        ),
        "bodies" => envelope("", &rep("<cwmp:GetRPCMethods/>")),
        "operations" => envelope(
            "",
            &format!(
                "<cwmp:ChangeDUState>{}<CommandKey>c</CommandKey></cwmp:ChangeDUState>",
                rep("<Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>u</URL><UUID>x</UUID><Username/><Password/><ExecutionEnvRef/></Operations>")
            ),
        ),
        "doctype_bomb" => {
            let mut d = String::from("<!DOCTYPE r [<!ENTITY lol \"lol\">");
            let mut prev = "lol".to_owned();
            for i in 1..10 {
                d.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&{prev};").repeat(10)));
                prev = format!("lol{i}");
            }
            d.push_str("]>");
            // After the XML declaration, before the root.
            let env = envelope(
                "",
                &format!("<cwmp:X_ACME_M><v>{}</v></cwmp:X_ACME_M>", format!("&{prev};").repeat(k)),
            );
            let decl_end = env.iter().position(|&c| c == b'>').map_or(0, |p| p + 1);
            let mut b = env[..decl_end].to_vec();
            b.extend(d.into_bytes());
            b.extend(&env[decl_end..]);
            b
        }
        other => panic!("no template {other}"),
    }
}

/// Parses `body` with every charset and default XML limits; checks the tree's invariants.
pub fn check_xml(body: &[u8], max_depth: u16, max_elements: u32) {
    for charset in [xml::Charset::Utf8, xml::Charset::Latin1] {
        let dom = xml::parse(
            body,
            0,
            charset,
            xml::XmlLimits {
                max_depth,
                max_elements,
            },
        );
        let len = body.len() as u64;
        assert!(dom.elems.len() as u64 <= u64::from(max_elements));
        // An element takes at least three bytes (`<a>` or `<a/>`).
        assert!(dom.elems.len() <= body.len() / 3 + 1);
        for e in &dom.elems {
            assert!(
                u64::from(e.span.end()) <= len,
                "element span {:?} beyond {len}",
                e.span
            );
            assert!(u64::from(e.text_span.end()) <= len);
            assert!(u64::from(e.name_span.end()) <= len);
            assert!(
                e.depth < max_depth.max(1),
                "depth {} over {max_depth}",
                e.depth
            );
            assert!(e.attrs.start <= e.attrs.end && e.attrs.end as usize <= dom.attrs.len());
        }
        for a in &dom.attrs {
            assert!(u64::from(a.span.end()) <= len);
        }
        if let Some(r) = dom.root {
            let _ = dom.children(r).count();
        }
    }
}

/// Checks a decoded message: spans inside the body, node count within the item budget.
pub fn check_message(body: &[u8], msg: &Message, limits: &Limits) {
    let len = body.len() as u64;
    for n in msg.nodes() {
        assert!(
            u64::from(n.span.end()) <= len,
            "node {:?} span {:?} beyond {len}",
            n.field,
            n.span
        );
    }
    // The decoder checks its budget before each element; once it is spent, each open level may still
    // close with a few nodes of its own (array counts, labels).
    let slack = 4 * usize::from(limits.max_depth) + 64;
    assert!(
        msg.node_count <= limits.max_items + slack,
        "{} nodes for a budget of {}",
        msg.node_count,
        limits.max_items
    );
    let _ = cwmp::summary::info_line(msg);
}

/// Checks a rendered tree: what the C shim replays must be sound.
pub fn check_ops(body_len: usize, ops: &TreeOps) {
    let mut depth = 0i64;
    for (k, o) in ops.ops.iter().enumerate() {
        match o.code {
            OpCode::Push => depth += 1,
            OpCode::Pop => {
                depth -= 1;
                assert!(depth >= 0, "pop below the root at op {k}");
            }
            _ => {}
        }
        assert!(
            u64::from(o.start) + u64::from(o.len) <= body_len as u64,
            "op {k} covers {}+{} of a {body_len}-byte body",
            o.start,
            o.len
        );
        for off in [o.str, o.label] {
            if off != NO_TEXT {
                assert!(ops.str_at(off).is_some(), "op {k}: bad string offset {off}");
            }
        }
    }
    assert_eq!(depth, 0, "unbalanced pushes");
    // The shim's subtree stack holds 128 levels (deeper pushes are skipped, but must not be needed).
    assert!(ops.max_depth <= 128, "tree depth {}", ops.max_depth);
}

/// Everything the plugin runs on one HTTP body: the probe, the parse, the tree; returns the verdict.
pub fn dissect(
    body: &[u8],
    prefs: Prefs,
    http: HttpKind,
    reported_extra: usize,
) -> dissector::Verdict {
    let p = Packet {
        body,
        reported_len: body.len() + reported_extra,
        via: Via::Heuristic,
        http,
        media_params: Some("charset=\"utf-8\""),
        prefs,
    };
    let v = dissector::dissect(&p);
    // The no-tree path reports the same expert items and Info (Wireshark's expert tap needs them).
    let quick = dissector::dissect_with(&p, dissector::Detail::ExpertsOnly);
    assert_eq!(quick.claimed, v.claimed);
    if quick.claimed {
        check_ops(body.len(), &quick.ops);
        assert_eq!(quick.info, v.info);
        assert_eq!(quick.ops.experts(), v.ops.experts());
    }
    if v.claimed {
        assert!(cwmp::looks_like_cwmp(body));
        check_ops(body.len(), &v.ops);
        assert!(!v.ops.ops.is_empty());
        assert_eq!(
            v.ops.ops[0].code,
            OpCode::Protocol,
            "the protocol item comes first"
        );
    } else {
        assert!(v.ops.ops.is_empty());
    }
    v
}

/// Every entry point on one body, with default options, plus the invariants.
pub fn check_all(body: &[u8]) {
    let _ = cwmp::looks_like_cwmp(body);
    check_xml(body, 64, 100_000);
    let opts = Options::default();
    let msg = cwmp::parse(body, &opts);
    check_message(body, &msg, &opts.limits);
    for http in [HttpKind::Request, HttpKind::Response, HttpKind::Unknown] {
        dissect(body, Prefs::default(), http, 0);
    }
}
