// SPDX-License-Identifier: GPL-2.0-or-later
//! Follow-through across sessions through the real tshark: a transfer linked to its complete in a
//! later session (both ways with `-2`, backward in one pass), a transfer never completed, periodic
//! drift, and a provisioning loop; polling is not a loop.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use cwmp_capgen::{Capture, Dir, Request, Response, Session};

const SERIAL: &str = "SN-FOLLOW-1";

fn inform(id: &str, events: &[(&str, &str)], params: &[(&str, &str)]) -> Vec<u8> {
    let ev: String = events
        .iter()
        .map(|(e, k)| {
            format!(
                "<EventStruct><EventCode>{e}</EventCode><CommandKey>{k}</CommandKey></EventStruct>"
            )
        })
        .collect();
    let pv: String = params
        .iter()
        .map(|(n, v)| {
            format!(
                "<ParameterValueStruct><Name>{n}</Name><Value xsi:type=\"xsd:string\">{v}</Value></ParameterValueStruct>"
            )
        })
        .collect();
    envelope(
        &id_header(id),
        &format!(
            "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00AB12</OUI>\
             <ProductClass>GW100</ProductClass><SerialNumber>{SERIAL}</SerialNumber></DeviceId>\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[{}]\">{ev}</Event><MaxEnvelopes>1</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount>\
             <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[{}]\">{pv}</ParameterList></cwmp:Inform>",
            events.len(),
            params.len()
        ),
    )
}

fn msg(id: &str, body: &str) -> Vec<u8> {
    envelope(&id_header(id), body)
}

fn inform_response(id: &str) -> Vec<u8> {
    msg(
        id,
        "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
    )
}

/// One session on a connection of its own: Inform, the CPE's other requests, the empty POST, then
/// the ACS's requests with the CPE's answers, and the ACS's 204.
struct Visit {
    at: Duration,
    inform: Vec<u8>,
    cpe_requests: Vec<(Vec<u8>, Vec<u8>)>,
    acs_requests: Vec<(Vec<u8>, Vec<u8>)>,
}

fn capture(name: &str, visits: &[Visit]) -> PathBuf {
    capture_with(name, visits, |_, _| {})
}

/// [`capture`], with `after(i, cap)` writing more traffic after visit `i`.
fn capture_with(name: &str, visits: &[Visit], after: impl Fn(usize, &mut Capture)) -> PathBuf {
    let mut cap = Capture::new();
    let o = Opts::default();
    let start = cap.now();
    for (i, v) in visits.iter().enumerate() {
        let now = cap.now() - start;
        if v.at > now {
            cap.advance(v.at - now);
        }
        let cpe = format!("192.0.2.10:{}", 50000 + i);
        let mut flow = cap.tcp_flow(addr(&cpe), addr(ACS));
        let mut ex = vec![(v.inform.clone(), inform_response("1"))];
        ex.extend(v.cpe_requests.iter().cloned());
        // The empty POST is answered by the ACS's first request (or 204), and each CPE answer by the
        // next request.
        let mut pending: Vec<u8> = Vec::new();
        for (req, resp) in &v.acs_requests {
            ex.push((std::mem::take(&mut pending), req.clone()));
            pending = resp.clone();
        }
        ex.push((pending, Vec::new()));
        let ex: Vec<(Request, Response)> = ex
            .iter()
            .map(|(q, a)| (post(q, &o), answer(a, &o)))
            .collect();
        Session::new().run(&mut cap, &mut flow, &ex);
        cap.close(&mut flow);
        after(i, &mut cap);
    }
    write_capture(&cap, name)
}

fn download(id: &str, key: &str) -> Vec<u8> {
    msg(
        id,
        &format!(
            "<cwmp:Download><CommandKey>{key}</CommandKey><FileType>1 Firmware Upgrade Image</FileType>\
             <URL>http://files.example/fw-77.bin</URL><Username></Username><Password></Password>\
             <FileSize>1000</FileSize><TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds>\
             <SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>"
        ),
    )
}

