// SPDX-License-Identifier: GPL-2.0-or-later
//! End-to-end checks: captures built by this crate must be read by the real
//! tshark exactly as intended (valid checksums, TCP reassembly, HTTP framing
//! and decoding). Every test here needs tshark and fails when it cannot run:
//! install it with `scripts/install-deps.sh`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use cwmp_capgen::{Capture, Coding, Request, Response, Session};

/// A scratch directory unique to this test process and test name.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("cwmp-capgen-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Fails the test when tshark cannot run: these checks are the point of this file, and a test that
/// passes without running them would hide a machine that cannot check the captures.
fn require_tshark() {
    let out = Command::new("tshark").arg("--version").output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "tshark --version failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("tshark not found ({e}): install it (scripts/install-deps.sh)"),
    }
}

/// Runs tshark over `file` and returns its stdout lines.
fn tshark(file: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("running tshark");
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn inform() -> String {
    let params: String = (0..200)
        .map(|i| format!("<P><Name>Device.X.{i}</Name><Value>{}</Value></P>", i * 31))
        .collect();
    format!("<soap:Envelope><Inform>{params}</Inform></soap:Envelope>")
}

/// A CWMP-like session: Inform → InformResponse, empty POST → 204.
fn session_capture(client: &str, server: &str, coding: Coding, segment: usize) -> Capture {
    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(client.parse().unwrap(), server.parse().unwrap());
    let req = Request::post("/cwmp")
        .header("Host", "acs.example")
        .header("Content-Type", "text/xml")
        .body(inform())
        .coding(coding);
    let resp = Response::new(200, "OK")
        .header("Content-Type", "text/xml")
        .body("<soap:Envelope><InformResponse/></soap:Envelope>")
        .coding(coding);
    Session::new().segment(segment).run(
        &mut cap,
        &mut flow,
        &[
            (req, resp),
            (Request::post("/cwmp"), Response::no_content()),
        ],
    );
    cap.close(&mut flow);
    cap
}

#[test]
fn deterministic() {
    let a = session_capture("192.0.2.10:50000", "198.51.100.1:7547", Coding::Gzip, 100);
    let b = session_capture("192.0.2.10:50000", "198.51.100.1:7547", Coding::Gzip, 100);
    assert_eq!(a.bytes(), b.bytes());
    let c = session_capture(
        "192.0.2.10:50000",
        "198.51.100.1:7547",
        Coding::Identity,
        100,
    );
    assert_ne!(a.bytes(), c.bytes());
}

#[test]
fn tshark_sees_post_200_and_204() {
    require_tshark();
    let dir = TempDir::new("methods");
    for (name, client, server) in [
        ("v4", "192.0.2.10:50000", "198.51.100.1:8080"),
        ("v6", "[2001:db8::10]:50000", "[2001:db8::1]:8080"),
    ] {
        let file = dir.0.join(format!("{name}.pcap"));
        session_capture(client, server, Coding::Identity, 1460)
            .write(&file)
            .unwrap();
        let lines = tshark(
            &file,
            &[
                "-Y",
                "http",
                "-T",
                "fields",
                "-e",
                "http.request.method",
                "-e",
                "http.response.code",
            ],
        );
        assert_eq!(lines, ["POST\t", "\t200", "POST\t", "\t204"], "{name}");
    }
}

#[test]
fn tshark_validates_checksums() {
    require_tshark();
    let dir = TempDir::new("checksums");
    for (name, client, server) in [
        ("v4", "192.0.2.10:50000", "198.51.100.1:7547"),
        ("v6", "[2001:db8::10]:50000", "[2001:db8::1]:7547"),
    ] {
        let mut cap = session_capture(client, server, Coding::Chunked { chunk: 50 }, 99);
        // Odd and even UDP payload lengths exercise the checksum padding.
        cap.udp(server.parse().unwrap(), client.parse().unwrap(), b"odd");
        cap.udp(server.parse().unwrap(), client.parse().unwrap(), b"even");
        let file = dir.0.join(format!("{name}.pcap"));
        cap.write(&file).unwrap();
        let lines = tshark(
            &file,
            &[
                "-o",
                "ip.check_checksum:TRUE",
                "-o",
                "tcp.check_checksum:TRUE",
                "-o",
                "udp.check_checksum:TRUE",
                "-T",
                "fields",
                "-e",
                "ip.checksum.status",
                "-e",
                "tcp.checksum.status",
                "-e",
                "udp.checksum.status",
            ],
        );
        assert_eq!(lines.len(), cap.packet_count());
        for line in &lines {
            // tshark's checksum status 1 means "Good" (0 = Bad, 2 = Unverified).
            let statuses: Vec<&str> = line.split('\t').filter(|s| !s.is_empty()).collect();
            let expected = if name == "v4" { 2 } else { 1 };
            assert_eq!(statuses, vec!["1"; expected], "{name}: {line}");
        }
    }
}

#[test]
fn tshark_reassembles_and_decodes_bodies() {
    require_tshark();
    let dir = TempDir::new("decode");
    let codings = [
        ("identity", Coding::Identity),
        ("chunked", Coding::Chunked { chunk: 700 }),
        ("gzip", Coding::Gzip),
        ("gzip-chunked", Coding::GzipChunked { chunk: 64 }),
    ];
    for (name, coding) in codings {
        let file = dir.0.join(format!("{name}.pcap"));
        let mut cap = session_capture("192.0.2.10:50000", "198.51.100.1:8080", coding, 100);
        cap.advance(Duration::from_secs(1));
        cap.write(&file).unwrap();
        let lines = tshark(
            &file,
            &[
                "-o",
                "tcp.desegment_tcp_streams:TRUE",
                "-Y",
                "http.request.method == \"POST\" && http.file_data",
                "-T",
                "fields",
                "-e",
                "http.file_data",
            ],
        );
        assert_eq!(
            lines.first().map(String::as_str),
            Some(inform().as_str()),
            "{name}"
        );
    }
}

#[test]
fn cli_defaults_missing_responses_to_204() {
    let dir = TempDir::new("cli");
    let req = dir.0.join("req.xml");
    let empty = dir.0.join("empty");
    let resp = dir.0.join("resp.xml");
    fs::write(&req, inform()).unwrap();
    fs::write(&empty, "").unwrap();
    fs::write(&resp, "<soap:Envelope><InformResponse/></soap:Envelope>").unwrap();
    let out = dir.0.join("cli.pcap");
    let status = Command::new(env!("CARGO_BIN_EXE_cwmp-capgen"))
        .args(["exchange", "--port", "8080", "--segment", "100", "--out"])
        .arg(&out)
        .arg("--req-body")
        .args([&req, &empty])
        .arg("--resp-body")
        .arg(&resp)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = fs::read(&out).unwrap();
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(find(b"HTTP/1.1 204 No Content\r\n"));
    assert!(find(b"Content-Length: 0\r\n"));

    require_tshark();
    let lines = tshark(
        &out,
        &[
            "-Y",
            "http",
            "-T",
            "fields",
            "-e",
            "http.request.method",
            "-e",
            "http.response.code",
        ],
    );
    assert_eq!(lines, ["POST\t", "\t200", "POST\t", "\t204"]);
}

#[test]
fn cli_rejects_bad_arguments() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cwmp-capgen"))
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&["exchange", "--req-body", "x"]), Some(2));
    assert_eq!(run(&["exchange", "--out", "x", "--coding", "br"]), Some(2));
    assert_eq!(run(&["frobnicate"]), Some(2));
    let profile = ["bulk", "--out", "/nonexistent/x", "--size", "1MB"];
    assert_eq!(
        run(&[&profile[..], &["--profile", "sparse"]].concat()),
        Some(2)
    );
    assert_eq!(run(&["--help"]), Some(0));
}

