// SPDX-License-Identifier: GPL-2.0-or-later
//! HTTP authentication verified against the `cwmp_credentials` table, and the ACS's session cookie
//! followed, through the real tshark on one generated capture (issue 15's "Done when" list):
//!
//! | Connection | Who | What happens |
//! |---|---|---|
//! | CR  | ACS → 192.0.2.10:7547 | connection request: 401 Digest, GET with the right answer (`acs-cr`) |
//! | A   | 192.0.2.10 (`cpe-0042`) | Inform, 401 Digest qop=auth, Inform with the right answer, cookie set and returned |
//! | B   | 192.0.2.11 (`cpe-0043`) | Inform, then wrong-password answers: three 401s in a row (auth loop) |
//! | C   | 192.0.2.12 (`cpe-0044`) | Basic, right, over plain HTTP; the cookie set by the ACS is dropped |
//! | D   | 192.0.2.13 (`stranger`) | Digest from a user without a record |
//! | E   | 192.0.2.14 (`cpe-0042`) | Digest with a nonce that is not the challenge's |
//! | F   | 192.0.2.15 (`cpe-0042`) | Digest with another realm than the challenge's |

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use cwmp_capgen::{Capture, Request, Response, Session};
use md5::{Digest, Md5};

const ACS_IP: &str = "198.51.100.1";

fn md5_hex(parts: &[&str]) -> String {
    format!("{:x}", Md5::digest(parts.join(":").as_bytes()))
}

/// A Digest MD5 answer with qop=auth (RFC 7616 3.4.1).
fn digest(user: &str, realm: &str, password: &str, method: &str, uri: &str, nonce: &str) -> String {
    let ha1 = md5_hex(&[user, realm, password]);
    let ha2 = md5_hex(&[method, uri]);
    let response = md5_hex(&[&ha1, nonce, "00000001", "c0ffee", "auth", &ha2]);
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         qop=auth, nc=00000001, cnonce=\"c0ffee\", response=\"{response}\""
    )
}

fn challenge(realm: &str, nonce: &str) -> Response {
    Response::new(401, "Unauthorized").header(
        "WWW-Authenticate",
        format!("Digest realm=\"{realm}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=MD5"),
    )
}

fn inform(serial: &str) -> Vec<u8> {
    envelope(
        &id_header("1"),
        &format!(
            "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00AB12</OUI>\
             <ProductClass>GW100</ProductClass><SerialNumber>{serial}</SerialNumber></DeviceId>\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[1]\"><EventStruct><EventCode>1 BOOT</EventCode>\
             <CommandKey></CommandKey></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount>\
             <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[0]\"></ParameterList>\
             </cwmp:Inform>"
        ),
    )
}

fn inform_response() -> Vec<u8> {
    envelope(
        &id_header("1"),
        "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
    )
}

/// The Digest passwords of the table (the leak test looks for them in every output).
const DIGEST_RECORDS: &[(&str, &str)] = &[
    ("cpe-0042", "s3cret-0042"),
    ("cpe-0043", "s3cret-0043"),
    ("acs-cr", "s3cret-cr"),
];

/// `-o uat:cwmp_credentials:...` for the Digest records, and the Basic one when `basic`.
fn creds_args(basic: bool) -> Vec<String> {
    let mut out = Vec::new();
    let basic_rec = [("cpe-0044", "basic-0044")];
    let extra: &[(&str, &str)] = if basic { &basic_rec } else { &[] };
    for (u, p) in DIGEST_RECORDS.iter().chain(extra) {
        out.push("-o".to_owned());
        out.push(format!("uat:cwmp_credentials:\"{u}\",\"{p}\""));
    }
    out
}

fn capture() -> &'static PathBuf {
    static PCAP: OnceLock<PathBuf> = OnceLock::new();
    PCAP.get_or_init(build_capture)
}

