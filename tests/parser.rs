// SPDX-License-Identifier: GPL-2.0-or-later
//! The pure parser on its own (`cwmp::parse`, `dissector::dissect`): the real-world tolerance of
//! reference section 8 and every protocol check of issue #4, asserted on the decoded fields and issues.

use cwmp_dissector::cwmp::{self, Direction, Message, Node, Options, RpcKind, Value};
use cwmp_dissector::dissector::{self, HttpKind, Packet, Prefs, Via};
use cwmp_dissector::fields::{Expert, Field};

const NS: &str = "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" \
    xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\" \
    xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
    xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"";

/// A message with the usual prefixes.
fn env(header: &str, body: &str) -> Vec<u8> {
    format!(
        "<soapenv:Envelope {NS}><soapenv:Header>{header}</soapenv:Header>\
         <soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )
    .into_bytes()
}

fn parse(x: &[u8]) -> Message {
    cwmp::parse(x, &Options::default())
}

fn parse_from(x: &[u8], d: Direction) -> Message {
    cwmp::parse(
        x,
        &Options {
            direction: Some(d),
            ..Options::default()
        },
    )
}

fn experts(m: &Message) -> Vec<Expert> {
    m.all_issues().iter().map(|i| i.expert).collect()
}

fn texts(m: &Message, e: Expert) -> Vec<String> {
    m.all_issues()
        .iter()
        .filter(|i| i.expert == e)
        .map(|i| i.text.clone())
        .collect()
}

/// Every node shown as `field`.
fn nodes(m: &Message, field: Field) -> Vec<Node> {
    m.nodes()
        .into_iter()
        .filter(|n| n.field == field)
        .cloned()
        .collect()
}

fn u32s(m: &Message, field: Field) -> Vec<u32> {
    nodes(m, field)
        .iter()
        .filter_map(|n| match n.value {
            Value::U32(v) => Some(v),
            _ => None,
        })
        .collect()
}

fn bools(m: &Message, field: Field) -> Vec<bool> {
    nodes(m, field)
        .iter()
        .filter_map(|n| match n.value {
            Value::Bool(v) => Some(v),
            _ => None,
        })
        .collect()
}

fn labels(m: &Message, field: Field) -> Vec<String> {
    nodes(m, field)
        .iter()
        .map(|n| n.label.clone().unwrap_or_default())
        .collect()
}

fn info(m: &Message) -> String {
    cwmp::summary::info_line(m)
}

fn pvs(list: &[(&str, &str)]) -> String {
    let mut s = format!(
        "<ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[{}]\">",
        list.len()
    );
    for (n, v) in list {
        s.push_str(&format!(
            "<ParameterValueStruct><Name>{n}</Name><Value xsi:type=\"xsd:string\">{v}</Value></ParameterValueStruct>"
        ));
    }
    s.push_str("</ParameterList>");
    s
}

fn inform_with(device: &str, events: &[&str], max_envelopes: &str) -> Vec<u8> {
    let mut ev = format!(
        "<Event soapenc:arrayType=\"cwmp:EventStruct[{}]\">",
        events.len()
    );
    for e in events {
        ev.push_str(&format!(
            "<EventStruct><EventCode>{e}</EventCode><CommandKey></CommandKey></EventStruct>"
        ));
    }
    ev.push_str("</Event>");
    env(
        "",
        &format!(
            "<cwmp:Inform><DeviceId>{device}</DeviceId>{ev}<MaxEnvelopes>{max_envelopes}</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount>{}</cwmp:Inform>",
            pvs(&[])
        ),
    )
}

const DEVICE: &str =
    "<Manufacturer>Acme</Manufacturer><OUI>00AB12</OUI><ProductClass>GW100</ProductClass>\
    <SerialNumber>SN0001</SerialNumber>";

// ---- Real-world tolerance (reference section 8) ----

#[test]
fn missing_id_and_empty_header() {
    for header in ["<soapenv:Header/>", ""] {
        let x = format!(
            "<soapenv:Envelope {NS}>{header}<soapenv:Body><cwmp:GetRPCMethods/></soapenv:Body></soapenv:Envelope>"
        );
        let m = parse(x.as_bytes());
        assert!(m.well_formed);
        assert_eq!(m.id, None);
        assert_eq!(m.methods().collect::<Vec<_>>(), ["GetRPCMethods"]);
        assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
    }
}

#[test]
fn any_prefix_single_quotes_and_inner_declarations() {
    // `soap` bound to the encoding namespace, the envelope on `e`, the CWMP namespace declared twice
    // (on the Envelope as `c` and again on the method as `x`), single quotes everywhere.
    let x = b"<e:Envelope xmlns:e='http://schemas.xmlsoap.org/soap/envelope/' \
        xmlns:soap='http://schemas.xmlsoap.org/soap/encoding/' xmlns:c='urn:dslforum-org:cwmp-1-0'>\
        <e:Header><c:ID e:mustUnderstand='1'>7</c:ID></e:Header><e:Body>\
        <x:GetParameterValues xmlns:x='urn:dslforum-org:cwmp-1-0'>\
        <ParameterNames soap:arrayType='xsd:string[1]'><string>Device.</string></ParameterNames>\
        </x:GetParameterValues></e:Body></e:Envelope>";
    let m = parse(x);
    assert!(m.well_formed);
    assert_eq!(m.id.as_deref(), Some("7"));
    assert_eq!(m.version.as_deref(), Some("1-0"));
    assert_eq!(m.strs(Field::ParameterName), ["Device."]);
    assert_eq!(u32s(&m, Field::ArrayDeclared), [1]);
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
}

#[test]
fn missing_and_empty_values() {
    let x = env(
        "",
        "<cwmp:GetParameterValuesResponse><ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[3]\">\
         <ParameterValueStruct><Name>A</Name><Value xsi:type=\"xsd:string\"></Value></ParameterValueStruct>\
         <ParameterValueStruct><Name>B</Name><Value xsi:type=\"xsd:string\"/></ParameterValueStruct>\
         <ParameterValueStruct><Name>C</Name></ParameterValueStruct>\
         </ParameterList></cwmp:GetParameterValuesResponse>",
    );
    let m = parse(&x);
    assert_eq!(m.strs(Field::ParameterValue), ["", ""]);
    assert_eq!(m.strs(Field::Parameter), ["A=", "B=", "C="]);
    assert_eq!(labels(&m, Field::Parameter), ["A = ", "B = ", "C = "]);
    assert_eq!(
        texts(&m, Expert::MissingArgument),
        ["Missing required argument(s): Value"]
    );
    assert_eq!(experts(&m), [Expert::MissingArgument]);
}

#[test]
fn missing_or_empty_xsi_type_is_a_string() {
    let x = env(
        "",
        "<cwmp:GetParameterValuesResponse><ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[2]\">\
         <ParameterValueStruct><Name>A</Name><Value>1</Value></ParameterValueStruct>\
         <ParameterValueStruct><Name>B</Name><Value xsi:type=\"xsd:\">2</Value></ParameterValueStruct>\
         </ParameterList></cwmp:GetParameterValuesResponse>",
    );
    let m = parse(&x);
    assert_eq!(m.strs(Field::ParameterValue), ["1", "2"]);
    assert_eq!(experts(&m), [Expert::MissingType, Expert::MissingType]);
}

#[test]
fn values_are_checked_against_their_xsi_type() {
    let x = env(
        "",
        &format!(
            "<cwmp:GetParameterValuesResponse>{}</cwmp:GetParameterValuesResponse>",
            "<ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[5]\">\
             <ParameterValueStruct><Name>A</Name><Value xsi:type=\"xsd:unsignedInt\">-1</Value></ParameterValueStruct>\
             <ParameterValueStruct><Name>B</Name><Value xsi:type=\"xsd:boolean\">TRUE</Value></ParameterValueStruct>\
             <ParameterValueStruct><Name>C</Name><Value xsi:type=\"xsd:boolean\">yes</Value></ParameterValueStruct>\
             <ParameterValueStruct><Name>D</Name><Value xsi:type=\"xsd:dateTime\">2024-05-01</Value></ParameterValueStruct>\
             <ParameterValueStruct><Name>E</Name><Value xsi:type=\"cwmp:IPAddress\">10.0.0.1</Value></ParameterValueStruct>\
             </ParameterList>"
        ),
    );
    let m = parse(&x);
    assert_eq!(
        texts(&m, Expert::BadValue),
        [
            "Value \"-1\" is not a valid unsignedInt",
            "Value \"yes\" is not a valid boolean",
            "Value \"2024-05-01\" is not a valid dateTime"
        ]
    );
    assert_eq!(
        texts(&m, Expert::UnknownType),
        ["Unknown xsi:type \"cwmp:IPAddress\""]
    );
    // The literal text is kept whatever its type.
    assert_eq!(
        m.strs(Field::ParameterValue),
        ["-1", "TRUE", "yes", "2024-05-01", "10.0.0.1"]
    );
}

#[test]
fn cdata_and_entity_references() {
    let x = env(
        "<cwmp:ID soapenv:mustUnderstand=\"1\">a&amp;b</cwmp:ID>",
        &format!(
            "<cwmp:SetParameterValues>{}<ParameterKey>k&#45;&#x31;</ParameterKey></cwmp:SetParameterValues>",
            pvs(&[
                ("X.A", "<![CDATA[<b>bold</b> & more]]>"),
                ("X.B", "1 &lt; 2 &quot;ok&quot;"),
            ])
        ),
    );
    let m = parse(&x);
    assert_eq!(m.id.as_deref(), Some("a&b"));
    assert_eq!(
        m.strs(Field::ParameterValue),
        ["<b>bold</b> & more", "1 < 2 \"ok\""]
    );
    assert_eq!(m.strs(Field::ParameterKey), ["k-1"]);
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
}

#[test]
fn byte_order_mark_is_skipped() {
    let mut x = vec![0xEF, 0xBB, 0xBF];
    x.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.extend(env(
        "",
        "<cwmp:Reboot><CommandKey>r</CommandKey></cwmp:Reboot>",
    ));
    assert!(cwmp::looks_like_cwmp(&x));
    let m = parse(&x);
    assert!(m.well_formed);
    assert_eq!(m.strs(Field::CommandKey), ["r"]);
    // Spans stay on the original bytes.
    let key = &nodes(&m, Field::CommandKey)[0];
    assert_eq!(&x[key.span.range()], b"r");
}

#[test]
fn charset_from_the_declaration_or_the_content_type() {
    let body = |decl: &str| {
        let mut x = decl.as_bytes().to_vec();
        x.extend(env(
            "",
            "<cwmp:Inform><DeviceId><Manufacturer>Soci\u{e9}t\u{e9}</Manufacturer><OUI>00AB12</OUI>\
             <ProductClass>Box</ProductClass><SerialNumber>1</SerialNumber></DeviceId></cwmp:Inform>",
        ));
        // Re-encode the two accented letters as ISO-8859-1 (one byte each).
        String::from_utf8(x)
            .unwrap()
            .chars()
            .map(|c| c as u32 as u8)
            .collect::<Vec<u8>>()
    };
    // From the XML declaration.
    let m = parse(&body("<?xml version='1.0' encoding='ISO-8859-1'?>"));
    assert_eq!(m.device.unwrap().manufacturer, "Soci\u{e9}t\u{e9}");
    // From the HTTP Content-Type, through the dissector's glue.
    let x = body("");
    let v = dissector::dissect(&Packet {
        body: &x,
        reported_len: x.len(),
        via: Via::MediaType,
        http: HttpKind::Request,
        media_params: Some("charset=\"ISO-8859-1\""),
        prefs: Prefs::default(),
    });
    assert_eq!(v.ops.values_of(Field::Manufacturer), ["Soci\u{e9}t\u{e9}"]);
    // The declaration wins over the header.
    let m = cwmp::parse(
        &body("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"),
        &Options {
            http_charset: Some(cwmp::xml::Charset::Utf8),
            ..Options::default()
        },
    );
    assert_eq!(m.device.unwrap().manufacturer, "Soci\u{e9}t\u{e9}");
    // Latin-1 bytes read as UTF-8 are flagged, not fatal.
    let m = parse(&x);
    assert!(experts(&m).contains(&Expert::InvalidUtf8));
    assert_eq!(m.device.unwrap().oui, "00AB12");
}

#[test]
fn whitespace_around_values() {
    let x = env(
        "<cwmp:ID soapenv:mustUnderstand=\"1\">\n  42\n</cwmp:ID>",
        "<cwmp:GetParameterNames>\n  <ParameterPath>\n   Device.WiFi.\n  </ParameterPath>\n  \
         <NextLevel> true </NextLevel>\n</cwmp:GetParameterNames>",
    );
    let m = parse(&x);
    assert_eq!(m.id.as_deref(), Some("42"));
    assert_eq!(m.strs(Field::ParameterPath), ["Device.WiFi."]);
    assert_eq!(bools(&m, Field::NextLevel), [true]);
    let x = env(
        "",
        "<cwmp:GetParameterValuesResponse><ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
         <ParameterValueStruct><Name> Device.A </Name><Value xsi:type=\"xsd:unsignedInt\"> 7 </Value>\
         </ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>",
    );
    let m = parse(&x);
    assert_eq!(m.strs(Field::ParameterName), ["Device.A"]);
    // The value stays literal, and still passes its type check.
    assert_eq!(m.strs(Field::ParameterValue), [" 7 "]);
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
}

#[test]
fn several_body_children_are_all_decoded() {
    let x = env("", "<cwmp:RebootResponse/><cwmp:FactoryResetResponse/>");
    let m = parse(&x);
    assert_eq!(
        m.methods().collect::<Vec<_>>(),
        ["RebootResponse", "FactoryResetResponse"]
    );
    assert_eq!(
        texts(&m, Expert::MultipleBody),
        ["2 elements in the SOAP Body; one is normal"]
    );
    assert_eq!(info(&m), "RebootResponse, FactoryResetResponse");
}

#[test]
fn encoding_style_and_array_type_attributes_are_ignored() {
    let x = format!(
        "<soapenv:Envelope {NS} soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\
         <soapenv:Body soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\
         <cwmp:GetParameterValues><ParameterNames xsi:type=\"soapenc:Array\" soapenc:arrayType=\"xsd:string[0]\">\
         </ParameterNames></cwmp:GetParameterValues></soapenv:Body></soapenv:Envelope>"
    );
    let m = parse(x.as_bytes());
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
    assert_eq!(u32s(&m, Field::ArrayCount), [0]);
    assert_eq!(info(&m), "GetParameterValues (0 params)");
}

#[test]
fn case_slips_are_decoded_and_flagged() {
    let x = format!(
        "<soapenv:envelope {NS}><soapenv:header><cwmp:sessionTimeout>30</cwmp:sessionTimeout></soapenv:header>\
         <soapenv:body><cwmp:getParameterValuesresponse><parameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
         <parameterValueStruct><name>A</name><Value xsi:type=\"xsd:string\">1</Value></parameterValueStruct>\
         </parameterList></cwmp:getParameterValuesresponse></soapenv:body></soapenv:envelope>"
    );
    let m = parse(x.as_bytes());
    assert_eq!(
        m.methods().collect::<Vec<_>>(),
        ["getParameterValuesresponse"]
    );
    assert_eq!(m.rpcs[0].kind, RpcKind::Response);
    assert_eq!(u32s(&m, Field::SessionTimeout), [30]);
    assert_eq!(m.strs(Field::Parameter), ["A=1"]);
    let slips = texts(&m, Expert::CaseMismatch);
    for want in [
        "envelope should be spelt Envelope",
        "header should be spelt Header",
        "body should be spelt Body",
        "Header element sessionTimeout should be spelt SessionTimeout",
        "Method getParameterValuesresponse should be spelt GetParameterValuesResponse",
        "parameterList should be spelt ParameterList",
        "parameterValueStruct should be spelt ParameterValueStruct",
        "name should be spelt Name",
    ] {
        assert!(slips.iter().any(|s| s == want), "{want} in {slips:?}");
    }
    assert_eq!(experts(&m).len(), slips.len(), "{:?}", m.all_issues());
}

#[test]
fn unknown_elements_are_shown_not_dropped() {
    let x = format!(
        "<soapenv:Envelope {NS}><soapenv:Body><cwmp:Reboot><CommandKey>r</CommandKey>\
         <X_Extra><Why>because</Why></X_Extra></cwmp:Reboot></soapenv:Body>\
         <Trailer>t</Trailer></soapenv:Envelope>"
    );
    let m = parse(x.as_bytes());
    assert_eq!(m.strs(Field::Element), ["X_Extra", "Why", "Trailer"]);
    assert_eq!(m.strs(Field::ElementValue), ["because", "t"]);
    assert_eq!(
        texts(&m, Expert::UnknownElement),
        [
            "X_Extra is not an argument of this message",
            "Trailer is not part of a SOAP Envelope (only Header and Body are)"
        ]
    );
    assert_eq!(m.extra.len(), 1);
}

// ---- Protocol checks (issue #4, item 6) ----

#[test]
fn oui_and_string_limits() {
    let m = parse(&inform_with(
        "<Manufacturer>Acme</Manufacturer><OUI>00ab1</OUI><ProductClass>GW100</ProductClass>\
         <SerialNumber>SN0001</SerialNumber>",
        &["1 BOOT"],
        "1",
    ));
    assert_eq!(
        texts(&m, Expert::BadOui),
        ["OUI \"00ab1\" is not six hex digits"]
    );
    // A lower-case OUI is common and harmless: a note, not a warning.
    let m = parse(&inform_with(
        "<Manufacturer>Acme</Manufacturer><OUI>00a859</OUI><ProductClass>GW100</ProductClass>\
         <SerialNumber>SN0001</SerialNumber>",
        &["1 BOOT"],
        "1",
    ));
    assert!(texts(&m, Expert::BadOui).is_empty());
    assert_eq!(
        texts(&m, Expert::LenientValue),
        ["OUI \"00a859\" is in lower case; TR-069 writes it in upper-case hex digits"]
    );
    assert_eq!(m.strs(Field::Oui), ["00a859"]);
    let key = "k".repeat(33);
    let x = env(
        "",
        &format!(
            "<cwmp:SetParameterValues>{}<ParameterKey>{key}</ParameterKey></cwmp:SetParameterValues>",
            pvs(&[("A", "1")])
        ),
    );
    let m = parse(&x);
    assert_eq!(
        texts(&m, Expert::TooLong),
        ["ParameterKey is 33 characters long; the schema allows 32"]
    );
    // Exactly at the limit is fine; characters are counted, not bytes.
    let x = env(
        "",
        &format!(
            "<cwmp:SetParameterValues>{}<ParameterKey>{}</ParameterKey></cwmp:SetParameterValues>",
            pvs(&[("A", "1")]),
            "\u{e9}".repeat(32)
        ),
    );
    assert!(experts(&parse(&x)).is_empty());
}

#[test]
fn event_list_limits_and_codes() {
    let many: Vec<String> = (0..65).map(|_| "2 PERIODIC".to_string()).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let m = parse(&inform_with(DEVICE, &refs, "1"));
    assert_eq!(
        texts(&m, Expert::TooManyEvents),
        ["65 events; an Inform carries at most 64"]
    );
    assert_eq!(m.events.len(), 65);

    let m = parse(&inform_with(
        DEVICE,
        &[
            "4 VALUE CHANGED",
            "99 NEW THING",
            "HELLO",
            "M Frobnicate",
            "M X_00AB12_Reset",
            "X 00AB12 MyEvent",
            "13 WAKEUP",
        ],
        "1",
    ));
    assert_eq!(
        texts(&m, Expert::UnknownEvent),
        [
            "Event \"4 VALUE CHANGED\" should read \"4 VALUE CHANGE\"",
            "Event code number 99 is not defined",
            "\"HELLO\" is not an event code",
            "\"M Frobnicate\" names no method that reports completion",
        ]
    );
    // Keyed on the number, even when the text is misspelt.
    assert_eq!(u32s(&m, Field::EventCodeNum), [4, 99, 13]);
    let l = labels(&m, Field::EventCode);
    assert_eq!(
        l[4],
        "EventCode: M X_00AB12_Reset (the X_00AB12_Reset method completed)"
    );
    assert_eq!(l[5], "EventCode: X 00AB12 MyEvent (vendor-specific event)");
    let long = format!("X 00AB12 {}", "E".repeat(60));
    let m2 = parse(&inform_with(DEVICE, &[&long], "1"));
    assert_eq!(
        texts(&m2, Expert::TooLong),
        ["EventCode is 69 characters long; the schema allows 64"]
    );
    assert_eq!(
        info(&m),
        "Inform [4 VALUE CHANGED, 99 NEW THING, HELLO, M Frobnicate, M X_00AB12_Reset, X 00AB12 MyEvent, 13 WAKEUP] \
         dev=00AB12-GW100-SN0001"
    );
}

#[test]
fn max_envelopes_other_than_one() {
    let m = parse(&inform_with(DEVICE, &["1 BOOT"], "2"));
    assert_eq!(
        texts(&m, Expert::MaxEnvelopesNotOne),
        ["MaxEnvelopes is 2; CWMP requires 1"]
    );
}

#[test]
fn unknown_vendor_and_foreign_methods() {
    let m = parse(&env("", "<cwmp:Frobnicate><A>1</A></cwmp:Frobnicate>"));
    assert_eq!(
        texts(&m, Expert::UnknownMethod),
        ["Unknown method Frobnicate: arguments shown as written"]
    );
    assert_eq!(m.strs(Field::Element), ["A"]);
    let m = parse(&env(
        "",
        "<cwmp:X_00AB12_Frob><A>1</A></cwmp:X_00AB12_Frob>",
    ));
    assert_eq!(experts(&m), [Expert::VendorMethod]);
    assert!(m.rpcs[0].vendor);
    // Vendor methods without an OUI (icwmp's X_FactoryResetSoft) too.
    let m = parse(&env("", "<cwmp:X_FactoryResetSoftResponse/>"));
    assert_eq!(experts(&m), [Expert::VendorMethod]);
    assert_eq!(m.rpcs[0].kind, RpcKind::Response);
    let m = parse(&env("", "<other:Thing xmlns:other=\"urn:x\"/>"));
    assert_eq!(
        texts(&m, Expert::UnknownMethod),
        ["Unknown Body element Thing outside the CWMP namespace"]
    );
    // A standard method outside the CWMP namespace is decoded, and flagged.
    let m = parse(&env("", "<Reboot><CommandKey>r</CommandKey></Reboot>"));
    assert_eq!(m.strs(Field::CommandKey), ["r"]);
    assert_eq!(
        texts(&m, Expert::NonStandardNamespace),
        ["Method element Reboot is not in the CWMP namespace"]
    );
}

#[test]
fn missing_required_arguments() {
    let m = parse(&env(
        "",
        "<cwmp:Download><CommandKey>c</CommandKey><URL>http://x/</URL></cwmp:Download>",
    ));
    assert_eq!(
        texts(&m, Expert::MissingArgument),
        ["Missing required argument(s): FileType, Username, Password, FileSize, TargetFileName, \
          DelaySeconds, SuccessURL, FailureURL"]
    );
    // Optional ones are not missed (ChangeDUState's CommandKey, an InstallOpStruct's UUID).
    let m = parse(&env(
        "",
        "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>http://x/</URL></Operations>\
         </cwmp:ChangeDUState>",
    ));
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
}

#[test]
fn header_checks() {
    let x = env(
        "<cwmp:ID soapenv:mustUnderstand=\"1\">1</cwmp:ID>\
         <cwmp:X_Trace soapenv:mustUnderstand=\"1\">on</cwmp:X_Trace>\
         <cwmp:X_Hint soapenv:mustUnderstand=\"0\">x</cwmp:X_Hint>\
         <cwmp:NoMoreRequests soapenv:mustUnderstand=\"true\">1</cwmp:NoMoreRequests>\
         <cwmp:HoldRequests soapenv:mustUnderstand=\"1\">TRUE</cwmp:HoldRequests>",
        "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
    );
    let m = parse_from(&x, Direction::AcsToCpe);
    assert_eq!(
        texts(&m, Expert::UnknownHeader),
        ["Unknown header X_Trace is marked mustUnderstand"]
    );
    assert_eq!(m.strs(Field::HeaderUnknown), ["X_Trace", "X_Hint"]);
    assert_eq!(bools(&m, Field::NoMoreRequests), [true]);
    assert_eq!(
        texts(&m, Expert::Deprecated),
        ["NoMoreRequests is deprecated since TR-069 Amendment 1"]
    );
    assert_eq!(m.hold_requests, Some(true));
    assert_eq!(info(&m), "InformResponse id=1 HoldRequests");
    // Headers only the other side may send.
    let x = env(
        "<cwmp:HoldRequests>0</cwmp:HoldRequests><cwmp:UseCWMPVersion>1.4</cwmp:UseCWMPVersion>",
        "<cwmp:GetRPCMethods/>",
    );
    let m = parse_from(&x, Direction::CpeToAcs);
    assert_eq!(
        texts(&m, Expert::WrongSender),
        [
            "HoldRequests is sent only by the ACS",
            "UseCWMPVersion is sent only by the ACS"
        ]
    );
    let m = parse_from(
        &env(
            "<cwmp:SessionTimeout>30</cwmp:SessionTimeout>",
            "<cwmp:GetRPCMethods/>",
        ),
        Direction::AcsToCpe,
    );
    assert_eq!(
        texts(&m, Expert::WrongSender),
        ["SessionTimeout is sent only by the CPE"]
    );
}

#[test]
fn methods_from_the_wrong_side() {
    let m = parse_from(&inform_with(DEVICE, &["1 BOOT"], "1"), Direction::AcsToCpe);
    assert_eq!(
        texts(&m, Expert::WrongSender),
        ["Inform is sent by the CPE, but this message comes from the ACS"]
    );
    let m = parse_from(&env("", "<cwmp:RebootResponse/>"), Direction::AcsToCpe);
    assert_eq!(
        texts(&m, Expert::WrongSender),
        ["RebootResponse is sent by the CPE, but this message comes from the ACS"]
    );
    // GetRPCMethods goes both ways.
    for d in [Direction::AcsToCpe, Direction::CpeToAcs] {
        assert!(experts(&parse_from(&env("", "<cwmp:GetRPCMethods/>"), d)).is_empty());
    }
}

#[test]
fn array_counts_declared_and_actual() {
    for (declared, n, mismatch) in [
        ("[0003]", 3, false),
        ("[03]", 3, false),
        ("[5]", 3, true),
        ("[0]", 0, false),
    ] {
        let items = "<string>A</string>".repeat(n);
        let x = env(
            "",
            &format!(
                "<cwmp:GetParameterValues><ParameterNames soapenc:arrayType=\"xsd:string{declared}\">{items}\
                 </ParameterNames></cwmp:GetParameterValues>"
            ),
        );
        let m = parse(&x);
        assert_eq!(u32s(&m, Field::ArrayCount), [n as u32], "{declared}");
        let mm = texts(&m, Expert::ArrayMismatch);
        assert_eq!(!mm.is_empty(), mismatch, "{declared}: {mm:?}");
        if mismatch {
            assert_eq!(mm, ["arrayType declares 5 items, 3 present"]);
        }
    }
    // An item of the wrong element name is shown and flagged, not counted.
    let x = env(
        "",
        "<cwmp:GetParameterValues><ParameterNames soapenc:arrayType=\"xsd:string[1]\">\
         <string>A</string><name>B</name></ParameterNames></cwmp:GetParameterValues>",
    );
    let m = parse(&x);
    assert_eq!(u32s(&m, Field::ArrayCount), [1]);
    assert_eq!(
        texts(&m, Expert::UnknownElement),
        ["name in a list of string"]
    );
}

#[test]
fn booleans_numbers_and_their_misfits() {
    let x = env(
        "",
        "<cwmp:GetParameterNamesResponse><ParameterList soapenc:arrayType=\"cwmp:ParameterInfoStruct[5]\">\
         <ParameterInfoStruct><Name>A</Name><Writable>true</Writable></ParameterInfoStruct>\
         <ParameterInfoStruct><Name>B</Name><Writable>FALSE</Writable></ParameterInfoStruct>\
         <ParameterInfoStruct><Name>C</Name><Writable>1</Writable></ParameterInfoStruct>\
         <ParameterInfoStruct><Name>D</Name><Writable>0</Writable></ParameterInfoStruct>\
         <ParameterInfoStruct><Name>E</Name><Writable>yes</Writable></ParameterInfoStruct>\
         </ParameterList></cwmp:GetParameterNamesResponse>",
    );
    let m = parse(&x);
    assert_eq!(bools(&m, Field::Writable), [true, false, true, false]);
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["Writable \"yes\" is not a valid boolean"]
    );
    let x = env(
        "",
        "<cwmp:AddObjectResponse><InstanceNumber>-3</InstanceNumber><Status>2</Status></cwmp:AddObjectResponse>",
    );
    let m = parse(&x);
    assert_eq!(
        texts(&m, Expert::BadValue),
        [
            "InstanceNumber \"-3\" is not a valid unsignedInt",
            "Status 2 is not a defined value"
        ]
    );
    let x = env(
        "",
        "<cwmp:SetParameterAttributes><ParameterList soapenc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\">\
         <SetParameterAttributesStruct><Name>A</Name><NotificationChange>1</NotificationChange>\
         <Notification>7</Notification><AccessListChange>0</AccessListChange>\
         <AccessList soapenc:arrayType=\"xsd:string[1]\"><string>X_ACME_Installer</string></AccessList>\
         </SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>",
    );
    let m = parse(&x);
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["Notification 7 is not defined (0-6)"]
    );
    assert_eq!(
        labels(&m, Field::AccessListEntry),
        ["AccessList Entry: X_ACME_Installer (vendor-specific)"]
    );
}

