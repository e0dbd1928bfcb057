// SPDX-License-Identifier: GPL-2.0-or-later
//! The UDP side channels through the real tshark: connection requests (TR-069 Annex G) with their
//! signature checked against a vector computed independently (openssl), replays and stale timestamps;
//! lightweight notifications (Annex M).

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;
use cwmp_capgen::Capture;

/// HMAC-SHA1 computed by openssl, independently of the plugin's implementation.
fn openssl_hmac_sha1(key: &str, text: &str) -> String {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf '%s' '{text}' | openssl dgst -sha1 -hmac '{key}'"
        ))
        .output()
        .expect("openssl");
    let s = String::from_utf8_lossy(&out.stdout);
    s.rsplit(' ').next().unwrap_or("").trim().to_owned()
}

fn cr(ts: u64, id: u32, sig: &str) -> Vec<u8> {
    format!(
        "GET http://203.0.113.7:40123?ts={ts}&id={id}&un=cruser&cn=9f2c4a&sig={sig} HTTP/1.1\r\nHost: 203.0.113.7:40123\r\n\r\n"
    )
    .into_bytes()
}

#[test]
fn udp_connection_requests_are_decoded_and_checked() {
    // The capture starts at 2024-05-01T10:00:00Z = 1714557600.
    let ts = 1_714_557_600u64;
    let sig = openssl_hmac_sha1("s3cret", &format!("{ts}1001cruser9f2c4a"));
    assert_eq!(sig.len(), 40, "openssl gave {sig:?}");
    let mut cap = Capture::new();
    let acs = addr("198.51.100.1:5000");
    // Sent three times as ACSs do, to a port learnt by STUN (heuristic) ...
    for _ in 0..3 {
        cap.udp(
            acs,
            addr("203.0.113.7:40123"),
            &cr(ts, 1001, &sig.to_uppercase()),
        );
        cap.advance(Duration::from_millis(100));
    }
    // ... and once to 7547 (the port preference) with a wrong signature and a stale timestamp.
    cap.udp(
        acs,
        addr("203.0.113.7:7547"),
        &cr(ts - 3600, 1002, &"0".repeat(40)),
    );
    // Not CWMP: must stay untouched.
    cap.udp(
        acs,
        addr("203.0.113.7:40124"),
        b"GET /index.html HTTP/1.1\r\n\r\n",
    );
    let pcap = write_capture(&cap, "udp-cr");
    let cols = [
        "cwmp.udp_cr.ts",
        "cwmp.udp_cr.id",
        "cwmp.udp_cr.un",
        "cwmp.udp_cr.cn",
        "cwmp.udp_cr.sig_status",
        "cwmp.udp_cr.replay_of",
        "_ws.expert.message",
    ];
    let rows = fields_opts(
        &pcap,
        "cwmp",
        &cols,
        &["-o", "cwmp.connection_request_password:s3cret"],
    );
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(
        rows[0][..5],
        [
            ts.to_string(),
            "1001".into(),
            "cruser".into(),
            "9f2c4a".into(),
            "1".into()
        ]
    );
    assert_eq!(rows[0][5], "");
    assert_eq!(rows[1][5], "1", "second copy repeats frame 1");
    assert_eq!(rows[2][5], "1");
    assert_eq!(rows[3][4], "2", "wrong signature");
    assert!(
        rows[3][6].contains("Signature does not match"),
        "{:?}",
        rows[3]
    );
    assert!(
        rows[3][6].contains("3600 s before the capture time"),
        "{:?}",
        rows[3]
    );
    // A wrong password makes the good signature invalid; no password leaves it unchecked.
    let rows = fields_opts(
        &pcap,
        "cwmp.udp_cr.id == \"1001\"",
        &["cwmp.udp_cr.sig_status"],
        &["-o", "cwmp.connection_request_password:nope"],
    );
    assert!(rows.iter().all(|r| r[0] == "2"));
    let rows = fields(
        &pcap,
        "cwmp.udp_cr",
        &["cwmp.udp_cr.sig_status", "_ws.col.Info"],
    );
    assert_eq!(rows[0], ["0", "UDP Connection Request id=1001"]);
    // The heuristic can be switched off; the port preference still works.
    let rows = fields_opts(
        &pcap,
        "cwmp.udp_cr",
        &["udp.dstport"],
        &["--disable-heuristic", "cwmp_udp"],
    );
    assert_eq!(rows, vec![vec!["7547".to_string()]]);
}

#[test]
fn lightweight_notifications_are_decoded() {
    let body = "<Notification xmlns=\"urn:broadband-forum-org:cwmp:lwnotif-1-0\" \
                xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">\
                <TS>1714557600</TS><UN>acsuser</UN><CN>c0ffee</CN><OUI>00AB12</OUI><ProductClass>GW100</ProductClass>\
                <SerialNumber>SN0001</SerialNumber><Param><Name>Device.WiFi.SSID.1.SSID</Name>\
                <Value xsi:type=\"xsd:string\">home</Value></Param></Notification>";
    let sig = openssl_hmac_sha1("acspw", body);
    let dgram = format!(
        "POST /HTTPS/1.1\r\nHost: 198.51.100.1:7550\r\nContent-Type: test/xml\r\nContent-Lenght: {}\r\nSignature: {}\r\n\r\n{body}",
        body.len(),
        sig.to_uppercase()
    );
    let mut cap = Capture::new();
    cap.udp(
        addr("192.0.2.10:50123"),
        addr("198.51.100.1:7550"),
        dgram.as_bytes(),
    );
    let pcap = write_capture(&cap, "lwn");
    let rows = fields_opts(
        &pcap,
        "cwmp.lwn",
        &[
            "cwmp.lwn.ts",
            "cwmp.lwn.un",
            "cwmp.deviceid.oui",
            "cwmp.deviceid.serial_number",
            "cwmp.parameter",
            "cwmp.udp_cr.sig_status",
        ],
        &["-o", "cwmp.acs_password:acspw"],
    );
    assert_eq!(
        rows,
        vec![vec![
            "1714557600".to_string(),
            "acsuser".into(),
            "00AB12".into(),
            "SN0001".into(),
            "Device.WiFi.SSID.1.SSID=home".into(),
            "1".into()
        ]]
    );
}