fn download_response(id: &str) -> Vec<u8> {
    msg(
        id,
        "<cwmp:DownloadResponse><Status>1</Status><StartTime>0001-01-01T00:00:00Z</StartTime>\
         <CompleteTime>0001-01-01T00:00:00Z</CompleteTime></cwmp:DownloadResponse>",
    )
}

fn transfer_complete(id: &str, key: &str, code: u32, text: &str) -> Vec<u8> {
    msg(
        id,
        &format!(
            "<cwmp:TransferComplete><CommandKey>{key}</CommandKey><FaultStruct><FaultCode>{code}</FaultCode>\
             <FaultString>{text}</FaultString></FaultStruct><StartTime>2024-05-01T10:00:05Z</StartTime>\
             <CompleteTime>2024-05-01T10:00:06Z</CompleteTime></cwmp:TransferComplete>"
        ),
    )
}

fn frame_of(rows: &[Vec<String>], method: &str) -> String {
    rows.iter()
        .find(|r| r[1] == method)
        .unwrap_or_else(|| panic!("{method} not in {rows:#?}"))[0]
        .clone()
}

#[test]
fn a_download_is_linked_to_its_complete_in_a_later_session() {
    let pcap = capture(
        "follow-transfer",
        &[
            Visit {
                at: Duration::ZERO,
                inform: inform("1", &[("1 BOOT", "")], &[]),
                cpe_requests: vec![],
                acs_requests: vec![(download("d1", "fw-77"), download_response("d1"))],
            },
            Visit {
                at: Duration::from_secs(120),
                inform: inform(
                    "1",
                    &[("7 TRANSFER COMPLETE", ""), ("M Download", "fw-77")],
                    &[],
                ),
                cpe_requests: vec![(
                    transfer_complete("t1", "fw-77", 9010, "Download failure"),
                    msg("t1", "<cwmp:TransferCompleteResponse/>"),
                )],
                acs_requests: vec![],
            },
        ],
    );
    let cols = [
        "frame.number",
        "cwmp.method",
        "cwmp.transfer.request_in",
        "cwmp.transfer.complete_in",
        "cwmp.transfer.duration",
    ];
    // Two passes: both ways.
    let rows = fields_opts(&pcap, "cwmp.method", &cols, &["-2"]);
    let dl = frame_of(&rows, "Download");
    let tc = frame_of(&rows, "TransferComplete");
    let dl_row = rows.iter().find(|r| r[0] == dl).unwrap();
    let tc_row = rows.iter().find(|r| r[0] == tc).unwrap();
    assert_eq!(dl_row[3], tc, "Download's complete_in: {rows:#?}");
    assert_eq!(tc_row[2], dl, "TransferComplete's request_in");
    // The Inform's `M Download` event with the CommandKey links to the request too.
    let informs: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "Inform").collect();
    assert_eq!(informs.len(), 2);
    assert_eq!(informs[0][2], "");
    assert_eq!(
        informs[1][2], dl,
        "the second Inform's request_in: {rows:#?}"
    );
    let secs: f64 = tc_row[4].parse().expect("duration");
    assert!((119.0..122.0).contains(&secs), "duration {secs}");
    // The failure, with the request's method and the fault.
    let experts = fields_opts(
        &pcap,
        "cwmp.expert.transfer_failed",
        &["frame.number", "_ws.expert.message"],
        &["-2"],
    );
    assert_eq!(experts.len(), 1, "{experts:?}");
    assert_eq!(experts[0][0], tc);
    assert!(
        experts[0][1].contains("Download failed: 9010 Download failure"),
        "{experts:?}"
    );
    // One pass: the backward link is there, the forward one is not.
    let rows = fields_opts(&pcap, "cwmp.method", &cols, &[]);
    assert_eq!(rows.iter().find(|r| r[0] == tc).unwrap()[2], dl);
    assert_eq!(rows.iter().find(|r| r[0] == dl).unwrap()[3], "");
    // Completed: not flagged as incomplete; its request is known: not an orphan.
    for e in [
        "cwmp.expert.transfer_incomplete",
        "cwmp.expert.transfer_orphan",
    ] {
        assert!(
            fields_opts(&pcap, e, &["frame.number"], &["-2"]).is_empty(),
            "{e}"
        );
    }
}