#[test]
fn date_times_literal_and_utc() {
    let x = env(
        "",
        "<cwmp:TransferComplete><CommandKey>c</CommandKey><FaultStruct><FaultCode>0</FaultCode>\
         <FaultString></FaultString></FaultStruct><StartTime>2018-06-20T00:30:18</StartTime>\
         <CompleteTime>0001-01-01T00:00:00Z</CompleteTime></cwmp:TransferComplete>",
    );
    let m = parse(&x);
    assert_eq!(m.strs(Field::StartTime), ["2018-06-20T00:30:18"]);
    assert_eq!(
        labels(&m, Field::StartTime),
        ["StartTime: 2018-06-20T00:30:18 (no time zone: taken as UTC)"]
    );
    let utc = nodes(&m, Field::StartTimeUtc);
    assert_eq!(
        utc[0].value,
        Value::Time {
            secs: 1_529_454_618,
            nanos: 0
        }
    );
    assert!(utc[0].generated);
    assert_eq!(
        labels(&m, Field::CompleteTimeUtc),
        ["CompleteTime (UTC): Unknown Time (0001-01-01T00:00:00Z: the CPE does not know it)"]
    );
    // Boot-relative (year 0001) and malformed times.
    let x = env(
        "",
        "<cwmp:DownloadResponse><Status>0</Status><StartTime>0001-01-01T00:02:03Z</StartTime>\
         <CompleteTime>yesterday</CompleteTime></cwmp:DownloadResponse>",
    );
    let m = parse(&x);
    assert_eq!(
        labels(&m, Field::StartTimeUtc),
        ["StartTime (UTC): 123 s after boot (year 0001: the CPE has no absolute time)"]
    );
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["CompleteTime \"yesterday\" is not a valid dateTime"]
    );
    assert!(nodes(&m, Field::CompleteTimeUtc).is_empty());
}

