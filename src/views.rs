// SPDX-License-Identifier: GPL-2.0-or-later
//! What the three session views show: the Flow Graph's arrows, the Export Objects table (envelopes and
//! per-device parameter snapshots) and the change log (`-z cwmp,changes`).
//!
//! PURE. Fed once per message on the first pass, from the parsed message and the session record
//! ([`Views::on_body`], [`Views::on_http`]); later passes and every tap listener read what is stored per
//! frame ([`Views::frame`]), so one pass, two passes and re-tapping all see the same thing. Knows
//! nothing of Wireshark: the glue turns a [`FrameView`] into sequence-analysis items, export entries and
//! table rows.
//!
//! The snapshot follows TR-069 Amendment 6, A.3.2.1 (Inform ParameterList), A.3.2.2 (GetParameterValues)
//! and A.3.2.1/A.5 (SetParameterValues takes effect only when the CPE answers with
//! SetParameterValuesResponse; a fault means no parameter was set).
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, HashMap};

use crate::cwmp::{DeviceId, Direction, Message, Node, Rpc, RpcKind, Value};
use crate::fields::Field;
use crate::session::{At, HttpEventKind, Record, Ts};
use crate::values;

/// Longest device label drawn as a Flow Graph node; longer ones are cut and end in `~`.
pub const MAX_NODE_LABEL: usize = 32;

/// Longest device part of an export file name.
pub const MAX_NAME_PART: usize = 64;

/// A device label short enough for a Flow Graph column.
pub fn node_label(label: &str) -> String {
    if label.chars().count() <= MAX_NODE_LABEL {
        return label.to_owned();
    }
    let mut s: String = label.chars().take(MAX_NODE_LABEL - 1).collect();
    s.push('~');
    s
}

/// A file-name part made safe from packet data: letters, digits, `-` and `_` are kept, every other
/// character (path separators, dots, spaces, control characters, non-ASCII) becomes `_`, and the
/// result is cut to [`MAX_NAME_PART`] characters. Never empty.
pub fn safe_name_part(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(MAX_NAME_PART)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// The export name of an envelope: `<frame>-<Method>.xml`.
pub fn envelope_name(frame: u32, method: &str) -> String {
    format!("{frame}-{}.xml", safe_name_part(method))
}

/// The export name of a session's parameter snapshot: `<device>-session<N>.csv`.
pub fn snapshot_name(device: &str, session: u32) -> String {
    format!("{}-session{session}.csv", safe_name_part(device))
}

/// One arrow of the Flow Graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrow {
    /// Drawn from the CPE to the ACS (else from the ACS to the CPE).
    pub from_cpe: bool,
    /// The device's node label; empty when the device is not known (the glue then uses its address).
    pub device: String,
    pub label: String,
    pub comment: String,
}

/// An envelope to export: which CWMP body of the frame, and its file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub index: u16,
    pub name: String,
}

/// A parameter snapshot to export, added at the frame that ended the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub name: String,
    pub device: String,
    pub csv: String,
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub ts: Ts,
    pub frame: u32,
    pub device: String,
    pub action: String,
    pub target: String,
    pub value: String,
    pub result: String,
}

/// The result of a change no answer was seen for.
pub const NO_ANSWER: &str = "no answer in the capture";

/// The column names of the change log, in order.
pub const CHANGE_COLUMNS: [&str; 7] = [
    "time", "frame", "device", "action", "target", "value", "result",
];

impl Change {
    /// The row's seven cells, in [`CHANGE_COLUMNS`] order.
    pub fn cells(&self) -> [String; 7] {
        [
            format_time(self.ts),
            self.frame.to_string(),
            self.device.clone(),
            self.action.clone(),
            self.target.clone(),
            self.value.clone(),
            self.result.clone(),
        ]
    }

    /// The row as one line of tab-separated text (tabs and line breaks in cells escaped).
    pub fn tsv(&self) -> String {
        self.cells()
            .iter()
            .map(|c| tsv_cell(c))
            .collect::<Vec<_>>()
            .join("\t")
    }
}

/// The header line of the tab-separated change log.
pub fn changes_header() -> String {
    CHANGE_COLUMNS.join("\t")
}

/// One cell of tab-separated text: tabs, line breaks and backslashes escaped, other control characters
/// blanked.
pub fn tsv_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The columns of the device table (`tshark -z cwmp,devices`), tab-separated.
pub const DEVICES_HEADER: &str = "device\tsessions\tfirst_seen\tlast_seen\tevents\tfaults\ttransfers\tconnreqs_answered\tconnreqs_unanswered\tperiodic_interval";

