// SPDX-License-Identifier: GPL-2.0-or-later
//! The session views through the real tshark: the Flow Graph (`-z flow,cwmp,standard` and `,network`),
//! Export Objects (`--export-objects cwmp,DIR`) and the change log (`-z cwmp,changes`), on a generated
//! session: Inform, GetParameterValues and its response, a SetParameterValues refused with
//! SetParameterValuesFault 9007, Reboot, 204. One pass and two passes give the same result.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn msg(id: &str, body: &str) -> Vec<u8> {
    envelope(&id_header(id), body)
}

fn inform(serial: &str) -> Vec<u8> {
    msg(
        "1",
        &format!(
            "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00AB12</OUI>\
             <ProductClass>GW100</ProductClass><SerialNumber>{serial}</SerialNumber></DeviceId>\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[2]\"><EventStruct><EventCode>1 BOOT</EventCode>\
             <CommandKey></CommandKey></EventStruct><EventStruct><EventCode>2 PERIODIC</EventCode>\
             <CommandKey></CommandKey></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount>\
             <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct>\
             <Name>Device.DeviceInfo.SoftwareVersion</Name><Value xsi:type=\"xsd:string\">2.1.0</Value>\
             </ParameterValueStruct></ParameterList></cwmp:Inform>"
        ),
    )
}

/// The issue's session on one connection, with the given serial number.
fn session(name: &str, serial: &str) -> PathBuf {
    let exchanges = vec![
        (
            inform(serial),
            msg("1", "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"),
        ),
        (
            Vec::new(),
            msg(
                "2",
                "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[3]\">\
                 <string>Device.DeviceInfo.UpTime</string><string>Device.WiFi.SSID.1.SSID</string>\
                 <string>Device.ManagementServer.PeriodicInformInterval</string></ParameterNames>\
                 </cwmp:GetParameterValues>",
            ),
        ),
        (
            msg(
                "2",
                "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[3]\">\
                 <ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">4242</Value></ParameterValueStruct>\
                 <ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name><Value xsi:type=\"xsd:string\">home</Value></ParameterValueStruct>\
                 <ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><Value xsi:type=\"xsd:unsignedInt\">3600</Value></ParameterValueStruct>\
                 </ParameterList></cwmp:GetParameterValuesResponse>",
            ),
            msg(
                "3",
                "<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
                 <ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name><Value xsi:type=\"xsd:string\">\
                 guest</Value></ParameterValueStruct></ParameterList><ParameterKey>pk-1</ParameterKey>\
                 </cwmp:SetParameterValues>",
            ),
        ),
        (
            msg(
                "3",
                "<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail>\
                 <cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>\
                 <SetParameterValuesFault><ParameterName>Device.WiFi.SSID.1.SSID</ParameterName>\
                 <FaultCode>9007</FaultCode><FaultString>Invalid parameter value</FaultString>\
                 </SetParameterValuesFault></cwmp:Fault></detail></soap-env:Fault>",
            ),
            msg("4", "<cwmp:Reboot><CommandKey>rb-1</CommandKey></cwmp:Reboot>"),
        ),
        (msg("4", "<cwmp:RebootResponse/>"), Vec::new()),
    ];
    session_capture(name, &exchanges, &Opts::default())
}

const METHODS: [&str; 8] = [
    "Inform [1 BOOT, 2 PERIODIC]",
    "InformResponse",
    "GetParameterValues (3)",
    "GetParameterValuesResponse (3)",
    "SetParameterValues (1)",
    "Fault 9003",
    "Reboot rb-1",
    "RebootResponse",
];

/// The (label, comment) of every arrow that `tshark -q -z flow,cwmp,...` prints, in order. tshark cuts
/// labels to the width of a column.
fn arrows(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter(|l| l.starts_with('|') && l[1..].starts_with(|c: char| c.is_ascii_digit()))
        .map(|l| {
            let parts: Vec<&str> = l.split('|').collect();
            let label = parts.get(2).map_or("", |s| s.trim()).to_owned();
            let comment = parts.last().map_or("", |s| s.trim()).to_owned();
            (label, comment)
        })
        .collect()
}

/// `tshark -q -z flow,cwmp,MODE` (with `-2` when `two_pass`).
fn flow(pcap: &Path, mode: &str, two_pass: bool) -> String {
    let p = pcap.to_str().expect("utf-8 path");
    let z = format!("flow,cwmp,{mode}");
    let mut args = vec!["-r", p, "-q", "-z", z.as_str()];
    if two_pass {
        args.push("-2");
    }
    tshark(&args)
}