#[test]
fn xmpp_connection_requests_are_marked() {
    use cwmp_capgen::Dir;
    let mut cap = Capture::new();
    let mut f = cap.tcp_flow(addr("192.0.2.10:40000"), addr("198.51.100.5:5222"));
    cap.send(
        &mut f,
        Dir::ClientToServer,
        b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='xmpp.example' version='1.0'>",
    );
    cap.send(
        &mut f,
        Dir::ServerToClient,
        b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='xmpp.example' id='s1' version='1.0'>",
    );
    cap.send(
        &mut f,
        Dir::ServerToClient,
        b"<iq type=\"get\" from=\"acs@xmpp.example/acs\" to=\"cpe1@xmpp.example/cwmp\" id=\"cr001\">\
          <connectionRequest xmlns=\"urn:broadband-forum-org:cwmp:xmppConnReq-1-0\">\
          <username>cruser</username><password>crpass</password></connectionRequest></iq>",
    );
    cap.send(&mut f, Dir::ClientToServer, b"<iq type=\"result\" from=\"cpe1@xmpp.example/cwmp\" to=\"acs@xmpp.example/acs\" id=\"cr001\"/>");
    let pcap = write_capture(&cap, "xmpp");
    let rows = fields(
        &pcap,
        "cwmp.xmpp_connection_request",
        &[
            "cwmp.xmpp_connection_request",
            "cwmp.xmpp_connection_request.to",
            "cwmp.username",
            "cwmp.password",
            "frame.protocols",
        ],
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0][..4],
        ["get", "cpe1@xmpp.example/cwmp", "cruser", "crpass"]
    );
    assert!(rows[0][4].contains("xmpp"), "{:?}", rows[0]);
}

#[test]
fn stun_tr111_attributes_are_decoded_by_wiresharks_own_stun_dissector() {
    // Classic STUN (RFC 3489) Binding Request from the CPE's UDP connection-request port, with TR-111's
    // CONNECTION-REQUEST-BINDING (0xC001, "dslforum.org/TR-111 ") and BINDING-CHANGE (0xC002, empty).
    let mut msg = vec![0x00, 0x01, 0x00, 0x00];
    msg.extend_from_slice(&[0x11; 16]);
    let mut attrs = vec![0xC0, 0x01, 0x00, 0x14];
    attrs.extend_from_slice(b"dslforum.org/TR-111 ");
    attrs.extend_from_slice(&[0xC0, 0x02, 0x00, 0x00]);
    msg[2..4].copy_from_slice(&(attrs.len() as u16).to_be_bytes());
    msg.extend_from_slice(&attrs);
    let mut cap = Capture::new();
    cap.udp(addr("192.0.2.10:40123"), addr("198.51.100.9:3478"), &msg);
    let pcap = write_capture(&cap, "stun");
    let rows = fields(&pcap, "", &["classicstun.att.type", "frame.protocols"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "0xc001|0xc002", "{:?}", rows[0]);
}

#[test]
fn ports_are_preferences() {
    // A body without a content type on TCP 9000: only the port table can give it to CWMP once the
    // heuristic is off.
    let o = Opts {
        acs: addr("198.51.100.1:9000"),
        content_type: None,
        ..Opts::default()
    };
    let pcap = session_capture(
        "tcp-9000",
        &[(fixture("inform-mikrotik.xml"), Vec::new())],
        &o,
    );
    let off = [
        "--disable-heuristic",
        "cwmp_http",
        "-d",
        "tcp.port==9000,http",
    ];
    assert!(fields_opts(&pcap, "cwmp.method", &["cwmp.method"], &off).is_empty());
    let on = [
        "--disable-heuristic",
        "cwmp_http",
        "-o",
        "cwmp.tcp.ports:7547,9000",
    ];
    assert_eq!(
        fields_opts(&pcap, "cwmp.method", &["cwmp.method"], &on),
        vec![vec!["Inform".to_string()]]
    );
    // UDP: another port for connection requests, with the heuristic off.
    let mut cap = Capture::new();
    cap.udp(
        addr("198.51.100.1:5000"),
        addr("203.0.113.7:9999"),
        &cr(1_714_557_600, 5, "00"),
    );
    let pcap = write_capture(&cap, "udp-9999");
    let off = ["--disable-heuristic", "cwmp_udp"];
    assert!(fields_opts(&pcap, "cwmp", &["cwmp.udp_cr.id"], &off).is_empty());
    let on = [
        "--disable-heuristic",
        "cwmp_udp",
        "-o",
        "cwmp.udp.port:9999",
    ];
    assert_eq!(
        fields_opts(&pcap, "cwmp", &["cwmp.udp_cr.id"], &on),
        vec![vec!["5".to_string()]]
    );
}