#[test]
fn credentials_in_clear_text() {
    let x = env(
        "",
        "<cwmp:Upload><CommandKey>u</CommandKey><FileType>1 Vendor Configuration File</FileType>\
         <URL>ftp://x/</URL><Username>me</Username><Password></Password><DelaySeconds>0</DelaySeconds>\
         </cwmp:Upload>",
    );
    let m = parse(&x);
    // An empty password is no secret.
    assert_eq!(
        texts(&m, Expert::Credentials),
        ["Username sent in clear text"]
    );
    assert_eq!(m.strs(Field::Password), [""]);
    assert_eq!(
        labels(&m, Field::FileTypeNum),
        ["FileType Number: 1 (Vendor Configuration File)"]
    );
}

#[test]
fn file_types_in_each_numbering() {
    let ft = |method: &str, ft: &str| {
        let args = match method {
            "Download" => format!(
                "<CommandKey/><FileType>{ft}</FileType><URL/><Username/><Password/><FileSize>0</FileSize>\
                 <TargetFileName/><DelaySeconds>0</DelaySeconds><SuccessURL/><FailureURL/>"
            ),
            _ => format!(
                "<AnnounceURL/><TransferURL/><IsDownload>0</IsDownload><FileType>{ft}</FileType>\
                 <FileSize>0</FileSize><TargetFileName/><FaultStruct><FaultCode>0</FaultCode></FaultStruct>\
                 <StartTime>2024-05-01T10:00:00Z</StartTime><CompleteTime>2024-05-01T10:00:00Z</CompleteTime>"
            ),
        };
        parse(&env("", &format!("<cwmp:{method}>{args}</cwmp:{method}>")))
    };
    let m = ft("Download", "4 Tone File");
    assert_eq!(
        labels(&m, Field::FileTypeNum),
        ["FileType Number: 4 (Tone File)"]
    );
    let m = ft("AutonomousTransferComplete", "4 Vendor Log File");
    assert_eq!(
        labels(&m, Field::FileTypeNum),
        ["FileType Number: 4 (Vendor Log File)"]
    );
    let m = ft("AutonomousTransferComplete", "7 Vendor Log File 2");
    assert_eq!(
        labels(&m, Field::FileTypeNum),
        ["FileType Number: 7 (Vendor Log File <i>)"]
    );
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
    let m = ft("Download", "X 00AB12 Skin");
    assert!(nodes(&m, Field::FileTypeNum).is_empty());
    assert!(experts(&m).is_empty());
    let m = ft("Download", "9 Hologram");
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["FileType number 9 is not defined for this message"]
    );
    let m = ft("Download", "Firmware");
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["FileType \"Firmware\" is neither \"<n> <text>\" nor a vendor type"]
    );
}

