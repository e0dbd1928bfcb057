// SPDX-License-Identifier: GPL-2.0-or-later
//! The plugin runway, as a user runs it: the built plugin loaded into the installed tshark, decoding the
//! seed Inform and its response, found on any port and content type, leaving non-CWMP XML alone, and
//! surviving malformed bodies.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use cwmp_capgen::{Capture, Coding, Request, Response, Session};

/// The sample Inform of the protocol page, with its HTTP headers as printed (CRLF, Content-Length
/// recomputed), and the ACS's InformResponse.
fn mikrotik_capture() -> Capture {
    let body = fixture("inform-mikrotik.xml");
    let req = Request::post("/")
        .header(
            "Authorization",
            "Digest username=\"qacafe\", realm=\"qacafe\", uri=\"/\", algorithm=MD5, nonce=\"XXXXXXXXXXXXXXXX\", \
             nc=00000001, cnonce=\"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\", qop=auth, \
             response=\"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\", opaque=\"\"",
        )
        .header("Content-Type", "text/xml")
        .header("Host", "acs1.broadband-forum.org")
        .header("User-Agent", "MikroTik")
        .body(&body);
    let resp = Response::new(200, "OK")
        .header("Content-Type", "text/xml")
        .body(fixture("inform-response.xml"));
    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(addr(CPE), addr(ACS));
    Session::new().run(
        &mut cap,
        &mut flow,
        &[
            (req, resp),
            (Request::post("/"), Response::new(204, "No Content")),
        ],
    );
    cap.close(&mut flow);
    cap
}

fn bundled_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures/mikrotik-inform.pcap")
}

#[test]
fn bundled_capture_is_what_the_generator_makes() {
    let cap = mikrotik_capture();
    if std::env::var_os("CWMP_REGENERATE").is_some() {
        std::fs::create_dir_all(bundled_path().parent().unwrap()).unwrap();
        cap.write(bundled_path()).unwrap();
    }
    let committed = std::fs::read(bundled_path())
        .expect("tests/captures/mikrotik-inform.pcap (CWMP_REGENERATE=1 makes it)");
    assert!(
        committed == cap.bytes(),
        "bundled capture differs from the generator's output; rerun with CWMP_REGENERATE=1"
    );
}

#[test]
fn plugin_is_listed_with_its_fields_and_heuristic() {
    let plugins = tshark(&["-G", "plugins"]);
    assert!(
        plugins
            .lines()
            .any(|l| l.starts_with("cwmp.so") && l.contains("dissector")),
        "{plugins}"
    );
    let protocols = tshark(&["-G", "protocols"]);
    assert!(
        protocols
            .lines()
            // 4.0 prints three columns; 4.4 and later add the enabled flags.
            .any(|l| l.starts_with("CPE WAN Management Protocol\tCWMP\tcwmp")),
        "cwmp not in -G protocols"
    );
    let fields = tshark(&["-G", "fields"]);
    let names: Vec<&str> = fields
        .lines()
        .filter_map(|l| l.split('\t').nth(2))
        .collect();
    for f in [
        "cwmp.method",
        "cwmp.id",
        "cwmp.hold_requests",
        "cwmp.deviceid.manufacturer",
        "cwmp.deviceid.oui",
        "cwmp.deviceid.product_class",
        "cwmp.deviceid.serial_number",
        "cwmp.event_code",
        "cwmp.event_code.num",
        "cwmp.command_key",
        "cwmp.max_envelopes",
        "cwmp.current_time",
        "cwmp.retry_count",
        "cwmp.parameter.name",
        "cwmp.parameter.value",
        "cwmp.parameter.type",
    ] {
        assert!(names.contains(&f), "{f} not registered");
    }
    let heur = tshark(&["-G", "heuristic-decodes"]);
    // 4.0: "http cwmp T"; 4.4 and later add the default state, short name and title.
    assert!(
        heur.lines()
            .any(|l| l == "http\tcwmp\tT" || l.starts_with("http\tcwmp\tT\tT\tcwmp_http\t")),
        "CWMP heuristic on the http list, enabled"
    );
}