#[test]
fn a_transfer_never_completed_is_a_note_that_counts_later_sessions() {
    let pcap = capture(
        "follow-incomplete",
        &[
            Visit {
                at: Duration::ZERO,
                inform: inform("1", &[("1 BOOT", "")], &[]),
                cpe_requests: vec![],
                acs_requests: vec![(download("d1", "fw-78"), download_response("d1"))],
            },
            Visit {
                at: Duration::from_secs(300),
                inform: inform("1", &[("2 PERIODIC", "")], &[]),
                cpe_requests: vec![],
                acs_requests: vec![],
            },
            Visit {
                at: Duration::from_secs(600),
                inform: inform("1", &[("2 PERIODIC", "")], &[]),
                cpe_requests: vec![],
                acs_requests: vec![],
            },
        ],
    );
    let rows = fields_opts(
        &pcap,
        "cwmp.expert.transfer_incomplete",
        &["cwmp.method", "_ws.expert.message", "_ws.expert.severity"],
        &["-2"],
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], "Download");
    assert!(rows[0][1].contains("2 later sessions"), "{rows:?}");
}

#[test]
fn periodic_informs_far_from_their_interval_drift() {
    let interval = [("Device.ManagementServer.PeriodicInformInterval", "86400")];
    let visits: Vec<Visit> = (0..3)
        .map(|i| Visit {
            at: Duration::from_secs(300 * i),
            inform: inform("1", &[("2 PERIODIC", "")], &interval),
            cpe_requests: vec![],
            acs_requests: vec![],
        })
        .collect();
    let pcap = capture("follow-periodic", &visits);
    let rows = fields_opts(
        &pcap,
        "cwmp.method == \"Inform\"",
        &["frame.number", "cwmp.periodic.interval"],
        &[],
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1], "");
    for r in &rows[1..] {
        let secs: f64 = r[1].parse().expect("interval");
        assert!((299.0..302.0).contains(&secs), "{rows:?}");
    }
    let drift = fields_opts(
        &pcap,
        "cwmp.expert.periodic_drift",
        &["_ws.expert.message"],
        &[],
    );
    assert_eq!(drift.len(), 2, "{drift:?}");
    assert!(
        drift[0][0].contains("PeriodicInformInterval is 86400 s"),
        "{drift:?}"
    );
}

#[test]
fn the_same_set_in_three_sessions_is_a_loop_and_polling_is_not() {
    let spv = |id: &str, pk: &str| {
        msg(
            id,
            &format!(
                "<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
                 <ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name><Value xsi:type=\"xsd:string\">home</Value>\
                 </ParameterValueStruct></ParameterList><ParameterKey>{pk}</ParameterKey></cwmp:SetParameterValues>"
            ),
        )
    };
    let spv_response = |id: &str| {
        msg(
            id,
            "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>",
        )
    };
    let gpv = |id: &str| {
        msg(
            id,
            "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[1]\">\
             <string>Device.DeviceInfo.UpTime</string></ParameterNames></cwmp:GetParameterValues>",
        )
    };
    let gpv_response = |id: &str| {
        msg(
            id,
            "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\">\
             <ParameterValueStruct><Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">43</Value>\
             </ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>",
        )
    };
    let visits: Vec<Visit> = (0..3)
        .map(|i| Visit {
            at: Duration::from_secs(600 * i),
            inform: inform("1", &[("2 PERIODIC", "")], &[]),
            cpe_requests: vec![],
            acs_requests: vec![
                (gpv("g"), gpv_response("g")),
                // A new ParameterKey each time: still the same request.
                (spv("s", &format!("pk-{i}")), spv_response("s")),
            ],
        })
        .collect();
    let pcap = capture("follow-loop", &visits);
    let rows = fields_opts(
        &pcap,
        "cwmp.expert.rpc_loop",
        &["cwmp.method", "_ws.expert.message"],
        &["-2"],
    );
    assert_eq!(rows.len(), 1, "only the third SetParameterValues: {rows:?}");
    assert_eq!(rows[0][0], "SetParameterValues");
    assert!(rows[0][1].contains("3 consecutive sessions"), "{rows:?}");
}