fn build_capture() -> PathBuf {
    let mut cap = Capture::new();
    let o = Opts::default();
    // The connection request: the CPE challenges, the ACS answers right.
    let mut cr = cap.tcp_flow(addr("198.51.100.1:40000"), addr("192.0.2.10:7547"));
    let get = Request::get("/cr-7f3a").header("Host", "192.0.2.10:7547");
    Session::new().run(
        &mut cap,
        &mut cr,
        &[
            (get.clone(), challenge("cpe", "cr-nonce")),
            (
                get.header(
                    "Authorization",
                    digest("acs-cr", "cpe", "s3cret-cr", "GET", "/cr-7f3a", "cr-nonce"),
                ),
                Response::new(200, "OK").header("Content-Length", "0"),
            ),
        ],
    );
    cap.close(&mut cr);

    // A CPE session: challenge, right answer, cookie set and returned.
    let session = |cap: &mut Capture,
                   ip: &str,
                   serial: &str,
                   steps: &[(Option<String>, Option<&str>, Response)]| {
        let o = Opts {
            cpe: addr(&format!("{ip}:50000")),
            ..o.clone()
        };
        let mut s = cap.tcp_flow(o.cpe, o.acs);
        let exchanges: Vec<(Request, Response)> = steps
            .iter()
            .map(|(auth, cookie, resp)| {
                let body = if resp.to_bytes().starts_with(b"HTTP/1.1 204") {
                    Vec::new()
                } else {
                    inform(serial)
                };
                let mut r = post(&body, &o);
                if let Some(a) = auth {
                    r = r.header("Authorization", a.clone());
                }
                if let Some(c) = cookie {
                    r = r.header("Cookie", *c);
                }
                (r, resp.clone())
            })
            .collect();
        Session::new().run(cap, &mut s, &exchanges);
        cap.close(&mut s);
    };
    let ok = |cookie: Option<&str>| {
        let r = answer(&inform_response(), &o);
        match cookie {
            Some(c) => r.header("Set-Cookie", c),
            None => r,
        }
    };
    let right = |user: &str, pw: &str, nonce: &str| digest(user, "acs", pw, "POST", "/cwmp", nonce);
    // A: right Digest, the cookie comes back on the empty POST.
    session(
        &mut cap,
        "192.0.2.10",
        "A1",
        &[
            (None, None, challenge("acs", "nonce-a")),
            (
                Some(right("cpe-0042", "s3cret-0042", "nonce-a")),
                None,
                ok(Some("JSESSIONID=s-a; Path=/")),
            ),
            (
                Some(right("cpe-0042", "s3cret-0042", "nonce-a")),
                Some("JSESSIONID=s-a"),
                Response::new(204, "No Content"),
            ),
        ],
    );
    // B: wrong password, three challenges in a row.
    session(
        &mut cap,
        "192.0.2.11",
        "B1",
        &[
            (None, None, challenge("acs", "nonce-b1")),
            (
                Some(right("cpe-0043", "not-it", "nonce-b1")),
                None,
                challenge("acs", "nonce-b2"),
            ),
            (
                Some(right("cpe-0043", "not-it", "nonce-b2")),
                None,
                challenge("acs", "nonce-b3"),
            ),
        ],
    );
    // C: Basic over plain HTTP, right; the cookie is dropped on the empty POST.
    session(
        &mut cap,
        "192.0.2.12",
        "C1",
        &[
            (
                Some("Basic Y3BlLTAwNDQ6YmFzaWMtMDA0NA==".to_owned()),
                None,
                ok(Some("sid=c-1")),
            ),
            (None, None, Response::new(204, "No Content")),
        ],
    );
    // D: a user without a record.
    session(
        &mut cap,
        "192.0.2.13",
        "D1",
        &[
            (None, None, challenge("acs", "nonce-d")),
            (
                Some(right("stranger", "whatever", "nonce-d")),
                None,
                ok(None),
            ),
        ],
    );
    // E: a nonce that is not the challenge's.
    session(
        &mut cap,
        "192.0.2.14",
        "E1",
        &[
            (None, None, challenge("acs", "nonce-e")),
            (
                Some(right("cpe-0042", "s3cret-0042", "nonce-old")),
                None,
                ok(None),
            ),
        ],
    );
    // F: another realm than the challenge's.
    session(
        &mut cap,
        "192.0.2.15",
        "F1",
        &[
            (None, None, challenge("acs", "nonce-f")),
            (
                Some(digest(
                    "cpe-0042",
                    "elsewhere",
                    "s3cret-0042",
                    "POST",
                    "/cwmp",
                    "nonce-f",
                )),
                None,
                ok(None),
            ),
        ],
    );
    write_capture(&cap, "auth")
}

