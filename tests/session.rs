// SPDX-License-Identifier: GPL-2.0-or-later
//! Sessions and request/response matching through the real tshark: links both ways (with `-2`),
//! response times, session numbers and device identity on every message, the empty POST and the end
//! of the session, and the sequence problems an analyst looks for.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use cwmp_capgen::{Capture, Request, Response, Session};

fn inform(serial: &str, id: &str, events: &[&str], retry: u32) -> Vec<u8> {
    let ev: String = events
        .iter()
        .map(|e| {
            format!(
                "<EventStruct><EventCode>{e}</EventCode><CommandKey></CommandKey></EventStruct>"
            )
        })
        .collect();
    envelope(
        &id_header(id),
        &format!(
            "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00AB12</OUI>\
             <ProductClass>GW100</ProductClass><SerialNumber>{serial}</SerialNumber></DeviceId>\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[{}]\">{ev}</Event><MaxEnvelopes>1</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>{retry}</RetryCount>\
             <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct>\
             <Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">42</Value>\
             </ParameterValueStruct></ParameterList></cwmp:Inform>",
            events.len()
        ),
    )
}

fn msg(id: &str, body: &str) -> Vec<u8> {
    envelope(&id_header(id), body)
}

fn gpv(id: &str) -> Vec<u8> {
    msg(
        id,
        "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[1]\">\
         <string>Device.DeviceInfo.UpTime</string></ParameterNames></cwmp:GetParameterValues>",
    )
}

fn gpv_response(id: &str) -> Vec<u8> {
    msg(
        id,
        "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
         <ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">43</Value>\
         </ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>",
    )
}

fn spv(id: &str) -> Vec<u8> {
    msg(
        id,
        "<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
         <ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name><Value xsi:type=\"xsd:string\">home</Value>\
         </ParameterValueStruct></ParameterList><ParameterKey>pk-1</ParameterKey></cwmp:SetParameterValues>",
    )
}

fn spv_response(id: &str) -> Vec<u8> {
    msg(
        id,
        "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>",
    )
}

/// A connection: the CPE's address and its (request body, response body) exchanges.
type Conn<'a> = (&'a str, Vec<(Vec<u8>, Vec<u8>)>);

