// SPDX-License-Identifier: GPL-2.0-or-later
//! The functions the C shim calls: per body (`cwmp_rs_dissect`), per frame with HTTP messages
//! (`cwmp_rs_http`), per UDP datagram and XMPP stanza, `cwmp_rs_free`, and once at start-up
//! `cwmp_rs_tables`.
//!
//! All catch panics: nothing unwinds into C. A panic while dissecting, on any path, becomes a minimal
//! CWMP tree with an "internal error" expert item, so the analyst sees that something went wrong
//! instead of a packet silently left unclaimed.

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use super::bindings as ws;
use super::register::{ei, ett, hf};
use crate::cwmp::Limits;
use crate::dissector::{self, HttpKind, Packet, Prefs, Verdict, Via};
use crate::fields::{Expert, ALL_EXPERTS, ALL_FIELDS};
use crate::session::{At, FileFact, HttpMessage, Tracker, Ts};
use crate::tree::{OpCode, TreeOps, NO_TEXT};

/// Session state of the open capture file. Wireshark dissects on one thread; the mutex only makes the
/// global sound. Reset by the init/cleanup routines the shim registers.
static TRACKER: Mutex<Option<Tracker>> = Mutex::new(None);

/// The `cwmp_credentials` table, as the shim last handed it over. Kept across files.
static CREDENTIALS: Mutex<Option<crate::httpauth::Credentials>> = Mutex::new(None);

fn with_credentials<R>(f: impl FnOnce(&crate::httpauth::Credentials) -> R) -> R {
    let guard = CREDENTIALS.lock().unwrap_or_else(|e| e.into_inner());
    match guard.as_ref() {
        Some(c) => f(c),
        None => f(&crate::httpauth::Credentials::default()),
    }
}

/// Takes the records of the `cwmp_credentials` table (the shim calls it after every change of the
/// table). Records whose strings are not UTF-8 are dropped. Returns the number of records kept.
///
/// # Safety
/// `users` and `passwords` must each hold `n` pointers to NUL-terminated strings (or NULL), valid for
/// the call.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_set_credentials(
    users: *const *const c_char,
    passwords: *const *const c_char,
    n: u32,
) -> u32 {
    catch_unwind(|| {
        let (users, passwords): (&[*const c_char], &[*const c_char]) =
            if users.is_null() || passwords.is_null() || n == 0 {
                (&[], &[])
            } else {
                // SAFETY: two arrays of n pointers from the shim's UAT records, alive for the call.
                unsafe {
                    (
                        std::slice::from_raw_parts(users, n as usize),
                        std::slice::from_raw_parts(passwords, n as usize),
                    )
                }
            };
        let creds =
            crate::httpauth::Credentials::new(users.iter().zip(passwords).filter_map(|(u, p)| {
                Some((cstr(*u)?.to_owned(), cstr(*p).unwrap_or("").to_owned()))
            }));
        let kept = u32::try_from(creds.len()).unwrap_or(u32::MAX);
        *CREDENTIALS.lock().unwrap_or_else(|e| e.into_inner()) = Some(creds);
        kept
    })
    .unwrap_or(0)
}

/// Message IDs of UDP connection requests seen in the open file (replays).
static UDP_STATE: Mutex<Option<crate::sidechannel::UdpState>> = Mutex::new(None);

/// Test hook: `CWMP_INJECT_PANIC=<point>` (`dissect`, `http`, `udp`, `xmpp`, `register`) makes that
/// entry point panic, so that the tests can check that every path reports a panic. Read once.
pub(crate) fn inject_panic(point: &str) {
    static WANTED: OnceLock<Option<String>> = OnceLock::new();
    let wanted = WANTED.get_or_init(|| std::env::var("CWMP_INJECT_PANIC").ok());
    if wanted.as_deref() == Some(point) {
        panic!("panic injected at {point} (CWMP_INJECT_PANIC)");
    }
}