#[test]
fn flow_graph_draws_every_method() {
    let pcap = session("views-flow", "SN1");
    let out = flow(&pcap, "standard", false);
    let drawn = arrows(&out);
    let expected = [
        METHODS[0],
        METHODS[1],
        "empty POST",
        METHODS[2],
        METHODS[3],
        METHODS[4],
        METHODS[5],
        METHODS[6],
        METHODS[7],
        "204 end of session",
    ];
    assert_eq!(drawn.len(), expected.len(), "{out}");
    for ((label, _), want) in drawn.iter().zip(expected) {
        assert!(
            !label.is_empty()
                && want.starts_with(label.as_str())
                && label.len() >= want.len().min(18),
            "{label:?} is not {want:?} in:\n{out}"
        );
    }
    // Nodes: the device by its identity, the ACS by its address.
    let header = out.lines().next().unwrap_or_default();
    assert!(header.contains("00AB12-GW100-SN1"), "{out}");
    assert!(out.contains("198.51.100.1"), "{out}");
    // Comments: the cwmp:ID and, for answers, the response time (10.2 ms in generated sessions).
    assert_eq!(drawn[3].1, "cwmp:ID 2, session 1", "{out}");
    let gpv = &fields(
        &pcap,
        "cwmp.method == \"GetParameterValues\"",
        &["frame.number"],
    )[0][0];
    assert_eq!(
        drawn[4].1,
        format!("cwmp:ID 2, response to {gpv} in 10.200 ms, session 1"),
        "{out}"
    );
    assert_eq!(
        out,
        flow(&pcap, "standard", true),
        "one pass and two passes differ"
    );
    let network = flow(&pcap, "network", false);
    assert!(
        network
            .lines()
            .next()
            .unwrap_or_default()
            .contains("192.0.2.10"),
        "{network}"
    );
    assert!(network.contains("Fault 9003"), "{network}");
}

/// Runs `--export-objects cwmp,DIR` and returns the files written, sorted, with their contents.
fn export(pcap: &Path, tag: &str, two_pass: bool) -> Vec<(String, Vec<u8>)> {
    let dir = capture_path(tag).with_extension("d");
    std::fs::create_dir_all(&dir).expect("mkdir export dir");
    let _ = std::process::Command::new("chmod")
        .arg("a+rwx")
        .arg(&dir)
        .status();
    let eo = format!("cwmp,{}", dir.display());
    let p = pcap.to_str().expect("utf-8 path");
    let mut args = vec!["-r", p, "-q", "--export-objects", eo.as_str()];
    if two_pass {
        args.push("-2");
    }
    tshark(&args);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("read export dir")
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn export_objects_write_envelopes_and_the_snapshot() {
    let pcap = session("views-eo", "SN1");
    let files = export(&pcap, "views-eo", false);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let xml: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.ends_with(".xml"))
        .collect();
    assert_eq!(xml.len(), 8, "{names:?}");
    for m in [
        "Inform",
        "InformResponse",
        "GetParameterValues",
        "GetParameterValuesResponse",
        "SetParameterValues",
        "Fault",
        "Reboot",
        "RebootResponse",
    ] {
        assert!(
            xml.iter().any(|n| n.ends_with(&format!("-{m}.xml"))),
            "{m}: {names:?}"
        );
    }
    // Each envelope is the body as it arrived.
    let (_, inform_body) = files
        .iter()
        .find(|(n, _)| n.ends_with("-Inform.xml"))
        .expect("Inform envelope");
    assert_eq!(inform_body, &inform("SN1"));
    let csv = files
        .iter()
        .find(|(n, _)| n == "00AB12-GW100-SN1-session1.csv")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_else(|| panic!("no snapshot in {names:?}"));
    let gpv_frame = fields(
        &pcap,
        "cwmp.method == \"GetParameterValuesResponse\"",
        &["frame.number"],
    );
    let f = &gpv_frame[0][0];
    let inform_frame = &fields(&pcap, "cwmp.method == \"Inform\"", &["frame.number"])[0][0];
    assert_eq!(
        csv,
        format!(
            "name,value,type,frame,rpc\n\
             Device.DeviceInfo.SoftwareVersion,2.1.0,xsd:string,{inform_frame},Inform\n\
             Device.DeviceInfo.UpTime,4242,xsd:unsignedInt,{f},GetParameterValuesResponse\n\
             Device.ManagementServer.PeriodicInformInterval,3600,xsd:unsignedInt,{f},GetParameterValuesResponse\n\
             Device.WiFi.SSID.1.SSID,home,xsd:string,{f},GetParameterValuesResponse\n"
        ),
        "the refused SetParameterValues must not enter the snapshot"
    );
    assert_eq!(files.len(), 9, "{names:?}");
    assert_eq!(
        files,
        export(&pcap, "views-eo-2", true),
        "one pass and two passes differ"
    );
}