#[test]
fn seed_inform_decodes_end_to_end() {
    let pcap = write_capture(&mikrotik_capture(), "mikrotik");
    let rows = fields(
        &pcap,
        "cwmp.method == \"Inform\"",
        &["cwmp.method", "cwmp.deviceid.oui", "cwmp.event_code"],
    );
    assert_eq!(
        rows,
        vec![vec![
            "Inform".to_string(),
            "E48D8C".into(),
            "8 DIAGNOSTICS COMPLETE".into()
        ]]
    );

    let rows = fields(
        &pcap,
        "cwmp.method == \"Inform\"",
        &[
            "cwmp.deviceid.manufacturer",
            "cwmp.deviceid.product_class",
            "cwmp.deviceid.serial_number",
            "cwmp.event_code.num",
            "cwmp.command_key",
            "cwmp.max_envelopes",
            "cwmp.current_time",
            "cwmp.retry_count",
            "cwmp.version",
            "_ws.col.Protocol",
            "_ws.col.Info",
        ],
    );
    assert_eq!(
        rows[0],
        [
            "MikroTik",
            "hAP lite",
            "XXXXXXXXXXXX",
            "8",
            "",
            "1",
            "2018-04-01T19:45:02-04:00",
            "0",
            "1-0",
            "CWMP",
            "Inform [8 DIAGNOSTICS COMPLETE] dev=E48D8C-hAP lite-XXXXXXXXXXXX"
        ]
    );

    let rows = fields(
        &pcap,
        "cwmp.method == \"Inform\"",
        &[
            "cwmp.parameter.name",
            "cwmp.parameter.value",
            "cwmp.parameter.type",
        ],
    );
    let names: Vec<&str> = rows[0][0].split('|').collect();
    assert_eq!(
        names,
        [
            "Device.RootDataModelVersion",
            "Device.DeviceInfo.SoftwareVersion",
            "Device.DeviceInfo.ProvisioningCode",
            "Device.DeviceInfo.HardwareVersion",
            "Device.ManagementServer.ParameterKey",
            "Device.ManagementServer.ConnectionRequestURL",
            "Device.ManagementServer.AliasBasedAddressing"
        ]
    );
    let values: Vec<&str> = rows[0][1].split('|').collect();
    assert_eq!(values.len(), 7);
    assert_eq!(values[1], "6.42rc49");
    assert_eq!(values[2], "");
    assert_eq!(values[6], "0");
    let types: Vec<&str> = rows[0][2].split('|').collect();
    assert_eq!(types[6], "xsd:boolean");
    assert!(types[..6].iter().all(|t| *t == "xsd:string"));

    // The InformResponse, carried in the HTTP response.
    let rows = fields(
        &pcap,
        "cwmp.method",
        &["cwmp.method", "cwmp.max_envelopes", "http.response.code"],
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1], ["InformResponse", "1", "200"]);

    // Filter on an event code as users' scripts do.
    let rows = fields(
        &pcap,
        "cwmp.event_code contains \"DIAGNOSTICS\"",
        &["frame.number"],
    );
    assert_eq!(rows.len(), 1);
}