/// One row of the device table, tab-separated, cells escaped.
pub fn device_row(key: &crate::follow::DeviceKey, s: &crate::follow::DeviceStats) -> String {
    let name = if s.name.is_empty() {
        format!("{}-?-{}", key.oui, key.serial)
    } else {
        s.name.clone()
    };
    let time = |t: Option<Ts>| t.map(format_time).unwrap_or_default();
    let events = s
        .events
        .iter()
        .map(|(e, n)| format!("{e}={n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let interval = s
        .periodic_interval
        .map(|(secs, nanos)| format!("{:.3}", secs as f64 + f64::from(nanos) / 1e9))
        .unwrap_or_default();
    [
        tsv_cell(&name),
        s.sessions.to_string(),
        time(s.first_seen),
        time(s.last_seen),
        tsv_cell(&events),
        s.faults.to_string(),
        format!(
            "{} ok, {} failed, {} open",
            s.transfers_ok, s.transfers_failed, s.transfers_open
        ),
        s.connreqs_answered.to_string(),
        s.connreqs_unanswered.to_string(),
        interval,
    ]
    .join("\t")
}

/// The device table: the header line, then one row per device.
pub fn devices_tsv(rows: &[(crate::follow::DeviceKey, crate::follow::DeviceStats)]) -> String {
    let mut out = String::from(DEVICES_HEADER);
    out.push('\n');
    for (k, s) in rows {
        out.push_str(&device_row(k, s));
        out.push('\n');
    }
    out
}

/// A capture time as ISO 8601 UTC with microseconds.
pub fn format_time(ts: Ts) -> String {
    let days = ts.secs.div_euclid(86_400);
    let rem = ts.secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ts.nanos / 1000
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Everything the views show for one frame.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameView {
    pub arrows: Vec<Arrow>,
    pub envelopes: Vec<Envelope>,
    pub snapshots: Vec<Snapshot>,
    pub changes: Vec<Change>,
    /// The request frame whose change rows this frame's answer completed (0: none).
    pub answers: u32,
}

impl FrameView {
    pub fn is_empty(&self) -> bool {
        self.arrows.is_empty()
            && self.envelopes.is_empty()
            && self.snapshots.is_empty()
            && self.changes.is_empty()
            && self.answers == 0
    }
}

/// One parameter as last seen.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Param {
    value: String,
    kind: String,
    frame: u32,
    rpc: &'static str,
}

/// A SetParameterValues waiting for its answer.
#[derive(Debug, Clone)]
struct PendingSet {
    device: String,
    frame: u32,
    params: Vec<(String, String, String)>,
}

/// Where the change rows of one request sit, for filling in their result.
#[derive(Debug, Clone)]
struct PendingChange {
    method: String,
    rows: std::ops::Range<usize>,
}

/// The views' state for one capture file.
#[derive(Debug, Default)]
pub struct Views {
    frames: HashMap<u32, FrameView>,
    /// Changes in capture order; each frame's `changes` are copied from here when read.
    changes: Vec<Change>,
    /// Rows of each frame in `changes`.
    change_rows: HashMap<u32, std::ops::Range<usize>>,
    /// Requests whose change rows still wait for an answer, by request frame.
    pending_changes: HashMap<u32, PendingChange>,
    pending_sets: HashMap<u32, PendingSet>,
    /// Every parameter value learnt, by device label, in the order learnt (the latest of a name wins).
    /// A snapshot is a length of this log, so ending a session costs nothing; its CSV is built only
    /// when someone reads it.
    params: HashMap<String, Vec<(String, Param)>>,
    /// Snapshots by the frame that ended their session: (export name, device label, log length).
    snapshots: HashMap<u32, Vec<(String, String, usize)>>,
    /// Sessions not ended yet, by TCP connection: (session number, device label).
    open: HashMap<u32, (u32, String)>,
}

impl Views {
    pub fn new() -> Views {
        Views::default()
    }

    /// Frames with something to show (for the memory tests).
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Everything the views show for `frame` (empty when nothing).
    pub fn frame(&self, frame: u32) -> FrameView {
        let mut v = self.frames.get(&frame).cloned().unwrap_or_default();
        if let Some(list) = self.snapshots.get(&frame) {
            v.snapshots = list
                .iter()
                .map(|(name, device, upto)| Snapshot {
                    name: name.clone(),
                    device: device.clone(),
                    csv: self.csv_upto(device, *upto),
                })
                .collect();
        }
        if let Some(r) = self.change_rows.get(&frame) {
            v.changes = self
                .changes
                .get(r.clone())
                .map(<[_]>::to_vec)
                .unwrap_or_default();
        }
        v
    }

    /// Every change row, in capture order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// A CWMP body and its session record (first pass only; later passes change nothing).
    pub fn on_body(&mut self, at: At, msg: &Message, rec: &Record) {
        if at.visited {
            return;
        }
        let device = rec
            .device
            .as_deref()
            .map(DeviceId::label)
            .unwrap_or_default();
        let from_cpe = msg.direction != Some(Direction::AcsToCpe);
        let mut view = self.frames.remove(&at.frame).unwrap_or_default();
        let first = msg.rpcs.first();
        let label = if msg.rpcs.is_empty() {
            "(no method)".to_owned()
        } else {
            msg.rpcs
                .iter()
                .map(|r| arrow_label(msg, r))
                .collect::<Vec<_>>()
                .join(", ")
        };
        view.arrows.push(Arrow {
            from_cpe,
            device: node_label(&device),
            label,
            comment: comment(msg.id.as_deref(), rec),
        });
        view.envelopes.push(Envelope {
            index: at.index,
            name: envelope_name(at.frame, first.map_or("Envelope", |r| r.name.as_str())),
        });
        self.frames.insert(at.frame, view);
        if let (Some(session), false) = (rec.session, device.is_empty()) {
            self.open.insert(at.stream, (session, device.clone()));
        }
        for rpc in &msg.rpcs {
            self.learn(at, msg, rpc, rec, &device);
        }
    }

    /// The HTTP messages of a frame without a CWMP body (first pass only).
    pub fn on_http(&mut self, at: At, recs: &[Record]) {
        if at.visited {
            return;
        }
        for rec in recs {
            let Some(ev) = rec.event else { continue };
            let device = rec
                .device
                .as_deref()
                .map(DeviceId::label)
                .unwrap_or_default();
            let from_cpe = matches!(
                ev,
                HttpEventKind::EmptyPost | HttpEventKind::ConnectionRequestAnswer
            );
            let view = self.frames.entry(at.frame).or_default();
            view.arrows.push(Arrow {
                from_cpe,
                device: node_label(&device),
                label: http_label(ev, rec.http_code),
                comment: comment(None, rec),
            });
            if ev == HttpEventKind::Redirect {
                self.open.remove(&at.stream);
            }
            if ev == HttpEventKind::SessionEnd {
                self.open.remove(&at.stream);
                if let (Some(session), false) = (rec.session, device.is_empty()) {
                    self.add_snapshot(at.frame, session, &device);
                }
            }
        }
    }

    /// The TCP connection `stream` closed in `frame` (its first FIN; first pass only): a session still
    /// open on it has ended, and gets its snapshot here.
    pub fn on_close(&mut self, frame: u32, stream: u32, visited: bool) {
        if visited {
            return;
        }
        if let Some((session, device)) = self.open.remove(&stream) {
            self.add_snapshot(frame, session, &device);
        }
    }

    /// True when `frame` has envelopes or snapshots to export.
    pub fn has_objects(&self, frame: u32) -> bool {
        self.frames
            .get(&frame)
            .is_some_and(|v| !v.envelopes.is_empty())
            || self.snapshots.contains_key(&frame)
    }

    fn add_snapshot(&mut self, frame: u32, session: u32, device: &str) {
        let upto = self.params.get(device).map_or(0, Vec::len);
        // The frame shows in the views (an arrow or an envelope may not be there yet).
        self.frames.entry(frame).or_default();
        self.snapshots.entry(frame).or_default().push((
            snapshot_name(device, session),
            device.to_owned(),
            upto,
        ));
    }

    /// The CSV snapshot of a device's parameters as known after the first `upto` values learnt.
    fn csv_upto(&self, device: &str, upto: usize) -> String {
        let mut out = String::from("name,value,type,frame,rpc\n");
        if let Some(log) = self.params.get(device) {
            let mut latest: BTreeMap<&str, &Param> = BTreeMap::new();
            for (name, p) in log.iter().take(upto) {
                latest.insert(name.as_str(), p);
            }
            for (name, p) in latest {
                let row = [
                    name,
                    p.value.as_str(),
                    p.kind.as_str(),
                    &p.frame.to_string(),
                    p.rpc,
                ]
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(",");
                out.push_str(&row);
                out.push('\n');
            }
        }
        out
    }

    fn learn(&mut self, at: At, msg: &Message, rpc: &Rpc, rec: &Record, device: &str) {
        let request_frame = rec.response_to.map(|(f, _)| f);
        match (rpc.kind, rpc.name.as_str()) {
            (RpcKind::Request, "Inform") => {
                // The Inform names the device itself, before the session record may know it.
                let dev = msg
                    .device
                    .as_ref()
                    .map(DeviceId::label)
                    .unwrap_or_else(|| device.to_owned());
                self.store_params(&dev, at.frame, "Inform", &rpc.node);
            }
            (RpcKind::Response, "GetParameterValuesResponse") => {
                self.store_params(device, at.frame, "GetParameterValuesResponse", &rpc.node);
            }
            (RpcKind::Request, "SetParameterValues") => {
                let params = param_values(&rpc.node);
                self.pending_sets.insert(
                    at.frame,
                    PendingSet {
                        device: device.to_owned(),
                        frame: at.frame,
                        params,
                    },
                );
            }
            (RpcKind::Response, "SetParameterValuesResponse") => {
                if let Some(set) = request_frame.and_then(|f| self.pending_sets.remove(&f)) {
                    let log = self.params.entry(set.device).or_default();
                    for (name, value, kind) in set.params {
                        log.push((
                            name,
                            Param {
                                value,
                                kind,
                                frame: set.frame,
                                rpc: "SetParameterValues",
                            },
                        ));
                    }
                }
            }
            (RpcKind::Fault, _) => {
                if let Some(f) = request_frame {
                    self.pending_sets.remove(&f);
                }
            }
            _ => {}
        }
        if rpc.kind == RpcKind::Request && CHANGE_METHODS.contains(&rpc.name.as_str()) {
            let rows = change_rows(at, device, rpc);
            let start = self.changes.len();
            self.changes.extend(rows);
            let range = start..self.changes.len();
            let entry = self.change_rows.entry(at.frame).or_insert(start..start);
            entry.end = range.end;
            if entry.start > range.start {
                entry.start = range.start;
            }
            self.pending_changes.insert(
                at.frame,
                PendingChange {
                    method: rpc.name.clone(),
                    rows: range,
                },
            );
        } else if rpc.kind != RpcKind::Request {
            if let Some(f) = request_frame {
                if let Some(p) = self.pending_changes.remove(&f) {
                    self.answer(&p, rpc);
                    self.frames.entry(at.frame).or_default().answers = f;
                }
            }
        }
    }

    /// Fills in the result of a request's change rows from its answer.
    fn answer(&mut self, p: &PendingChange, rpc: &Rpc) {
        let Some(rows) = self.changes.get_mut(p.rows.clone()) else {
            return;
        };
        match (rpc.kind, &rpc.fault) {
            (RpcKind::Fault, fault) => {
                let whole = match fault {
                    Some((code, _)) => format!("fault {code} {}", values::fault_name(*code)),
                    None => "fault".to_owned(),
                };
                let per_param = spv_faults(&rpc.node);
                for row in rows {
                    row.result = per_param
                        .iter()
                        .find(|(name, _)| *name == row.target)
                        .map(|(_, code)| format!("fault {code} {}", values::fault_name(*code)))
                        .unwrap_or_else(|| whole.clone());
                }
            }
            _ => {
                let expected = format!("{}Response", p.method);
                let mut result = match rpc.node.child_u32(Field::Status) {
                    Some(0) => "ok (Status 0)".to_owned(),
                    Some(1) => "ok, applied later (Status 1)".to_owned(),
                    Some(n) => format!("Status {n}"),
                    None => "ok".to_owned(),
                };
                if let Some(n) = rpc.node.child_u32(Field::InstanceNumber) {
                    result.push_str(&format!(", instance {n}"));
                }
                if rpc.name != expected {
                    result = format!("{} ({result})", rpc.name);
                }
                for row in rows {
                    row.result = result.clone();
                }
            }
        }
    }

    fn store_params(&mut self, device: &str, frame: u32, rpc: &'static str, node: &Node) {
        if device.is_empty() {
            return;
        }
        let list = param_values(node);
        if list.is_empty() {
            return;
        }
        let log = self.params.entry(device.to_owned()).or_default();
        log.extend(list.into_iter().map(|(name, value, kind)| {
            (
                name,
                Param {
                    value,
                    kind,
                    frame,
                    rpc,
                },
            )
        }));
    }
}

/// The methods whose requests change a device, in the order the change log names them.
pub const CHANGE_METHODS: [&str; 11] = [
    "SetParameterValues",
    "AddObject",
    "DeleteObject",
    "SetParameterAttributes",
    "Download",
    "Upload",
    "ScheduleDownload",
    "ChangeDUState",
    "FactoryReset",
    "Reboot",
    "ScheduleInform",
];

fn str_of(n: &Node, f: Field) -> String {
    n.child_str(f).unwrap_or_default().to_owned()
}

fn list_count(n: &Node, f: Field) -> Option<u32> {
    n.child(f)?.child_u32(Field::ArrayCount)
}

/// (name, value, type) of every ParameterValueStruct in a method's ParameterList.
fn param_values(method: &Node) -> Vec<(String, String, String)> {
    let Some(list) = method.child(Field::ParameterList) else {
        return Vec::new();
    };
    list.children
        .iter()
        .filter(|c| c.field == Field::Parameter)
        .map(|p| {
            (
                str_of(p, Field::ParameterName),
                str_of(p, Field::ParameterValue),
                str_of(p, Field::ParameterType),
            )
        })
        .collect()
}

/// (parameter name, fault code) of every SetParameterValuesFault of a Fault.
fn spv_faults(method: &Node) -> Vec<(String, u32)> {
    let Some(fault) = method.child(Field::Fault) else {
        return Vec::new();
    };
    fault
        .children
        .iter()
        .filter(|c| c.field == Field::SpvFault)
        .filter_map(|c| {
            Some((
                str_of(c, Field::ParameterName),
                c.child_u32(Field::SpvFaultCode)?,
            ))
        })
        .collect()
}

fn change_rows(at: At, device: &str, rpc: &Rpc) -> Vec<Change> {
    let n = &rpc.node;
    let row = |target: String, value: String| Change {
        ts: at.ts,
        frame: at.frame,
        device: device.to_owned(),
        action: rpc.name.clone(),
        target,
        value,
        result: NO_ANSWER.to_owned(),
    };
    match rpc.name.as_str() {
        "SetParameterValues" => param_values(n)
            .into_iter()
            .map(|(name, value, _)| row(name, value))
            .collect(),
        "SetParameterAttributes" => n
            .child(Field::ParameterList)
            .map(|l| {
                l.children
                    .iter()
                    .filter(|c| c.field == Field::SetAttributes)
                    .map(|s| {
                        let mut what = Vec::new();
                        if matches!(
                            s.child(Field::NotificationChange).map(|c| &c.value),
                            Some(Value::Bool(true))
                        ) {
                            what.push(format!(
                                "Notification={}",
                                s.child_u32(Field::Notification).unwrap_or(0)
                            ));
                        }
                        if matches!(
                            s.child(Field::AccessListChange).map(|c| &c.value),
                            Some(Value::Bool(true))
                        ) {
                            let entries: Vec<&str> = s
                                .child(Field::AccessList)
                                .map(|a| {
                                    a.children
                                        .iter()
                                        .filter(|e| e.field == Field::AccessListEntry)
                                        .filter_map(Node::as_str)
                                        .collect()
                                })
                                .unwrap_or_default();
                            what.push(format!("AccessList={}", entries.join("|")));
                        }
                        row(str_of(s, Field::ParameterName), what.join(" "))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        "AddObject" | "DeleteObject" => vec![row(str_of(n, Field::ObjectName), String::new())],
        "Download" | "Upload" | "ScheduleDownload" => {
            vec![row(str_of(n, Field::Url), str_of(n, Field::FileType))]
        }
        "ChangeDUState" => n
            .children
            .iter()
            .filter(|c| c.field == Field::DuOperation)
            .map(|op| {
                let target = op
                    .child_str(Field::Url)
                    .filter(|u| !u.is_empty())
                    .or(op.child_str(Field::DuUuid))
                    .unwrap_or_default()
                    .to_owned();
                let kind = str_of(op, Field::DuOperationType);
                row(target, kind.trim_end_matches("OpStruct").to_owned())
            })
            .collect(),
        "ScheduleInform" => vec![row(
            String::new(),
            n.child_u32(Field::DelaySeconds)
                .map(|d| format!("DelaySeconds={d}"))
                .unwrap_or_default(),
        )],
        "Reboot" | "FactoryReset" => vec![row(String::new(), String::new())],
        _ => Vec::new(),
    }
}

/// The label of one method's arrow: its name and key arguments.
pub fn arrow_label(msg: &Message, rpc: &Rpc) -> String {
    let n = &rpc.node;
    if rpc.kind == RpcKind::Fault {
        return match &rpc.fault {
            Some((code, _)) => format!("Fault {code}"),
            None => "Fault".to_owned(),
        };
    }
    let key = |f: Field| n.child_str(f).filter(|s| !s.is_empty());
    let with = |s: Option<&str>| match s {
        Some(s) => format!("{} {s}", rpc.name),
        None => rpc.name.clone(),
    };
    let counted = |f: Field| match list_count(n, f) {
        Some(c) => format!("{} ({c})", rpc.name),
        None => rpc.name.clone(),
    };
    match rpc.name.as_str() {
        "Inform" if rpc.kind == RpcKind::Request => {
            format!("Inform [{}]", msg.events.join(", "))
        }
        "GetParameterValues" | "GetParameterAttributes" => counted(Field::ParameterNames),
        "GetParameterValuesResponse"
        | "GetParameterAttributesResponse"
        | "SetParameterValues"
        | "SetParameterAttributes"
        | "GetParameterNamesResponse" => counted(Field::ParameterList),
        "GetParameterNames" => with(key(Field::ParameterPath)),
        "AddObject" | "DeleteObject" => with(key(Field::ObjectName)),
        "Download" | "Upload" | "ScheduleDownload" | "Reboot" | "ScheduleInform"
        | "ChangeDUState" => with(key(Field::CommandKey)),
        "TransferComplete" | "AutonomousTransferComplete" => {
            let mut s = with(key(Field::CommandKey));
            if let Some(code) = n
                .child(Field::TransferFault)
                .and_then(|f| f.child_u32(Field::TransferFaultCode))
                .filter(|c| *c != 0)
            {
                s.push_str(&format!(" fault {code}"));
            }
            s
        }
        _ => match n.child_u32(Field::Status) {
            Some(st) if rpc.kind == RpcKind::Response => format!("{} {st}", rpc.name),
            _ => match n.child_u32(Field::InstanceNumber) {
                Some(i) => format!("{} {i}", rpc.name),
                None => rpc.name.clone(),
            },
        },
    }
}

/// The label of an HTTP step's arrow.
pub fn http_label(ev: HttpEventKind, code: Option<u16>) -> String {
    let code = code.map(|c| c.to_string()).unwrap_or_default();
    match ev {
        HttpEventKind::EmptyPost => "empty POST".to_owned(),
        HttpEventKind::SessionEnd => format!("{code} end of session"),
        HttpEventKind::AuthChallenge => "401 challenge".to_owned(),
        HttpEventKind::Redirect => format!("{code} redirect"),
        HttpEventKind::HttpError => format!("HTTP {code}"),
        HttpEventKind::EmptyAnswer => format!("{code} empty answer"),
        HttpEventKind::ConnectionRequest => "connection request".to_owned(),
        HttpEventKind::ConnectionRequestAnswer => format!("connection request answer {code}"),
    }
}

/// An arrow's comment: the cwmp:ID and, for answers, the response time.
pub fn comment(id: Option<&str>, rec: &Record) -> String {
    let mut parts = Vec::new();
    if let Some(id) = id {
        parts.push(format!("cwmp:ID {id}"));
    }
    if let Some((frame, (secs, nanos))) = rec.response_to {
        let ms = secs as f64 * 1000.0 + f64::from(nanos) / 1_000_000.0;
        parts.push(format!("response to {frame} in {ms:.3} ms"));
    }
    if let Some(s) = rec.session {
        parts.push(format!("session {s}"));
    }
    parts.join(", ")
}

/// One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break.
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cwmp::{self, Options};
    use crate::session::{HttpMessage, Tracker};

    fn at(frame: u32) -> At {
        At {
            frame,
            index: 0,
            stream: 1,
            ts: Ts {
                secs: 1_714_557_600 + i64::from(frame),
                nanos: 5_000_000,
            },
            visited: false,
            src: None,
            dst: None,
        }
    }

    fn env(body: &str) -> Vec<u8> {
        format!(
            "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">\
             <soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">7</cwmp:ID></soap-env:Header>\
             <soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>"
        )
        .into_bytes()
    }

    fn inform(serial: &str) -> Vec<u8> {
        env(&format!(
            "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00AB12</OUI>\
             <ProductClass>GW100</ProductClass><SerialNumber>{serial}</SerialNumber></DeviceId>\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[2]\"><EventStruct><EventCode>1 BOOT</EventCode>\
             <CommandKey></CommandKey></EventStruct><EventStruct><EventCode>2 PERIODIC</EventCode>\
             <CommandKey></CommandKey></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount>\
             <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct>\
             <Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">42</Value>\
             </ParameterValueStruct></ParameterList></cwmp:Inform>"
        ))
    }

    const GPV: &str = "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[3]\">\
        <string>Device.A</string><string>Device.B</string><string>Device.C</string></ParameterNames>\
        </cwmp:GetParameterValues>";
    const GPV_RESPONSE: &str = "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\
        \"cwmp:ParameterValueStruct[2]\"><ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name>\
        <Value xsi:type=\"xsd:string\">old, \"quoted\"</Value></ParameterValueStruct><ParameterValueStruct>\
        <Name>Device.DeviceInfo.UpTime</Name><Value xsi:type=\"xsd:unsignedInt\">43</Value>\
        </ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>";
    const SPV: &str = "<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\
        \"cwmp:ParameterValueStruct[2]\"><ParameterValueStruct><Name>Device.WiFi.SSID.1.SSID</Name>\
        <Value xsi:type=\"xsd:string\">new</Value></ParameterValueStruct><ParameterValueStruct>\
        <Name>Device.X</Name><Value xsi:type=\"xsd:string\">x</Value></ParameterValueStruct>\
        </ParameterList><ParameterKey>pk</ParameterKey></cwmp:SetParameterValues>";
    const SPV_FAULT: &str = "<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault\
        </faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments\
        </FaultString><SetParameterValuesFault><ParameterName>Device.WiFi.SSID.1.SSID</ParameterName>\
        <FaultCode>9007</FaultCode><FaultString>Invalid parameter value</FaultString>\
        </SetParameterValuesFault></cwmp:Fault></detail></soap-env:Fault>";
    const SPV_RESPONSE: &str =
        "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>";

    /// Feeds bodies (frame, from the CPE, body) and HTTP steps through a tracker and the views.
    struct Run {
        tracker: Tracker,
        views: Views,
    }

    impl Run {
        fn new() -> Run {
            Run {
                tracker: Tracker::new(),
                views: Views::new(),
            }
        }

        fn body(&mut self, frame: u32, from_cpe: bool, body: &[u8]) {
            let opts = Options {
                direction: Some(if from_cpe {
                    Direction::CpeToAcs
                } else {
                    Direction::AcsToCpe
                }),
                ..Options::default()
            };
            let msg = cwmp::parse(body, &opts);
            let rec = self.tracker.on_body(at(frame), &msg);
            self.views.on_body(at(frame), &msg, &rec);
        }

        fn http(&mut self, frame: u32, m: HttpMessage) {
            let recs = self.tracker.on_http(at(frame), &[m], false);
            self.views.on_http(at(frame), &recs);
        }

        fn empty_post(&mut self, frame: u32) {
            self.http(
                frame,
                HttpMessage::Request {
                    method: "POST".into(),
                    has_body: false,
                },
            );
        }

        fn end(&mut self, frame: u32) {
            self.http(
                frame,
                HttpMessage::Response {
                    code: 204,
                    has_body: false,
                    location: None,
                },
            );
        }
    }

    /// The generated session of the issue: Inform, GPV, GPV response, SPV refused (9007), Reboot, 204.
    fn session(spv_answer: &str) -> Run {
        let mut r = Run::new();
        r.body(1, true, &inform("SN1"));
        r.body(
            2,
            false,
            &env("<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"),
        );
        r.empty_post(3);
        r.body(4, false, &env(GPV));
        r.body(5, true, &env(GPV_RESPONSE));
        r.body(6, false, &env(SPV));
        r.body(7, true, &env(spv_answer));
        r.body(
            8,
            false,
            &env("<cwmp:Reboot><CommandKey>rb-1</CommandKey></cwmp:Reboot>"),
        );
        r.body(9, true, &env("<cwmp:RebootResponse/>"));
        r.end(10);
        r
    }

    #[test]
    fn arrow_labels_name_the_method_and_key_arguments() {
        let r = session(SPV_FAULT);
        let label = |f: u32| r.views.frame(f).arrows[0].label.clone();
        assert_eq!(label(1), "Inform [1 BOOT, 2 PERIODIC]");
        assert_eq!(label(2), "InformResponse");
        assert_eq!(label(3), "empty POST");
        assert_eq!(label(4), "GetParameterValues (3)");
        assert_eq!(label(5), "GetParameterValuesResponse (2)");
        assert_eq!(label(6), "SetParameterValues (2)");
        assert_eq!(label(7), "Fault 9003");
        assert_eq!(label(8), "Reboot rb-1");
        assert_eq!(label(9), "RebootResponse");
        assert_eq!(label(10), "204 end of session");
        assert!(r.views.frame(1).arrows[0].from_cpe);
        assert!(!r.views.frame(4).arrows[0].from_cpe);
        assert!(!r.views.frame(10).arrows[0].from_cpe);
        assert_eq!(r.views.frame(4).arrows[0].device, "00AB12-GW100-SN1");
    }

    #[test]
    fn download_label_uses_its_command_key() {
        let msg = cwmp::parse(
            &env("<cwmp:Download><CommandKey>fw-77</CommandKey><FileType>1 Firmware Upgrade Image</FileType>\
                  <URL>http://x/fw.bin</URL><Username></Username><Password></Password><FileSize>0</FileSize>\
                  <TargetFileName></TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL>\
                  <FailureURL></FailureURL></cwmp:Download>"),
            &Options::default(),
        );
        assert_eq!(arrow_label(&msg, &msg.rpcs[0]), "Download fw-77");
    }

    #[test]
    fn http_labels() {
        assert_eq!(
            http_label(HttpEventKind::AuthChallenge, Some(401)),
            "401 challenge"
        );
        assert_eq!(
            http_label(HttpEventKind::ConnectionRequest, None),
            "connection request"
        );
        assert_eq!(
            http_label(HttpEventKind::ConnectionRequestAnswer, Some(200)),
            "connection request answer 200"
        );
        assert_eq!(
            http_label(HttpEventKind::SessionEnd, Some(200)),
            "200 end of session"
        );
    }

    #[test]
    fn comments_hold_the_id_and_the_response_time() {
        let r = session(SPV_FAULT);
        assert_eq!(r.views.frame(1).arrows[0].comment, "cwmp:ID 7, session 1");
        // Frames are one second apart in these tests.
        assert_eq!(
            r.views.frame(5).arrows[0].comment,
            "cwmp:ID 7, response to 4 in 1000.000 ms, session 1"
        );
    }

    #[test]
    fn snapshot_holds_inform_and_gpv_values_and_not_refused_sets() {
        let r = session(SPV_FAULT);
        let v = r.views.frame(10);
        assert_eq!(v.snapshots.len(), 1);
        let s = &v.snapshots[0];
        assert_eq!(s.name, "00AB12-GW100-SN1-session1.csv");
        assert_eq!(
            s.csv,
            "name,value,type,frame,rpc\n\
             Device.DeviceInfo.UpTime,43,xsd:unsignedInt,5,GetParameterValuesResponse\n\
             Device.WiFi.SSID.1.SSID,\"old, \"\"quoted\"\"\",xsd:string,5,GetParameterValuesResponse\n"
        );
    }

    #[test]
    fn confirmed_sets_enter_the_snapshot() {
        let r = session(SPV_RESPONSE);
        let csv = &r.views.frame(10).snapshots[0].csv;
        assert!(
            csv.contains("Device.WiFi.SSID.1.SSID,new,xsd:string,6,SetParameterValues\n"),
            "{csv}"
        );
        assert!(
            csv.contains("Device.X,x,xsd:string,6,SetParameterValues\n"),
            "{csv}"
        );
    }

    #[test]
    fn change_log_has_per_parameter_fault_codes() {
        let r = session(SPV_FAULT);
        let rows: Vec<String> = r.views.changes().iter().map(Change::tsv).collect();
        assert_eq!(
            rows,
            [
                "2024-05-01T10:00:06.005000Z\t6\t00AB12-GW100-SN1\tSetParameterValues\tDevice.WiFi.SSID.1.SSID\tnew\tfault 9007 Invalid parameter value",
                "2024-05-01T10:00:06.005000Z\t6\t00AB12-GW100-SN1\tSetParameterValues\tDevice.X\tx\tfault 9003 Invalid arguments",
                "2024-05-01T10:00:08.005000Z\t8\t00AB12-GW100-SN1\tReboot\t\t\tok",
            ]
        );
        assert_eq!(
            changes_header(),
            "time\tframe\tdevice\taction\ttarget\tvalue\tresult"
        );
        assert_eq!(r.views.frame(6).changes.len(), 2);
        assert_eq!(r.views.frame(8).changes.len(), 1);
        assert_eq!(r.views.frame(7).answers, 6);
        assert_eq!(r.views.frame(9).answers, 8);
        assert_eq!(r.views.frame(5).answers, 0);
    }

    #[test]
    fn unanswered_changes_say_so_and_status_is_reported() {
        let mut r = Run::new();
        r.body(1, true, &inform("SN1"));
        r.body(
            2,
            false,
            &env("<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"),
        );
        r.empty_post(3);
        r.body(4, false, &env(SPV));
        r.body(5, true, &env("<cwmp:SetParameterValuesResponse><Status>1</Status></cwmp:SetParameterValuesResponse>"));
        r.body(6, false, &env("<cwmp:AddObject><ObjectName>Device.NAT.PortMapping.</ObjectName><ParameterKey></ParameterKey></cwmp:AddObject>"));
        r.body(7, true, &env("<cwmp:AddObjectResponse><InstanceNumber>3</InstanceNumber><Status>0</Status></cwmp:AddObjectResponse>"));
        r.body(8, false, &env("<cwmp:FactoryReset/>"));
        let results: Vec<(&str, &str, &str)> = r
            .views
            .changes()
            .iter()
            .map(|c| (c.action.as_str(), c.target.as_str(), c.result.as_str()))
            .collect();
        assert_eq!(
            results,
            [
                (
                    "SetParameterValues",
                    "Device.WiFi.SSID.1.SSID",
                    "ok, applied later (Status 1)"
                ),
                (
                    "SetParameterValues",
                    "Device.X",
                    "ok, applied later (Status 1)"
                ),
                (
                    "AddObject",
                    "Device.NAT.PortMapping.",
                    "ok (Status 0), instance 3"
                ),
                ("FactoryReset", "", NO_ANSWER),
            ]
        );
    }

    #[test]
    fn no_snapshot_for_a_session_still_open() {
        let mut r = Run::new();
        r.body(1, true, &inform("SN1"));
        r.body(
            2,
            false,
            &env("<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"),
        );
        r.empty_post(3);
        assert!((1..=3).all(|f| r.views.frame(f).snapshots.is_empty()));
    }

    #[test]
    fn connection_close_ends_an_open_session_once() {
        let mut r = Run::new();
        r.body(1, true, &inform("SN1"));
        r.body(
            2,
            false,
            &env("<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>"),
        );
        r.views.on_close(3, 7, false);
        assert!(r.views.frame(3).snapshots.is_empty(), "another connection");
        r.views.on_close(3, 1, true);
        assert!(
            r.views.frame(3).snapshots.is_empty(),
            "later passes change nothing"
        );
        r.views.on_close(4, 1, false);
        assert_eq!(
            r.views.frame(4).snapshots[0].name,
            "00AB12-GW100-SN1-session1.csv"
        );
        assert!(r.views.has_objects(4) && r.views.has_objects(1) && !r.views.has_objects(3));
        r.views.on_close(5, 1, false);
        assert!(r.views.frame(5).snapshots.is_empty(), "closed once");
        // A session ended by its 204 gets no second snapshot when the connection closes.
        let mut r = session(SPV_FAULT);
        r.views.on_close(11, 1, false);
        assert!(r.views.frame(11).snapshots.is_empty());
    }

    #[test]
    fn later_passes_change_nothing() {
        let mut r = session(SPV_FAULT);
        let before: Vec<FrameView> = (1..=10).map(|f| r.views.frame(f)).collect();
        let msg = cwmp::parse(&inform("OTHER"), &Options::default());
        let mut visited = at(1);
        visited.visited = true;
        r.views.on_body(visited, &msg, &Record::default());
        r.views.on_http(visited, &[Record::default()]);
        let after: Vec<FrameView> = (1..=10).map(|f| r.views.frame(f)).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn envelope_names() {
        let r = session(SPV_FAULT);
        assert_eq!(r.views.frame(7).envelopes[0].name, "7-Fault.xml");
        assert_eq!(
            r.views.frame(4).envelopes[0].name,
            "4-GetParameterValues.xml"
        );
        assert!(r.views.frame(3).envelopes.is_empty());
        assert_eq!(
            envelope_name(12, "X_00AB12/../Evil"),
            "12-X_00AB12____Evil.xml"
        );
    }

    #[test]
    fn hostile_serial_number_gives_a_safe_name() {
        let d = DeviceId {
            manufacturer: "Acme".into(),
            oui: "00AB12".into(),
            product_class: "GW100".into(),
            serial_number: "../../etc/x".into(),
        };
        assert_eq!(
            snapshot_name(&d.label(), 1),
            "00AB12-GW100-______etc_x-session1.csv"
        );
        assert_eq!(safe_name_part(""), "_");
        assert_eq!(safe_name_part("a\0b\u{e9}"), "a_b_");
        assert_eq!(safe_name_part(&"x".repeat(500)).len(), MAX_NAME_PART);
    }

    #[test]
    fn long_device_labels_are_cut_for_nodes() {
        let long = "A".repeat(40);
        let n = node_label(&long);
        assert_eq!(n.chars().count(), MAX_NODE_LABEL);
        assert!(n.ends_with('~'));
        assert_eq!(node_label("short"), "short");
    }

    #[test]
    fn tsv_cells_are_escaped() {
        let c = Change {
            ts: Ts { secs: 0, nanos: 0 },
            frame: 1,
            device: "d\te".into(),
            action: "a".into(),
            target: "t\nu".into(),
            value: "v\\".into(),
            result: "r".into(),
        };
        assert_eq!(
            c.tsv(),
            "1970-01-01T00:00:00.000000Z\t1\td\\te\ta\tt\\nu\tv\\\\\tr"
        );
    }

    #[test]
    fn times_are_utc_dates() {
        assert_eq!(
            format_time(Ts {
                secs: 951_782_400,
                nanos: 999_999_999
            }),
            "2000-02-29T00:00:00.999999Z"
        );
        assert_eq!(
            format_time(Ts { secs: -1, nanos: 0 }),
            "1969-12-31T23:59:59.000000Z"
        );
    }
}