/// `ip.src`, `cwmp.auth.username`, `cwmp.auth.valid`, `cwmp.auth.verdict` of every checked answer.
/// Booleans as tshark 4.0 prints them (4.4 and later print True/False).
fn verdicts(extra: &[String]) -> Vec<Vec<String>> {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let mut rows = verdict_rows(&extra);
    for r in &mut rows {
        match r[2].as_str() {
            "True" => r[2] = "1".to_owned(),
            "False" => r[2] = "0".to_owned(),
            _ => {}
        }
    }
    rows
}

fn verdict_rows(extra: &[&str]) -> Vec<Vec<String>> {
    fields_opts(
        capture(),
        "cwmp.auth.username",
        &[
            "ip.src",
            "cwmp.auth.username",
            "cwmp.auth.valid",
            "cwmp.auth.verdict",
            "cwmp.auth.scheme",
            "cwmp.auth.challenge_in",
        ],
        extra,
    )
}

fn row<'a>(rows: &'a [Vec<String>], ip: &str) -> Vec<&'a Vec<String>> {
    rows.iter().filter(|r| r[0] == ip).collect()
}

#[test]
fn verdicts_with_known_passwords() {
    let rows = verdicts(&creds_args(true));
    // The connection request: the ACS's answer is right, and names the 401 it answers.
    let cr = row(&rows, ACS_IP);
    assert_eq!(cr.len(), 1, "{rows:?}");
    assert_eq!(cr[0][2], "1");
    assert_eq!(cr[0][4], "2");
    let challenge_frame = cr[0][5].clone();
    let code = fields(
        capture(),
        &format!("frame.number == {challenge_frame}"),
        &["http.response.code"],
    );
    assert_eq!(code, vec![vec!["401".to_owned()]]);
    // A: right on the Inform and on the empty POST.
    let a = row(&rows, "192.0.2.10");
    assert_eq!(a.len(), 2, "{rows:?}");
    assert!(a.iter().all(|r| r[2] == "1" && r[3] == "1"), "{a:?}");
    // B: wrong password.
    let b = row(&rows, "192.0.2.11");
    assert_eq!(b.len(), 2, "{rows:?}");
    assert!(b.iter().all(|r| r[2] == "0" && r[3] == "2"), "{b:?}");
    // C: Basic, right.
    let c = row(&rows, "192.0.2.12");
    assert_eq!(c.len(), 1, "{rows:?}");
    assert_eq!((c[0][2].as_str(), c[0][4].as_str()), ("1", "1"));
    // D: a user without a record: the user is shown, no verdict.
    let d = row(&rows, "192.0.2.13");
    assert_eq!(d.len(), 1, "{rows:?}");
    assert_eq!(
        (d[0][1].as_str(), d[0][2].as_str(), d[0][3].as_str()),
        ("stranger", "", "")
    );
    // E: nonce not from the challenge; F: realm differs.
    let e = row(&rows, "192.0.2.14");
    assert_eq!((e[0][2].as_str(), e[0][3].as_str()), ("0", "4"), "{e:?}");
    let f = row(&rows, "192.0.2.15");
    assert_eq!((f[0][2].as_str(), f[0][3].as_str()), ("0", "3"), "{f:?}");
}

