// SPDX-License-Identifier: GPL-2.0-or-later
//! Every CWMP message through the real tshark: each RPC of TR-069 Amendment 6 (both directions,
//! request, response and fault) has a fixture under `tests/fixtures/rpc/`, and the tests below assert
//! its main fields as tshark reports them with `-T fields`.
//!
//! To keep tshark runs few, all fixtures travel in one capture (a realistic session plus a refused
//! one, on two TCP connections), decoded once with every `cwmp.*` field; each test reads its messages
//! from that shared table. Further runs check display filters, chunked and gzip bodies, the direction
//! inferred when HTTP gives no roles, and a 50,000-parameter response.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use cwmp_capgen::{Capture, Coding, Request, Response, Session};
use cwmp_dissector::fields::{FieldType, EXPERTS, FIELDS};

/// The main session, as (POST body, HTTP response body) fixtures; "" is an empty POST or a 204. The
/// CPE's own requests come first, each answered in its HTTP response; then the ACS's requests ride in
/// HTTP responses and the CPE answers each in its next POST.
const MAIN: &[(&str, &str)] = &[
    ("inform.xml", "inform_response.xml"),
    ("transfer_complete.xml", "transfer_complete_response.xml"),
    (
        "autonomous_transfer_complete.xml",
        "autonomous_transfer_complete_response.xml",
    ),
    (
        "du_state_change_complete.xml",
        "du_state_change_complete_response.xml",
    ),
    (
        "autonomous_du_state_change_complete.xml",
        "autonomous_du_state_change_complete_response.xml",
    ),
    ("request_download.xml", "request_download_response.xml"),
    ("kicked.xml", "kicked_response.xml"),
    (
        "get_rpc_methods_cpe.xml",
        "get_rpc_methods_response_acs.xml",
    ),
    ("", "get_rpc_methods.xml"),
    ("get_rpc_methods_response.xml", "set_parameter_values.xml"),
    (
        "set_parameter_values_response.xml",
        "set_parameter_values_invalid.xml",
    ),
    ("fault_set_parameter_values.xml", "get_parameter_values.xml"),
    (
        "get_parameter_values_response.xml",
        "get_parameter_names.xml",
    ),
    (
        "get_parameter_names_response.xml",
        "set_parameter_attributes.xml",
    ),
    (
        "set_parameter_attributes_response.xml",
        "get_parameter_attributes.xml",
    ),
    ("get_parameter_attributes_response.xml", "add_object.xml"),
    ("add_object_response.xml", "delete_object.xml"),
    ("delete_object_response.xml", "download.xml"),
    ("download_response.xml", "upload.xml"),
    ("upload_response.xml", "get_queued_transfers.xml"),
    (
        "get_queued_transfers_response.xml",
        "get_all_queued_transfers.xml",
    ),
    (
        "get_all_queued_transfers_response.xml",
        "schedule_download.xml",
    ),
    ("schedule_download_response.xml", "cancel_transfer.xml"),
    ("cancel_transfer_response.xml", "cancel_transfer_busy.xml"),
    ("fault_cancel_transfer.xml", "schedule_inform.xml"),
    ("schedule_inform_response.xml", "set_vouchers.xml"),
    ("set_vouchers_response.xml", "get_options.xml"),
    ("get_options_response.xml", "change_du_state.xml"),
    (
        "change_du_state_response.xml",
        "change_du_state_wrapped.xml",
    ),
    ("change_du_state_wrapped_response.xml", "vendor_method.xml"),
    ("vendor_method_response.xml", "vendor_method_again.xml"),
    ("fault_vendor.xml", "factory_reset.xml"),
    ("factory_reset_response.xml", "reboot.xml"),
    ("reboot_response.xml", ""),
];

/// A second connection: an Inform on the unofficial cwmp-1-4 namespace, refused with ACS fault 8005.
const REFUSED: &[(&str, &str)] = &[("inform_retry.xml", "fault_acs_retry.xml")];

fn rpc_body(name: &str) -> Vec<u8> {
    if name.is_empty() {
        Vec::new()
    } else {
        fixture(&format!("rpc/{name}"))
    }
}

/// The fixtures in capture order, each with the direction it travels in (true: CPE to ACS).
fn messages() -> Vec<(&'static str, bool)> {
    let mut out = Vec::new();
    for (q, a) in MAIN.iter().chain(REFUSED) {
        if !q.is_empty() {
            out.push((*q, true));
        }
        if !a.is_empty() {
            out.push((*a, false));
        }
    }
    out
}

/// Both sessions in one capture, the second on its own TCP connection.
fn all_messages_capture(tag: &str, o: &Opts) -> PathBuf {
    let mut cap = Capture::new();
    for (i, session) in [MAIN, REFUSED].into_iter().enumerate() {
        let cpe = SocketAddr::new(o.cpe.ip(), o.cpe.port() + i as u16);
        let mut flow = cap.tcp_flow(cpe, o.acs);
        let exchanges: Vec<(Request, Response)> = session
            .iter()
            .map(|(q, a)| (post(&rpc_body(q), o), answer(&rpc_body(a), o)))
            .collect();
        let mut s = Session::new();
        if let Some(seg) = o.segment {
            s = s.segment(seg);
        }
        s.run(&mut cap, &mut flow, &exchanges);
        cap.close(&mut flow);
    }
    write_capture(&cap, tag)
}

/// Every `cwmp.*` filter name the plugin registers (fields and expert items).
fn cwmp_field_names() -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|f| f.ty != FieldType::Protocol)
        .map(|f| f.abbrev)
        .chain(EXPERTS.iter().map(|e| e.abbrev))
        .collect()
}

/// What tshark reports for each message of a capture: one row per message, one column per field,
/// several occurrences joined by `|`.
struct Decoded {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Fixture name to row.
    index: HashMap<&'static str, usize>,
}

const EXTRA_COLUMNS: &[&str] = &[
    "frame.number",
    "frame.len",
    "_ws.col.Info",
    "_ws.expert.message",
];

impl Decoded {
    fn run(pcap: &std::path::Path, extra: &[&str]) -> Decoded {
        let mut columns: Vec<&str> = EXTRA_COLUMNS.to_vec();
        columns.extend(cwmp_field_names());
        let rows = fields_opts(pcap, "cwmp.method", &columns, extra);
        let msgs = messages();
        assert_eq!(
            rows.len(),
            msgs.len(),
            "one decoded row per message: {:?}",
            rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>()
        );
        let index = msgs.iter().enumerate().map(|(i, (f, _))| (*f, i)).collect();
        Decoded {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            index,
        }
    }

    fn col(&self, field: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c == field)
            .unwrap_or_else(|| panic!("{field} is not a column"))
    }

    /// The value(s) of `field` in the message of fixture `file`, joined by `|`.
    fn get(&self, file: &str, field: &str) -> &str {
        let row = self.index[file];
        self.rows[row]
            .get(self.col(field))
            .map_or("", String::as_str)
    }

    /// The fixtures whose message has a value for `field`.
    fn having(&self, field: &str) -> Vec<&'static str> {
        let mut out: Vec<(usize, &'static str)> = self
            .index
            .iter()
            .filter(|(f, _)| !self.get(f, field).is_empty())
            .map(|(f, i)| (*i, *f))
            .collect();
        out.sort();
        out.into_iter().map(|(_, f)| f).collect()
    }

    /// The fixture carried in frame `frame`.
    fn file_of_frame(&self, frame: &str) -> &'static str {
        let c = self.col("frame.number");
        let row = self
            .rows
            .iter()
            .position(|r| r[c] == frame)
            .unwrap_or_else(|| panic!("frame {frame} carries no message"));
        self.index
            .iter()
            .find(|(_, i)| **i == row)
            .map(|(f, _)| *f)
            .unwrap_or_default()
    }
}

