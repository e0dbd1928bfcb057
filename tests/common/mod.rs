// SPDX-License-Identifier: GPL-2.0-or-later
//! Shared harness of the tshark integration tests: builds the plugin, installs it into a private plugin
//! folder, builds captures with `cwmp-capgen`, and runs the real tshark with the plugin loaded.
//!
//! The root trap: run as root, Wireshark ignores `WIRESHARK_PLUGIN_DIR` and personal plugin folders. The
//! harness therefore runs tshark as `nobody` (through `setpriv`) when the tests run as root, with a
//! private `HOME`, and copies the plugin and captures into a world-readable temporary folder.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use cwmp_capgen::{Capture, Coding, Request, Response, Session};

pub const CPE: &str = "192.0.2.10:50000";
pub const ACS: &str = "198.51.100.1:7547";

struct Env {
    root: PathBuf,
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn tshark_bin() -> String {
    std::env::var("CWMP_TSHARK").unwrap_or_else(|_| "tshark".to_owned())
}

/// The folder the test binary's profile builds into (target/debug or target/release).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_path_buf()
}

fn build_plugin() -> PathBuf {
    let dir = profile_dir();
    let release = dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--lib", "-p", "cwmp-dissector"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    if release {
        cmd.arg("--release");
    }
    let st = cmd.status().expect("run cargo build");
    assert!(st.success(), "cargo build of the plugin failed");
    let so = dir.join("libcwmp_dissector.so");
    assert!(so.exists(), "{} not built", so.display());
    so
}

static ENV: OnceLock<Env> = OnceLock::new();

const SCRATCH_PREFIX: &str = "cwmp-tests-";

/// Removes this process's scratch folder as the test binary exits. The test harness never drops
/// statics, but it ends the process through `exit` (also when tests failed, with status 101), and
/// `exit` runs `atexit` handlers.
extern "C" fn remove_scratch_at_exit() {
    if let Some(e) = ENV.get() {
        let _ = std::fs::remove_dir_all(&e.root);
    }
}

