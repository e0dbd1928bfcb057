// SPDX-License-Identifier: GPL-2.0-or-later
//! CWMP over TLS on port 7548 (issue #5, "TLS"): a decrypted TLS capture made by real TLS software
//! decodes as CWMP.
//!
//! No network, root or packet capture is needed: a rustls client (the CPE) and a rustls server (the
//! ACS, with a self-signed certificate made here by rcgen) run a real TLS handshake in memory, each
//! side's output pumped into the other. Over the connection the CPE posts the seed Inform and gets
//! its InformResponse, then an empty POST answered by 204, then both sides send close_notify. Every
//! chunk either side puts on the wire is recorded in order and replayed into a capgen TCP flow to
//! 198.51.100.1:7548, so the pcap holds the genuine TLS records; the client's secrets are written
//! through rustls's `KeyLog` into an NSS key log file (SSLKEYLOGFILE format) beside the capture, for
//! tshark's `tls.keylog_file`.
//!
//! One capture holds two such connections: TLS 1.2 from 192.0.2.10:50000 (tcp.stream 0), then
//! TLS 1.3 from 192.0.2.10:50001 (tcp.stream 1), so each tshark run checks both versions. Keys are
//! random on every run; the key log is written with them.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use common::*;
use cwmp_capgen::{Capture, Dir};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, Connection, RootCertStore};
use rustls::{ServerConfig, ServerConnection, SupportedProtocolVersion};

const ACS_TLS: &str = "198.51.100.1:7548";
const ACS_NAME: &str = "acs.example.com";
/// The CPE's address of each connection, i.e. of tcp.stream 0 and 1.
const CPES: [&str; 2] = ["192.0.2.10:50000", "192.0.2.10:50001"];
const HTTP: &str = "Hypertext Transfer Protocol";

/// `-e _ws.col.Protocol` of a CWMP frame: CWMP, or from Wireshark 4.4 on, HTTP for the empty POST and
/// the 204 (tshark fills the `_ws.col.*` fields before postdissectors run; the summary shows CWMP).
fn protocol_column_ok(p: &str) -> bool {
    p == "CWMP" || (!col_fields_include_postdissector() && p == "HTTP")
}

/// Collects the secrets rustls hands out, as lines of an NSS key log file.
#[derive(Debug, Default)]
struct KeyLines(Mutex<Vec<String>>);

impl rustls::KeyLog for KeyLines {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{label} {} {}", hex(client_random), hex(secret)));
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What one side put on the wire at once, and which HTTP message it carries, if any.
struct Chunk {
    dir: Dir,
    bytes: Vec<u8>,
    message: Option<&'static str>,
}

/// Moves everything `from` has to send onto the wire (recorded as one chunk) and into `to`, which
/// processes it. Returns whether anything was sent.
fn flush(from: &mut Connection, to: &mut Connection, dir: Dir, wire: &mut Vec<Chunk>) -> bool {
    let mut bytes = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut bytes).expect("write_tls");
    }
    if bytes.is_empty() {
        return false;
    }
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        to.read_tls(&mut rest).expect("read_tls");
        to.process_new_packets().expect("TLS records accepted");
    }
    wire.push(Chunk {
        dir,
        bytes,
        message: None,
    });
    true
}

/// Everything the connection has decrypted so far.
fn read_plain(conn: &mut Connection) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match conn.reader().read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("reading plaintext: {e}"),
        }
    }
    out
}