fn plain_capture() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| all_messages_capture("all-rpcs", &Opts::default()))
}

fn decoded() -> &'static Decoded {
    static D: OnceLock<Decoded> = OnceLock::new();
    D.get_or_init(|| Decoded::run(plain_capture(), &[]))
}

/// Asserts `(field, value)` pairs of one message, reporting every mismatch at once.
fn check(file: &str, expected: &[(&str, &str)]) {
    let d = decoded();
    let bad: Vec<String> = expected
        .iter()
        .filter(|(f, v)| normalised_value(d.get(file, f)) != *v)
        .map(|(f, v)| format!("  {f}: got {:?}, want {v:?}", d.get(file, f)))
        .collect();
    assert!(bad.is_empty(), "{file}:\n{}", bad.join("\n"));
}

/// Values as tshark 4.0 prints them: 4.4 and later print booleans as True/False (4.0: 1/0), and 4.6
/// prints absolute times in ISO 8601 (`2024-05-01T10:00:00.000000000Z`; 4.0: `May  1, 2024
/// 10:00:00.000000000 UTC`).
fn normalised_value(v: &str) -> String {
    v.split('|')
        .map(|item| match item {
            "True" => "1".to_owned(),
            "False" => "0".to_owned(),
            other => iso_time_as_4_0(other).unwrap_or_else(|| other.to_owned()),
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn iso_time_as_4_0(v: &str) -> Option<String> {
    let (date, rest) = v.strip_suffix('Z')?.split_once('T')?;
    // Only Wireshark's rendering of an absolute-time field, with nanoseconds: not literal text.
    if rest.len() != 18 || rest.as_bytes()[8] != b'.' {
        return None;
    }
    let mut parts = date.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .get(m.parse::<usize>().ok()?.checked_sub(1)?)?;
    let day: u32 = d.parse().ok()?;
    Some(format!("{month} {day:>2}, {y} {rest} UTC"))
}

/// The fixtures of the messages matching a display filter, in capture order.
fn matching(filter: &str) -> Vec<&'static str> {
    let d = decoded();
    fields(plain_capture(), filter, &["frame.number"])
        .iter()
        .map(|r| d.file_of_frame(&r[0]))
        .collect()
}

/// For each display filter, how many messages match and the total length of their frames: one
/// tshark run (`-z io,stat`) for many filters. Filters must not contain commas.
fn match_counts(filters: &[&str]) -> Vec<(u64, u64)> {
    let p = plain_capture().to_string_lossy().into_owned();
    let z = format!("io,stat,0,{}", filters.join(","));
    let out = tshark(&["-n", "-q", "-r", &p, "-z", &z]);
    let row = out
        .lines()
        .find(|l| l.contains("<>"))
        .unwrap_or_else(|| panic!("no io,stat row in:\n{out}"));
    let nums: Vec<u64> = row
        .split('|')
        .skip(2)
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    nums.chunks(2).map(|c| (c[0], c[1])).collect()
}

/// The tree labels (`showname`) of every `cwmp.*` item, per message, from one PDML run.
fn labels() -> &'static HashMap<&'static str, Vec<(String, String)>> {
    static L: OnceLock<HashMap<&'static str, Vec<(String, String)>>> = OnceLock::new();
    L.get_or_init(|| {
        let d = decoded();
        let p = plain_capture().to_string_lossy().into_owned();
        let pdml = tshark(&["-n", "-r", &p, "-Y", "cwmp.method", "-T", "pdml"]);
        let mut out = HashMap::new();
        for packet in pdml.split("<packet>").skip(1) {
            let mut frame = String::new();
            let mut items = Vec::new();
            for line in packet.lines() {
                let Some(name) = attr(line, "name") else {
                    continue;
                };
                if name == "num" && frame.is_empty() {
                    frame = attr(line, "show").unwrap_or_default();
                } else if name.starts_with("cwmp.") {
                    items.push((name, attr(line, "showname").unwrap_or_default()));
                }
            }
            out.insert(d.file_of_frame(&frame), items);
        }
        out
    })
}

/// An attribute of a PDML line, unescaped.
fn attr(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = line[start..].find('"')?;
    Some(
        line[start..start + len]
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The labels of the `field` items of a message.
fn labels_of(file: &str, field: &str) -> Vec<String> {
    labels()[file]
        .iter()
        .filter(|(n, _)| n == field)
        .map(|(_, l)| l.clone())
        .collect()
}

/// Expert items that mean the parser found something wrong: none of the fixtures may raise them.
const PROBLEMS: &[&str] = &[
    "cwmp.expert.malformed",
    "cwmp.expert.truncated",
    "cwmp.expert.invalid_char",
    "cwmp.expert.invalid_utf8",
    "cwmp.expert.not_soap",
    "cwmp.expert.no_body",
    "cwmp.expert.multiple_body",
    "cwmp.expert.unknown_method",
    "cwmp.expert.wrong_sender",
    "cwmp.expert.unknown_element",
    "cwmp.expert.case_mismatch",
    "cwmp.expert.missing_argument",
    "cwmp.expert.bad_value",
    "cwmp.expert.too_long",
    "cwmp.expert.bad_oui",
    "cwmp.expert.lenient_value",
    "cwmp.expert.missing_type",
    "cwmp.expert.unknown_type",
    "cwmp.expert.array_count_mismatch",
    "cwmp.expert.unknown_event",
    "cwmp.expert.too_many_items",
    "cwmp.expert.internal",
];

#[test]
fn every_fixture_travels_once_and_decodes_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rpc");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/rpc")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut used: Vec<String> = messages().iter().map(|(f, _)| f.to_string()).collect();
    used.sort();
    assert_eq!(used, on_disk, "every fixture travels exactly once");

    let d = decoded();
    for (file, from_cpe) in messages() {
        assert!(!d.get(file, "cwmp.method").is_empty(), "{file}");
        let dir = if from_cpe { "1" } else { "2" };
        let kind = if file.starts_with("fault_") {
            "3"
        } else if file.contains("_response") {
            "2"
        } else {
            "1"
        };
        check(
            file,
            &[("cwmp.direction", dir), ("cwmp.message_kind", kind)],
        );
        for p in PROBLEMS {
            assert_eq!(d.get(file, p), "", "{file}: {p}");
        }
    }
    // Namespace versions as written, official and not.
    for (file, v) in [
        ("transfer_complete.xml", "1-0"),
        ("get_parameter_values.xml", "1-1"),
        ("inform.xml", "1-2"),
        ("du_state_change_complete.xml", "1-2"),
        ("inform_retry.xml", "1-4"),
    ] {
        check(file, &[("cwmp.version", v)]);
    }
    assert_eq!(
        d.having("cwmp.expert.nonstandard_namespace"),
        ["inform_retry.xml", "fault_acs_retry.xml"]
    );
}

#[test]
fn inform_and_the_cpe_methods() {
    check(
        "inform.xml",
        &[
            ("cwmp.method", "Inform"),
            ("cwmp.deviceid.manufacturer", "Acme"),
            ("cwmp.deviceid.oui", "00AB12"),
            ("cwmp.deviceid.product_class", "GW100"),
            ("cwmp.deviceid.serial_number", "SN0001"),
            ("cwmp.event_code", "1 BOOT|M Reboot|X 00AB12 LINK UP"),
            ("cwmp.event_code.num", "1"),
            ("cwmp.command_key", "|rb-7|"),
            ("cwmp.max_envelopes", "1"),
            ("cwmp.current_time", "2024-05-01T10:00:00Z"),
            (
                "cwmp.current_time.utc",
                "May  1, 2024 10:00:00.000000000 UTC",
            ),
            ("cwmp.retry_count", "0"),
            ("cwmp.array.declared", "3|4"),
            ("cwmp.array.count", "3|4"),
            (
                "cwmp.parameter.name",
                "Device.DeviceInfo.SoftwareVersion|Device.DeviceInfo.UpTime|\
                 Device.ManagementServer.ConnectionRequestURL|Device.ManagementServer.ParameterKey",
            ),
            (
                "cwmp.parameter.value",
                "2.1.0|86400|http://192.0.2.10:7547/cr-7f3a|pk-0",
            ),
            (
                "cwmp.parameter.type",
                "xsd:string|xsd:unsignedInt|xsd:string|xsd:string",
            ),
            (
                "cwmp.parameter",
                "Device.DeviceInfo.SoftwareVersion=2.1.0|Device.DeviceInfo.UpTime=86400|\
                 Device.ManagementServer.ConnectionRequestURL=http://192.0.2.10:7547/cr-7f3a|\
                 Device.ManagementServer.ParameterKey=pk-0",
            ),
        ],
    );
    check(
        "inform_response.xml",
        &[
            ("cwmp.method", "InformResponse"),
            ("cwmp.max_envelopes", "1"),
        ],
    );
    check(
        "inform_retry.xml",
        &[
            ("cwmp.event_code", "0 BOOTSTRAP|4 VALUE CHANGE"),
            ("cwmp.event_code.num", "0|4"),
            ("cwmp.retry_count", "1"),
            ("cwmp.current_time", "2024-05-01T12:00:00+02:00"),
            (
                "cwmp.current_time.utc",
                "May  1, 2024 10:00:00.000000000 UTC",
            ),
        ],
    );
    check(
        "transfer_complete.xml",
        &[
            ("cwmp.method", "TransferComplete"),
            ("cwmp.command_key", "dl-42"),
            ("cwmp.transfer_fault.code", "0"),
            ("cwmp.start_time", "2024-05-01T09:58:00Z"),
            ("cwmp.start_time.utc", "May  1, 2024 09:58:00.000000000 UTC"),
            (
                "cwmp.complete_time.utc",
                "May  1, 2024 09:59:30.000000000 UTC",
            ),
        ],
    );
    check(
        "transfer_complete_response.xml",
        &[("cwmp.method", "TransferCompleteResponse")],
    );
    check(
        "autonomous_transfer_complete.xml",
        &[
            ("cwmp.method", "AutonomousTransferComplete"),
            ("cwmp.announce_url", "http://files.example.net/announce"),
            (
                "cwmp.transfer_url",
                "http://files.example.net/fw/gw100-2.2.0.bin",
            ),
            ("cwmp.is_download", "1"),
            ("cwmp.file_type", "1 Firmware Upgrade Image"),
            ("cwmp.file_type.num", "1"),
            ("cwmp.file_size", "16777216"),
            ("cwmp.target_file_name", "gw100-2.2.0.bin"),
            ("cwmp.transfer_fault.code", "9010"),
            (
                "cwmp.transfer_fault.string",
                "Download failed: connection reset",
            ),
            // The Unknown Time, and a time with a zone offset.
            ("cwmp.start_time", "0001-01-01T00:00:00Z"),
            ("cwmp.start_time.utc", "Jan  1, 1 00:00:00.000000000 UTC"),
            ("cwmp.complete_time", "2024-05-01T10:00:05+02:00"),
            (
                "cwmp.complete_time.utc",
                "May  1, 2024 08:00:05.000000000 UTC",
            ),
        ],
    );
    check(
        "autonomous_transfer_complete_response.xml",
        &[("cwmp.method", "AutonomousTransferCompleteResponse")],
    );
    check(
        "request_download.xml",
        &[
            ("cwmp.method", "RequestDownload"),
            ("cwmp.file_type", "3 Vendor Configuration File"),
            ("cwmp.file_type.num", "3"),
            ("cwmp.array.declared", "2"),
            ("cwmp.array.count", "2"),
            ("cwmp.arg.name", "Version|Profile"),
            ("cwmp.arg.value", "2.1.0|residential"),
        ],
    );
    check(
        "request_download_response.xml",
        &[("cwmp.method", "RequestDownloadResponse")],
    );
    check(
        "kicked.xml",
        &[
            ("cwmp.method", "Kicked"),
            ("cwmp.kicked.command", "activate"),
            ("cwmp.kicked.referer", "http://portal.example.net/signup"),
            ("cwmp.kicked.arg", "plan=gold&term=12"),
            ("cwmp.kicked.next", "http://portal.example.net/welcome"),
            ("cwmp.expert.deprecated", "1"),
        ],
    );
    check(
        "kicked_response.xml",
        &[
            ("cwmp.method", "KickedResponse"),
            ("cwmp.next_url", "http://portal.example.net/welcome?done=1"),
        ],
    );
    // GetRPCMethods goes both ways.
    check(
        "get_rpc_methods_cpe.xml",
        &[("cwmp.method", "GetRPCMethods"), ("cwmp.direction", "1")],
    );
    check(
        "get_rpc_methods_response_acs.xml",
        &[
            ("cwmp.method", "GetRPCMethodsResponse"),
            ("cwmp.direction", "2"),
            (
                "cwmp.method_list.method",
                "Inform|GetRPCMethods|TransferComplete|AutonomousTransferComplete",
            ),
            ("cwmp.array.count", "4"),
        ],
    );
}

#[test]
fn parameter_methods() {
    check(
        "get_rpc_methods.xml",
        &[("cwmp.method", "GetRPCMethods"), ("cwmp.direction", "2")],
    );
    check(
        "get_rpc_methods_response.xml",
        &[
            ("cwmp.method", "GetRPCMethodsResponse"),
            // A zero-padded arrayType count.
            ("cwmp.array.type", "xsd:string[0012]"),
            ("cwmp.array.declared", "12"),
            ("cwmp.array.count", "12"),
        ],
    );
    let methods = decoded().get("get_rpc_methods_response.xml", "cwmp.method_list.method");
    assert_eq!(methods.split('|').count(), 12);
    assert!(methods.ends_with("|FactoryReset|X_00AB12_GetDiagnostics"));
    check(
        "set_parameter_values.xml",
        &[
            ("cwmp.method", "SetParameterValues"),
            ("cwmp.parameter.name", "Device.WiFi.SSID.1.SSID"),
            ("cwmp.parameter.value", "home"),
            ("cwmp.parameter.type", "xsd:string"),
            ("cwmp.parameter", "Device.WiFi.SSID.1.SSID=home"),
            ("cwmp.parameter_key", "pk-1"),
            ("cwmp.hold_requests", "0"),
        ],
    );
    check(
        "set_parameter_values_response.xml",
        &[
            ("cwmp.method", "SetParameterValuesResponse"),
            ("cwmp.status", "0"),
        ],
    );
    check(
        "set_parameter_values_invalid.xml",
        &[
            ("cwmp.parameter_key", "pk-2"),
            ("cwmp.array.count", "3"),
            (
                "cwmp.parameter.type",
                "xsd:string|xsd:unsignedInt|xsd:boolean",
            ),
            ("cwmp.hold_requests", "1"),
        ],
    );
    check(
        "get_parameter_values.xml",
        &[
            ("cwmp.method", "GetParameterValues"),
            (
                "cwmp.parameter.name",
                "Device.ManagementServer.PeriodicInformInterval|Device.WiFi.SSID.1.",
            ),
            ("cwmp.array.type", "xsd:string[2]"),
            ("cwmp.array.count", "2"),
        ],
    );
    check(
        "get_parameter_values_response.xml",
        &[
            ("cwmp.method", "GetParameterValuesResponse"),
            (
                "cwmp.parameter",
                "Device.ManagementServer.PeriodicInformInterval=3600|Device.WiFi.SSID.1.Enable=1",
            ),
            ("cwmp.parameter.type", "xsd:unsignedInt|xsd:boolean"),
            ("cwmp.array.declared", "2"),
            ("cwmp.array.count", "2"),
        ],
    );
    check(
        "get_parameter_names.xml",
        &[
            ("cwmp.method", "GetParameterNames"),
            ("cwmp.parameter_path", "Device.WiFi.SSID.1."),
            ("cwmp.next_level", "1"),
        ],
    );
    check(
        "get_parameter_names_response.xml",
        &[
            ("cwmp.method", "GetParameterNamesResponse"),
            (
                "cwmp.parameter.name",
                "Device.WiFi.SSID.1.Enable|Device.WiFi.SSID.1.SSID|Device.WiFi.SSID.1.Stats.",
            ),
            // 1, true and 0 on the wire.
            ("cwmp.writable", "1|1|0"),
            ("cwmp.array.count", "3"),
        ],
    );
    check(
        "set_parameter_attributes.xml",
        &[
            ("cwmp.method", "SetParameterAttributes"),
            (
                "cwmp.parameter.name",
                "Device.DeviceInfo.SoftwareVersion|Device.WiFi.SSID.1.SSID",
            ),
            ("cwmp.notification_change", "1|0"),
            ("cwmp.notification", "2|0"),
            ("cwmp.access_list_change", "0|1"),
            ("cwmp.access_list.entry", "Subscriber"),
            // The parameter list, then each struct's AccessList (empty, then one entry).
            ("cwmp.array.declared", "2|0|1"),
            ("cwmp.array.count", "2|0|1"),
        ],
    );
    check(
        "set_parameter_attributes_response.xml",
        &[("cwmp.method", "SetParameterAttributesResponse")],
    );
    check(
        "get_parameter_attributes.xml",
        &[
            ("cwmp.method", "GetParameterAttributes"),
            ("cwmp.parameter.name", "Device.DeviceInfo."),
        ],
    );
    check(
        "get_parameter_attributes_response.xml",
        &[
            ("cwmp.method", "GetParameterAttributesResponse"),
            (
                "cwmp.parameter.name",
                "Device.DeviceInfo.SoftwareVersion|Device.DeviceInfo.UpTime",
            ),
            ("cwmp.notification", "2|6"),
            ("cwmp.access_list.entry", "Subscriber"),
        ],
    );
    check(
        "add_object.xml",
        &[
            ("cwmp.method", "AddObject"),
            ("cwmp.object_name", "Device.NAT.PortMapping."),
            ("cwmp.parameter_key", "pk-3"),
        ],
    );
    check(
        "add_object_response.xml",
        &[
            ("cwmp.method", "AddObjectResponse"),
            ("cwmp.instance_number", "3"),
            ("cwmp.status", "0"),
        ],
    );
    check(
        "delete_object.xml",
        &[
            ("cwmp.method", "DeleteObject"),
            ("cwmp.object_name", "Device.NAT.PortMapping.2."),
            ("cwmp.parameter_key", "pk-4"),
        ],
    );
    check(
        "delete_object_response.xml",
        &[
            ("cwmp.method", "DeleteObjectResponse"),
            ("cwmp.status", "1"),
        ],
    );
}

#[test]
fn transfer_methods() {
    check(
        "download.xml",
        &[
            ("cwmp.method", "Download"),
            ("cwmp.command_key", "dl-43"),
            ("cwmp.file_type", "1 Firmware Upgrade Image"),
            ("cwmp.file_type.num", "1"),
            ("cwmp.url", "https://files.example.net/fw/gw100-2.2.0.bin"),
            ("cwmp.username", "fwuser"),
            ("cwmp.password", "s3cret!"),
            ("cwmp.file_size", "16777216"),
            ("cwmp.target_file_name", "gw100-2.2.0.bin"),
            ("cwmp.delay_seconds", "0"),
            ("cwmp.success_url", ""),
            ("cwmp.failure_url", ""),
            ("cwmp.expert.credentials", "1|1"),
        ],
    );
    check(
        "download_response.xml",
        &[
            ("cwmp.method", "DownloadResponse"),
            ("cwmp.status", "1"),
            ("cwmp.start_time", "0001-01-01T00:00:00Z"),
            ("cwmp.start_time.utc", "Jan  1, 1 00:00:00.000000000 UTC"),
            ("cwmp.complete_time.utc", "Jan  1, 1 00:00:00.000000000 UTC"),
        ],
    );
    check(
        "upload.xml",
        &[
            ("cwmp.method", "Upload"),
            ("cwmp.command_key", "ul-1"),
            ("cwmp.file_type", "2 Vendor Log File"),
            ("cwmp.file_type.num", "2"),
            ("cwmp.url", "ftp://logs.example.net/incoming/SN0001.log"),
            ("cwmp.username", "loguser"),
            ("cwmp.password", "l0gpass"),
            ("cwmp.delay_seconds", "30"),
            ("cwmp.expert.credentials", "1|1"),
        ],
    );
    check(
        "upload_response.xml",
        &[
            ("cwmp.method", "UploadResponse"),
            ("cwmp.status", "0"),
            ("cwmp.start_time.utc", "May  1, 2024 10:00:31.000000000 UTC"),
            // Fractional seconds kept.
            (
                "cwmp.complete_time.utc",
                "May  1, 2024 10:00:33.500000000 UTC",
            ),
        ],
    );
    check(
        "get_queued_transfers.xml",
        &[
            ("cwmp.method", "GetQueuedTransfers"),
            ("cwmp.expert.deprecated", "1"),
        ],
    );
    check(
        "get_queued_transfers_response.xml",
        &[
            ("cwmp.method", "GetQueuedTransfersResponse"),
            ("cwmp.command_key", "dl-43|dl-44"),
            ("cwmp.transfer.state", "2|1"),
            ("cwmp.array.count", "2"),
        ],
    );
    check(
        "get_all_queued_transfers.xml",
        &[("cwmp.method", "GetAllQueuedTransfers")],
    );
    check(
        "get_all_queued_transfers_response.xml",
        &[
            ("cwmp.method", "GetAllQueuedTransfersResponse"),
            ("cwmp.command_key", "ul-1"),
            ("cwmp.transfer.state", "3"),
            ("cwmp.is_download", "0"),
            ("cwmp.file_type", "4 Vendor Log File"),
            ("cwmp.file_type.num", "4"),
            ("cwmp.file_size", "0"),
            ("cwmp.target_file_name", ""),
        ],
    );
    check(
        "schedule_download.xml",
        &[
            ("cwmp.method", "ScheduleDownload"),
            ("cwmp.command_key", "sd-1"),
            ("cwmp.file_type.num", "1"),
            ("cwmp.url", "https://files.example.net/fw/gw100-2.3.0.bin"),
            ("cwmp.username", "fwuser"),
            ("cwmp.password", "w1ndow"),
            ("cwmp.file_size", "16800000"),
            ("cwmp.target_file_name", "gw100-2.3.0.bin"),
            ("cwmp.array.count", "2"),
            ("cwmp.time_window.start", "3600|86400"),
            ("cwmp.time_window.end", "7200|90000"),
            ("cwmp.time_window.mode", "3 When Idle|4 Confirmation Needed"),
            ("cwmp.time_window.mode.num", "3|4"),
            (
                "cwmp.time_window.user_message",
                "|A firmware update is ready. Install now?",
            ),
            ("cwmp.time_window.max_retries", "-1|2"),
            ("cwmp.expert.credentials", "1|1"),
        ],
    );
    check(
        "schedule_download_response.xml",
        &[("cwmp.method", "ScheduleDownloadResponse")],
    );
    check(
        "cancel_transfer.xml",
        &[
            ("cwmp.method", "CancelTransfer"),
            ("cwmp.command_key", "sd-1"),
        ],
    );
    check(
        "cancel_transfer_response.xml",
        &[("cwmp.method", "CancelTransferResponse")],
    );
    check(
        "cancel_transfer_busy.xml",
        &[
            ("cwmp.method", "CancelTransfer"),
            ("cwmp.command_key", "dl-43"),
        ],
    );
}

#[test]
fn software_module_methods() {
    // Schema encoding: one Operations element per operation, typed by xsi:type.
    check(
        "change_du_state.xml",
        &[
            ("cwmp.method", "ChangeDUState"),
            (
                "cwmp.du.operation_type",
                "InstallOpStruct|UninstallOpStruct",
            ),
            (
                "cwmp.url",
                "https://apps.example.net/du/speedtest-1.2.0.ipk",
            ),
            (
                "cwmp.du.uuid",
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8|0f8fad5b-d9cb-469f-a165-70867728950e",
            ),
            ("cwmp.username", "appuser"),
            ("cwmp.password", "app-pass"),
            ("cwmp.du.version", "0.9"),
            (
                "cwmp.du.execution_env_ref",
                "Device.SoftwareModules.ExecEnv.1.|Device.SoftwareModules.ExecEnv.1.",
            ),
            ("cwmp.command_key", "du-17"),
            ("cwmp.expert.credentials", "1|1"),
        ],
    );
    // Wrapper encoding: Operations holding the operation structs.
    check(
        "change_du_state_wrapped.xml",
        &[
            ("cwmp.method", "ChangeDUState"),
            ("cwmp.du.operation_type", "UpdateOpStruct|InstallOpStruct"),
            (
                "cwmp.url",
                "https://apps.example.net/du/speedtest-1.3.0.ipk|https://apps.example.net/du/monitor-0.1.ipk",
            ),
            ("cwmp.du.version", "1.3.0"),
            ("cwmp.password", "app-pass-2"),
            ("cwmp.command_key", "du-18"),
            ("cwmp.expert.credentials", "1|1"),
        ],
    );
    for f in [
        "change_du_state_response.xml",
        "change_du_state_wrapped_response.xml",
    ] {
        check(f, &[("cwmp.method", "ChangeDUStateResponse")]);
    }
    check(
        "du_state_change_complete.xml",
        &[
            ("cwmp.method", "DUStateChangeComplete"),
            (
                "cwmp.du.uuid",
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8|0f8fad5b-d9cb-469f-a165-70867728950e",
            ),
            (
                "cwmp.du.deployment_unit_ref",
                "Device.SoftwareModules.DeploymentUnit.1.|",
            ),
            ("cwmp.du.version", "1.2.0|"),
            ("cwmp.du.current_state", "Installed|Failed"),
            ("cwmp.du.resolved", "1|0"),
            (
                "cwmp.du.execution_unit_ref_list",
                "Device.SoftwareModules.ExecutionUnit.1.|",
            ),
            (
                "cwmp.start_time.utc",
                "May  1, 2024 09:59:00.000000000 UTC|Jan  1, 1 00:00:00.000000000 UTC",
            ),
            ("cwmp.du.fault.code", "0|9026"),
            ("cwmp.du.fault.string", "|Duplicate Deployment Unit"),
            ("cwmp.command_key", "du-17"),
        ],
    );
    check(
        "du_state_change_complete_response.xml",
        &[("cwmp.method", "DUStateChangeCompleteResponse")],
    );
    check(
        "autonomous_du_state_change_complete.xml",
        &[
            ("cwmp.method", "AutonomousDUStateChangeComplete"),
            ("cwmp.du.current_state", "Uninstalled"),
            ("cwmp.du.resolved", "1"),
            ("cwmp.du.operation_performed", "Uninstall"),
            ("cwmp.du.fault.code", "0"),
        ],
    );
    check(
        "autonomous_du_state_change_complete_response.xml",
        &[("cwmp.method", "AutonomousDUStateChangeCompleteResponse")],
    );
}

#[test]
fn other_acs_methods() {
    check(
        "reboot.xml",
        &[("cwmp.method", "Reboot"), ("cwmp.command_key", "rb-8")],
    );
    check("reboot_response.xml", &[("cwmp.method", "RebootResponse")]);
    check("factory_reset.xml", &[("cwmp.method", "FactoryReset")]);
    check(
        "factory_reset_response.xml",
        &[("cwmp.method", "FactoryResetResponse")],
    );
    check(
        "schedule_inform.xml",
        &[
            ("cwmp.method", "ScheduleInform"),
            ("cwmp.delay_seconds", "300"),
            ("cwmp.command_key", "si-1"),
        ],
    );
    check(
        "schedule_inform_response.xml",
        &[("cwmp.method", "ScheduleInformResponse")],
    );
    check(
        "set_vouchers.xml",
        &[
            ("cwmp.method", "SetVouchers"),
            ("cwmp.array.type", "SOAP-ENC:base64[2]"),
            ("cwmp.array.count", "2"),
            (
                "cwmp.voucher",
                "PFZvdWNoZXI+PFZTZXJpYWxOdW0+MTwvVlNlcmlhbE51bT48L1ZvdWNoZXI+|\
                 PFZvdWNoZXI+PFZTZXJpYWxOdW0+MjwvVlNlcmlhbE51bT48L1ZvdWNoZXI+",
            ),
            ("cwmp.expert.deprecated", "1"),
        ],
    );
    check(
        "set_vouchers_response.xml",
        &[("cwmp.method", "SetVouchersResponse")],
    );
    check(
        "get_options.xml",
        &[
            ("cwmp.method", "GetOptions"),
            ("cwmp.option_name", ""),
            ("cwmp.expert.deprecated", "1"),
        ],
    );
    check(
        "get_options_response.xml",
        &[
            ("cwmp.method", "GetOptionsResponse"),
            ("cwmp.option_name", "X_00AB12_VoIP"),
            ("cwmp.option.voucher_sn", "1"),
            ("cwmp.option.state", "3"),
            ("cwmp.option.mode", "1"),
            ("cwmp.option.start_date", "2024-01-01T00:00:00Z"),
            (
                "cwmp.option.start_date.utc",
                "Jan  1, 2024 00:00:00.000000000 UTC",
            ),
            (
                "cwmp.option.expiration_date.utc",
                "Jan  1, 2025 00:00:00.000000000 UTC",
            ),
            ("cwmp.option.is_transferable", "0"),
        ],
    );
}

#[test]
fn vendor_methods_show_their_raw_arguments() {
    check(
        "vendor_method.xml",
        &[
            ("cwmp.method", "X_00AB12_GetDiagnostics"),
            ("cwmp.message_kind", "1"),
            ("cwmp.element", "Test|Target|Options|Count|Size"),
            ("cwmp.element.value", "ping|198.51.100.1|4|56"),
            ("cwmp.expert.vendor_method", "1"),
            ("cwmp.expert.unknown_method", ""),
        ],
    );
    check(
        "vendor_method_response.xml",
        &[
            ("cwmp.method", "X_00AB12_GetDiagnosticsResponse"),
            ("cwmp.message_kind", "2"),
            ("cwmp.element", "Result|AverageRTT"),
            ("cwmp.element.value", "4 packets transmitted, 4 received|12"),
            ("cwmp.expert.vendor_method", "1"),
        ],
    );
    let d = decoded();
    assert!(d
        .get("vendor_method.xml", "_ws.expert.message")
        .contains("Vendor-specific method X_00AB12_GetDiagnostics"));
}

#[test]
fn a_bare_cwmp_fault_is_decoded_and_flagged_through_tshark() {
    let fault = envelope(
        &id_header("77"),
        "<cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString></cwmp:Fault>",
    );
    let pcap = session_capture("bare-fault", &[(fault, Vec::new())], &Opts::default());
    let rows = fields(
        &pcap,
        "cwmp.method",
        &[
            "cwmp.method",
            "cwmp.message_kind",
            "cwmp.fault.code",
            "cwmp.fault.string",
            "cwmp.expert.bare_fault",
            "cwmp.expert.fault",
        ],
    );
    assert_eq!(
        rows,
        vec![vec![
            "Fault".to_string(),
            "3".into(),
            "9003".into(),
            "Invalid arguments".into(),
            "1".into(),
            "1".into()
        ]]
    );
}

#[test]
fn faults_are_decoded_flagged_and_summarised() {
    check(
        "fault_set_parameter_values.xml",
        &[
            ("cwmp.method", "Fault"),
            ("cwmp.soap.faultcode", "Client"),
            ("cwmp.soap.faultstring", "CWMP fault"),
            ("cwmp.fault.code", "9003"),
            ("cwmp.fault.string", "Invalid arguments"),
            ("cwmp.spv_fault.code", "9007|9008"),
            (
                "cwmp.spv_fault.string",
                "Invalid parameter value|Attempt to set a non-writable parameter",
            ),
            (
                "cwmp.parameter.name",
                "Device.WiFi.SSID.1.SSID|Device.DeviceInfo.UpTime",
            ),
            ("cwmp.expert.fault", "1"),
            (
                "_ws.col.Info",
                "Fault 9003 Invalid arguments (2 params) id=1003",
            ),
        ],
    );
    check(
        "fault_cancel_transfer.xml",
        &[
            ("cwmp.soap.faultcode", "soapenv:Server"),
            ("cwmp.fault.code", "9021"),
            ("cwmp.fault.string", "Transfer dl-43 is in progress"),
            ("cwmp.expert.fault", "1"),
        ],
    );
    check(
        "fault_vendor.xml",
        &[
            ("cwmp.soap.faultcode", "Server"),
            ("cwmp.fault.code", "9805"),
            ("_ws.col.Info", "Fault 9805 Vendor-specific fault id=1025"),
        ],
    );
    check(
        "fault_acs_retry.xml",
        &[
            ("cwmp.soap.faultcode", "soap_env:Server"),
            ("cwmp.fault.code", "8005"),
            ("cwmp.fault.string", "Retry request"),
            ("cwmp.direction", "2"),
            ("_ws.col.Info", "Fault 8005 Retry request id=5"),
        ],
    );
    let d = decoded();
    assert_eq!(
        d.having("cwmp.expert.fault"),
        [
            "fault_set_parameter_values.xml",
            "fault_cancel_transfer.xml",
            "fault_vendor.xml",
            "fault_acs_retry.xml"
        ]
    );
    assert!(d
        .get("fault_set_parameter_values.xml", "_ws.expert.message")
        .contains("CWMP fault 9003: Invalid arguments"));
    // The structs read with their code's name.
    assert_eq!(
        labels_of("fault_set_parameter_values.xml", "cwmp.fault"),
        ["Fault: 9003 (Invalid arguments)"]
    );
    assert_eq!(
        labels_of("fault_set_parameter_values.xml", "cwmp.spv_fault"),
        [
            "SetParameterValuesFault: Device.WiFi.SSID.1.SSID: 9007 (Invalid parameter value)",
            "SetParameterValuesFault: Device.DeviceInfo.UpTime: 9008 (Attempt to set a non-writable parameter)"
        ]
    );
    assert_eq!(
        labels_of("transfer_complete.xml", "cwmp.transfer_fault"),
        ["FaultStruct: 0 (No fault)"]
    );
    // The code's name, vendor range included, in the tree.
    assert_eq!(
        labels_of("fault_vendor.xml", "cwmp.fault.code"),
        ["FaultCode: 9805 (Vendor-specific fault)"]
    );
    assert_eq!(
        labels_of("fault_set_parameter_values.xml", "cwmp.spv_fault.code"),
        [
            "FaultCode: 9007 (Invalid parameter value)",
            "FaultCode: 9008 (Attempt to set a non-writable parameter)"
        ]
    );
}

#[test]
fn header_elements() {
    check(
        "inform.xml",
        &[
            ("cwmp.id", "42"),
            ("cwmp.session_timeout", "60"),
            ("cwmp.supported_cwmp_versions", "1.0,1.1,1.2,1.3,1.4"),
            ("cwmp.header.must_understand", "1|0|0"),
        ],
    );
    check(
        "inform_response.xml",
        &[("cwmp.id", "42"), ("cwmp.use_cwmp_version", "1.4")],
    );
    check(
        "inform_retry.xml",
        &[
            ("cwmp.session_timeout", "30"),
            ("cwmp.supported_cwmp_versions", "1.0, 1.1, 1.2, 1.3, 1.4"),
        ],
    );
    check(
        "set_parameter_values_invalid.xml",
        &[("cwmp.hold_requests", "1"), ("cwmp.id", "1003")],
    );
    check(
        "transfer_complete.xml",
        &[
            ("cwmp.no_more_requests", "1"),
            ("cwmp.expert.deprecated", "1"),
        ],
    );
    assert_eq!(
        labels_of("transfer_complete.xml", "cwmp.no_more_requests"),
        ["NoMoreRequests: True (deprecated since TR-069 Amendment 1)"]
    );
    let d = decoded();
    assert!(d
        .get("transfer_complete.xml", "_ws.expert.message")
        .contains("NoMoreRequests is deprecated"));
    // Every message of the session carries its ID.
    for (file, _) in messages() {
        assert!(!d.get(file, "cwmp.id").is_empty(), "{file}");
    }
}

#[test]
fn info_column_summarises_each_message() {
    for (file, info) in [
        (
            "inform.xml",
            "Inform [1 BOOT, M Reboot, X 00AB12 LINK UP] dev=00AB12-GW100-SN0001 id=42",
        ),
        ("inform_response.xml", "InformResponse id=42"),
        (
            "autonomous_transfer_complete.xml",
            "AutonomousTransferComplete [fault 9010 File transfer failure] id=atc-9",
        ),
        (
            "du_state_change_complete.xml",
            "DUStateChangeComplete (2 results) id=dsc-3",
        ),
        (
            "get_rpc_methods_response.xml",
            "GetRPCMethodsResponse (12 methods) id=1001",
        ),
        (
            "set_parameter_values.xml",
            "SetParameterValues key=pk-1 (1 param) id=1002",
        ),
        (
            "set_parameter_values_invalid.xml",
            "SetParameterValues key=pk-2 (3 params) id=1003 HoldRequests",
        ),
        (
            "get_parameter_values.xml",
            "GetParameterValues (2 params) id=1004",
        ),
        (
            "get_parameter_values_response.xml",
            "GetParameterValuesResponse (2 params) id=1004",
        ),
        (
            "get_parameter_names.xml",
            "GetParameterNames Device.WiFi.SSID.1. id=1005",
        ),
        (
            "add_object.xml",
            "AddObject key=pk-3 Device.NAT.PortMapping. id=1008",
        ),
        (
            "download.xml",
            "Download https://files.example.net/fw/gw100-2.2.0.bin id=1010",
        ),
        (
            "get_queued_transfers_response.xml",
            "GetQueuedTransfersResponse (2 transfers) id=1013",
        ),
        ("set_vouchers.xml", "SetVouchers (2 vouchers) id=1016"),
        ("change_du_state.xml", "ChangeDUState (2 operations) id=1021"),
        (
            "fault_cancel_transfer.xml",
            "Fault 9021 Cancelation of file transfer not permitted in current transfer state id=1020",
        ),
        ("vendor_method.xml", "X_00AB12_GetDiagnostics id=1024"),
    ] {
        check(file, &[("_ws.col.Info", info)]);
    }
}

#[test]
fn labels_read_as_the_protocol_says() {
    // Each ParameterValueStruct reads `Name = Value`.
    assert_eq!(
        labels_of("get_parameter_values_response.xml", "cwmp.parameter"),
        [
            "Device.ManagementServer.PeriodicInformInterval = 3600",
            "Device.WiFi.SSID.1.Enable = 1"
        ]
    );
    // Event codes: standard ones by their number, the others explained.
    assert_eq!(
        labels_of("inform.xml", "cwmp.event_code"),
        [
            "EventCode: 1 BOOT",
            "EventCode: M Reboot (the Reboot method completed)",
            "EventCode: X 00AB12 LINK UP (vendor-specific event)"
        ]
    );
    // Value strings of the numeric companions and enumerations.
    assert_eq!(
        labels_of("inform.xml", "cwmp.event_code.num"),
        ["EventCode Number: BOOT (1)"]
    );
    assert_eq!(
        labels_of(
            "get_all_queued_transfers_response.xml",
            "cwmp.file_type.num"
        ),
        ["FileType Number: 4 (Vendor Log File)"],
        "transfer numbering: 4 is the log file here"
    );
    assert_eq!(
        labels_of("upload.xml", "cwmp.file_type.num"),
        ["FileType Number: 2 (Vendor Log File)"],
        "upload numbering"
    );
    assert_eq!(
        labels_of("schedule_download.xml", "cwmp.time_window.mode.num"),
        [
            "WindowMode Number: When Idle (3)",
            "WindowMode Number: Confirmation Needed (4)"
        ]
    );
    assert_eq!(
        labels_of("get_parameter_attributes_response.xml", "cwmp.notification"),
        [
            "Notification: Active (2)",
            "Notification: Passive and active lightweight (6)"
        ]
    );
    assert_eq!(
        labels_of("get_queued_transfers_response.xml", "cwmp.transfer.state"),
        ["State: In progress (2)", "State: Not yet started (1)"]
    );
    assert_eq!(
        labels_of("delete_object_response.xml", "cwmp.status"),
        ["Status: Committed, not yet applied (1)"]
    );
    assert_eq!(
        labels_of("du_state_change_complete.xml", "cwmp.du.current_state"),
        [
            "CurrentState: Installed (the DU is installed)",
            "CurrentState: Failed (the operation failed; no DU instance was created)"
        ]
    );
    assert_eq!(
        labels_of("set_parameter_attributes.xml", "cwmp.access_list.entry"),
        ["AccessList Entry: Subscriber (the subscriber may also write the parameter)"]
    );
    // dateTimes: the Unknown Time is explained.
    assert_eq!(
        labels_of("download_response.xml", "cwmp.start_time.utc"),
        ["StartTime (UTC): Unknown Time (0001-01-01T00:00:00Z: the CPE does not know it)"]
    );
    // The direction and kind, from the HTTP roles.
    assert_eq!(
        labels_of("inform.xml", "cwmp.direction"),
        ["Direction: CPE to ACS (1)"]
    );
    assert_eq!(
        labels_of("fault_acs_retry.xml", "cwmp.message_kind"),
        ["Message Kind: Fault (3)"]
    );
}

#[test]
fn display_filters_reach_every_typed_value() {
    let mut cases: Vec<(&str, &[&str])> = Vec::new();
    for (filter, want) in [
        (
            "cwmp.fault.code == 9003",
            &["fault_set_parameter_values.xml"][..],
        ),
        (
            "cwmp.fault.code >= 8000 && cwmp.fault.code <= 8899",
            &["fault_acs_retry.xml"],
        ),
        (
            "cwmp.spv_fault.code == 9008",
            &["fault_set_parameter_values.xml"],
        ),
        (
            "cwmp.parameter.name contains \"UpTime\"",
            &[
                "inform.xml",
                "set_parameter_values_invalid.xml",
                "fault_set_parameter_values.xml",
                "get_parameter_attributes_response.xml",
                "inform_retry.xml",
            ],
        ),
        (
            "cwmp.parameter == \"Device.WiFi.SSID.1.SSID=home\"",
            &["set_parameter_values.xml"],
        ),
        ("cwmp.event_code.num == 4", &["inform_retry.xml"]),
        ("cwmp.event_code == \"M Reboot\"", &["inform.xml"]),
        ("cwmp.writable == 0", &["get_parameter_names_response.xml"]),
        (
            "cwmp.is_download",
            &[
                "autonomous_transfer_complete.xml",
                "get_all_queued_transfers_response.xml",
            ],
        ),
        (
            "cwmp.is_download == 1",
            &["autonomous_transfer_complete.xml"],
        ),
        (
            "cwmp.complete_time.utc == \"2024-05-01 08:00:05Z\"",
            &["autonomous_transfer_complete.xml"],
        ),
        (
            "cwmp.current_time.utc >= \"2024-05-01 10:00:00Z\"",
            &["inform.xml", "inform_retry.xml"],
        ),
        (
            "cwmp.start_time.utc < \"1970-01-01 00:00:00Z\"",
            &[
                "autonomous_transfer_complete.xml",
                "du_state_change_complete.xml",
                "download_response.xml",
            ],
        ),
        (
            "cwmp.file_type.num == 4",
            &["get_all_queued_transfers_response.xml"],
        ),
        (
            "cwmp.status == 1",
            &["delete_object_response.xml", "download_response.xml"],
        ),
        (
            "cwmp.expert.credentials",
            &[
                "download.xml",
                "upload.xml",
                "schedule_download.xml",
                "change_du_state.xml",
                "change_du_state_wrapped.xml",
            ],
        ),
        (
            "cwmp.message_kind == 3",
            &[
                "fault_set_parameter_values.xml",
                "fault_cancel_transfer.xml",
                "fault_vendor.xml",
                "fault_acs_retry.xml",
            ],
        ),
    ] {
        cases.push((filter, want));
    }
    // The filters the issue names, frame by frame.
    assert_eq!(matching(cases[0].0), cases[0].1);
    assert_eq!(matching(cases[3].0), cases[3].1);
    // All of them at once, by count and by the total length of the matching frames.
    let d = decoded();
    let filters: Vec<&str> = cases.iter().map(|(f, _)| *f).collect();
    let got = match_counts(&filters);
    assert_eq!(got.len(), cases.len());
    for ((filter, want), (frames, bytes)) in cases.iter().zip(got) {
        let want_bytes: u64 = want
            .iter()
            .map(|f| d.get(f, "frame.len").parse::<u64>().expect("frame.len"))
            .sum();
        assert_eq!(
            (frames, bytes),
            (want.len() as u64, want_bytes),
            "{filter}: want {want:?}"
        );
    }
}

/// The `cwmp.*` columns of a decoded capture, without what depends on framing and timing (frame
/// numbers, response times, HTTP's own expert items).
fn framing_free(d: &Decoded) -> Vec<Vec<String>> {
    let keep: Vec<usize> = d
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let def = FIELDS.iter().find(|f| f.abbrev == c.as_str());
            let framing = def.is_some_and(|f| {
                matches!(
                    f.ty,
                    FieldType::FrameRequest | FieldType::FrameResponse | FieldType::RelTime
                )
            });
            c.starts_with("cwmp.") && !framing
        })
        .map(|(i, _)| i)
        .collect();
    d.rows
        .iter()
        .map(|r| keep.iter().map(|&i| r[i].clone()).collect())
        .collect()
}