#[test]
fn cli_bulk_is_deterministic_and_clean() {
    let dir = TempDir::new("bulk");
    let gen = |name: &str, seed: &str| {
        let out = dir.0.join(name);
        let st = Command::new(env!("CARGO_BIN_EXE_cwmp-capgen"))
            .args([
                "bulk",
                "--size",
                "400KB",
                "--huge-params",
                "300-300",
                "--seed",
                seed,
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        out
    };
    let (a, b, c) = (gen("a.pcap", "5"), gen("b.pcap", "5"), gen("c.pcap", "6"));
    let bytes = fs::read(&a).unwrap();
    assert!(bytes.len() >= 400_000);
    assert_eq!(bytes, fs::read(&b).unwrap());
    assert_ne!(bytes, fs::read(&c).unwrap());
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for needle in [
        &b"<cwmp:Inform>"[..],
        b"cwmp:InformResponse",
        b"HTTP/1.1 204 No Content",
        b"Transfer-Encoding: chunked",
        b"Content-Encoding: gzip",
        b"Content-Length: 0\r\n",
    ] {
        assert!(find(needle), "{}", String::from_utf8_lossy(needle));
    }

    require_tshark();
    // Every TCP stream is a complete session: as many requests as responses, none malformed, and
    // every body decodes (gzip and chunked included) to a SOAP envelope.
    let lines = tshark(
        &a,
        &[
            "-Y",
            "http",
            "-T",
            "fields",
            "-e",
            "http.request.method",
            "-e",
            "http.response.code",
        ],
    );
    let posts = lines.iter().filter(|l| l.starts_with("POST")).count();
    let answers = lines.iter().filter(|l| l.starts_with('\t')).count();
    assert!(posts > 20, "{posts} requests");
    assert_eq!(posts, answers);
    let bad = tshark(&a, &["-Y", "_ws.malformed || _ws.expert.severity >= error"]);
    assert!(bad.is_empty(), "{bad:?}");
    let streams = tshark(&a, &["-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0"]).len();
    let ends = tshark(&a, &["-Y", "http.response.code == 204"]).len();
    assert_eq!(streams, ends, "one 204 per connection");
}

#[test]
fn cli_bulk_dense_sessions_are_all_cwmp() {
    let dir = TempDir::new("dense");
    let out = dir.0.join("dense.pcap");
    let st = Command::new(env!("CARGO_BIN_EXE_cwmp-capgen"))
        .args(["bulk", "--profile", "dense", "--size", "300KB", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    // The stats line is printed for this profile too.
    let stats = String::from_utf8_lossy(&st.stderr);
    assert!(stats.contains(" sessions, "), "{stats}");
    assert!(stats.contains("0 huge"), "{stats}");

    require_tshark();
    // Every connection carries exactly the dense exchange, in order, and every body is XML.
    let lines = tshark(
        &out,
        &[
            "-Y",
            "http",
            "-T",
            "fields",
            "-e",
            "tcp.stream",
            "-e",
            "http.request.method",
            "-e",
            "http.response.code",
        ],
    );
    let mut streams: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for l in &lines {
        let mut f = l.split('\t');
        let stream = f.next().unwrap_or_default().to_string();
        let what: String = f.filter(|s| !s.is_empty()).collect();
        streams.entry(stream).or_default().push(what);
    }
    assert!(streams.len() > 20, "{} sessions", streams.len());
    for (stream, seq) in &streams {
        assert_eq!(
            seq,
            &["POST", "200", "POST", "200", "POST", "204"],
            "stream {stream}"
        );
    }
    let xml = tshark(&out, &["-Y", "xml"]).len();
    assert_eq!(xml, 4 * streams.len(), "four SOAP bodies per session");
    let gpv = tshark(
        &out,
        &["-Y", "xml.tag contains \"GetParameterValuesResponse\""],
    )
    .len();
    assert_eq!(gpv, streams.len());
    let bad = tshark(
        &out,
        &["-Y", "_ws.malformed || _ws.expert.severity >= warning"],
    );
    assert!(bad.is_empty(), "{bad:?}");
}