/// Sends the HTTP message `msg` from one side in one chunk and checks the other side decrypted
/// exactly it.
fn deliver(
    from: &mut Connection,
    to: &mut Connection,
    dir: Dir,
    (name, msg): (&'static str, &[u8]),
    wire: &mut Vec<Chunk>,
) {
    from.writer().write_all(msg).expect("write plaintext");
    assert!(flush(from, to, dir, wire), "nothing sent");
    wire.last_mut().unwrap().message = Some(name);
    assert_eq!(read_plain(to), msg, "the peer got {name} intact");
}

/// The CWMP session as HTTP messages: (name, bytes), alternately from the CPE and the ACS.
fn http_messages() -> [(&'static str, Vec<u8>); 4] {
    let inform = fixture("inform-mikrotik.xml");
    let inform_response = fixture("inform-response.xml");
    let head = format!("POST /cwmp HTTP/1.1\r\nHost: {ACS_NAME}:7548\r\nUser-Agent: MikroTik\r\n");
    let mut post = format!(
        "{head}Content-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        inform.len()
    )
    .into_bytes();
    post.extend_from_slice(&inform);
    let mut ok = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        inform_response.len()
    )
    .into_bytes();
    ok.extend_from_slice(&inform_response);
    [
        ("Inform", post),
        ("InformResponse", ok),
        (
            "empty POST",
            format!("{head}Content-Length: 0\r\n\r\n").into_bytes(),
        ),
        ("204", b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()),
    ]
}

/// Runs one whole TLS connection in memory: the wire chunks in order, and the client's key log lines.
fn tls_session(version: &'static SupportedProtocolVersion) -> (Vec<Chunk>, Vec<String>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cert = rcgen::generate_simple_self_signed(vec![ACS_NAME.to_owned()]).expect("certificate");
    let cert_der: CertificateDer<'static> = cert.cert.der().clone();
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));

    let server_cfg = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[version])
        .expect("server versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone()], key_der)
        .expect("server certificate");
    let mut roots = RootCertStore::empty();
    roots
        .add(cert_der)
        .expect("trust the self-signed certificate");
    let mut client_cfg = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("client versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let keys = Arc::new(KeyLines::default());
    client_cfg.key_log = keys.clone();

    let name = ServerName::try_from(ACS_NAME).expect("server name");
    let mut cpe = Connection::Client(
        ClientConnection::new(Arc::new(client_cfg), name).expect("client connection"),
    );
    let mut acs =
        Connection::Server(ServerConnection::new(Arc::new(server_cfg)).expect("server connection"));
    let mut wire = Vec::new();

    // The handshake (and, in TLS 1.3, the server's session tickets right after it).
    for _ in 0..10 {
        let a = flush(&mut cpe, &mut acs, Dir::ClientToServer, &mut wire);
        let b = flush(&mut acs, &mut cpe, Dir::ServerToClient, &mut wire);
        if !a && !b && !cpe.is_handshaking() && !acs.is_handshaking() {
            break;
        }
    }
    assert!(
        !cpe.is_handshaking() && !acs.is_handshaking(),
        "handshake did not complete"
    );
    assert_eq!(cpe.protocol_version(), Some(version.version));
    assert_eq!(acs.protocol_version(), Some(version.version));

    for (i, msg) in http_messages().iter().enumerate() {
        let msg = (msg.0, &msg.1[..]);
        if i % 2 == 0 {
            deliver(&mut cpe, &mut acs, Dir::ClientToServer, msg, &mut wire);
        } else {
            deliver(&mut acs, &mut cpe, Dir::ServerToClient, msg, &mut wire);
        }
    }

    cpe.send_close_notify();
    assert!(flush(&mut cpe, &mut acs, Dir::ClientToServer, &mut wire));
    acs.send_close_notify();
    assert!(flush(&mut acs, &mut cpe, Dir::ServerToClient, &mut wire));

    let lines = keys.0.lock().unwrap().clone();
    (wire, lines)
}

/// The capture of both connections and the key log that decrypts them, both world-readable.
struct TlsCapture {
    pcap: PathBuf,
    keylog: PathBuf,
    /// (tcp.stream, frame.number, message): the frame that completes each HTTP message's chunk,
    /// where tshark shows the reassembled message.
    messages: Vec<(usize, String, &'static str)>,
}

impl TlsCapture {
    fn keylog_opt(&self) -> String {
        format!("tls.keylog_file:{}", self.keylog.display())
    }

    /// A display filter selecting the frames of the four HTTP messages of both connections.
    fn message_filter(&self) -> String {
        let frames: Vec<&str> = self.messages.iter().map(|m| m.1.as_str()).collect();
        format!("frame.number in {{{}}}", frames.join(","))
    }
}

fn tls_capture() -> &'static TlsCapture {
    static CAP: OnceLock<TlsCapture> = OnceLock::new();
    CAP.get_or_init(|| {
        let mut cap = Capture::new();
        let mut keys = Vec::new();
        let mut messages = Vec::new();
        let versions = [&rustls::version::TLS12, &rustls::version::TLS13];
        for (stream, version) in versions.into_iter().enumerate() {
            let (wire, lines) = tls_session(version);
            keys.extend(lines);
            let mut flow = cap.tcp_flow(addr(CPES[stream]), addr(ACS_TLS));
            for c in &wire {
                cap.send(&mut flow, c.dir, &c.bytes);
                if let Some(m) = c.message {
                    // `send` ends with the receiver's ACK; the segment before it completes the chunk.
                    messages.push((stream, (cap.packet_count() - 1).to_string(), m));
                }
            }
            cap.close(&mut flow);
        }
        let pcap = write_capture(&cap, "cwmp-tls");
        let keylog = pcap.with_extension("keys");
        std::fs::write(&keylog, keys.join("\n") + "\n").expect("write key log");
        let _ = std::process::Command::new("chmod")
            .arg("a+r")
            .arg(&keylog)
            .status();
        TlsCapture {
            pcap,
            keylog,
            messages,
        }
    })
}

/// The key log has what Wireshark needs for each version: TLS 1.2's master secret, TLS 1.3's
/// handshake and traffic secrets.
#[test]
fn key_log_is_in_nss_format() {
    let t = tls_capture();
    let keys = std::fs::read_to_string(&t.keylog).unwrap();
    let labels: Vec<&str> = keys
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 3, "LABEL <client_random> <secret>: {l}");
            assert_eq!(f[1].len(), 64, "32-byte client random: {l}");
            assert!(f[1..]
                .iter()
                .all(|x| x.bytes().all(|b| b.is_ascii_hexdigit())));
            f[0]
        })
        .collect();
    for l in [
        "CLIENT_RANDOM",
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    ] {
        assert!(labels.contains(&l), "{l} missing from the key log:\n{keys}");
    }
}