/// Builds a capture from several connections; each response comes `delay` after its request.
fn capture(name: &str, conns: &[Conn<'_>], delay: Duration) -> PathBuf {
    let mut cap = Capture::new();
    let o = Opts::default();
    for (cpe, exchanges) in conns {
        let mut flow = cap.tcp_flow(addr(cpe), addr(ACS));
        let ex: Vec<(Request, Response)> = exchanges
            .iter()
            .map(|(q, a)| (post(q, &o), answer(a, &o)))
            .collect();
        Session::new().delay(delay).run(&mut cap, &mut flow, &ex);
        cap.close(&mut flow);
    }
    write_capture(&cap, name)
}

fn full_session(serial: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    vec![
        (
            inform(serial, "1", &["1 BOOT", "M Reboot"], 0),
            msg(
                "1",
                "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
            ),
        ),
        (Vec::new(), gpv("2")),
        (gpv_response("2"), spv("3")),
        (spv_response("3"), Vec::new()),
    ]
}

#[test]
fn a_session_is_linked_timed_and_numbered() {
    let pcap = capture(
        "session",
        &[
            ("192.0.2.10:50000", full_session("SN0001")),
            ("192.0.2.11:50001", full_session("SN0042")),
        ],
        Duration::from_millis(250),
    );
    let rows = fields_opts(
        &pcap,
        "cwmp",
        &[
            "frame.number",
            "cwmp.method",
            "cwmp.http_event",
            "cwmp.session",
            "cwmp.session.deviceid.serial_number",
            "cwmp.response_to",
            "cwmp.response_in",
            "cwmp.time",
        ],
        &["-2"],
    );
    let by_method = |m: &str, serial: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r[1] == m && r[4] == serial)
            .unwrap_or_else(|| panic!("{m} {serial} not found in {rows:#?}"))
            .clone()
    };
    for serial in ["SN0001", "SN0042"] {
        let session = if serial == "SN0001" { "1" } else { "2" };
        let inform = by_method("Inform", serial);
        let inform_resp = by_method("InformResponse", serial);
        assert_eq!(inform[3], session);
        assert_eq!(inform[6], inform_resp[0], "Inform's response_in");
        assert_eq!(inform_resp[5], inform[0], "InformResponse's response_to");
        assert!(
            inform_resp[7].starts_with("0.25"),
            "response time {:?}",
            inform_resp[7]
        );
        let gpv = by_method("GetParameterValues", serial);
        let gpv_resp = by_method("GetParameterValuesResponse", serial);
        assert_eq!(gpv[6], gpv_resp[0]);
        assert_eq!(gpv_resp[5], gpv[0]);
        let spv = by_method("SetParameterValues", serial);
        let spv_resp = by_method("SetParameterValuesResponse", serial);
        assert_eq!(spv[6], spv_resp[0]);
        assert_eq!(spv_resp[5], spv[0]);
        for r in rows.iter().filter(|r| r[4] == serial) {
            assert_eq!(
                r[3], session,
                "every message of the session carries its number: {r:?}"
            );
        }
    }
    // The empty POST and the end of the session, marked with the session's identity.
    let events: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| !r[2].is_empty())
        .map(|r| (r[2].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("1", "1", "SN0001"),
            ("2", "1", "SN0001"),
            ("1", "2", "SN0042"),
            ("2", "2", "SN0042")
        ]
    );
    // The ACS's requests after the empty POST do not make the end abrupt (TR-069 3.7.1.4).
    assert!(fields(&pcap, "cwmp.expert.session_end_abrupt", &["frame.number"]).is_empty());
    assert_eq!(
        fields(&pcap, "cwmp.expert.session_end", &["frame.number"]).len(),
        2
    );
    // Responses say which method they answer.
    let rows = fields(
        &pcap,
        "cwmp.method == \"GetParameterValuesResponse\"",
        &["cwmp.request_method"],
    );
    assert!(
        rows.iter().all(|r| r[0] == "GetParameterValues"),
        "{rows:?}"
    );
    // One filter selects the whole session of a device.
    let rows = fields_opts(
        &pcap,
        "cwmp.session.deviceid.serial_number == \"SN0042\"",
        &["cwmp.session"],
        &["-2"],
    );
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| r[0] == "2"));
    // Single pass: "response to" and the markers are there already.
    let rows = fields(
        &pcap,
        "cwmp.method == \"SetParameterValuesResponse\"",
        &["cwmp.response_to"],
    );
    assert!(rows.iter().all(|r| !r[0].is_empty()));
    let ends = summary_columns(&pcap, "cwmp.http_event == 2", &[]);
    let end = ("CWMP".to_string(), "End of session (204)".to_string());
    assert_eq!(ends, vec![end.clone(), end]);
    let posts = summary_columns(&pcap, "cwmp.http_event == 1", &[]);
    assert_eq!(posts[0], ("CWMP".to_string(), "Empty POST".to_string()));
}

#[test]
fn unanswered_and_mismatched_requests_are_flagged() {
    let conn = vec![
        (
            inform("SN7", "1", &["2 PERIODIC"], 0),
            msg(
                "1",
                "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
            ),
        ),
        (Vec::new(), gpv("2")),
        // The CPE answers the GetParameterValues with an empty POST: never answered.
        (Vec::new(), spv("3")),
        // A GetParameterValuesResponse answering a SetParameterValues, with the wrong ID.
        (gpv_response("9"), Vec::new()),
    ];
    let pcap = capture(
        "unanswered",
        &[("192.0.2.10:50000", conn)],
        Duration::from_millis(10),
    );
    let rows = fields_opts(
        &pcap,
        "cwmp.expert.unanswered",
        &["cwmp.method", "_ws.expert.message"],
        &["-2"],
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], "GetParameterValues");
    assert!(
        rows[0][1].contains("GetParameterValues never answered"),
        "{:?}",
        rows[0]
    );
    let rows = fields(
        &pcap,
        "cwmp.expert.method_mismatch",
        &["cwmp.method", "_ws.expert.message"],
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "GetParameterValuesResponse");
    assert!(rows[0][1].contains("expected SetParameterValuesResponse"));
    let rows = fields(&pcap, "cwmp.expert.id_mismatch", &["cwmp.id"]);
    assert_eq!(rows, vec![vec!["9".to_string()]]);
}