/// The output of a caught panic: the internal-error tree, or NULL if even that failed.
fn panicked(len: u32) -> *mut ws::cwmp_output_t {
    match catch_unwind(|| to_c(internal_error(len))) {
        Ok(owned) => Box::into_raw(owned).cast(),
        Err(_) => std::ptr::null_mut(),
    }
}

/// Converts a verdict, or reports the panic that replaced it.
fn output(result: std::thread::Result<Verdict>, len: u32) -> *mut ws::cwmp_output_t {
    match result.map(|v| catch_unwind(AssertUnwindSafe(|| to_c(v)))) {
        Ok(Ok(owned)) => Box::into_raw(owned).cast(),
        _ => panicked(len),
    }
}

/// The connection request timeout preference, kept across resets of the tracker.
static CONNREQ_TIMEOUT: AtomicU32 = AtomicU32::new(crate::follow::DEFAULT_CONNREQ_TIMEOUT);

fn with_tracker<R>(f: impl FnOnce(&mut Tracker) -> R) -> R {
    let mut guard = TRACKER.lock().unwrap_or_else(|e| e.into_inner());
    let t = guard.get_or_insert_with(Tracker::new);
    t.set_connreq_timeout(CONNREQ_TIMEOUT.load(Ordering::Relaxed));
    f(t)
}

/// A string for C; NULL bytes are dropped. Freed by `cwmp_rs_string_free`.
fn c_string(s: String) -> *mut c_char {
    std::ffi::CString::new(s.replace('\0', ""))
        .map(std::ffi::CString::into_raw)
        .unwrap_or(std::ptr::null_mut())
}

/// The device table (`tshark -z cwmp,devices`): a header line, then one tab-separated row per device.
/// NULL on an internal error.
#[no_mangle]
pub extern "C" fn cwmp_rs_devices_tsv() -> *mut c_char {
    catch_unwind(|| with_tracker(|t| crate::views::devices_tsv(&t.devices())))
        .map(c_string)
        .unwrap_or(std::ptr::null_mut())
}

/// The device-table row of the device the frame belongs to; NULL when none.
#[no_mangle]
pub extern "C" fn cwmp_rs_device_row(frame: u32) -> *mut c_char {
    catch_unwind(|| {
        with_tracker(|t| {
            t.device_of_frame(frame)
                .map(|(k, s)| crate::views::device_row(&k, &s))
        })
    })
    .ok()
    .flatten()
    .map_or(std::ptr::null_mut(), c_string)
}

/// Frees a string from `cwmp_rs_devices_tsv` or `cwmp_rs_device_row`.
///
/// # Safety
/// `s` must come from one of those functions (or be NULL), and be freed once.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by CString::into_raw in c_string, and freed once, as the contract says.
        drop(unsafe { std::ffi::CString::from_raw(s) });
    }
}

/// Sets the connection request timeout (preference `cwmp.connreq_timeout`); called by the shim's
/// preference callback.
#[no_mangle]
pub extern "C" fn cwmp_rs_set_connreq_timeout(secs: u32) {
    CONNREQ_TIMEOUT.store(secs, Ordering::Relaxed);
}

fn ip(a: &ws::cwmp_addr_t) -> Option<std::net::IpAddr> {
    match a.family {
        4 => Some(std::net::IpAddr::from([
            a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3],
        ])),
        6 => Some(std::net::IpAddr::from(a.bytes)),
        _ => None,
    }
}

fn cstr<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        // SAFETY: the shim passes NUL-terminated strings that live for the packet's dissection.
        unsafe { CStr::from_ptr(p) }.to_str().ok()
    }
}

/// The output handed to C, with everything its pointers point into.
#[repr(C)]
struct Owned {
    /// First field: C receives a pointer to it and gives it back to `cwmp_rs_free`.
    out: ws::cwmp_output_t,
    ops: Vec<ws::cwmp_op_t>,
    tree: TreeOps,
    info: Vec<u8>,
    taps: Vec<ws::cwmp_tap_t>,
    /// The strings the tap records point into.
    tap_text: Vec<std::ffi::CString>,
}