/// With the key log, each connection shows the Inform and its response as CWMP inside HTTP inside
/// TLS, then the empty POST (`cwmp.http_event` 1) and the end of the session (2).
#[test]
fn with_the_key_log_tls_on_7548_decodes_as_cwmp() {
    let t = tls_capture();
    let opt = t.keylog_opt();
    let rows = fields_opts(
        &t.pcap,
        "cwmp",
        &[
            "tcp.stream",
            "frame.number",
            "tcp.dstport",
            "cwmp.method",
            "cwmp.http_event",
            "cwmp.deviceid.oui",
            "cwmp.event_code",
            "frame.protocols",
            "tls.app_data_proto",
        ],
        &["-o", &opt],
    );
    // One row per message, in order, on the frame that completes it.
    let expected: Vec<[String; 7]> = t
        .messages
        .iter()
        .map(|(stream, frame, name)| {
            let cpe_port = CPES[*stream].rsplit(':').next().unwrap();
            let (port, rest) = match *name {
                "Inform" => ("7548", ["Inform", "", "E48D8C", "8 DIAGNOSTICS COMPLETE"]),
                "InformResponse" => (cpe_port, ["InformResponse", "", "", ""]),
                "empty POST" => ("7548", ["", "1", "", ""]),
                _ => (cpe_port, ["", "2", "", ""]),
            };
            let s = stream.to_string();
            [&s, frame, port, rest[0], rest[1], rest[2], rest[3]].map(|x| x.to_owned())
        })
        .collect();
    let seen: Vec<[String; 7]> = rows
        .iter()
        .map(|r| std::array::from_fn(|i| r[i].clone()))
        .collect();
    assert_eq!(seen, expected, "{rows:#?}");
    for r in &rows {
        let layers: Vec<&str> = r[7].split(':').collect();
        assert!(
            layers.ends_with(&["tcp", "tls", "http"])
                // 4.4 and later list the postdissector's layer of the empty POST and the 204 too.
                || layers.ends_with(&["tcp", "tls", "http", "cwmp"])
                || layers.ends_with(&["tcp", "tls", "http", "cwmp", "xml"]),
            "decrypted from TLS: {r:?}"
        );
        // What TLS hands the decrypted records to: HTTP, as our registration of the port says.
        assert_eq!(r[8], HTTP, "{r:?}");
    }
}

/// Without the key log the same frames are TLS application data only: no HTTP, no CWMP anywhere. TLS
/// still knows, from our registration of the port, that the data is HTTP. The ServerHellos show the
/// captures hold what they claim: TLS 1.2 on stream 0, TLS 1.3 on stream 1.
#[test]
fn without_the_key_log_cwmp_stays_encrypted() {
    let t = tls_capture();
    let rows = fields(
        &t.pcap,
        "",
        &[
            "frame.number",
            "tcp.stream",
            "frame.protocols",
            "tls.handshake.type",
            "tls.handshake.version",
            "tls.handshake.extensions.supported_version",
            "tls.app_data",
            "tls.app_data_proto",
            "_ws.col.Info",
        ],
    );
    for r in &rows {
        let layers: Vec<&str> = r[2].split(':').collect();
        assert!(
            !layers.contains(&"http") && !layers.contains(&"cwmp"),
            "decoded without keys: {r:?}"
        );
    }
    let server_hellos: Vec<[&str; 3]> = rows
        .iter()
        .filter(|r| r[3].split('|').any(|t| t == "2"))
        .map(|r| [&*r[1], &*r[4], &*r[5]])
        .collect();
    assert_eq!(
        server_hellos,
        [
            // TLS 1.2: the ServerHello says so itself, with no supported_versions extension.
            ["0", "0x0303", ""],
            // TLS 1.3: 1.2 in the legacy field for compatibility, 1.3 in supported_versions.
            ["1", "0x0303", "0x0304"],
        ],
        "{rows:#?}"
    );
    for (stream, frame, name) in &t.messages {
        let r = rows
            .iter()
            .find(|r| &r[0] == frame)
            .unwrap_or_else(|| panic!("frame {frame} missing"));
        assert_eq!(r[1], stream.to_string(), "{name}: {r:?}");
        assert_eq!(r[2], "eth:ethertype:ip:tcp:tls", "{name}: {r:?}");
        assert!(
            !r[6].is_empty(),
            "{name}: encrypted application data: {r:?}"
        );
        assert_eq!(r[7], HTTP, "{name}: {r:?}");
        assert_eq!(r[8], "Application Data", "{name}: {r:?}");
    }
}