#[test]
fn auth_challenge_retry_and_tcp_connection_request() {
    let mut cap = Capture::new();
    let o = Opts::default();
    // ACS -> CPE connection request on the CPE's port 7547: 401, then 200 with credentials.
    connection_request_with_digest_round(&mut cap);
    cap.advance(Duration::from_millis(300));
    // The CPE's session: Inform challenged with 401, retried with credentials, then ended.
    let mut s = cap.tcp_flow(addr(CPE), addr(ACS));
    let informs = inform("SN9", "1", &["6 CONNECTION REQUEST"], 0);
    let resp_401 = Response::new(401, "Unauthorized")
        .header("WWW-Authenticate", "Digest realm=\"acs\", nonce=\"x\"");
    Session::new().run(
        &mut cap,
        &mut s,
        &[
            (post(&informs, &o), resp_401),
            (
                post(&informs, &o),
                answer(
                    &msg(
                        "1",
                        "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
                    ),
                    &o,
                ),
            ),
            (post(b"", &o), answer(b"", &o)),
        ],
    );
    cap.close(&mut s);
    let pcap = write_capture(&cap, "auth-cr");
    let rows = fields_opts(
        &pcap,
        "cwmp",
        &["cwmp.method", "cwmp.http_event", "cwmp.session"],
        &["-2"],
    );
    let columns = summary_columns(&pcap, "cwmp", &["-2"]);
    let infos: Vec<&str> = columns.iter().map(|(_, info)| info.as_str()).collect();
    assert_eq!(
        infos[..4],
        [
            "Connection request",
            "Connection request answer (401)",
            "Connection request",
            "Connection request answer (200)"
        ]
    );
    assert!(
        infos[4].starts_with("Inform [6 CONNECTION REQUEST]"),
        "{infos:?}"
    );
    assert_eq!(infos[5], "Authentication challenge (401)");
    assert!(infos[6].starts_with("Inform [6 CONNECTION REQUEST]"));
    // The authenticated retry stays in the same session.
    assert_eq!(rows[4][2], rows[6][2]);
    assert_eq!(rows[6][2], rows[8][2]);
    let rows = fields_opts(&pcap, "cwmp.expert.auth_retry", &["cwmp.method"], &["-2"]);
    assert_eq!(rows.len(), 1);
    // The connection request's answer links back to it.
    let rows = fields_opts(
        &pcap,
        "cwmp.http_event == 8",
        &["cwmp.response_to", "cwmp.time"],
        &["-2"],
    );
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| !r[0].is_empty()));
}

/// `-z cwmp,tree` and `-z cwmp_srt,tree` lines as (item, count, rest), trimmed.
fn stats(pcap: &std::path::Path, which: &str) -> Vec<(String, String)> {
    let p = pcap.to_string_lossy().into_owned();
    stats_rows(&tshark(&["-n", "-q", "-r", &p, "-z", which]))
}

#[test]
fn statistics_count_methods_events_faults_devices_and_response_times() {
    let fault = msg(
        "3",
        "<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault>\
         <FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString></cwmp:Fault></detail></soap-env:Fault>",
    );
    let mut second = full_session("SN0042");
    second[3].0 = fault;
    let pcap = capture(
        "stats",
        &[
            ("192.0.2.10:50000", full_session("SN0001")),
            ("192.0.2.11:50001", second),
        ],
        Duration::from_millis(100),
    );
    let st = stats(&pcap, "cwmp,tree");
    let count = |name: &str| {
        st.iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| panic!("{name} in {st:#?}"))
    };
    assert_eq!(count("Messages by direction"), "16");
    assert_eq!(count("CPE to ACS"), "6");
    assert_eq!(count("ACS to CPE"), "6");
    assert_eq!(count("Inform"), "2");
    assert_eq!(count("SetParameterValuesResponse"), "1");
    assert_eq!(count("Fault"), "1");
    assert_eq!(count("1 BOOT"), "2");
    assert_eq!(count("M Reboot"), "2");
    assert_eq!(count("9003 Invalid arguments"), "1");
    assert_eq!(count("Sessions"), "2");
    assert_eq!(count("00AB12"), "2");
    assert_eq!(count("GW100"), "2");
    assert_eq!(count("Empty POST: the CPE has no more requests"), "2");
    let srt = stats(&pcap, "cwmp_srt,tree");
    let find = |name: &str| {
        srt.iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| panic!("{name} in {srt:#?}"))
    };
    assert_eq!(find("Response time by request method (ms)"), "6");
    assert_eq!(find("Inform"), "2");
    assert_eq!(find("SetParameterValues"), "2");
    let p = pcap.to_string_lossy().into_owned();
    let out = tshark(&["-n", "-q", "-r", &p, "-z", "cwmp_srt,tree"]);
    let inform = out
        .lines()
        .find(|l| l.trim_start().starts_with("Inform "))
        .unwrap();
    assert!(
        inform.contains("100.20"),
        "average response time of Inform: {inform}"
    );
}