#[test]
fn each_item_highlights_its_own_bytes() {
    let pcap = write_capture(&mikrotik_capture(), "mikrotik-pdml");
    let p = pcap.to_string_lossy().into_owned();
    let pdml = tshark(&[
        "-n",
        "-r",
        &p,
        "-Y",
        "cwmp.method == \"Inform\"",
        "-T",
        "pdml",
    ]);
    let line_of = |name: &str| {
        pdml.lines()
            .find(|l| l.contains(&format!("name=\"{name}\"")))
            .unwrap_or("")
            .to_owned()
    };
    let size_of = |name: &str| {
        let l = line_of(name);
        let s = l
            .split("size=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("")
            .to_owned();
        s
    };
    assert_eq!(size_of("cwmp.deviceid.oui"), "6");
    assert_eq!(size_of("cwmp.event_code"), "22");
    assert_eq!(size_of("cwmp.deviceid.product_class"), "8");
    assert_eq!(size_of("cwmp.current_time"), "25");
}

fn one_inform(name: &str, o: &Opts) -> PathBuf {
    session_capture(
        name,
        &[(
            fixture("inform-mikrotik.xml"),
            fixture("inform-response.xml"),
        )],
        o,
    )
}

fn assert_seed_fields(pcap: &Path) {
    let rows = fields(
        pcap,
        "cwmp",
        &[
            "cwmp.method",
            "cwmp.deviceid.oui",
            "cwmp.event_code",
            "cwmp.parameter.name",
        ],
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "Inform");
    assert_eq!(rows[0][1], "E48D8C");
    assert_eq!(rows[0][2], "8 DIAGNOSTICS COMPLETE");
    assert_eq!(rows[0][3].split('|').count(), 7);
    assert_eq!(rows[1][0], "InformResponse");
}

#[test]
fn found_on_other_ports_and_content_types() {
    // An ACS on 7557 with application/soap+xml (through the media_type table).
    let o = Opts {
        acs: addr("198.51.100.1:7557"),
        content_type: Some("application/soap+xml; charset=utf-8".into()),
        ..Opts::default()
    };
    let pcap = one_inform("soap-xml-7557", &o);
    let rows = fields(&pcap, "cwmp", &["cwmp.method", "tcp.dstport"]);
    assert_eq!(
        rows,
        vec![
            vec!["Inform".to_string(), "7557".into()],
            vec!["InformResponse".into(), "50000".into()]
        ]
    );

    // Port 80 (HTTP by default) with a wrong content type and with none at all.
    for (tag, ct) in [
        ("html", Some("text/html")),
        ("plain", Some("text/plain")),
        ("octet", Some("application/octet-stream")),
        ("form", Some("application/x-www-form-urlencoded")),
        ("none", None),
    ] {
        let o = Opts {
            acs: addr("198.51.100.1:80"),
            content_type: ct.map(String::from),
            ..Opts::default()
        };
        assert_seed_fields(&one_inform(&format!("ct-{tag}"), &o));
    }
}

#[test]
fn split_chunked_gzip_and_ipv6_decode_the_same() {
    for (tag, o) in [
        (
            "segments",
            Opts {
                segment: Some(100),
                ..Opts::default()
            },
        ),
        (
            "chunked",
            Opts {
                coding: Coding::Chunked { chunk: 97 },
                ..Opts::default()
            },
        ),
        (
            "gzip",
            Opts {
                coding: Coding::Gzip,
                ..Opts::default()
            },
        ),
        (
            "gzip-chunked",
            Opts {
                coding: Coding::GzipChunked { chunk: 200 },
                segment: Some(300),
                ..Opts::default()
            },
        ),
        (
            "ipv6",
            Opts {
                cpe: addr("[2001:db8::10]:50000"),
                acs: addr("[2001:db8::1]:7547"),
                ..Opts::default()
            },
        ),
    ] {
        assert_seed_fields(&one_inform(tag, &o));
    }
}

const PLAIN_XML: &[u8] = b"<?xml version=\"1.0\"?>\n<catalog><book id=\"1\"><title>Rust</title></book><note>not cwmp</note></catalog>\n";

#[test]
fn other_xml_is_still_xml() {
    for (tag, ct, port) in [
        ("xml", "text/xml", "7547"),
        ("xml80", "application/xml", "80"),
        ("html", "text/html", "80"),
    ] {
        let o = Opts {
            acs: addr(&format!("198.51.100.1:{port}")),
            content_type: Some(ct.into()),
            ..Opts::default()
        };
        let pcap = session_capture(
            &format!("plain-{tag}"),
            &[(PLAIN_XML.to_vec(), Vec::new())],
            &o,
        );
        let p = pcap.to_string_lossy().into_owned();
        let args = [
            "-n",
            "-r",
            p.as_str(),
            "-T",
            "fields",
            "-e",
            "frame.protocols",
            "-e",
            "xml.tag",
            "-e",
            "xml.cdata",
            "-e",
            "_ws.col.Info",
        ];
        let (with, _, ok1) = tshark_raw(&args, true);
        let (without, _, ok2) = tshark_raw(&args, false);
        assert!(ok1 && ok2);
        assert!(
            with == without,
            "{tag}: the plugin changed a non-CWMP body:\n{with}\n---\n{without}"
        );
        assert!(
            with.lines()
                .all(|l| !l.split('\t').next().unwrap_or("").contains("cwmp")),
            "{tag}"
        );
        let (v_with, _, _) = tshark_raw(&["-n", "-r", &p, "-V"], true);
        let (v_without, _, _) = tshark_raw(&["-n", "-r", &p, "-V"], false);
        assert_eq!(v_with, v_without, "{tag}: -V differs");
    }
}

#[test]
fn xml_tree_is_kept_below_cwmp() {
    let pcap = one_inform("xml-below", &Opts::default());
    let rows = fields(
        &pcap,
        "cwmp.method == \"Inform\"",
        &["frame.protocols", "xml.tag"],
    );
    assert!(rows[0][0].ends_with("http:cwmp:xml"), "{:?}", rows[0]);
    assert!(rows[0][1].contains("<cwmp:Inform>"));
    // The xml layer is there for filters that only name it, and for protocol statistics.
    assert_eq!(
        fields(&pcap, "frame.protocols contains \"xml\"", &["frame.number"]).len(),
        2
    );
    let p = pcap.to_string_lossy().into_owned();
    // Summary lines build no visible tree: the XML dissector runs below a CWMP body only when someone
    // can read what it adds. A filter that names the xml layer or an xml field is such a reader.
    for filter in [
        "frame.protocols contains \"xml\"",
        "xml",
        "xml.tag contains \"Inform\"",
    ] {
        let lines = tshark(&["-n", "-r", &p, "-Y", filter]);
        assert_eq!(lines.lines().count(), 2, "{filter}: {lines}");
    }
    let phs = tshark(&["-n", "-q", "-r", &p, "-z", "io,phs"]);
    assert!(
        phs.lines().any(|l| l.trim_start().starts_with("xml ")),
        "{phs}"
    );
    let rows = fields_opts(
        &pcap,
        "cwmp.method == \"Inform\"",
        &["frame.protocols"],
        &["-o", "cwmp.xml_tree:FALSE"],
    );
    assert!(rows[0][0].ends_with("http:cwmp"), "{:?}", rows[0]);
}

#[test]
fn disabling_cwmp_restores_stock_output() {
    let pcap = one_inform(
        "disabled",
        &Opts {
            acs: addr("198.51.100.1:80"),
            ..Opts::default()
        },
    );
    let p = pcap.to_string_lossy().into_owned();
    let (with_disabled, _, ok1) =
        tshark_raw(&["-n", "-r", &p, "-V", "--disable-protocol", "cwmp"], true);
    let (without, _, ok2) = tshark_raw(&["-n", "-r", &p, "-V"], false);
    assert!(ok1 && ok2);
    assert_eq!(with_disabled, without);
    // Switching off only the heuristic leaves text/xml bodies to the media-type hook.
    let rows = fields_opts(
        &pcap,
        "cwmp",
        &["cwmp.method"],
        &["--disable-heuristic", "cwmp_http"],
    );
    assert_eq!(rows.len(), 2);
}

fn malformed(name: &str, body: Vec<u8>) -> (Vec<Vec<String>>, String) {
    let pcap = session_capture(name, &[(body, Vec::new())], &Opts::default());
    let p = pcap.to_string_lossy().into_owned();
    let (out, err, ok) = tshark_raw(&["-n", "-r", &p, "-V"], true);
    assert!(ok, "tshark failed on {name}: {err}");
    assert!(out.contains("CPE WAN Management Protocol"), "{name}: {out}");
    (
        fields(
            &pcap,
            "cwmp",
            &["cwmp.method", "_ws.expert.message", "_ws.col.Info"],
        ),
        out,
    )
}

#[test]
fn malformed_bodies_leave_tshark_running_with_an_expert_item() {
    let seed = String::from_utf8(fixture("inform-mikrotik.xml")).unwrap();
    // Truncated in the middle of the parameter list.
    let cut = seed.find("Device.DeviceInfo.HardwareVersion").unwrap();
    let (rows, _) = malformed("truncated", seed.as_bytes()[..cut].to_vec());
    assert_eq!(
        rows[0][0], "Inform",
        "what was decoded before the error is shown"
    );
    assert!(
        rows[0][1].contains("XML ends before its elements are closed"),
        "{:?}",
        rows[0]
    );
    assert!(rows[0][2].contains("[Malformed]"));

    // Badly nested.
    let bad = seed.replacen("</OUI>", "</Manufacturer>", 1);
    let (rows, _) = malformed("badly-nested", bad.into_bytes());
    assert_eq!(rows[0][0], "Inform");
    assert!(rows[0][1].contains("Malformed XML"), "{:?}", rows[0]);

    // 5,000 levels deep inside a CWMP envelope: our tree stops at the depth limit, and Wireshark's
    // XML dissector (which throws at depth 500) is caught by the shim.
    let mut deep = String::from(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soapenv:Body><cwmp:X_DEEP>",
    );
    deep.push_str(&"<a>".repeat(5000));
    deep.push_str(&"</a>".repeat(5000));
    deep.push_str("</cwmp:X_DEEP></soapenv:Body></soapenv:Envelope>");
    let (rows, out) = malformed("deep", deep.into_bytes());
    assert_eq!(rows[0][0], "X_DEEP");
    assert!(rows[0][1].contains("Nesting depth limit"), "{:?}", rows[0]);
    // Our own item says "Nesting depth limit"; XML's exception is Wireshark's tree-depth error (in
    // the Malformed group in 4.0, "Dissector bug" from 4.4 on).
    assert!(
        out.lines().any(|l| {
            let l = l.trim();
            l.starts_with("[Expert Info (Error/")
                && l.contains("Maximum tree depth 500 exceeded for \"Tag\" - \"xml.tag\"")
        }),
        "XML's own exception is shown"
    );

    // Not even XML after the namespace.
    let (rows, _) = malformed(
        "garbage",
        b"<x xmlns:c='urn:dslforum-org:cwmp-1-0'>\x00\x01\x02<<<&&&".to_vec(),
    );
    assert!(
        rows[0][1].contains("Malformed XML") || rows[0][1].contains("Not a SOAP"),
        "{:?}",
        rows[0]
    );
}