/// Keeps `s` alive in `store` and returns a pointer to it (NUL bytes removed).
fn keep(store: &mut Vec<std::ffi::CString>, s: &str) -> *const c_char {
    let c = std::ffi::CString::new(s.replace('\0', "")).unwrap_or_default();
    // The CString's heap buffer does not move when the Vec grows.
    let p = c.as_ptr();
    store.push(c);
    p
}

fn taps_to_c(
    taps: &[dissector::TapRecord],
    store: &mut Vec<std::ffi::CString>,
) -> Vec<ws::cwmp_tap_t> {
    taps.iter()
        .map(|t| ws::cwmp_tap_t {
            method: keep(store, &t.method),
            direction: t.direction as i32,
            kind: t.kind as i32,
            session: t.session,
            new_session: i32::from(t.new_session),
            events: keep(store, &t.events.join("\n")),
            has_fault: i32::from(t.fault.is_some()),
            fault: t.fault.unwrap_or(0),
            fault_name: keep(store, t.fault.map_or("", crate::values::fault_name)),
            oui: keep(store, &t.oui),
            product_class: keep(store, &t.product_class),
            request_method: t
                .request_method
                .as_deref()
                .map_or(std::ptr::null(), |m| keep(store, m)),
            response_ms: t.response_ms.unwrap_or(-1.0),
        })
        .collect()
}

fn packet_of<'a>(input: &'a ws::cwmp_input_t) -> Packet<'a> {
    let body: &[u8] = if input.body.is_null() || input.captured_len == 0 {
        &[]
    } else {
        // SAFETY: the shim passes tvb_get_ptr(tvb, 0, captured_len): valid for captured_len bytes until
        // the dissector returns, which is after this function's result has been consumed.
        unsafe { std::slice::from_raw_parts(input.body, input.captured_len as usize) }
    };
    let media_params = cstr(input.media_params);
    Packet {
        body,
        reported_len: input.reported_len as usize,
        via: match input.via {
            x if x == ws::CWMP_VIA_PORT as i32 => Via::Port,
            x if x == ws::CWMP_VIA_HEURISTIC as i32 => Via::Heuristic,
            _ => Via::MediaType,
        },
        http: match input.http_kind {
            x if x == ws::CWMP_HTTP_REQUEST as i32 => HttpKind::Request,
            x if x == ws::CWMP_HTTP_RESPONSE as i32 => HttpKind::Response,
            _ => HttpKind::Unknown,
        },
        media_params,
        prefs: Prefs {
            xml_tree: input.pref_xml_tree != 0,
            limits: Limits {
                max_body: input.pref_max_body as usize,
                max_depth: u16::try_from(input.pref_max_depth).unwrap_or(u16::MAX),
                max_items: input.pref_max_items as usize,
            },
        },
    }
}