#[test]
fn deployment_unit_states() {
    let x = env(
        "",
        "<cwmp:AutonomousDUStateChangeComplete><Results><UUID>u</UUID><DeploymentUnitRef/><Version/>\
         <CurrentState>Broken</CurrentState><Resolved>1</Resolved><ExecutionUnitRefList/>\
         <StartTime>2024-05-01T10:00:00Z</StartTime><CompleteTime>2024-05-01T10:00:00Z</CompleteTime>\
         <Fault><FaultCode>9028</FaultCode></Fault><OperationPerformed>X_ACME_Restart</OperationPerformed>\
         </Results></cwmp:AutonomousDUStateChangeComplete>",
    );
    let m = parse(&x);
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["CurrentState \"Broken\" is not one of Installed, Uninstalled, Failed"]
    );
    assert_eq!(
        labels(&m, Field::DuOperationPerformed),
        ["OperationPerformed: X_ACME_Restart (vendor-specific)"]
    );
    assert_eq!(
        labels(&m, Field::DuFaultCode),
        ["FaultCode: 9028 (Unknown Deployment Unit)"]
    );
}

#[test]
fn change_du_state_in_both_encodings() {
    let typed = env(
        "",
        "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:UpdateOpStruct\"><UUID>u1</UUID></Operations>\
         <Operations xsi:type=\"cwmp:UninstallOpStruct\"><UUID>u2</UUID></Operations>\
         <CommandKey>k</CommandKey></cwmp:ChangeDUState>",
    );
    let wrapped = env(
        "",
        "<cwmp:ChangeDUState><Operations><UpdateOpStruct><UUID>u1</UUID></UpdateOpStruct>\
         <UninstallOpStruct><UUID>u2</UUID></UninstallOpStruct></Operations>\
         <CommandKey>k</CommandKey></cwmp:ChangeDUState>",
    );
    for x in [typed, wrapped] {
        let m = parse(&x);
        assert_eq!(
            m.strs(Field::DuOperationType),
            ["UpdateOpStruct", "UninstallOpStruct"]
        );
        assert_eq!(m.strs(Field::DuUuid), ["u1", "u2"]);
        assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
        assert_eq!(info(&m), "ChangeDUState (2 operations)");
    }
    let m = parse(&env(
        "",
        "<cwmp:ChangeDUState><Operations><Frob/></Operations></cwmp:ChangeDUState>",
    ));
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["Operations names no InstallOpStruct, UpdateOpStruct or UninstallOpStruct"]
    );
}