/// An answer with an HTML page, as a WebLogic ACS sends with its 401, 3xx and 5xx statuses.
fn html_answer(code: u16, reason: &str) -> Response {
    Response::new(code, reason)
        .header("Content-Type", "text/html; charset=UTF-8")
        .body(format!(
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0 Draft//EN\">\n<HTML>\n<HEAD>\n\
             <TITLE>Error {code}--{reason}</TITLE>\n</HEAD>\n<BODY bgcolor=\"white\"><H2>Error {code}--{reason}</H2>\
             </BODY>\n</HTML>\n"
        ))
}

#[test]
fn status_answers_with_an_html_page_keep_their_meaning() {
    // As the Motive HDM ACS answers: the first Inform of each session gets a 401 with an HTML page,
    // the retry carries Basic credentials. A redirect and a server error with pages follow.
    let mut cap = Capture::new();
    let o = Opts::default();
    let informs = inform("SN77", "1", &["1 BOOT"], 0);
    let inform_response = answer(
        &msg(
            "1",
            "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
        ),
        &o,
    );
    let challenge =
        html_answer(401, "Unauthorized").header("WWW-Authenticate", "Basic realm=\"default\"");
    let retry = post(&informs, &o).header("Authorization", "Basic bWlyZTptaXJl");
    let mut s = cap.tcp_flow(addr(CPE), addr(ACS));
    Session::new().run(
        &mut cap,
        &mut s,
        &[
            (post(&informs, &o), challenge),
            (retry, inform_response),
            (post(b"", &o), answer(b"", &o)),
        ],
    );
    cap.close(&mut s);
    cap.advance(Duration::from_millis(300));
    let mut s = cap.tcp_flow(addr("192.0.2.10:50002"), addr(ACS));
    let moved = html_answer(302, "Found").header("Location", "http://198.51.100.2:7547/cwmp");
    Session::new().run(&mut cap, &mut s, &[(post(&informs, &o), moved)]);
    cap.close(&mut s);
    cap.advance(Duration::from_millis(300));
    let mut s = cap.tcp_flow(addr("192.0.2.10:50003"), addr(ACS));
    let down = html_answer(503, "Service Unavailable");
    Session::new().run(&mut cap, &mut s, &[(post(&informs, &o), down)]);
    cap.close(&mut s);
    let pcap = write_capture(&cap, "html-status");

    let rows = fields_opts(
        &pcap,
        "cwmp.http_event || cwmp.method",
        &[
            "cwmp.method",
            "cwmp.http_event",
            "cwmp.session",
            "cwmp.response_to",
            "http.response.code",
        ],
        &["-2"],
    );
    let kinds: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Inform", "", ""),
            ("", "3", "401"),
            ("Inform", "", ""),
            ("InformResponse", "", "200"),
            ("", "1", ""),
            ("", "2", "204"),
            ("Inform", "", ""),
            ("", "4", "302"),
            ("Inform", "", ""),
            ("", "5", "503"),
        ],
        "{rows:?}"
    );
    // The challenge answers the first Inform; the retry stays in its session and says so.
    assert!(!rows[1][3].is_empty(), "{rows:?}");
    assert_eq!(rows[0][2], rows[2][2]);
    assert_eq!(rows[2][2], rows[5][2]);
    let retried = fields_opts(&pcap, "cwmp.expert.auth_retry", &["cwmp.method"], &["-2"]);
    assert_eq!(retried, vec![vec!["Inform".to_string()]]);
    let challenged = fields_opts(
        &pcap,
        "cwmp.expert.auth_challenge",
        &["http.response.code"],
        &["-2"],
    );
    assert_eq!(challenged, vec![vec!["401".to_string()]]);
    // The page itself is still shown as Wireshark shows it.
    let lines = fields(&pcap, "cwmp.http_event == 3", &["data-text-lines"]);
    assert_eq!(lines.len(), 1);
}