/// Removes the scratch folders of test processes that no longer run (killed, or aborted before
/// `exit`): their pid is part of the name.
fn remove_stale_scratch() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(SCRATCH_PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The scratch folder of this test process (plugin, captures, tshark's home).
pub fn scratch_root() -> PathBuf {
    env().root.clone()
}

fn env() -> &'static Env {
    ENV.get_or_init(|| {
        remove_stale_scratch();
        let so = build_plugin();
        let root = std::env::temp_dir().join(format!("{SCRATCH_PREFIX}{}", std::process::id()));
        // SAFETY: registers a plain function without arguments; it only reads a static that is
        // initialised before this closure returns (and skips when it is not).
        unsafe {
            libc::atexit(remove_scratch_at_exit);
        }
        let (maj, min) = (
            cwmp_dissector::ffi::compat::WS_MAJOR,
            cwmp_dissector::ffi::compat::WS_MINOR,
        );
        let epan = root
            .join("plugins")
            .join(format!("{maj}.{min}"))
            .join("epan");
        std::fs::create_dir_all(&epan).expect("mkdir plugin dir");
        std::fs::create_dir_all(root.join("home")).expect("mkdir home");
        std::fs::create_dir_all(root.join("captures")).expect("mkdir captures");
        std::fs::copy(&so, epan.join("cwmp.so")).expect("copy plugin");
        // World-readable (and the home writable) for the unprivileged tshark.
        let _ = Command::new("chmod")
            .args(["-R", "a+rwX"])
            .arg(&root)
            .status();
        let mut p = root.clone();
        while let Some(parent) = p.parent() {
            let _ = Command::new("chmod").arg("a+x").arg(parent).status();
            p = parent.to_path_buf();
            if p == Path::new("/") || p == std::env::temp_dir() {
                break;
            }
        }
        Env { root }
    })
}

/// A fresh capture path in the shared, world-readable folder.
pub fn capture_path(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    env()
        .root
        .join("captures")
        .join(format!("{n:04}-{name}.pcap"))
}

/// Writes a capture and makes it readable by the unprivileged tshark.
pub fn write_capture(cap: &Capture, name: &str) -> PathBuf {
    let p = capture_path(name);
    cap.write(&p).expect("write capture");
    let _ = Command::new("chmod").arg("a+r").arg(&p).status();
    p
}

/// Runs tshark with the plugin (or without it when `with_plugin` is false). Returns stdout; panics
/// with stderr when tshark fails.
pub fn tshark_raw(args: &[&str], with_plugin: bool) -> (String, String, bool) {
    let e = env();
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
        c.arg(tshark_bin());
        c
    } else {
        Command::new(tshark_bin())
    };
    cmd.env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("HOME", e.root.join("home"));
    cmd.env("LANG", "C.UTF-8");
    let empty = e.root.join("no-plugins");
    if with_plugin {
        cmd.env("WIRESHARK_PLUGIN_DIR", e.root.join("plugins"));
    } else {
        let _ = std::fs::create_dir_all(&empty);
        cmd.env("WIRESHARK_PLUGIN_DIR", &empty);
    }
    cmd.args(args);
    let out = cmd.output().expect("run tshark");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// Runs tshark with the plugin and returns stdout; panics when tshark fails.
pub fn tshark(args: &[&str]) -> String {
    let (out, err, ok) = tshark_raw(args, true);
    assert!(ok, "tshark {args:?} failed:\n{err}\n{out}");
    out
}

/// `tshark -r FILE [-2] -Y FILTER -T fields -e F...`: one row per packet, one column per field.
pub fn fields(pcap: &Path, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    fields_opts(pcap, filter, fields, &[])
}

pub fn fields_opts(pcap: &Path, filter: &str, fields: &[&str], extra: &[&str]) -> Vec<Vec<String>> {
    try_fields_opts(pcap, filter, fields, extra).unwrap_or_else(|err| panic!("{err}"))
}

/// Like [`fields_opts`], but returns tshark's error output instead of panicking when it fails.
pub fn try_fields_opts(
    pcap: &Path,
    filter: &str,
    fields: &[&str],
    extra: &[&str],
) -> Result<Vec<Vec<String>>, String> {
    let p = pcap.to_string_lossy().into_owned();
    let mut args: Vec<&str> = vec!["-n", "-r", &p];
    args.extend_from_slice(extra);
    if !filter.is_empty() {
        args.extend_from_slice(&["-Y", filter]);
    }
    args.extend_from_slice(&["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]);
    for f in fields {
        args.extend_from_slice(&["-e", f]);
    }
    let (out, err, ok) = tshark_raw(&args, true);
    if !ok {
        return Err(format!("tshark {args:?} failed:\n{err}\n{out}"));
    }
    Ok(out
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect())
}

/// The `-V` text of the packets matching `filter`.
pub fn verbose(pcap: &Path, filter: &str) -> String {
    let p = pcap.to_string_lossy().into_owned();
    tshark(&["-n", "-r", &p, "-Y", filter, "-V"])
}

pub fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn addr(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

/// Options for a generated CWMP exchange.
#[derive(Clone)]
pub struct Opts {
    pub cpe: SocketAddr,
    pub acs: SocketAddr,
    pub content_type: Option<String>,
    pub coding: Coding,
    pub segment: Option<usize>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            cpe: addr(CPE),
            acs: addr(ACS),
            content_type: Some("text/xml; charset=\"utf-8\"".into()),
            coding: Coding::Identity,
            segment: None,
        }
    }
}

/// The CPE's POST carrying `body` (empty: an empty POST).
pub fn post(body: &[u8], o: &Opts) -> Request {
    let mut r = Request::post("/cwmp")
        .header("Host", o.acs.to_string())
        .header("User-Agent", "cwmp-tests");
    if !body.is_empty() {
        if let Some(ct) = &o.content_type {
            r = r.header("Content-Type", ct);
        }
        r = r.header("SOAPAction", "").body(body).coding(o.coding);
    }
    r
}

/// The ACS's answer carrying `body` (empty: 204 No Content).
pub fn answer(body: &[u8], o: &Opts) -> Response {
    if body.is_empty() {
        return Response::new(204, "No Content");
    }
    let mut r = Response::new(200, "OK");
    if let Some(ct) = &o.content_type {
        r = r.header("Content-Type", ct);
    }
    r.body(body).coding(o.coding)
}

/// One TCP connection with the given (request body, response body) exchanges.
pub fn session_capture(name: &str, exchanges: &[(Vec<u8>, Vec<u8>)], o: &Opts) -> PathBuf {
    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(o.cpe, o.acs);
    let mut s = Session::new();
    if let Some(seg) = o.segment {
        s = s.segment(seg);
    }
    let ex: Vec<(Request, Response)> = exchanges
        .iter()
        .map(|(q, a)| (post(q, o), answer(a, o)))
        .collect();
    s.run(&mut cap, &mut flow, &ex);
    cap.close(&mut flow);
    write_capture(&cap, name)
}

/// Wraps a method element in a SOAP envelope with the usual prefixes (cwmp-1-2 unless `ns` says).
pub fn envelope(header: &str, body: &str) -> Vec<u8> {
    format!(
        "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">\n\
         <soap-env:Header>{header}</soap-env:Header>\n<soap-env:Body>{body}</soap-env:Body>\n</soap-env:Envelope>\n"
    )
    .into_bytes()
}

/// A header with a cwmp:ID.
pub fn id_header(id: &str) -> String {
    format!("<cwmp:ID soap-env:mustUnderstand=\"1\">{id}</cwmp:ID>")
}

/// The (item, count) rows of a statistics tree printed by `tshark -z ...,tree`: columns are separated
/// by runs of two or more spaces, and the count is the second column.
pub fn stats_rows(output: &str) -> Vec<(String, String)> {
    output
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            (cols.len() >= 2 && cols[1].chars().all(|c| c.is_ascii_digit()))
                .then(|| (cols[0].to_owned(), cols[1].to_owned()))
        })
        .collect()
}