/// `-o cwmp.tls.port:0` removes our registration of 7548 with TLS. What tshark 4.0 then shows
/// depends on two heuristics of Wireshark's own, both enabled by default:
/// - `tls_tcp` (on TCP) recognises TLS records on any port, so the connections are still TLS;
/// - `http_tls` (on TLS) recognises decrypted data that starts like HTTP, so with the key log the
///   messages are still HTTP, and the plugin's CWMP heuristic on HTTP still finds CWMP.
///
/// So with the defaults the sessions still decode as CWMP, but through these heuristics, not through
/// our registration: TLS no longer names HTTP as the port's application protocol
/// (`tls.app_data_proto` is empty). With `http_tls` disabled the decrypted data stays undissected
/// ("tls:data"); with `tls_tcp` disabled too, the bytes on 7548 are plain TCP payload ("tcp:data").
#[test]
fn cwmp_tls_port_0_removes_the_registration() {
    let t = tls_capture();
    let opt = t.keylog_opt();
    let filter = t.message_filter();
    let n = t.messages.len();
    let run = |extra: &[&str]| -> Vec<Vec<String>> {
        let mut args = vec!["-o", opt.as_str(), "-o", "cwmp.tls.port:0"];
        args.extend_from_slice(extra);
        fields_opts(
            &t.pcap,
            &filter,
            &["frame.protocols", "tls.app_data_proto", "_ws.col.Protocol"],
            &args,
        )
    };
    let column = |rows: &[Vec<String>], i: usize| -> Vec<String> {
        rows.iter().map(|r| r[i].clone()).collect()
    };

    let rows = run(&[]);
    assert!(
        column(&rows, 2).iter().all(|p| protocol_column_ok(p)),
        "{rows:#?}"
    );
    assert_eq!(column(&rows, 1), vec![""; n], "{rows:#?}");
    assert!(
        rows.iter().all(|r| r[0].contains(":tcp:tls:http")),
        "found by the heuristics: {rows:#?}"
    );

    let rows = run(&["--disable-heuristic", "http_tls"]);
    assert_eq!(
        column(&rows, 0),
        vec!["eth:ethertype:ip:tcp:tls:data"; n],
        "{rows:#?}"
    );

    let rows = run(&[
        "--disable-heuristic",
        "http_tls",
        "--disable-heuristic",
        "tls_tcp",
    ]);
    assert_eq!(
        column(&rows, 0),
        vec!["eth:ethertype:ip:tcp:data"; n],
        "{rows:#?}"
    );
}

/// The counterpart of the test above: with both heuristics disabled and the port preference at its
/// default (7548), our registration alone decodes every message of both connections.
#[test]
fn the_registration_alone_decodes_7548() {
    let t = tls_capture();
    let opt = t.keylog_opt();
    let rows = fields_opts(
        &t.pcap,
        &t.message_filter(),
        &["tls.app_data_proto", "_ws.col.Protocol", "_ws.col.Info"],
        &[
            "-o",
            &opt,
            "--disable-heuristic",
            "http_tls",
            "--disable-heuristic",
            "tls_tcp",
        ],
    );
    let info: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(rows.len(), t.messages.len(), "{rows:#?}");
    assert!(
        rows.iter()
            .all(|r| r[0] == HTTP && protocol_column_ok(&r[1])),
        "{rows:#?}"
    );
    for (i, name) in [
        "Inform [",
        "InformResponse",
        "Empty POST",
        "End of session (204)",
    ]
    .iter()
    .cycle()
    .take(rows.len())
    .enumerate()
    {
        // From 4.4 on, `-e _ws.col.Info` of the empty POST and the 204 is HTTP's line (filled before
        // postdissectors run); the summary lines show the CWMP text.
        let event = matches!(*name, "Empty POST" | "End of session (204)");
        if event && !col_fields_include_postdissector() {
            continue;
        }
        assert!(info[i].starts_with(name), "{name}: {rows:#?}");
    }
}