// ---- Faults ----

#[test]
fn the_all_zero_datetime_is_a_note_not_a_bad_value() {
    let m = parse(&env(
        "",
        "<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode>0</FaultCode>\
         <FaultString></FaultString></FaultStruct><StartTime>0000-00-00T00:00:00</StartTime>\
         <CompleteTime>0000-00-00T00:00:00Z</CompleteTime></cwmp:TransferComplete>",
    ));
    assert!(texts(&m, Expert::BadValue).is_empty(), "{:?}", experts(&m));
    assert_eq!(texts(&m, Expert::LenientValue).len(), 2);
    assert!(texts(&m, Expert::LenientValue)[0].starts_with(
        "StartTime \"0000-00-00T00:00:00\" is the all-zero dateTime that devices write for an unknown time"
    ));
    assert_eq!(m.strs(Field::StartTime), ["0000-00-00T00:00:00"]);
    // In a typed parameter value too; a dateTime that is merely wrong stays a bad value.
    let m = parse(&env(
        "",
        "<cwmp:GetParameterValuesResponse><ParameterList soapenv:arrayType=\"cwmp:ParameterValueStruct[2]\">\
         <ParameterValueStruct><Name>A.LastChange</Name><Value xsi:type=\"xsd:dateTime\">0000-00-00T00:00:00</Value>\
         </ParameterValueStruct><ParameterValueStruct><Name>A.Other</Name>\
         <Value xsi:type=\"xsd:dateTime\">2019-03-05T11:54::14</Value></ParameterValueStruct>\
         </ParameterList></cwmp:GetParameterValuesResponse>",
    ));
    assert_eq!(texts(&m, Expert::LenientValue).len(), 1);
    assert_eq!(
        texts(&m, Expert::BadValue),
        ["Value \"2019-03-05T11:54::14\" is not a valid dateTime"]
    );
}