/// Converts the pure operation list to the C layout, resolving field, subtree and expert ids.
fn to_c(v: Verdict) -> Box<Owned> {
    let tree = v.ops;
    let base = tree.text.as_ptr().cast::<c_char>();
    let text = |off: u32| -> *const c_char {
        if off == NO_TEXT {
            std::ptr::null()
        } else {
            // SAFETY: offsets come from TreeOps::intern and lie inside `text`, whose heap buffer does not
            // move when the Vec is moved into `Owned`.
            unsafe { base.add(off as usize) }
        }
    };
    let mut ops = Vec::with_capacity(tree.ops.len());
    for o in &tree.ops {
        let (id, eip) = match o.code {
            OpCode::Expert => (
                0,
                ALL_EXPERTS
                    .get(o.index as usize)
                    .map_or(std::ptr::null_mut(), |e| ei(*e)),
            ),
            OpCode::Push => (
                ALL_FIELDS.get(o.index as usize).map_or(-1, |f| ett(*f)),
                std::ptr::null_mut(),
            ),
            OpCode::Pop => (0, std::ptr::null_mut()),
            _ => (
                ALL_FIELDS.get(o.index as usize).map_or(-1, |f| hf(*f)),
                std::ptr::null_mut(),
            ),
        };
        if o.code == OpCode::Expert && eip.is_null() {
            continue;
        }
        ops.push(ws::cwmp_op_t {
            code: o.code as i32,
            id,
            start: o.start as i32,
            length: o.len as i32,
            generated: i32::from(o.generated),
            nanos: o.nanos as i32,
            u: o.u,
            i: o.i,
            str_: text(o.str),
            label: text(o.label),
            ei: eip,
        });
    }
    let mut tap_text = Vec::new();
    let taps = taps_to_c(&v.taps, &mut tap_text);
    let mut info = v.info.replace('\0', "").into_bytes();
    info.push(0);
    let mut owned = Box::new(Owned {
        out: ws::cwmp_output_t {
            claimed: i32::from(v.claimed),
            want_xml: i32::from(v.want_xml),
            ops: std::ptr::null(),
            n_ops: 0,
            info: std::ptr::null(),
            taps: std::ptr::null(),
            n_taps: 0,
        },
        ops,
        tree,
        info,
        taps,
        tap_text,
    });
    owned.out.ops = owned.ops.as_ptr();
    owned.out.n_ops = u32::try_from(owned.ops.len()).unwrap_or(0);
    owned.out.info = owned.info.as_ptr().cast();
    owned.out.taps = owned.taps.as_ptr();
    owned.out.n_taps = u32::try_from(owned.taps.len()).unwrap_or(0);
    owned
}

/// A minimal claimed tree saying that the dissector failed, used after a caught panic.
fn internal_error(body_len: u32) -> Verdict {
    use crate::tree::Sink;
    let mut ops = TreeOps::new(body_len);
    let span = crate::cwmp::Span {
        start: 0,
        len: body_len,
    };
    ops.item(
        crate::fields::Field::Proto,
        span,
        &crate::cwmp::Value::None,
        None,
        false,
    );
    ops.expert(
        Expert::Internal,
        "Internal error in the CWMP dissector: body not decoded",
    );
    Verdict {
        claimed: true,
        want_xml: true,
        ops,
        info: "CWMP [internal error]".into(),
        taps: Vec::new(),
    }
}

/// Dissects one body. Returns NULL only if even the error report could not be built.
///
/// # Safety
/// `input` must point to a valid `cwmp_input_t` whose `body` is readable for `captured_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_dissect(input: *const ws::cwmp_input_t) -> *mut ws::cwmp_output_t {
    if input.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: checked non-null; the shim passes a pointer to a stack struct it keeps alive.
    let input = unsafe { &*input };
    let result = catch_unwind(AssertUnwindSafe(|| {
        inject_panic("dissect");
        let packet = packet_of(input);
        let at = At {
            frame: input.frame,
            index: u16::try_from(input.index).unwrap_or(u16::MAX),
            stream: input.stream,
            ts: Ts {
                secs: input.ts_secs,
                nanos: u32::try_from(input.ts_nsecs).unwrap_or(0),
            },
            visited: input.visited != 0,
            src: ip(&input.src),
            dst: ip(&input.dst),
        };
        let detail = if input.has_tree != 0 {
            dissector::Detail::Full
        } else {
            dissector::Detail::ExpertsOnly
        };
        let folders = cstr(input.datamodel_dirs).unwrap_or("");
        let dm_tree = input.dm_tree != 0;
        crate::dmcheck::with_models(folders, |dm| {
            let dm = dm.map(|(cat, s)| (cat, s.annotations_read(dm_tree)));
            with_tracker(|t| {
                super::views::with_views(|v| {
                    dissector::dissect_in_session_viewed(&packet, at, t, Some(v), detail, dm)
                })
            })
        })
    }));
    output(result, input.captured_len)
}