/// An Inform of another device, to keep the capture going.
fn other_device_inform() -> Vec<u8> {
    inform("1", &[("2 PERIODIC", "")], &[]).replace_serial("SN-OTHER")
}

trait ReplaceSerial {
    fn replace_serial(self, serial: &str) -> Vec<u8>;
}

impl ReplaceSerial for Vec<u8> {
    fn replace_serial(self, serial: &str) -> Vec<u8> {
        String::from_utf8(self)
            .expect("utf-8")
            .replace(SERIAL, serial)
            .into_bytes()
    }
}

/// A whole session (Inform, empty POST, 204) of a device at `cpe` on a new connection.
fn session(cap: &mut Capture, cpe: &str, inform: Vec<u8>) {
    let o = Opts::default();
    let mut flow = cap.tcp_flow(addr(cpe), addr(ACS));
    let ex = [
        (post(&inform, &o), answer(&inform_response("1"), &o)),
        (post(b"", &o), answer(b"", &o)),
    ];
    Session::new().run(cap, &mut flow, &ex);
    cap.close(&mut flow);
}

#[test]
fn connection_requests_are_linked_to_the_inform_they_cause_or_flagged() {
    let mut cap = Capture::new();
    let cr_url = [(
        "Device.ManagementServer.ConnectionRequestURL",
        "http://192.0.2.10:7547/cr-7f3a",
    )];
    session(
        &mut cap,
        "192.0.2.10:50000",
        inform("1", &[("1 BOOT", "")], &cr_url),
    );
    cap.advance(Duration::from_secs(10));
    // TCP: challenged, then answered 200 with credentials; the Inform comes 2 s later.
    connection_request_with_digest_round(&mut cap);
    cap.advance(Duration::from_secs(2));
    session(
        &mut cap,
        "192.0.2.10:50001",
        inform("1", &[("6 CONNECTION REQUEST", "")], &[]),
    );
    // UDP (Annex G) to the device, sent twice; the device stays silent while another device talks
    // for 45 s.
    cap.advance(Duration::from_secs(5));
    for _ in 0..2 {
        cap.udp(
            addr("198.51.100.1:5000"),
            addr("192.0.2.10:7547"),
            b"GET http://192.0.2.10:7547?ts=1714557600&id=77&un=cr&cn=abc&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\nHost: 192.0.2.10:7547\r\n\r\n",
        );
        cap.advance(Duration::from_millis(100));
    }
    for i in 0..3 {
        cap.advance(Duration::from_secs(15));
        session(
            &mut cap,
            &format!("192.0.2.99:{}", 51000 + i),
            other_device_inform(),
        );
    }
    // A connection request at the very end of the capture: not judged.
    cap.udp(
        addr("198.51.100.1:5000"),
        addr("192.0.2.10:7547"),
        b"GET http://192.0.2.10:7547?ts=1714557700&id=78&un=cr&cn=abd&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\nHost: 192.0.2.10:7547\r\n\r\n",
    );
    let pcap = write_capture(&cap, "follow-connreq");

    let cols = [
        "frame.number",
        "cwmp.http_event",
        "http.response.code",
        "cwmp.connreq.inform_in",
        "cwmp.connreq.latency",
        "cwmp.connreq.request_in",
        "cwmp.method",
    ];
    let rows = fields_opts(&pcap, "cwmp", &cols, &["-2"]);
    let inform_cr = rows
        .iter()
        .find(|r| r[6] == "Inform" && !r[5].is_empty())
        .unwrap_or_else(|| panic!("no linked Inform in {rows:#?}"));
    // The GET that succeeded is the request: the CPE's 200 comes right after it.
    let get_frame: u32 = inform_cr[5].parse().expect("request_in");
    let answer = rows
        .iter()
        .find(|r| r[1] == "8" && r[2] == "200")
        .unwrap_or_else(|| panic!("no 200 answer in {rows:#?}"));
    assert!(answer[0].parse::<u32>().unwrap() > get_frame);
    assert_eq!(
        answer[3], inform_cr[0],
        "the answer links to the Inform too"
    );
    let get = rows
        .iter()
        .find(|r| r[0] == get_frame.to_string())
        .expect("GET row");
    assert_eq!(get[1], "7", "a connection request: {get:?}");
    assert_eq!(get[3], inform_cr[0]);
    let latency: f64 = inform_cr[4].parse().expect("latency");
    assert!((1.9..2.2).contains(&latency), "latency {latency}");
    // The challenged GET links to its challenge only.
    let challenged = rows
        .iter()
        .find(|r| r[1] == "7" && r[0] != get_frame.to_string())
        .expect("challenged GET");
    assert_eq!(challenged[3], "");

    // UDP: both copies flagged; the one at the end of the capture is not, and says why.
    let flagged = fields_opts(
        &pcap,
        "cwmp.expert.connreq_unanswered",
        &["frame.number", "cwmp.udp_cr.id"],
        &["-2"],
    );
    let ids: Vec<&str> = flagged.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ids, ["77", "77"], "{flagged:?}");
    let last = fields_opts(
        &pcap,
        "cwmp.udp_cr.id == \"78\"",
        &["cwmp.connreq.undecided", "cwmp.expert.connreq_unanswered"],
        &["-2"],
    );
    assert_eq!(last.len(), 1);
    assert!(last[0][0].contains("capture ends"), "{last:?}");
    // One pass decides nothing forward-looking.
    assert!(fields_opts(
        &pcap,
        "cwmp.expert.connreq_unanswered",
        &["frame.number"],
        &[]
    )
    .is_empty());
}