#[test]
fn experts_name_the_reason_and_spare_unknown_users() {
    let extra = creds_args(true);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let rows = fields_opts(
        capture(),
        "cwmp.expert.auth_failed",
        &["ip.src", "_ws.expert.message"],
        &extra,
    );
    let texts: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert!(texts
        .iter()
        .filter(|t| t.0 == "192.0.2.11")
        .all(|t| t.1.contains("wrong password")));
    assert!(texts
        .iter()
        .any(|t| t.0 == "192.0.2.14" && t.1.contains("nonce not from the challenge")));
    assert!(texts
        .iter()
        .any(|t| t.0 == "192.0.2.15" && t.1.contains("realm differs")));
    // No warning at all on the unknown user's messages.
    let d = fields_opts(
        capture(),
        "ip.addr == 192.0.2.13 && _ws.expert.severity >= 6291456",
        &["frame.number"],
        &extra,
    );
    assert!(d.is_empty(), "{d:?}");
    // The loop: the third 401 in a row to 192.0.2.11 (always checked, credentials or not).
    for extra in [extra.clone(), Vec::new()] {
        let rows = fields_opts(capture(), "cwmp.expert.auth_loop", &["ip.dst"], &extra);
        assert_eq!(rows, vec![vec!["192.0.2.11".to_owned()]]);
    }
    // Basic over plain HTTP.
    let rows = fields_opts(
        capture(),
        "cwmp.expert.basic_cleartext",
        &["ip.src"],
        &extra,
    );
    assert_eq!(rows, vec![vec!["192.0.2.12".to_owned()]]);
}

#[test]
fn dropped_cookie() {
    let extra = ["-o", "cwmp.http_checks:TRUE"];
    let rows = fields_opts(
        capture(),
        "cwmp.expert.cookie_not_returned",
        &["ip.src", "_ws.expert.message"],
        &extra,
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], "192.0.2.12");
    assert!(rows[0][1].contains("sid"), "{rows:?}");
    // The cookie's name on the messages that set it and return it (A: set, returned; C: set).
    let rows = fields_opts(capture(), "cwmp.cookie", &["ip.src", "cwmp.cookie"], &extra);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ACS_IP, "JSESSIONID"),
            ("192.0.2.10", "JSESSIONID"),
            (ACS_IP, "sid"),
        ]
    );
}

#[test]
fn nothing_without_credentials_or_checks() {
    let rows = verdicts(&[]);
    assert!(rows.is_empty(), "{rows:?}");
    for filter in [
        "cwmp.auth",
        "cwmp.cookie",
        "cwmp.expert.basic_cleartext",
        "cwmp.expert.cookie_not_returned",
        "cwmp.expert.auth_failed",
    ] {
        assert!(
            fields(capture(), filter, &["frame.number"]).is_empty(),
            "{filter}"
        );
    }
    // The header checks alone show users and schemes, never a verdict.
    let extra = ["-o".to_owned(), "cwmp.http_checks:TRUE".to_owned()];
    let rows = verdicts(&extra);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r[2].is_empty() && r[3].is_empty()),
        "{rows:?}"
    );
}