#[test]
fn hostile_serial_number_gives_a_safe_file_name() {
    let pcap = session("views-hostile", "../../etc/x");
    let files = export(&pcap, "views-hostile", false);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"00AB12-GW100-______etc_x-session1.csv"),
        "{names:?}"
    );
}

#[test]
fn change_log_shows_the_refused_parameter() {
    let pcap = session("views-changes", "SN1");
    let p = pcap.to_str().expect("utf-8 path");
    let one = tshark(&["-r", p, "-q", "-z", "cwmp,changes"]);
    let two = tshark(&["-r", p, "-q", "-2", "-z", "cwmp,changes"]);
    assert_eq!(one, two, "one pass and two passes differ");
    let lines: Vec<&str> = one
        .lines()
        .skip_while(|l| !l.starts_with("time\t"))
        .collect();
    assert_eq!(
        lines.first().copied(),
        Some("time\tframe\tdevice\taction\ttarget\tvalue\tresult"),
        "{one}"
    );
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{one}");
    assert_eq!(
        rows[0][2..],
        [
            "00AB12-GW100-SN1",
            "SetParameterValues",
            "Device.WiFi.SSID.1.SSID",
            "guest",
            "fault 9007 Invalid parameter value"
        ],
        "{one}"
    );
    assert_eq!(
        rows[1][2..],
        ["00AB12-GW100-SN1", "Reboot", "", "", "ok"],
        "{one}"
    );
    let spv = &fields(
        &pcap,
        "cwmp.method == \"SetParameterValues\"",
        &["frame.number"],
    )[0][0];
    assert_eq!(rows[0][1], spv);
    // The GUI table (Statistics -> CWMP/Changes), printed by tshark under its own name: the answer
    // fills in the result of the row added at the request, in one pass too.
    for pass in [
        &["-r", p, "-q", "-z", "cwmp,change_table"][..],
        &["-r", p, "-q", "-2", "-z", "cwmp,change_table"],
    ] {
        let table = tshark(pass);
        let row = table
            .lines()
            .find(|l| l.contains("|SetParameterValues |"))
            .unwrap_or_else(|| panic!("no row in:\n{table}"));
        assert!(
            row.ends_with("|guest |fault 9007 Invalid parameter value |"),
            "{table}"
        );
    }
    // A display filter restricts the rows.
    let filtered = tshark(&[
        "-r",
        p,
        "-q",
        "-z",
        "cwmp,changes,cwmp.method == \"Reboot\"",
    ]);
    assert_eq!(
        filtered
            .lines()
            .filter(|l| l.contains("\tReboot\t"))
            .count(),
        1,
        "{filtered}"
    );
    assert!(!filtered.contains("SetParameterValues"), "{filtered}");
}

#[test]
fn connection_close_ends_a_session_and_an_open_session_gets_no_snapshot() {
    let first = (
        inform("SN9"),
        msg(
            "1",
            "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
        ),
    );
    // The connection closes after the InformResponse: the session ends there.
    let closed = session_capture(
        "views-closed",
        std::slice::from_ref(&first),
        &Opts::default(),
    );
    let files = export(&closed, "views-closed", false);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"00AB12-GW100-SN9-session1.csv"),
        "{names:?}"
    );
    assert_eq!(
        files,
        export(&closed, "views-closed-2", true),
        "one pass and two passes differ"
    );
    // The same exchange with the connection still open at the end of the capture: no snapshot.
    let o = Opts::default();
    let mut cap = cwmp_capgen::Capture::new();
    let mut flow = cap.tcp_flow(o.cpe, o.acs);
    cwmp_capgen::Session::new().run(
        &mut cap,
        &mut flow,
        &[(post(&first.0, &o), answer(&first.1, &o))],
    );
    let open = write_capture(&cap, "views-open");
    let files = export(&open, "views-open", false);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".xml")), "{names:?}");
}