#[test]
fn the_device_table_is_tab_separated_with_a_header() {
    let interval = [("Device.ManagementServer.PeriodicInformInterval", "300")];
    let pcap = capture(
        "follow-devices",
        &[
            Visit {
                at: Duration::ZERO,
                inform: inform("1", &[("1 BOOT", ""), ("2 PERIODIC", "")], &interval),
                cpe_requests: vec![],
                acs_requests: vec![(download("d1", "fw-77"), download_response("d1"))],
            },
            Visit {
                at: Duration::from_secs(300),
                inform: inform(
                    "1",
                    &[
                        ("2 PERIODIC", ""),
                        ("7 TRANSFER COMPLETE", ""),
                        ("M Download", "fw-77"),
                    ],
                    &[],
                ),
                cpe_requests: vec![(
                    transfer_complete("t1", "fw-77", 0, ""),
                    msg("t1", "<cwmp:TransferCompleteResponse/>"),
                )],
                acs_requests: vec![(download("d2", "fw-78"), download_response("d2"))],
            },
        ],
    );
    for passes in [&[][..], &["-2"][..]] {
        let mut args = vec!["-r", pcap.to_str().unwrap(), "-q", "-z", "cwmp,devices"];
        args.extend_from_slice(passes);
        let out = tshark(&args);
        let lines: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines[0],
            "device\tsessions\tfirst_seen\tlast_seen\tevents\tfaults\ttransfers\tconnreqs_answered\tconnreqs_unanswered\tperiodic_interval",
            "{out}"
        );
        assert_eq!(lines.len(), 2, "{out}");
        let cells: Vec<&str> = lines[1].split('\t').collect();
        assert_eq!(cells.len(), 10, "{cells:?}");
        assert_eq!(cells[0], format!("00AB12-GW100-{SERIAL}"));
        assert_eq!(cells[1], "2");
        assert!(cells[2].ends_with('Z') && cells[3] > cells[2], "{cells:?}");
        assert_eq!(
            cells[4],
            "1 BOOT=1, 2 PERIODIC=2, 7 TRANSFER COMPLETE=1, M Download=1"
        );
        assert_eq!(cells[5], "0");
        assert_eq!(cells[6], "1 ok, 0 failed, 1 open");
        assert_eq!((cells[7], cells[8]), ("0", "0"));
        let iv: f64 = cells[9].parse().expect("interval");
        assert!((299.0..302.0).contains(&iv), "{cells:?}");
    }
}