/// The Info and Protocol columns of the packets matching `filter`, from tshark's summary lines (one
/// line per packet, with only those two columns). Unlike `-e _ws.col.Info`, which Wireshark 4.4 and
/// later fill before postdissectors run, the summary shows what the CWMP postdissector wrote for
/// HTTP messages without a body (Empty POST, End of session, ...).
pub fn summary_columns(pcap: &Path, filter: &str, extra: &[&str]) -> Vec<(String, String)> {
    let p = pcap.to_string_lossy().into_owned();
    let mut args: Vec<&str> = vec![
        "-n",
        "-r",
        &p,
        "-o",
        "gui.column.format:\"Protocol\",\"%p\",\"Info\",\"%i\"",
    ];
    args.extend_from_slice(extra);
    if !filter.is_empty() {
        args.extend_from_slice(&["-Y", filter]);
    }
    tshark(&args)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let l = l.trim_start();
            let (proto, info) = l.split_once(' ').unwrap_or((l, ""));
            (proto.to_owned(), info.trim().to_owned())
        })
        .collect()
}

/// The Wireshark major.minor the plugin was built for (and the tests run against).
pub fn ws_version() -> (i32, i32) {
    (
        cwmp_dissector::ffi::compat::WS_MAJOR,
        cwmp_dissector::ffi::compat::WS_MINOR,
    )
}

/// True where `-e _ws.col.Info` shows what the CWMP postdissector wrote for HTTP messages without a
/// body. Wireshark 4.4 and later fill the `_ws.col.*` fields before postdissectors run, so there they
/// show HTTP's request or status line; the summary lines show the CWMP text in every version.
pub fn col_fields_include_postdissector() -> bool {
    ws_version() < (4, 4)
}

/// An ACS's TCP connection request to the CPE's port 7547 (192.0.2.10): challenged with a Digest 401,
/// then answered 200 once the ACS sends credentials.
pub fn connection_request_with_digest_round(cap: &mut Capture) {
    let mut cr = cap.tcp_flow(addr("198.51.100.1:40000"), addr("192.0.2.10:7547"));
    let get = |auth: bool| {
        let r = Request::get("/cr-7f3a").header("Host", "192.0.2.10:7547");
        if auth {
            r.header(
                "Authorization",
                "Digest username=\"cr\", realm=\"cpe\", nonce=\"n1\", uri=\"/cr-7f3a\", response=\"00\"",
            )
        } else {
            r
        }
    };
    Session::new().run(
        cap,
        &mut cr,
        &[
            (
                get(false),
                Response::new(401, "Unauthorized")
                    .header("WWW-Authenticate", "Digest realm=\"cpe\", nonce=\"n1\""),
            ),
            (
                get(true),
                Response::new(200, "OK").header("Content-Length", "0"),
            ),
        ],
    );
    cap.close(&mut cr);
}