#[test]
fn a_bare_cwmp_fault_in_the_body_is_a_fault_without_its_soap_fault() {
    // As some builders emit it: the cwmp:Fault detail with no soapenv:Fault around it.
    let m = parse(&env(
        "",
        "<cwmp:Fault><FaultCode>9000</FaultCode><FaultString>Method not supported</FaultString>\
         <SetParameterValuesFault><ParameterName>Device.X</ParameterName><FaultCode>9007</FaultCode>\
         </SetParameterValuesFault></cwmp:Fault>",
    ));
    assert_eq!(m.rpcs.len(), 1);
    assert_eq!(m.rpcs[0].name, "Fault");
    assert_eq!(m.rpcs[0].kind, RpcKind::Fault);
    assert_eq!(m.rpcs[0].fault, Some((9000, "Method not supported".into())));
    assert_eq!(u32s(&m, Field::FaultCode), [9000]);
    assert_eq!(m.strs(Field::FaultString), ["Method not supported"]);
    assert_eq!(u32s(&m, Field::SpvFaultCode), [9007]);
    assert_eq!(
        experts(&m)
            .iter()
            .filter(|e| **e == Expert::BareFault)
            .count(),
        1
    );
    assert_eq!(
        texts(&m, Expert::Fault),
        ["CWMP fault 9000: Method not supported"]
    );
    assert!(!experts(&m).contains(&Expert::UnknownMethod));
    assert_eq!(info(&m), "Fault 9000 Method not supported (1 param)");
    assert_eq!(m.direction, Some(Direction::CpeToAcs));
    // A Fault outside the SOAP and CWMP namespaces stays an unknown Body element.
    let m = parse(&env("", "<Fault><FaultCode>9000</FaultCode></Fault>"));
    assert!(!experts(&m).contains(&Expert::BareFault));
}