/// The HTTP messages of a frame without CWMP bodies, for the session logic. Returns NULL on failure.
///
/// # Safety
/// `input` must point to a valid `cwmp_http_input_t` whose `msgs` holds `n_msgs` entries.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_http(
    input: *const ws::cwmp_http_input_t,
) -> *mut ws::cwmp_output_t {
    if input.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: checked non-null; a stack struct of the shim's postdissector.
    let input = unsafe { &*input };
    let result = catch_unwind(AssertUnwindSafe(|| {
        inject_panic("http");
        let raw: &[ws::cwmp_http_msg_t] = if input.msgs.is_null() || input.n_msgs == 0 {
            &[]
        } else {
            // SAFETY: the shim passes an array of n_msgs entries that outlives this call.
            unsafe { std::slice::from_raw_parts(input.msgs, input.n_msgs as usize) }
        };
        let heads: Vec<crate::httpauth::HttpHeaders> = raw
            .iter()
            .map(|m| crate::httpauth::HttpHeaders {
                uri: cstr(m.uri).map(str::to_owned),
                authorization: cstr(m.authorization).map(str::to_owned),
                www_authenticate: cstr(m.www_authenticate).map(str::to_owned),
                cookie: cstr(m.cookie).map(str::to_owned),
                set_cookie: cstr(m.set_cookie).map(str::to_owned),
            })
            .collect();
        let msgs: Vec<HttpMessage> = raw
            .iter()
            .map(|m| {
                if m.is_request != 0 {
                    HttpMessage::Request {
                        method: cstr(m.method).unwrap_or("").to_owned(),
                        has_body: m.has_body != 0,
                    }
                } else {
                    HttpMessage::Response {
                        code: u16::try_from(m.code).unwrap_or(0),
                        has_body: m.has_body != 0,
                        location: cstr(m.location).map(str::to_owned),
                    }
                }
            })
            .collect();
        let at = At {
            frame: input.frame,
            index: 0,
            stream: input.stream,
            ts: Ts {
                secs: input.ts_secs,
                nanos: u32::try_from(input.ts_nsecs).unwrap_or(0),
            },
            visited: input.visited != 0,
            src: ip(&input.src),
            dst: ip(&input.dst),
        };
        let raw_facts: &[ws::cwmp_file_fact_t] = if input.facts.is_null() || input.n_facts == 0 {
            &[]
        } else {
            // SAFETY: the shim passes an array of n_facts entries that outlives this call.
            unsafe { std::slice::from_raw_parts(input.facts, input.n_facts as usize) }
        };
        let facts: Vec<FileFact> = raw_facts
            .iter()
            .filter_map(|f| {
                let code = u16::try_from(f.code).unwrap_or(0);
                match f.kind {
                    k if k == ws::CWMP_FILE_FETCH as i32 => Some(FileFact::Fetch {
                        url: cstr(f.url)?.to_owned(),
                    }),
                    k if k == ws::CWMP_FILE_HTTP_OUTCOME as i32 => Some(FileFact::HttpOutcome {
                        request_frame: f.request_frame,
                        code,
                    }),
                    k if k == ws::CWMP_FILE_FTP_REPLY as i32 => Some(FileFact::FtpReply { code }),
                    k if k == ws::CWMP_FILE_TFTP_ERROR as i32 => Some(FileFact::TftpError { code }),
                    _ => None,
                }
            })
            .collect();
        if std::env::var_os("CWMP_DEBUG").is_some() {
            eprintln!(
                "cwmp_rs_http {at:?} {msgs:?} {facts:?} port={}",
                input.cwmp_port
            );
        }
        with_credentials(|creds| {
            let checks = crate::httpauth::Checks {
                creds,
                http_checks: input.http_checks != 0 || !creds.is_empty(),
                tls: input.tls != 0,
            };
            with_tracker(|t| {
                t.on_file_facts(at, &facts);
                super::views::with_views(|v| {
                    dissector::dissect_http_checked(
                        at,
                        &msgs,
                        &heads,
                        input.cwmp_port != 0,
                        t,
                        Some(v),
                        checks,
                    )
                })
            })
        })
    }));
    output(result, 0)
}