#[test]
fn the_file_fetch_is_linked_and_its_outcome_named_in_the_failure() {
    let visits = [
        Visit {
            at: Duration::ZERO,
            inform: inform("1", &[("1 BOOT", "")], &[]),
            cpe_requests: vec![],
            acs_requests: vec![(download("d1", "fw-77"), download_response("d1"))],
        },
        Visit {
            at: Duration::from_secs(120),
            inform: inform(
                "1",
                &[("7 TRANSFER COMPLETE", ""), ("M Download", "fw-77")],
                &[],
            ),
            cpe_requests: vec![(
                transfer_complete("t1", "fw-77", 9010, "Download failure"),
                msg("t1", "<cwmp:TransferCompleteResponse/>"),
            )],
            acs_requests: vec![],
        },
    ];
    // After the first session the CPE asks the file server for the file: 401, then 404 with
    // credentials.
    let pcap = capture_with("follow-fetch", &visits, |i, cap| {
        if i != 0 {
            return;
        }
        cap.advance(Duration::from_secs(2));
        let mut f = cap.tcp_flow(addr("192.0.2.10:50100"), addr("203.0.113.5:80"));
        let get = |auth: bool| {
            let r = Request::get("/fw-77.bin").header("Host", "files.example");
            if auth {
                r.header("Authorization", "Basic Znc6Znc=")
            } else {
                r
            }
        };
        Session::new().run(
            cap,
            &mut f,
            &[
                (
                    get(false),
                    Response::new(401, "Unauthorized")
                        .header("WWW-Authenticate", "Basic realm=\"files\"")
                        .header("Content-Length", "0"),
                ),
                (
                    get(true),
                    Response::new(404, "Not Found").header("Content-Length", "0"),
                ),
            ],
        );
        cap.close(&mut f);
    });
    let on = ["-2", "-o", "cwmp.follow_file_fetch:TRUE"];
    let rows = fields_opts(
        &pcap,
        "cwmp.method or http.request",
        &[
            "frame.number",
            "cwmp.method",
            "cwmp.transfer.fetch_in",
            "cwmp.transfer.fetch_status",
            "cwmp.transfer.complete_in",
            "cwmp.transfer.request_in",
            "http.request.line",
        ],
        &on,
    );
    let gets: Vec<&Vec<String>> = rows.iter().filter(|r| r[1].is_empty()).collect();
    let retry = gets
        .iter()
        .find(|r| r[6].contains("Authorization"))
        .unwrap_or_else(|| panic!("no retried GET in {rows:#?}"));
    let dl = rows.iter().find(|r| r[1] == "Download").expect("Download");
    let tc = rows
        .iter()
        .find(|r| r[1] == "TransferComplete")
        .expect("TransferComplete");
    assert_eq!(
        dl[2], retry[0],
        "the fetch is the GET with credentials: {rows:#?}"
    );
    assert_eq!(dl[3], "404");
    assert_eq!(dl[4], tc[0]);
    assert_eq!(tc[5], dl[0]);
    assert_eq!(tc[2], retry[0]);
    let experts = fields_opts(
        &pcap,
        "cwmp.expert.transfer_failed",
        &["_ws.expert.message"],
        &on,
    );
    let want = format!(
        "Download failed: 9010 Download failure; the file server answered HTTP 404 in frame {}",
        retry[0]
    );
    assert!(experts[0][0].contains(&want), "{experts:?}");
    // Off by default: no fetch link.
    let off = fields_opts(&pcap, "cwmp.transfer.fetch_in", &["frame.number"], &["-2"]);
    assert!(off.is_empty(), "{off:?}");
}