#[test]
fn faults_with_and_without_detail() {
    let x = env(
        "",
        "<soapenv:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>CWMP fault</faultstring>\
         <detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>\
         <SetParameterValuesFault><ParameterName>A</ParameterName><FaultCode>9007</FaultCode></SetParameterValuesFault>\
         <SetParameterValuesFault><ParameterName>B</ParameterName><FaultCode>9850</FaultCode>\
         <FaultString>Vendor says no</FaultString></SetParameterValuesFault>\
         </cwmp:Fault></detail></soapenv:Fault>",
    );
    let m = parse(&x);
    assert_eq!(m.rpcs[0].kind, RpcKind::Fault);
    assert_eq!(m.rpcs[0].fault, Some((9003, "Invalid arguments".into())));
    assert_eq!(m.strs(Field::SoapFaultCode), ["SOAP-ENV:Client"]);
    assert_eq!(m.strs(Field::ParameterName), ["A", "B"]);
    assert_eq!(u32s(&m, Field::SpvFaultCode), [9007, 9850]);
    assert_eq!(m.strs(Field::SpvFaultString), ["Vendor says no"]);
    assert_eq!(
        labels(&m, Field::SpvFaultCode),
        [
            "FaultCode: 9007 (Invalid parameter value)",
            "FaultCode: 9850 (Vendor-specific fault)"
        ]
    );
    assert_eq!(
        texts(&m, Expert::Fault),
        ["CWMP fault 9003: Invalid arguments"]
    );
    assert_eq!(info(&m), "Fault 9003 Invalid arguments (2 params)");
    // Direction from the fault code's range when HTTP did not say.
    assert_eq!(m.direction, Some(Direction::CpeToAcs));
    assert!(m.direction_inferred);

    let m = parse(&env(
        "",
        "<soapenv:Fault><faultcode>Server</faultcode><faultstring>oops</faultstring></soapenv:Fault>",
    ));
    assert_eq!(
        texts(&m, Expert::Fault),
        ["SOAP Fault without a cwmp:Fault detail"]
    );
    assert_eq!(info(&m), "Fault");
    assert_eq!(m.direction, None);

    for (code, name) in [
        (8006, "ACS version incompatible with CPE"),
        (8850, "Vendor-specific fault"),
        (8100, "Reserved fault code"),
        (9100, "Reserved fault code"),
        (7, "Not a CWMP fault code"),
    ] {
        let m = parse(&env(
            "",
            &format!(
                "<soapenv:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail>\
                 <cwmp:Fault><FaultCode>{code}</FaultCode></cwmp:Fault></detail></soapenv:Fault>"
            ),
        ));
        assert_eq!(info(&m), format!("Fault {code} {name}"));
        assert_eq!(
            labels(&m, Field::FaultCode),
            [format!("FaultCode: {code} ({name})")]
        );
    }
}

// ---- Direction and kind ----

fn direction_of(m: &Message) -> (Option<Direction>, bool, Vec<String>) {
    (
        m.direction,
        m.direction_inferred,
        labels(m, Field::Direction),
    )
}

#[test]
fn direction_from_http_or_inferred() {
    let inform = inform_with(DEVICE, &["1 BOOT"], "1");
    // From the HTTP roles: not inferred, default label.
    let m = parse_from(&inform, Direction::CpeToAcs);
    assert_eq!(
        direction_of(&m),
        (Some(Direction::CpeToAcs), false, vec![String::new()])
    );
    assert_eq!(u32s(&m, Field::Direction), [1]);
    assert_eq!(u32s(&m, Field::MessageKind), [1]);
    // Unknown roles: inferred from the method.
    for (body, dir, why) in [
        (inform.clone(), Direction::CpeToAcs, "inferred from Inform: only the CPE sends it"),
        (
            env("", "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"),
            Direction::AcsToCpe,
            "inferred from InformResponse: only the ACS sends it",
        ),
        (
            env("", "<cwmp:Reboot><CommandKey/></cwmp:Reboot>"),
            Direction::AcsToCpe,
            "inferred from Reboot: only the ACS sends it",
        ),
        (
            env("", "<cwmp:RebootResponse/>"),
            Direction::CpeToAcs,
            "inferred from RebootResponse: only the CPE sends it",
        ),
        (
            env("<cwmp:HoldRequests>1</cwmp:HoldRequests>", "<cwmp:GetRPCMethods/>"),
            Direction::AcsToCpe,
            "inferred from the HoldRequests header: only the ACS sends it",
        ),
        (
            env(
                "<cwmp:SessionTimeout>30</cwmp:SessionTimeout>",
                "<cwmp:GetRPCMethodsResponse><MethodList soapenc:arrayType=\"xsd:string[0]\"/></cwmp:GetRPCMethodsResponse>",
            ),
            Direction::CpeToAcs,
            "inferred from the SessionTimeout header: only the CPE sends it",
        ),
    ] {
        let m = parse(&body);
        let name = if dir == Direction::CpeToAcs {
            "CPE to ACS"
        } else {
            "ACS to CPE"
        };
        assert_eq!(
            direction_of(&m),
            (
                Some(dir),
                true,
                vec![format!("Direction: {name} ({why}; the HTTP roles are unknown)")]
            )
        );
    }
    // Nothing to infer from: no direction item, the kind is still there.
    let m = parse(&env("", "<cwmp:GetRPCMethods/>"));
    assert_eq!(direction_of(&m), (None, false, vec![]));
    assert_eq!(u32s(&m, Field::MessageKind), [1]);
    // Inference never flags the wrong sender.
    assert!(texts(&parse(&inform), Expert::WrongSender).is_empty());
}