#[test]
fn chunked_and_gzip_bodies_decode_the_same() {
    // Segment sizes are chosen so that no chunked message ends with its final CRLF split across two
    // segments: tshark 4.0's HTTP then takes the lone CR as the end of the trailer and flags the
    // message malformed before any body reaches a subdissector (a Wireshark quirk, not ours).
    let plain = framing_free(decoded());
    for (tag, coding, segment) in [
        ("chunked", Coding::Chunked { chunk: 101 }, 1460),
        ("gzip", Coding::Gzip, 200),
        ("gzip-chunked", Coding::GzipChunked { chunk: 64 }, 1460),
    ] {
        let o = Opts {
            coding,
            segment: Some(segment),
            ..Opts::default()
        };
        let pcap = all_messages_capture(&format!("all-rpcs-{tag}"), &o);
        let d = Decoded::run(&pcap, &[]);
        let got = framing_free(&d);
        for (i, (a, b)) in plain.iter().zip(&got).enumerate() {
            assert_eq!(a, b, "{tag}: message {}", messages()[i].0);
        }
    }
}

#[test]
fn direction_is_inferred_when_http_gives_no_roles() {
    // A content type no dissector claims, on a port HTTP knows: the body reaches the "http"
    // heuristic list, which in Wireshark 4.0 learns nothing about the HTTP message.
    let o = Opts {
        acs: addr("198.51.100.1:8080"),
        content_type: Some("application/x-cwmp".into()),
        ..Opts::default()
    };
    let pcap = all_messages_capture("all-rpcs-heuristic", &o);
    let d = Decoded::run(&pcap, &[]);
    let plain = decoded();
    for (file, _) in messages() {
        let want = match file {
            // From 4.2 on HTTP tells heuristics the message's role, so the direction is known.
            _ if ws_version() >= (4, 2) => plain.get(file, "cwmp.direction"),
            // Sent by both sides, with no one-sided header: nothing to infer from.
            "get_rpc_methods.xml"
            | "get_rpc_methods_cpe.xml"
            | "get_rpc_methods_response.xml"
            | "get_rpc_methods_response_acs.xml" => "",
            // Vendor methods could come from either side.
            f if f.starts_with("vendor_method") => "",
            _ => plain.get(file, "cwmp.direction"),
        };
        assert_eq!(d.get(file, "cwmp.direction"), want, "{file}");
        assert_eq!(
            d.get(file, "cwmp.message_kind"),
            plain.get(file, "cwmp.message_kind"),
            "{file}"
        );
    }
    let p = pcap.to_string_lossy().into_owned();
    let pdml = tshark(&["-n", "-r", &p, "-Y", "cwmp.method", "-T", "pdml"]);
    let shown: Vec<String> = pdml
        .lines()
        .filter(|l| l.contains("name=\"cwmp.direction\""))
        .filter_map(|l| attr(l, "showname"))
        .collect();
    if ws_version() >= (4, 2) {
        // HTTP tells heuristics the roles from 4.2 on: nothing is inferred, so nothing says so.
        assert!(!shown.is_empty());
        for s in &shown {
            assert!(
                s == "Direction: CPE to ACS (1)" || s == "Direction: ACS to CPE (2)",
                "{s}"
            );
        }
        return;
    }
    for want in [
        "Direction: CPE to ACS (inferred from Inform: only the CPE sends it; the HTTP roles are unknown)",
        "Direction: ACS to CPE (inferred from InformResponse: only the ACS sends it; the HTTP roles are unknown)",
        "Direction: ACS to CPE (inferred from SetParameterValues: only the ACS sends it; the HTTP roles are unknown)",
        "Direction: CPE to ACS (inferred from SetParameterValuesResponse: only the CPE sends it; the HTTP roles are unknown)",
        "Direction: ACS to CPE (inferred from fault code 8005: ACS fault codes are 8000-8899; the HTTP roles are unknown)",
        "Direction: CPE to ACS (inferred from fault code 9003: CPE fault codes are 9000-9899; the HTTP roles are unknown)",
    ] {
        assert!(shown.iter().any(|s| s == want), "{want}\nin {shown:#?}");
    }
}