#[test]
fn an_ftp_upload_is_linked_to_its_stor_and_reply() {
    let upload = msg(
        "u1",
        "<cwmp:Upload><CommandKey>log-1</CommandKey><FileType>2 Vendor Log File</FileType>\
         <URL>ftp://ftp.example/up/log.tgz</URL><Username>u</Username><Password>p</Password>\
         <DelaySeconds>0</DelaySeconds></cwmp:Upload>",
    );
    let upload_response = msg(
        "u1",
        "<cwmp:UploadResponse><Status>1</Status><StartTime>0001-01-01T00:00:00Z</StartTime>\
         <CompleteTime>0001-01-01T00:00:00Z</CompleteTime></cwmp:UploadResponse>",
    );
    let visits = [
        Visit {
            at: Duration::ZERO,
            inform: inform("1", &[("1 BOOT", "")], &[]),
            cpe_requests: vec![],
            acs_requests: vec![(upload, upload_response)],
        },
        Visit {
            at: Duration::from_secs(60),
            inform: inform(
                "1",
                &[("7 TRANSFER COMPLETE", ""), ("M Upload", "log-1")],
                &[],
            ),
            cpe_requests: vec![(
                transfer_complete("t1", "log-1", 9011, "Upload failure"),
                msg("t1", "<cwmp:TransferCompleteResponse/>"),
            )],
            acs_requests: vec![],
        },
    ];
    let pcap = capture_with("follow-ftp", &visits, |i, cap| {
        if i != 0 {
            return;
        }
        cap.advance(Duration::from_secs(2));
        let mut f = cap.tcp_flow(addr("192.0.2.10:50200"), addr("203.0.113.5:21"));
        for (dir, line) in [
            (Dir::ServerToClient, "220 ready\r\n"),
            (Dir::ClientToServer, "USER u\r\n"),
            (Dir::ServerToClient, "331 password\r\n"),
            (Dir::ClientToServer, "PASS p\r\n"),
            (Dir::ServerToClient, "230 logged in\r\n"),
            (Dir::ClientToServer, "STOR log.tgz\r\n"),
            (Dir::ServerToClient, "150 opening data connection\r\n"),
            (Dir::ServerToClient, "553 file name not allowed\r\n"),
        ] {
            cap.send(&mut f, dir, line.as_bytes());
            cap.advance(Duration::from_millis(10));
        }
        cap.close(&mut f);
    });
    let on = ["-2", "-o", "cwmp.follow_file_fetch:TRUE"];
    let stor = fields_opts(
        &pcap,
        "ftp.request.command == \"STOR\"",
        &["frame.number"],
        &on,
    );
    assert_eq!(stor.len(), 1, "{stor:?}");
    let rows = fields_opts(
        &pcap,
        "cwmp.method == \"Upload\"",
        &["cwmp.transfer.fetch_in", "cwmp.transfer.fetch_status"],
        &on,
    );
    assert_eq!(rows, vec![vec![stor[0][0].clone(), "553".to_owned()]]);
    let experts = fields_opts(
        &pcap,
        "cwmp.expert.transfer_failed",
        &["_ws.expert.message"],
        &on,
    );
    assert!(
        experts[0][0].contains(&format!(
            "the FTP server replied 553 in frame {}",
            stor[0][0]
        )),
        "{experts:?}"
    );
}