// ---- The rendered tree ----

/// The dissector's glue on a body carried in an HTTP `http` message.
fn dissect(x: &[u8], http: HttpKind) -> dissector::Verdict {
    dissector::dissect(&Packet {
        body: x,
        reported_len: x.len(),
        via: Via::Port,
        http,
        media_params: None,
        prefs: Prefs::default(),
    })
}

#[test]
fn parameters_read_as_pairs_in_the_tree() {
    let x = env(
        "",
        &format!(
            "<cwmp:SetParameterValues>{}<ParameterKey>pk-1</ParameterKey></cwmp:SetParameterValues>",
            pvs(&[("Device.WiFi.SSID.1.SSID", "home")])
        ),
    );
    let v = dissect(&x, HttpKind::Response);
    assert!(v.claimed);
    assert_eq!(v.info, "SetParameterValues key=pk-1 (1 param)");
    assert_eq!(
        v.ops.values_of(Field::Parameter),
        ["Device.WiFi.SSID.1.SSID=home"]
    );
    let op = v
        .ops
        .ops
        .iter()
        .find(|o| {
            o.index == Field::Parameter as u16 && o.code != cwmp_dissector::tree::OpCode::Push
        })
        .expect("parameter item");
    assert_eq!(
        v.ops.str_at(op.label),
        Some("Device.WiFi.SSID.1.SSID = home")
    );
    assert_eq!(v.ops.values_of(Field::Direction), ["2"]);
    assert_eq!(v.ops.values_of(Field::Version), ["1-2"]);
}

#[test]
fn experts_reach_the_tree() {
    let x = env(
        "",
        "<cwmp:Download><CommandKey>c</CommandKey><FileType>1 Firmware Upgrade Image</FileType>\
         <URL>http://x/</URL><Username>u</Username><Password>p</Password><FileSize>0</FileSize>\
         <TargetFileName/><DelaySeconds>0</DelaySeconds><SuccessURL/><FailureURL/></cwmp:Download>",
    );
    let v = dissect(&x, HttpKind::Response);
    let e: Vec<Expert> = v.ops.experts().into_iter().map(|(e, _)| e).collect();
    assert_eq!(e, [Expert::Credentials, Expert::Credentials]);
    assert_eq!(v.info, "Download http://x/");
}

// ---- Size and time ----

fn big_response(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 120 + 500);
    s.push_str(&format!(
        "<soapenv:Envelope {NS}><soapenv:Body><cwmp:GetParameterValuesResponse>\
         <ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[{n}]\">"
    ));
    for i in 0..n {
        s.push_str(&format!(
            "\n<ParameterValueStruct><Name>Device.Hosts.Host.{i}.Active</Name>\
             <Value xsi:type=\"xsd:boolean\">{}</Value></ParameterValueStruct>",
            i % 2
        ));
    }
    s.push_str(
        "</ParameterList></cwmp:GetParameterValuesResponse></soapenv:Body></soapenv:Envelope>",
    );
    s.into_bytes()
}

#[test]
fn fifty_thousand_parameters_decode_completely() {
    let x = big_response(50_000);
    let v = dissect(&x, HttpKind::Request);
    assert_eq!(v.info, "GetParameterValuesResponse (50000 params)");
    assert_eq!(v.ops.values_of(Field::ArrayCount), ["50000"]);
    assert_eq!(v.ops.values_of(Field::Parameter).len(), 50_000);
    assert!(v.ops.experts().is_empty(), "{:?}", v.ops.experts());
    // Well inside Wireshark's default limit of 1,000,000 tree items, with room for the XML tree.
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
    assert!(items < 250_000, "{items} items");
}

#[test]
fn the_item_limit_stops_a_message_cleanly() {
    let x = big_response(2_000);
    let m = cwmp::parse(
        &x,
        &Options {
            limits: cwmp::Limits {
                max_items: 1_000,
                ..cwmp::Limits::default()
            },
            ..Options::default()
        },
    );
    assert!(m.node_count <= 1_010, "{}", m.node_count);
    assert!(texts(&m, Expert::TooManyItems)
        .contains(&"Item limit of 1000 reached: the rest of the message is not shown".to_string()));
    // No count mismatch is claimed for a list cut short by the limit.
    assert!(texts(&m, Expert::ArrayMismatch).is_empty());
}

#[test]
fn window_modes() {
    let sd = |modes: &[&str]| {
        let mut w = format!(
            "<TimeWindowList soapenc:arrayType=\"cwmp:TimeWindowStruct[{}]\">",
            modes.len()
        );
        for m in modes {
            w.push_str(&format!(
                "<TimeWindowStruct><WindowStart>0</WindowStart><WindowEnd>60</WindowEnd>\
                 <WindowMode>{m}</WindowMode><UserMessage/><MaxRetries>-1</MaxRetries></TimeWindowStruct>"
            ));
        }
        w.push_str("</TimeWindowList>");
        parse(&env(
            "",
            &format!(
                "<cwmp:ScheduleDownload><CommandKey/><FileType>1 Firmware Upgrade Image</FileType><URL/>\
                 <Username/><Password/><FileSize>0</FileSize><TargetFileName/>{w}</cwmp:ScheduleDownload>"
            ),
        ))
    };
    let m = sd(&["1 At Any Time", "X 00AB12 Night"]);
    assert!(experts(&m).is_empty(), "{:?}", m.all_issues());
    assert_eq!(u32s(&m, Field::WindowModeNum), [1]);
    let m = sd(&["5 Whenever", "Soon"]);
    assert_eq!(
        texts(&m, Expert::BadValue),
        [
            "WindowMode number 5 is not defined",
            "WindowMode \"Soon\" is neither \"<n> <text>\" nor a vendor mode"
        ]
    );
    assert_eq!(nodes(&m, Field::MaxRetries)[0].value, Value::I32(-1));
}