#[test]
fn configured_passwords_never_shown() {
    let pcap = capture().to_string_lossy().into_owned();
    let creds = creds_args(false);
    let export = scratch_root().join("auth-export");
    let _ = std::fs::create_dir_all(&export);
    let _ = std::process::Command::new("chmod")
        .arg("a+rwx")
        .arg(&export)
        .status();
    let export_arg = format!("cwmp,{}", export.display());
    let runs: Vec<Vec<&str>> = vec![
        vec!["-V"],
        vec!["-T", "json"],
        vec!["-q", "-z", "cwmp,tree"],
        vec!["-q", "-z", "cwmp,devices"],
        vec!["-q", "-z", "cwmp,changes"],
        vec!["-q", "--export-objects", &export_arg],
    ];
    for run in runs {
        let mut args: Vec<&str> = vec!["-n", "-2", "-r", &pcap];
        args.extend(creds.iter().map(String::as_str));
        args.extend(run.iter().copied());
        let (out, err, ok) = tshark_raw(&args, true);
        assert!(ok, "{run:?}: {err}");
        for (_, pw) in DIGEST_RECORDS {
            assert!(!out.contains(pw), "{run:?} shows a password");
            assert!(!err.contains(pw), "{run:?} logs a password");
        }
    }
    for entry in std::fs::read_dir(&export).expect("export folder").flatten() {
        let data = std::fs::read(entry.path()).unwrap_or_default();
        let text = String::from_utf8_lossy(&data);
        for (_, pw) in DIGEST_RECORDS {
            assert!(
                !text.contains(pw),
                "{} holds a password",
                entry.path().display()
            );
        }
    }
    // -G: the registered fields, experts and preferences.
    for report in ["fields", "expert", "currentprefs", "defaultprefs"] {
        let mut args: Vec<&str> = creds.iter().map(String::as_str).collect();
        args.extend(["-G", report]);
        let (out, _, _) = tshark_raw(&args, true);
        for (_, pw) in DIGEST_RECORDS {
            assert!(!out.contains(pw), "-G {report} shows a password");
        }
    }
}

fn hmac_sha1_hex(key: &str, text: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(text.as_bytes());
    format!("{:x}", mac.finalize().into_bytes())
}

#[test]
fn the_table_feeds_the_udp_signature_checks() {
    let ts = 1_714_557_600u64;
    let sig = hmac_sha1_hex("cr-pw", &format!("{ts}1001cruser9f2c4a"));
    let cr = format!(
        "GET http://203.0.113.7:7547?ts={ts}&id=1001&un=cruser&cn=9f2c4a&sig={sig} HTTP/1.1\r\n\
         Host: 203.0.113.7:7547\r\n\r\n"
    );
    let body = "<Notification xmlns=\"urn:broadband-forum-org:cwmp:lwnotif-1-0\">\
                <TS>1714557600</TS><UN>acsuser</UN><CN>c0ffee</CN><OUI>00AB12</OUI>\
                <ProductClass>GW100</ProductClass><SerialNumber>SN0001</SerialNumber></Notification>";
    let lwn = format!(
        "POST / HTTP/1.1\r\nHost: 198.51.100.1:7547\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\nSignature: {}\r\n\r\n{body}",
        body.len(),
        hmac_sha1_hex("acs-pw", body)
    );
    let mut cap = Capture::new();
    cap.udp(
        addr("198.51.100.1:5000"),
        addr("203.0.113.7:7547"),
        cr.as_bytes(),
    );
    cap.udp(
        addr("192.0.2.10:50123"),
        addr("198.51.100.1:7547"),
        lwn.as_bytes(),
    );
    let pcap = write_capture(&cap, "auth-udp");
    let status = |extra: &[&str]| -> Vec<String> {
        fields_opts(&pcap, "cwmp", &["cwmp.udp_cr.sig_status"], extra)
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    // The records of the users named in the datagrams check them; the preferences are the fallback
    // for users without a record.
    let table = [
        "-o",
        "uat:cwmp_credentials:\"cruser\",\"cr-pw\"",
        "-o",
        "uat:cwmp_credentials:\"acsuser\",\"acs-pw\"",
        "-o",
        "cwmp.connection_request_password:wrong",
        "-o",
        "cwmp.acs_password:wrong",
    ];
    assert_eq!(status(&table), ["1", "1"]);
    let others = [
        "-o",
        "uat:cwmp_credentials:\"someone\",\"else\"",
        "-o",
        "cwmp.connection_request_password:cr-pw",
        "-o",
        "cwmp.acs_password:wrong",
    ];
    assert_eq!(status(&others), ["1", "2"]);
}
