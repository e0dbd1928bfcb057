// SPDX-License-Identifier: GPL-2.0-or-later
//! Issue 12 §2: what the safety review of the FFI layer and the shim found. Each test here failed before
//! its fix.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;
use cwmp_capgen::{Capture, Dir, Request, Response};

/// The test folder the harness prepared (plugins, captures, home), found through a capture path.
fn test_root() -> PathBuf {
    let p = capture_path("root-probe");
    p.parent()
        .and_then(Path::parent)
        .expect("root of the test folder")
        .to_path_buf()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs tshark with the plugin like `tshark_raw`, with a HOME of its own and extra environment.
fn tshark_env(args: &[&str], home: &Path, envs: &[(&str, &str)]) -> (String, String, bool) {
    let root = test_root();
    let tshark = std::env::var("CWMP_TSHARK").unwrap_or_else(|_| "tshark".to_owned());
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
        c.arg(tshark);
        c
    } else {
        Command::new(tshark)
    };
    cmd.env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", home);
    cmd.env("LANG", "C.UTF-8");
    cmd.env("WIRESHARK_PLUGIN_DIR", root.join("plugins"));
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.args(args);
    let out = cmd.output().expect("run tshark");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// A private, world-writable HOME with an empty, writable Wireshark profile.
fn private_home(name: &str) -> PathBuf {
    let home = test_root().join(format!("home-{name}"));
    let profile = home.join(".config").join("wireshark");
    std::fs::create_dir_all(&profile).expect("mkdir profile");
    std::fs::write(profile.join("preferences"), b"").expect("write preferences");
    let _ = Command::new("chmod")
        .args(["-R", "a+rwX"])
        .arg(&home)
        .status();
    home
}

fn inform() -> Vec<u8> {
    fixture("inform-mikrotik.xml")
}

fn inform_response() -> Vec<u8> {
    fixture("inform-response.xml")
}

fn p(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

// ---- 1. Port preferences restore what owned a port --------------------------------------------------

#[test]
fn port_preferences_give_ports_back_to_their_previous_owner() {
    let home = private_home("ports");
    let script = test_root().join("ports.lua");
    std::fs::write(
        &script,
        r#"
local tcp = DissectorTable.get("tcp.port")
local function owner(port)
    local d = tcp:get_dissector(port)
    if d == nil then return "none" end
    return tostring(d)
end
print("before " .. owner(8080) .. " " .. owner(443))
set_preference("cwmp.tcp.ports", "7547,8080")
set_preference("cwmp.tls.port", "443")
apply_preferences()
print("taken " .. owner(8080) .. " " .. owner(443))
set_preference("cwmp.tcp.ports", "7547")
set_preference("cwmp.tls.port", "7548")
apply_preferences()
print("after " .. owner(8080) .. " " .. owner(443))
"#,
    )
    .expect("write script");
    let _ = Command::new("chmod").arg("a+r").arg(&script).status();
    let mut cap = Capture::new();
    cap.udp(addr("192.0.2.1:1000"), addr("192.0.2.2:2000"), b"x");
    let pcap = write_capture(&cap, "one-udp");
    let lua = format!("lua_script:{}", script.display());
    let (out, err, ok) = tshark_env(&["-n", "-X", &lua, "-r", &p(&pcap)], &home, &[]);
    assert!(ok, "{err}\n{out}");
    let line = |tag: &str| {
        out.lines()
            .find(|l| l.starts_with(tag))
            .unwrap_or_else(|| panic!("no '{tag}' line in:\n{out}\n{err}"))
            .to_owned()
    };
    let before = line("before ");
    assert!(!before.contains("none"), "8080 and 443 have owners: {out}");
    assert_eq!(
        line("after ").replacen("after", "before", 1),
        before,
        "releasing the ports must give them back:\n{out}"
    );
}

// ---- 2. Bodies that are not CWMP fall back exactly as stock HTTP does ------------------------------

const PLAIN_XML: &[u8] =
    b"<?xml version=\"1.0\"?>\n<catalog><book id=\"1\"><title>Rust</title></book></catalog>\n";

#[test]
fn non_cwmp_bodies_fall_back_like_stock_http() {
    for (tag, ct) in [
        ("xml", "text/xml"),
        ("appxml", "application/xml"),
        ("html", "text/html"),
        ("soap", "application/soap+xml"),
    ] {
        let o = Opts {
            acs: addr("198.51.100.1:80"),
            content_type: Some(ct.into()),
            ..Opts::default()
        };
        let pcap = session_capture(
            &format!("fallback-{tag}"),
            &[(PLAIN_XML.to_vec(), Vec::new())],
            &o,
        );
        let path = p(&pcap);
        for disabled in ["xml", "cwmp"] {
            let args = ["-n", "-r", &path, "-V", "--disable-protocol", disabled];
            let (with, err1, ok1) = tshark_raw(&args, true);
            // Stock tshark has no cwmp protocol to disable (4.4 and later refuse the option).
            let stock_args = if disabled == "cwmp" {
                &args[..4]
            } else {
                &args[..]
            };
            let (stock, err2, ok2) = tshark_raw(stock_args, false);
            assert!(ok1 && ok2, "{err1}\n{err2}");
            assert!(
                with == stock,
                "{tag}, --disable-protocol {disabled}: -V differs from stock\n--- plugin:\n{with}\n--- stock:\n{stock}"
            );
        }
    }
}

// ---- 3. Negative response times ---------------------------------------------------------------------

#[test]
fn a_response_before_its_request_has_a_negative_time() {
    let o = Opts::default();
    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(o.cpe, o.acs);
    flow.mss = 8000;
    let asked = cap.now();
    cap.send(
        &mut flow,
        Dir::ClientToServer,
        &post(&inform(), &o).to_bytes(),
    );
    // Merged captures can put the answer 0.5 s before the question.
    cap.set_time(asked - Duration::from_millis(500));
    cap.set_step(Duration::ZERO);
    cap.send(
        &mut flow,
        Dir::ServerToClient,
        &answer(&inform_response(), &o).to_bytes(),
    );
    let pcap = write_capture(&cap, "negative-time");
    let rows = fields(&pcap, "cwmp.time", &["cwmp.method", "cwmp.time"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], "InformResponse");
    assert_eq!(rows[0][1], "-0.500000000", "{rows:?}");
    let rows = fields(&pcap, "cwmp.time == -0.5", &["cwmp.method"]);
    assert_eq!(rows, vec![vec!["InformResponse".to_string()]]);
}

// ---- 5. Exceptions: the same items as stock ---------------------------------------------------------

/// Lines of `-V` output that come from exceptions, and TCP's reassembly summary, which TCP adds only
/// when no exception came up through it (so it shows whether an exception propagated as in stock).
fn exception_lines(v: &str) -> Vec<String> {
    v.lines()
        .map(str::trim)
        .filter(|l| {
            l.contains("Packet size limited during capture")
                || l.contains("Reassembled TCP Segments")
                || l.contains("Malformed Packet")
                || l.contains("Dissector bug")
                || l.contains("Maximum tree depth")
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_snaplen_cut_body_shows_stocks_exception_items() {
    let o = Opts {
        acs: addr("198.51.100.1:80"),
        ..Opts::default()
    };
    let full = session_capture("snaplen-full", &[(inform(), Vec::new())], &o);
    let cut = capture_path("snaplen-cut");
    let st = Command::new("editcap")
        .args(["-s", "1000"])
        .arg(&full)
        .arg(&cut)
        .status()
        .expect("run editcap");
    assert!(st.success());
    let _ = Command::new("chmod").arg("a+r").arg(&cut).status();
    let path = p(&cut);
    let (with, err, ok) = tshark_raw(&["-n", "-r", &path, "-V"], true);
    assert!(ok, "{err}");
    let (stock, _, _) = tshark_raw(&["-n", "-r", &path, "-V"], false);
    let (w, s) = (exception_lines(&with), exception_lines(&stock));
    assert!(!s.is_empty(), "stock shows the cut:\n{stock}");
    assert_eq!(w, s, "--- plugin:\n{with}");
    // The cut message is still ours, with its own truncation item.
    let rows = fields(&cut, "cwmp.method", &["cwmp.method", "_ws.expert.message"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][0], "Inform");
}

#[test]
fn xml_depth_exception_is_shown_as_stock_shows_it() {
    let mut deep = String::from(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soapenv:Body><cwmp:X_DEEP>",
    );
    deep.push_str(&"<a>".repeat(5000));
    deep.push_str(&"</a>".repeat(5000));
    deep.push_str("</cwmp:X_DEEP></soapenv:Body></soapenv:Envelope>");
    let o = Opts {
        acs: addr("198.51.100.1:80"),
        ..Opts::default()
    };
    let pcap = session_capture("deep-exception", &[(deep.into_bytes(), Vec::new())], &o);
    let path = p(&pcap);
    let (with, err, ok) = tshark_raw(&["-n", "-r", &path, "-V"], true);
    assert!(ok, "{err}");
    let (stock, _, _) = tshark_raw(&["-n", "-r", &path, "-V"], false);
    let (w, s) = (exception_lines(&with), exception_lines(&stock));
    assert!(!s.is_empty(), "stock shows the depth limit:\n{stock}");
    assert_eq!(w, s);
    let rows = fields(&pcap, "cwmp", &["cwmp.method"]);
    assert_eq!(rows, vec![vec!["X_DEEP".to_string()]]);
}

// ---- 6. Panics are visible ---------------------------------------------------------------------------

fn internal_errors(pcap: &Path, inject: &str) -> Vec<String> {
    let home = private_home(&format!("panic-{inject}"));
    let path = p(pcap);
    let (out, err, ok) = tshark_env(
        &[
            "-n",
            "-r",
            &path,
            "-Y",
            "cwmp.expert.internal",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ],
        &home,
        &[("CWMP_INJECT_PANIC", inject)],
    );
    assert!(ok, "{err}");
    out.lines().map(str::to_owned).collect()
}

#[test]
fn a_panic_on_any_path_becomes_an_expert_item() {
    // Body path and HTTP-event path: an Inform exchange, then an empty POST and a 204.
    let o = Opts::default();
    let pcap = session_capture(
        "panic-http",
        &[(inform(), inform_response()), (Vec::new(), Vec::new())],
        &o,
    );
    assert!(!internal_errors(&pcap, "dissect").is_empty());
    assert!(!internal_errors(&pcap, "http").is_empty());
    // UDP connection request.
    let mut cap = Capture::new();
    let cr = b"GET http://203.0.113.7:7547?ts=1714557600&id=5&un=u&cn=abc&sig=00 HTTP/1.1\r\n\r\n";
    cap.udp(addr("198.51.100.1:5000"), addr("203.0.113.7:7547"), cr);
    let udp = write_capture(&cap, "panic-udp");
    assert!(!internal_errors(&udp, "udp").is_empty());
    // XMPP connection request.
    assert!(!internal_errors(&xmpp_capture("panic-xmpp", false), "xmpp").is_empty());
}

#[test]
fn a_panic_while_registering_leaves_tshark_working_without_cwmp() {
    let home = private_home("panic-register");
    let pcap = session_capture(
        "panic-register",
        &[(inform(), inform_response())],
        &Opts::default(),
    );
    let path = p(&pcap);
    let env = [("CWMP_INJECT_PANIC", "register")];
    let (out, err, ok) = tshark_env(&["-n", "-r", &path, "-V"], &home, &env);
    assert!(ok, "{err}");
    assert!(!out.contains("CPE WAN Management Protocol"), "{out}");
    assert!(err.contains("cwmp"), "the failure is reported: {err}");
    let (stock, _, _) = tshark_raw(&["-n", "-r", &path, "-V"], false);
    assert_eq!(out, stock);
}

// ---- 7. Info column with several messages per frame -------------------------------------------------

#[test]
fn several_messages_in_one_frame_each_get_their_info_text() {
    let o = Opts::default();
    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(o.cpe, o.acs);
    flow.mss = 8000;
    // A non-CWMP request, then two pipelined CWMP POSTs, in one segment.
    let mut seg = Request::get("/favicon.ico")
        .header("Host", "acs")
        .to_bytes();
    seg.extend_from_slice(&post(&inform(), &o).to_bytes());
    let tc = envelope(
        &id_header("tc1"),
        "<cwmp:TransferComplete><CommandKey>k</CommandKey><FaultStruct><FaultCode>0</FaultCode>\
         <FaultString></FaultString></FaultStruct><StartTime>0001-01-01T00:00:00Z</StartTime>\
         <CompleteTime>0001-01-01T00:00:00Z</CompleteTime></cwmp:TransferComplete>",
    );
    seg.extend_from_slice(&post(&tc, &o).to_bytes());
    cap.send(&mut flow, Dir::ClientToServer, &seg);
    let pcap = write_capture(&cap, "info-several");
    let rows = fields(&pcap, "cwmp", &["_ws.col.Info"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let info = &rows[0][0];
    assert!(info.starts_with("GET /favicon.ico HTTP/1.1"), "{info}");
    assert!(
        info.ends_with(", Inform [8 DIAGNOSTICS COMPLETE] dev=E48D8C-hAP lite-XXXXXXXXXXXX, TransferComplete id=tc1"),
        "{info}"
    );
    // One message per frame keeps its text exactly.
    let one = session_capture("info-one", &[(inform(), Vec::new())], &o);
    let rows = fields(&one, "cwmp", &["_ws.col.Info"]);
    assert_eq!(
        rows[0][0],
        "Inform [8 DIAGNOSTICS COMPLETE] dev=E48D8C-hAP lite-XXXXXXXXXXXX"
    );
}

// ---- 8. Bodies without a conversation ---------------------------------------------------------------

/// A pcap of exported PDUs (link type 252) handed straight to the "cwmp" dissector: no TCP, no
/// conversation.
fn exported_pdus(name: &str, bodies: &[Vec<u8>]) -> PathBuf {
    let mut f = Vec::new();
    f.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    f.extend_from_slice(&2u16.to_le_bytes());
    f.extend_from_slice(&4u16.to_le_bytes());
    f.extend_from_slice(&0i32.to_le_bytes());
    f.extend_from_slice(&0u32.to_le_bytes());
    f.extend_from_slice(&262_144u32.to_le_bytes());
    f.extend_from_slice(&252u32.to_le_bytes());
    for (i, body) in bodies.iter().enumerate() {
        let mut rec = Vec::new();
        let proto = b"cwmp\0\0\0\0";
        rec.extend_from_slice(&12u16.to_be_bytes()); // EXP_PDU_TAG_PROTO_NAME
        rec.extend_from_slice(&(proto.len() as u16).to_be_bytes());
        rec.extend_from_slice(proto);
        rec.extend_from_slice(&0u32.to_be_bytes()); // end of options
        rec.extend_from_slice(body);
        f.extend_from_slice(&(1_700_000_000u32 + i as u32).to_le_bytes());
        f.extend_from_slice(&0u32.to_le_bytes());
        f.extend_from_slice(&(rec.len() as u32).to_le_bytes());
        f.extend_from_slice(&(rec.len() as u32).to_le_bytes());
        f.extend_from_slice(&rec);
    }
    let path = capture_path(name);
    std::fs::write(&path, f).expect("write pcap");
    let _ = Command::new("chmod").arg("a+r").arg(&path).status();
    path
}

#[test]
fn bodies_without_a_conversation_are_not_linked() {
    let pcap = exported_pdus("no-conversation", &[inform(), inform_response()]);
    let rows = fields_opts(
        &pcap,
        "cwmp",
        &["cwmp.method", "cwmp.response_to", "cwmp.session"],
        &["-2"],
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "Inform");
    assert_eq!(rows[1][0], "InformResponse");
    assert_eq!(
        rows[1][1], "",
        "unrelated bodies must not be linked: {rows:?}"
    );
}

// ---- 9. XMPP connection requests that arrive reassembled --------------------------------------------

fn xmpp_capture(name: &str, split: bool) -> PathBuf {
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
    let stanza: &[u8] = b"<iq type=\"get\" from=\"acs@xmpp.example/acs\" to=\"cpe1@xmpp.example/cwmp\" id=\"cr001\">\
          <connectionRequest xmlns=\"urn:broadband-forum-org:cwmp:xmppConnReq-1-0\">\
          <username>cruser</username><password>crpass</password></connectionRequest></iq>";
    if split {
        // The first segment ends inside a tag, so XMPP asks TCP for the rest.
        let cut = stanza.len() - 40;
        cap.send(&mut f, Dir::ServerToClient, &stanza[..cut]);
        cap.send(&mut f, Dir::ServerToClient, &stanza[cut..]);
    } else {
        cap.send(&mut f, Dir::ServerToClient, stanza);
    }
    cap.send(
        &mut f,
        Dir::ClientToServer,
        b"<iq type=\"result\" from=\"cpe1@xmpp.example/cwmp\" to=\"acs@xmpp.example/acs\" id=\"cr001\"/>",
    );
    write_capture(&cap, name)
}

#[test]
fn reassembled_xmpp_connection_requests_are_found() {
    let pcap = xmpp_capture("xmpp-split", true);
    let rows = fields(
        &pcap,
        "cwmp.xmpp_connection_request",
        &[
            "cwmp.xmpp_connection_request.to",
            "cwmp.username",
            "cwmp.password",
            "_ws.col.Info",
        ],
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][..3], ["cpe1@xmpp.example/cwmp", "cruser", "crpass"]);
}

// ---- 10. Location headers belong to their own response ----------------------------------------------

#[test]
fn location_of_the_second_response_in_a_frame() {
    let o = Opts::default();
    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(o.cpe, o.acs);
    cap.send(
        &mut flow,
        Dir::ClientToServer,
        &post(&inform(), &o).to_bytes(),
    );
    cap.send(
        &mut flow,
        Dir::ServerToClient,
        &answer(&inform_response(), &o).to_bytes(),
    );
    // Two empty POSTs pipelined; the ACS answers both in one segment: 204, then a redirect.
    let mut two = post(b"", &o).to_bytes();
    two.extend_from_slice(&post(b"", &o).to_bytes());
    cap.send(&mut flow, Dir::ClientToServer, &two);
    let mut answers = Response::no_content().to_bytes();
    answers.extend_from_slice(
        &Response::new(302, "Found")
            .header("Location", "http://acs2.example/cwmp")
            .header("Content-Length", "0")
            .to_bytes(),
    );
    cap.send(&mut flow, Dir::ServerToClient, &answers);
    let pcap = write_capture(&cap, "location-second");
    let rows = fields(&pcap, "cwmp.http_event == 4", &["_ws.expert.message"]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0][0].contains("Session redirected (HTTP 302) to http://acs2.example/cwmp"),
        "{rows:?}"
    );
}

// ---- 11. Later passes skip frames with nothing of ours ----------------------------------------------

#[test]
fn later_passes_skip_frames_without_cwmp() {
    let pcap = session_capture(
        "later-passes",
        &[(inform(), inform_response()), (Vec::new(), Vec::new())],
        &Opts::default(),
    );
    let home = private_home("later");
    let path = p(&pcap);
    let (_, err, ok) = tshark_env(&["-n", "-2", "-r", &path], &home, &[("CWMP_DEBUG", "1")]);
    assert!(ok, "{err}");
    let calls: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("cwmp_rs_http") && l.contains("visited: true"))
        .collect();
    let frames: Vec<Vec<String>> = fields(&pcap, "cwmp", &["frame.number"]);
    assert!(
        calls.len() <= frames.len(),
        "later pass called Rust for frames without CWMP: {calls:#?} (CWMP frames {frames:?})"
    );
}

#[test]
fn a_cwmp_body_with_xml_disabled_has_no_data_layer() {
    let pcap = session_capture("cwmp-no-xml", &[(inform(), Vec::new())], &Opts::default());
    let rows = fields_opts(
        &pcap,
        "cwmp.method",
        &["frame.protocols"],
        &["--disable-protocol", "xml"],
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][0].ends_with(":http:cwmp"), "{rows:?}");
}