/// A GetParameterValuesResponse with `n` parameters.
fn big_get_parameter_values_response(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 130 + 600);
    s.push_str(&format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">\
         <soapenv:Header><cwmp:ID soapenv:mustUnderstand=\"1\">big</cwmp:ID></soapenv:Header>\
         <soapenv:Body><cwmp:GetParameterValuesResponse>\
         <ParameterList soapenc:arrayType=\"cwmp:ParameterValueStruct[{n}]\">"
    ));
    for i in 0..n {
        s.push_str(&format!(
            "\n<ParameterValueStruct><Name>Device.Hosts.Host.{i}.IPAddress</Name>\
             <Value xsi:type=\"xsd:string\">10.0.{}.{}</Value></ParameterValueStruct>",
            i / 256 % 256,
            i % 256
        ));
    }
    s.push_str(
        "\n</ParameterList></cwmp:GetParameterValuesResponse></soapenv:Body></soapenv:Envelope>\n",
    );
    s.into_bytes()
}

#[test]
fn fifty_thousand_parameters_decode_completely() {
    const N: usize = 50_000;
    let pcap = session_capture(
        "gpv-50000",
        &[
            (Vec::new(), rpc_body("get_parameter_values.xml")),
            (big_get_parameter_values_response(N), Vec::new()),
        ],
        // Content-Length framing: tshark 4.0's own reassembly of a chunked body this size takes
        // tens of seconds (with or without this plugin), and chunking is covered above.
        &Opts::default(),
    );
    let rows = fields(
        &pcap,
        "cwmp.method == \"GetParameterValuesResponse\"",
        &[
            "cwmp.array.declared",
            "cwmp.array.count",
            "_ws.col.Info",
            "_ws.expert.message",
            "cwmp.parameter.name",
            "cwmp.parameter",
        ],
    );
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r[0], N.to_string());
    assert_eq!(r[1], N.to_string());
    assert_eq!(
        r[2],
        format!("GetParameterValuesResponse ({N} params) id=big")
    );
    assert!(
        !r[3].contains("limit") && !r[3].contains("Malformed") && !r[3].contains("more than"),
        "no limit reached, no exception: {}",
        r[3]
    );
    let names: Vec<&str> = r[4].split('|').collect();
    assert_eq!(names.len(), N);
    assert_eq!(
        names[N - 1],
        format!("Device.Hosts.Host.{}.IPAddress", N - 1)
    );
    let params: Vec<&str> = r[5].split('|').collect();
    assert_eq!(
        params[N - 1],
        format!("Device.Hosts.Host.{}.IPAddress=10.0.195.79", N - 1)
    );
}