/// Dissects a UDP datagram that may be a connection request or a lightweight notification.
///
/// # Safety
/// `input` must point to a valid `cwmp_udp_input_t` whose `payload` is readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_udp(input: *const ws::cwmp_udp_input_t) -> *mut ws::cwmp_output_t {
    if input.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: checked non-null; a stack struct of the shim.
    let input = unsafe { &*input };
    let result = catch_unwind(AssertUnwindSafe(|| {
        inject_panic("udp");
        let payload: &[u8] = if input.payload.is_null() || input.len == 0 {
            &[]
        } else {
            // SAFETY: tvb_get_ptr(tvb, 0, len) in the shim, valid until the dissector returns.
            unsafe { std::slice::from_raw_parts(input.payload, input.len as usize) }
        };
        let d = dissector::Datagram {
            payload,
            frame: input.frame,
            visited: input.visited != 0,
            capture_secs: input.capture_secs,
            capture_nanos: u32::try_from(input.capture_nsecs).unwrap_or(0),
            dst: ip(&input.dst),
            cr_password: cstr(input.cr_password),
            acs_password: cstr(input.acs_password),
        };
        let mut guard = UDP_STATE.lock().unwrap_or_else(|e| e.into_inner());
        with_credentials(|creds| {
            with_tracker(|t| {
                dissector::dissect_udp_with(
                    &d,
                    creds,
                    guard.get_or_insert_with(Default::default),
                    t,
                )
            })
        })
    }));
    output(result, input.len)
}

/// Decodes the XMPP connection request in the bytes the XMPP dissector parsed it from (a frame, a
/// reassembled or a decrypted buffer); the shim calls it only when the XML dissector found one.
///
/// # Safety
/// `input` must point to a valid `cwmp_xmpp_input_t` whose `data` is readable for `len` bytes (or
/// NULL with `len` 0).
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_xmpp(
    input: *const ws::cwmp_xmpp_input_t,
) -> *mut ws::cwmp_output_t {
    if input.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: checked non-null; a stack struct of the shim's postdissector.
    let input = unsafe { &*input };
    let bytes: &[u8] = if input.data.is_null() || input.len == 0 {
        &[]
    } else {
        // SAFETY: tvb_get_ptr(ds, 0, len) in the shim, valid until the postdissector returns.
        unsafe { std::slice::from_raw_parts(input.data, input.len as usize) }
    };
    let seen = (
        input.frame,
        Ts {
            secs: input.ts_secs,
            nanos: u32::try_from(input.ts_nsecs).unwrap_or(0),
        },
        input.visited != 0,
    );
    let result = catch_unwind(AssertUnwindSafe(|| {
        inject_panic("xmpp");
        with_tracker(|t| dissector::dissect_xmpp(bytes, seen, t))
    }));
    output(result, 0)
}

/// The registration tables for the shim, built once; NULL (and nothing registered) after a panic.
#[no_mangle]
pub extern "C" fn cwmp_rs_tables() -> *const ws::cwmp_tables_t {
    match catch_unwind(super::register::tables) {
        Ok(t) => t,
        Err(_) => {
            eprintln!("cwmp: panic while building the registration tables; CWMP is not available");
            std::ptr::null()
        }
    }
}

/// Forgets all session state (file closed or reopened, preferences changed).
#[no_mangle]
pub extern "C" fn cwmp_rs_reset() {
    let _ = catch_unwind(|| {
        let mut guard = TRACKER.lock().unwrap_or_else(|e| e.into_inner());
        *guard = None;
        let mut udp = UDP_STATE.lock().unwrap_or_else(|e| e.into_inner());
        *udp = None;
        crate::dmcheck::reset();
    });
}

/// Frees an output of [`cwmp_rs_dissect`].
///
/// # Safety
/// `out` must be NULL or a pointer returned by `cwmp_rs_dissect`, freed once.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_free(out: *mut ws::cwmp_output_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `out` is the first field of a boxed, repr(C) `Owned` created by `cwmp_rs_dissect`.
    let owned = unsafe { Box::from_raw(out.cast::<Owned>()) };
    let _ = catch_unwind(AssertUnwindSafe(move || drop(owned)));
}
