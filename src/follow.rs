// SPDX-License-Identifier: GPL-2.0-or-later
//! Follow-through across messages and sessions of one device: transfers and their completes, file
//! fetches, connection requests and the Informs they cause, periodic Inform intervals, session retry
//! pacing and provisioning loops (TR-069 Amendment 6, 3.2.1.1, 3.7.1.5, A.3.2.8, A.3.3.1, A.4.1.5;
//! reference sections 1.4 and 3).
//!
//! PURE. The session tracker (`session.rs`) knows one TCP connection at a time; this layer knows
//! devices, identified by OUI and SerialNumber, and links what happens to a device minutes or hours
//! apart. The glue feeds it observations in capture order on the first pass; each observation that
//! is shown gets a stored [`Links`] record. Backward links (a complete's request, an Inform's
//! connection request, the periodic interval) are known when the later message is seen and show in a
//! single pass. Forward links (a request's complete, a connection request's Inform) are written into
//! the earlier record when they become known and show from the second pass on. Findings that need the
//! whole capture ("never completed", "never answered") are decided by [`Follow::view`] once the first
//! pass is over.
//!
//! Memory is bounded per device: every history has a cap, and hitting one is reported once.
#![forbid(unsafe_code)]

use std::collections::HashMap;

use crate::session::Ts;

/// A device: OUI and SerialNumber, the pair TR-069 makes unique (A.3.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceKey {
    pub oui: String,
    pub serial: String,
}

/// Where an observation was made: the frame, the index of the message in the frame, and its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub frame: u32,
    pub index: u16,
    pub ts: Ts,
}

impl Seen {
    fn key(self) -> (u32, u16) {
        (self.frame, self.index)
    }
}

/// What a finding is about; the glue maps each to an expert item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// A transfer request whose complete the capture does not hold (note).
    TransferIncomplete,
    /// A complete whose request is not in the capture (note).
    TransferOrphan,
    /// A complete that reports a fault.
    TransferFailed,
    /// A connection request that no Inform followed in time.
    ConnreqUnanswered,
    /// The observed periodic interval differs from the configured one by more than 10%.
    PeriodicDrift,
    /// A session retry that comes sooner than the retry window allows.
    RetryTooSoon,
    /// A session retry (RetryCount > 0) after a session the ACS accepted.
    RetryAfterSuccess,
    /// The same state-changing request, or the same fault, in three or more consecutive sessions.
    RpcLoop,
    /// A per-device history reached its cap; older entries were dropped.
    HistoryCapped,
}

/// A finding with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowNote {
    pub finding: Finding,
    pub text: String,
}

/// How a fetch of a transfer's file went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchOutcome {
    Http(u16),
    Ftp(u16),
    /// A TFTP error code, or 0 when the transfer ended without one.
    Tftp(u16),
}

impl FetchOutcome {
    /// The status code as `cwmp.transfer.fetch_status` shows it.
    pub fn code(self) -> u32 {
        match self {
            FetchOutcome::Http(c) | FetchOutcome::Ftp(c) | FetchOutcome::Tftp(c) => u32::from(c),
        }
    }

    fn describe(self) -> String {
        match self {
            FetchOutcome::Http(c) => format!("the file server answered HTTP {c}"),
            FetchOutcome::Ftp(c) => format!("the FTP server replied {c}"),
            FetchOutcome::Tftp(0) => "the TFTP transfer ended without error".to_owned(),
            FetchOutcome::Tftp(c) => format!("the TFTP server sent error {c}"),
        }
    }
}

/// What this layer adds to one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// On a complete (or the Inform event of one): the frame of the transfer request.
    pub transfer_request_in: Option<u32>,
    /// On a transfer request: the frame of its complete.
    pub transfer_complete_in: Option<u32>,
    /// Request to complete.
    pub transfer_duration: Option<(i64, u32)>,
    /// On a transfer request: the frame where the CPE asked for the file.
    pub transfer_fetch_in: Option<u32>,
    pub transfer_fetch_status: Option<u32>,
    /// On a connection request (and the CPE's answer): the Inform it caused.
    pub connreq_inform_in: Option<u32>,
    /// On an Inform with `6 CONNECTION REQUEST`: the connection request.
    pub connreq_request_in: Option<u32>,
    /// Connection request to Inform.
    pub connreq_latency: Option<(i64, u32)>,
    /// On the first Inform of a periodic session: the time since the device's previous one.
    pub periodic_interval: Option<(i64, u32)>,
    /// A text for the tree where the capture is too short to judge (no expert item).
    pub undecided: Option<String>,
    pub notes: Vec<FollowNote>,
}

/// What [`Follow::on_inform`] needs of an Inform.
#[derive(Debug, Clone, Copy, Default)]
pub struct InformFacts<'a> {
    /// False for the retry with credentials after a 401 (the same session).
    pub new_session: bool,
    /// The event codes, as sent.
    pub events: &'a [&'a str],
    pub retry_count: u32,
    /// The ParameterList's names and values.
    pub params: &'a [(&'a str, &'a str)],
    /// The address the CPE spoke from.
    pub addr: Option<&'a str>,
    /// The device as the Info column names it.
    pub label: &'a str,
}

/// A pending transfer: its device, and its key there (the completion it expects, its CommandKey).
type TransferRef = (DeviceKey, (Completion, String));

/// The kind of completion a request expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Completion {
    Transfer,
    DuStateChange,
}

fn completion_of_request(method: &str) -> Option<Completion> {
    match method {
        "Download" | "ScheduleDownload" | "Upload" => Some(Completion::Transfer),
        "ChangeDUState" => Some(Completion::DuStateChange),
        _ => None,
    }
}

/// State-changing requests whose repetition across sessions is a loop (reading RPCs are polling).
pub fn is_state_changing(method: &str) -> bool {
    matches!(
        method,
        "SetParameterValues"
            | "AddObject"
            | "DeleteObject"
            | "SetParameterAttributes"
            | "Download"
            | "Reboot"
            | "FactoryReset"
    )
}

/// Seconds without an Inform after which a connection request counts as unanswered, by default.
pub const DEFAULT_CONNREQ_TIMEOUT: u32 = 30;

/// Caps of the per-device histories.
pub const MAX_PENDING_TRANSFERS: usize = 64;
pub const MAX_LOOP_SIGNATURES: usize = 256;
pub const MAX_SESSIONS_KEPT: usize = 4096;
pub const MAX_PENDING_CONNREQS: usize = 1024;
pub const MAX_PENDING_FETCHES: usize = 4096;
/// Transfers remembered under one file name for fetches.
pub const MAX_FETCH_CANDIDATES: usize = 64;

#[derive(Debug, Clone)]
struct PendingTransfer {
    at: Seen,
    method: String,
    url: Option<String>,
    fetch: Option<(u32, Option<FetchOutcome>)>,
}

#[derive(Debug, Clone, Copy)]
struct LoopEntry {
    /// The device's session ordinal in which the signature was last seen.
    last: u32,
    run: u32,
}

#[derive(Debug)]
struct Device {
    /// First frames of the device's sessions, in order (capped).
    session_frames: Vec<u32>,
    /// Ordinal of the current session (1-based; 0 before the first).
    ordinal: u32,
    /// Where the device's CPE spoke from (its address), for connection requests by address.
    addr: Option<String>,
    /// Host[:port] and path of the ConnectionRequestURL the device last reported.
    connreq_url: Option<String>,
    /// The host of that URL, without its port (an address for connection requests by address).
    connreq_host: Option<String>,
    /// ManagementServer.ConnReqJabberID, bare and lower-case (XMPP connection requests, Annex K).
    jid: Option<String>,
    /// Time of the last Inform that opened a periodic session.
    last_periodic: Option<Ts>,
    /// The configured PeriodicInformInterval and when it was learned or changed.
    interval: Option<(u32, Ts)>,
    /// Retry pacing: CWMPRetryMinimumWaitInterval and CWMPRetryIntervalMultiplier.
    retry_min: u32,
    retry_mult: u32,
    /// When the last session ended, whether the ACS accepted its Inform, and its RetryCount.
    last_session_end: Option<Ts>,
    last_retry_count: Option<u32>,
    last_session_accepted: bool,
    transfers: HashMap<(Completion, String), PendingTransfer>,
    loops: HashMap<String, LoopEntry>,
    capped: bool,
    stats: DeviceStats,
}

impl Default for Device {
    /// The retry window defaults of TR-069 3.2.1.1 until the capture shows the device's own.
    fn default() -> Device {
        Device {
            session_frames: Vec::new(),
            ordinal: 0,
            addr: None,
            connreq_url: None,
            connreq_host: None,
            jid: None,
            last_periodic: None,
            interval: None,
            retry_min: 5,
            retry_mult: 2000,
            last_session_end: None,
            last_retry_count: None,
            last_session_accepted: false,
            transfers: HashMap::new(),
            loops: HashMap::new(),
            capped: false,
            stats: DeviceStats::default(),
        }
    }
}

/// Per-device figures for the device table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceStats {
    /// The device as the Info column names it (`OUI-ProductClass-SerialNumber`).
    pub name: String,
    pub sessions: u32,
    pub first_seen: Option<Ts>,
    pub last_seen: Option<Ts>,
    /// Inform event codes, counted.
    pub events: Vec<(String, u32)>,
    pub faults: u32,
    pub transfers_ok: u32,
    pub transfers_failed: u32,
    pub transfers_open: u32,
    pub connreqs_answered: u32,
    pub connreqs_unanswered: u32,
    pub periodic_interval: Option<(i64, u32)>,
}

#[derive(Debug, Clone)]
struct PendingConnreq {
    at: Seen,
    /// Normalised target (host[:port]/path) and the address the request went to.
    target: Option<String>,
    addr: Option<String>,
    /// Records to link when the Inform comes (the GET, the CPE's answer, repeats).
    keys: Vec<(u32, u16)>,
}

/// Cross-session state of one capture file.
#[derive(Debug, Default)]
pub struct Follow {
    devices: HashMap<DeviceKey, Device>,
    records: HashMap<(u32, u16), Links>,
    connreqs: Vec<PendingConnreq>,
    /// Requests waiting for their complete, with their device (for the final view).
    open_requests: HashMap<(u32, u16), DeviceKey>,
    /// Connection requests not yet followed by an Inform: when, and the device where known.
    unanswered_connreqs: HashMap<(u32, u16), (Ts, Option<DeviceKey>)>,
    /// Pending transfers by the last segment of their URL, for file fetches (stale entries are
    /// skipped when read).
    fetch_index: HashMap<String, Vec<TransferRef>>,
    /// Fetches waiting for their outcome, by the frame that asked.
    fetches: HashMap<u32, TransferRef>,
    last_ts: Option<Ts>,
    /// Seconds without an Inform after which a connection request counts as unanswered.
    pub connreq_timeout: u32,
}

fn secs(d: (i64, u32)) -> f64 {
    d.0 as f64 + f64::from(d.1) / 1e9
}

/// Lower-cases the host and drops the scheme, default port and trailing slash of a URL, so that a
/// ConnectionRequestURL and a GET's Host + path compare equal.
pub fn normalise_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(p) => (&url[..p], &url[p + 3..]),
        None => ("http", url),
    };
    let (host, path) = match rest.find('/') {
        Some(s) => (&rest[..s], &rest[s..]),
        None => (rest, "/"),
    };
    let host = host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase();
    let host = match (scheme.to_ascii_lowercase().as_str(), host.rsplit_once(':')) {
        ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h.to_owned(),
        _ => host,
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = path.trim_end_matches('/');
    format!("{host}{path}")
}

impl Follow {
    pub fn new(connreq_timeout: u32) -> Follow {
        Follow {
            connreq_timeout,
            ..Follow::default()
        }
    }

    /// Forgets everything (a new file).
    pub fn reset(&mut self) {
        let t = self.connreq_timeout;
        *self = Follow::new(t);
    }

    /// Every frame's time, on the first pass: how far the capture goes.
    pub fn on_frame(&mut self, ts: Ts) {
        if self.last_ts.is_none_or(|l| ts > l) {
            self.last_ts = Some(ts);
        }
    }

    fn device(&mut self, key: &DeviceKey) -> &mut Device {
        self.devices.entry(key.clone()).or_default()
    }

    fn record(&mut self, at: Seen) -> &mut Links {
        self.on_frame(at.ts);
        self.records.entry(at.key()).or_default()
    }

    /// The device table, sorted by device.
    pub fn devices(&self) -> Vec<(DeviceKey, DeviceStats)> {
        let mut v: Vec<_> = self
            .devices
            .keys()
            .filter_map(|k| Some((k.clone(), self.device_stats(k)?)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The figures of one device, as far as the capture has been read.
    pub fn device_stats(&self, k: &DeviceKey) -> Option<DeviceStats> {
        let d = self.devices.get(k)?;
        let mut s = d.stats.clone();
        // Every pending transfer of the device is an open request (they are added and dropped together).
        s.transfers_open = d.transfers.len() as u32;
        // Repeats share their first request's time: count each request once.
        s.connreqs_unanswered = self
            .unanswered_connreqs
            .values()
            .filter(|(sent, dk)| dk.as_ref() == Some(k) && self.timed_out(*sent))
            .map(|(sent, _)| *sent)
            .collect::<std::collections::BTreeSet<Ts>>()
            .len() as u32;
        Some(s)
    }

    /// Whether the capture goes on for the timeout after `sent`.
    fn timed_out(&self, sent: Ts) -> bool {
        self.last_ts
            .is_some_and(|last| secs(last.since(sent)) >= f64::from(self.connreq_timeout))
    }

    /// What the capture as a whole says about a message: its stored links, plus the findings that
    /// need the end of the capture. Call on later passes (the first pass is over).
    pub fn view(&self, key: (u32, u16)) -> Links {
        let mut links = self.records.get(&key).cloned().unwrap_or_default();
        if let Some(dev) = self.open_requests.get(&key) {
            let later = self.devices.get(dev).map_or(0, |d| {
                d.session_frames.iter().filter(|f| **f > key.0).count()
            });
            links.notes.push(FollowNote {
                finding: Finding::TransferIncomplete,
                text: format!(
                    "No complete for this transfer in the capture; it holds {later} later session{} of the device",
                    if later == 1 { "" } else { "s" }
                ),
            });
        }
        if let (Some(&(sent, _)), Some(last)) = (self.unanswered_connreqs.get(&key), self.last_ts) {
            let waited = secs(last.since(sent));
            if self.timed_out(sent) {
                links.notes.push(FollowNote {
                    finding: Finding::ConnreqUnanswered,
                    text: format!(
                        "No Inform with 6 CONNECTION REQUEST within {} s of this connection request",
                        self.connreq_timeout
                    ),
                });
            } else {
                links.undecided = Some(format!(
                    "The capture ends {waited:.1} s after this connection request, before the {} s timeout",
                    self.connreq_timeout
                ));
            }
        }
        links
    }

    /// What a message shows now: in the first pass the backward links, on later passes everything.
    pub fn links(&self, key: (u32, u16), visited: bool) -> Links {
        if visited {
            self.view(key)
        } else {
            self.records.get(&key).cloned().unwrap_or_default()
        }
    }

    // ------------------------------------------------------------ observations ----

    /// An Inform of a device.
    pub fn on_inform(&mut self, at: Seen, dev: &DeviceKey, inform: &InformFacts<'_>) {
        let InformFacts {
            new_session,
            events,
            retry_count,
            params,
            addr,
            label,
        } = *inform;
        self.record(at);
        let mut notes = Vec::new();
        let mut links = Links::default();
        let d = self.device(dev);
        if !label.is_empty() {
            d.stats.name = label.to_owned();
        }
        d.stats.first_seen.get_or_insert(at.ts);
        d.stats.last_seen = Some(at.ts);
        if let Some(a) = addr {
            d.addr = Some(a.to_owned());
        }
        for (name, value) in params {
            learn_param(d, name, value, at.ts);
        }
        if new_session {
            d.ordinal += 1;
            d.stats.sessions += 1;
            if d.session_frames.len() < MAX_SESSIONS_KEPT {
                d.session_frames.push(at.frame);
            } else if !d.capped {
                d.capped = true;
                notes.push(capped_note("sessions"));
            }
            for e in events {
                match d.stats.events.iter_mut().find(|(c, _)| c == e) {
                    Some((_, n)) => *n += 1,
                    None => d.stats.events.push(((*e).to_owned(), 1)),
                }
            }
            // Retry pacing (3.2.1.1): retry n waits at least m·(k/1000)^(n-1) seconds.
            if retry_count > 0 {
                if let Some(end) = d.last_session_end {
                    if d.last_session_accepted {
                        notes.push(FollowNote {
                            finding: Finding::RetryAfterSuccess,
                            text: format!(
                                "RetryCount {retry_count} after a session the ACS accepted (it should be 0)"
                            ),
                        });
                    } else if d.last_retry_count == Some(retry_count - 1) {
                        // Judged only where the capture holds the attempt before this one: a
                        // RetryCount that does not follow on says attempts are missing.
                        let n = retry_count.min(10);
                        let min = f64::from(d.retry_min)
                            * (f64::from(d.retry_mult) / 1000.0).powi(n as i32 - 1);
                        let waited = secs(at.ts.since(end));
                        if waited + 0.5 < min {
                            notes.push(FollowNote {
                                finding: Finding::RetryTooSoon,
                                text: format!(
                                    "Retry {retry_count} came {waited:.1} s after the failed session; the retry window starts at {min:.0} s"
                                ),
                            });
                        }
                    }
                }
            }
            d.last_session_accepted = false;
            d.last_retry_count = Some(retry_count);
            // Periodic interval: from the first Inform of a periodic session only.
            if events.contains(&"2 PERIODIC") {
                if let Some(prev) = d.last_periodic {
                    let iv = at.ts.since(prev);
                    links.periodic_interval = Some(iv);
                    d.stats.periodic_interval = Some(iv);
                    if let Some((conf, since)) = d.interval {
                        let obs = secs(iv);
                        if conf > 0
                            && since <= prev
                            && (obs - f64::from(conf)).abs() > 0.1 * f64::from(conf)
                        {
                            notes.push(FollowNote {
                                finding: Finding::PeriodicDrift,
                                text: format!(
                                    "Periodic Informs {obs:.0} s apart; PeriodicInformInterval is {conf} s"
                                ),
                            });
                        }
                    }
                }
                d.last_periodic = Some(at.ts);
            }
        }
        // Connection request: the Inform with 6 CONNECTION REQUEST links to the oldest pending
        // request aimed at this device.
        if events.contains(&"6 CONNECTION REQUEST") {
            let d = self.devices.get(dev);
            if let Some(pos) = self
                .connreqs
                .iter()
                .position(|c| c.at.ts <= at.ts && d.is_some_and(|d| aimed_at(c, d)))
            {
                let c = self.connreqs.remove(pos);
                links.connreq_request_in = Some(c.at.frame);
                let lat = at.ts.since(c.at.ts);
                links.connreq_latency = Some(lat);
                for k in &c.keys {
                    self.unanswered_connreqs.remove(k);
                }
                for k in c.keys {
                    let r = self.records.entry(k).or_default();
                    r.connreq_inform_in = Some(at.frame);
                    r.connreq_latency = Some(lat);
                }
                self.device(dev).stats.connreqs_answered += 1;
            }
        }
        // Transfer events: `M Download` etc. with 7 TRANSFER COMPLETE are the complete's echo.
        let r = self.records.entry(at.key()).or_default();
        r.periodic_interval = links.periodic_interval.or(r.periodic_interval);
        r.connreq_request_in = links.connreq_request_in.or(r.connreq_request_in);
        r.connreq_latency = links.connreq_latency.or(r.connreq_latency);
        r.notes.extend(notes);
    }

    /// The ACS accepted the device's Inform (an InformResponse), or the session ended normally.
    pub fn on_session_accepted(&mut self, dev: &DeviceKey) {
        self.device(dev).last_session_accepted = true;
    }

    /// Any message of a device's session. The last one before a retry is where the failed session
    /// ended: the reference point of the retry's wait (3.2.1.1).
    pub fn on_activity(&mut self, dev: &DeviceKey, ts: Ts) {
        let d = self.device(dev);
        d.last_session_end = Some(ts);
        d.stats.last_seen = Some(ts);
    }

    /// A parameter value the capture shows as in force on the device (GetParameterValuesResponse,
    /// or a SetParameterValues the CPE confirmed).
    pub fn on_param(&mut self, dev: &DeviceKey, name: &str, value: &str, ts: Ts) {
        // Most values say nothing here: look them over before touching the device table.
        if !is_learnt(name) {
            return;
        }
        learn_param(self.device(dev), name, value, ts);
    }

    /// A Download, ScheduleDownload, Upload or ChangeDUState from the ACS.
    pub fn on_transfer_request(
        &mut self,
        at: Seen,
        dev: &DeviceKey,
        method: &str,
        command_key: &str,
        url: Option<&str>,
    ) {
        self.record(at);
        let Some(kind) = completion_of_request(method) else {
            return;
        };
        let d = self.devices.entry(dev.clone()).or_default();
        let mut capped = None;
        if d.transfers.len() >= MAX_PENDING_TRANSFERS
            && !d.transfers.contains_key(&(kind, command_key.to_owned()))
        {
            // Drop the oldest, and say so once.
            // Drop the oldest; it can no longer be judged either way.
            if let Some(oldest) = d
                .transfers
                .iter()
                .min_by_key(|(_, p)| p.at.frame)
                .map(|(k, _)| k.clone())
            {
                if let Some(p) = d.transfers.remove(&oldest) {
                    self.open_requests.remove(&p.at.key());
                }
            }
            if !d.capped {
                d.capped = true;
                capped = Some(capped_note("pending transfers"));
            }
        }
        let old = d.transfers.insert(
            (kind, command_key.to_owned()),
            PendingTransfer {
                at,
                method: method.to_owned(),
                url: url.map(normalise_url),
                fetch: None,
            },
        );
        if let Some(old) = old {
            self.open_requests.remove(&old.at.key());
        }
        if let Some(u) = url.map(normalise_url) {
            let list = self
                .fetch_index
                .entry(last_segment(&u).to_owned())
                .or_default();
            // Drop entries whose transfer is gone, and keep the list bounded.
            list.retain(|(dk, tk)| {
                self.devices
                    .get(dk)
                    .is_some_and(|d| d.transfers.contains_key(tk))
            });
            if list.len() >= MAX_FETCH_CANDIDATES {
                list.remove(0);
            }
            list.push((dev.clone(), (kind, command_key.to_owned())));
        }
        self.open_requests.insert(at.key(), dev.clone());
        if let Some(n) = capped {
            self.record(at).notes.push(n);
        }
    }

    /// The CPE asked for a file (HTTP GET/PUT/POST, FTP RETR/STOR, TFTP RRQ/WRQ) at `url`, from
    /// `addr`. Links to the oldest pending transfer of that URL not yet fetched, or whose fetch was
    /// challenged or redirected (the retry is the fetch). Where the fetch names the server by address
    /// (FTP, TFTP) and the transfer by host name, the file name decides.
    pub fn on_fetch(&mut self, frame: u32, ts: Ts, url: &str, addr: Option<&str>) -> bool {
        self.on_frame(ts);
        let want = normalise_url(url);
        let Some(candidates) = self.fetch_index.get(last_segment(&want)) else {
            return false;
        };
        let by_address = host_is_address(&want);
        let mut best: Option<(u32, DeviceKey, (Completion, String))> = None;
        for (dev, tkey) in candidates {
            let Some(d) = self.devices.get(dev) else {
                continue;
            };
            if addr.is_some() && d.addr.is_some() && d.addr.as_deref() != addr {
                continue;
            }
            let Some(p) = d.transfers.get(tkey) else {
                continue;
            };
            let retry = match p.fetch {
                None => true,
                Some((_, Some(FetchOutcome::Http(code)))) => {
                    code == 401 || (300..400).contains(&code)
                }
                Some(_) => false,
            };
            let same = p.url.as_deref() == Some(&want)
                || by_address && p.url.as_deref().map(last_segment) == Some(last_segment(&want));
            if retry && same && p.at.ts <= ts && best.as_ref().is_none_or(|b| p.at.frame < b.0) {
                best = Some((p.at.frame, dev.clone(), tkey.clone()));
            }
        }
        let Some((_, dev, tkey)) = best else {
            return false;
        };
        let Some(p) = self
            .devices
            .get_mut(&dev)
            .and_then(|d| d.transfers.get_mut(&tkey))
        else {
            return false;
        };
        p.fetch = Some((frame, None));
        let key = p.at.key();
        let r = self.records.entry(key).or_default();
        r.transfer_fetch_in = Some(frame);
        r.transfer_fetch_status = None;
        if self.fetches.len() < MAX_PENDING_FETCHES {
            self.fetches.insert(frame, (dev, tkey));
        }
        true
    }

    /// The outcome of the fetch asked for in `fetch_frame`.
    pub fn on_fetch_outcome(&mut self, fetch_frame: u32, outcome: FetchOutcome) {
        let Some((dev, tkey)) = self.fetches.remove(&fetch_frame) else {
            return;
        };
        let Some(p) = self
            .devices
            .get_mut(&dev)
            .and_then(|d| d.transfers.get_mut(&tkey))
        else {
            return;
        };
        if let Some((f, o)) = p.fetch.as_mut() {
            if *f == fetch_frame {
                *o = Some(outcome);
                let r = self.records.entry(p.at.key()).or_default();
                r.transfer_fetch_status = Some(outcome.code());
            }
        }
    }

    /// An Inform's `M <method>` event with its CommandKey (`M Download` with `7 TRANSFER COMPLETE`,
    /// `M ChangeDUState` with `11 DU STATE CHANGE COMPLETE`): linked to the request it reports on,
    /// which stays pending for the complete itself.
    pub fn on_transfer_event(
        &mut self,
        at: Seen,
        dev: &DeviceKey,
        method: &str,
        command_key: &str,
    ) {
        let Some(kind) = completion_of_request(method) else {
            return;
        };
        let Some(p) = self
            .devices
            .get(dev)
            .and_then(|d| d.transfers.get(&(kind, command_key.to_owned())))
        else {
            return;
        };
        let (frame, dur) = (p.at.frame, at.ts.since(p.at.ts));
        let r = self.record(at);
        r.transfer_request_in = Some(frame);
        r.transfer_duration = Some(dur);
    }

    /// A TransferComplete, DUStateChangeComplete, or their Autonomous forms (which are unsolicited).
    /// `fault` is the FaultStruct's code and text when the code is not 0.
    pub fn on_complete(
        &mut self,
        at: Seen,
        dev: &DeviceKey,
        method: &str,
        command_key: &str,
        fault: Option<(u32, &str)>,
    ) {
        self.record(at);
        let kind = match method {
            "TransferComplete" => Completion::Transfer,
            "DUStateChangeComplete" => Completion::DuStateChange,
            // Autonomous completes answer no request of the ACS.
            _ => return,
        };
        let d = self.device(dev);
        let pending = d.transfers.remove(&(kind, command_key.to_owned()));
        match &fault {
            Some(_) => d.stats.transfers_failed += 1,
            None => d.stats.transfers_ok += 1,
        }
        let mut notes = Vec::new();
        let mut links = Links::default();
        match pending {
            Some(p) => {
                self.open_requests.remove(&p.at.key());
                let dur = at.ts.since(p.at.ts);
                links.transfer_request_in = Some(p.at.frame);
                links.transfer_duration = Some(dur);
                if let Some((f, o)) = p.fetch {
                    links.transfer_fetch_in = Some(f);
                    links.transfer_fetch_status = o.map(FetchOutcome::code);
                }
                let req = self.records.entry(p.at.key()).or_default();
                req.transfer_complete_in = Some(at.frame);
                req.transfer_duration = Some(dur);
                if let Some((code, text)) = fault {
                    let fetch = match p.fetch {
                        Some((f, Some(o))) => format!("; {} in frame {f}", o.describe()),
                        Some((f, None)) => format!("; the file was asked for in frame {f}"),
                        None => String::new(),
                    };
                    notes.push(FollowNote {
                        finding: Finding::TransferFailed,
                        text: format!("{} failed: {code} {text}{fetch}", p.method),
                    });
                }
            }
            None => {
                notes.push(FollowNote {
                    finding: Finding::TransferOrphan,
                    text: format!(
                        "{method} with CommandKey \"{command_key}\": its request is not in the capture"
                    ),
                });
                if let Some((code, text)) = fault {
                    notes.push(FollowNote {
                        finding: Finding::TransferFailed,
                        text: format!("Transfer failed: {code} {text}"),
                    });
                }
            }
        }
        let r = self.records.entry(at.key()).or_default();
        r.transfer_request_in = links.transfer_request_in;
        r.transfer_duration = links.transfer_duration;
        r.transfer_fetch_in = links.transfer_fetch_in;
        r.transfer_fetch_status = links.transfer_fetch_status;
        r.notes.extend(notes);
    }

    /// A connection request: a TCP GET (`keys` are the records to link: the GET that succeeded and
    /// the CPE's answer), a UDP request or an XMPP stanza. `target` is the URL or JID it was aimed
    /// at, `addr` the address it went to.
    pub fn on_connection_request(
        &mut self,
        at: Seen,
        target: Option<&str>,
        addr: Option<&str>,
        keys: &[(u32, u16)],
    ) {
        self.record(at);
        if self.connreqs.len() >= MAX_PENDING_CONNREQS {
            self.connreqs.remove(0);
        }
        let mut all = vec![at.key()];
        all.extend(keys.iter().copied().filter(|k| *k != at.key()));
        for k in &all {
            self.records.entry(*k).or_default();
        }
        let c = PendingConnreq {
            at,
            target: target.map(normalise_target),
            addr: addr.map(str::to_owned),
            keys: all,
        };
        // A repeat of a pending request to the same place within the timeout (UDP requests are sent
        // several times; an ACS may press twice): one request, linked together.
        let timeout = f64::from(self.connreq_timeout);
        if let Some(first) = self.connreqs.iter_mut().find(|p| {
            (p.target.is_some() && p.target == c.target || p.addr.is_some() && p.addr == c.addr)
                && secs(at.ts.since(p.at.ts)) < timeout
        }) {
            let group = self.unanswered_connreqs.get(&first.at.key()).cloned();
            first.keys.extend(c.keys);
            if let Some(g) = group {
                self.unanswered_connreqs.insert(at.key(), g);
            }
            return;
        }
        let device = self
            .devices
            .iter()
            .find(|(_, d)| aimed_at(&c, d))
            .map(|(k, _)| k.clone());
        self.unanswered_connreqs.insert(at.key(), (at.ts, device));
        self.connreqs.push(c);
    }

    /// A state-changing request (see [`is_state_changing`]) with its arguments in a canonical
    /// text form, or a fault (`signature` = "Fault <code> to <method>"), in a device's session.
    /// `label` names it in the finding's text.
    pub fn on_repeatable(&mut self, at: Seen, dev: &DeviceKey, signature: &str, label: &str) {
        self.record(at);
        let d = self.device(dev);
        let ordinal = d.ordinal;
        let mut capped = None;
        let entry = match d.loops.get_mut(signature) {
            Some(e) => e,
            None => {
                if d.loops.len() >= MAX_LOOP_SIGNATURES {
                    // Keep the recent ones: drop those not seen in the last two sessions.
                    d.loops.retain(|_, e| e.last + 1 >= ordinal);
                    if d.loops.len() >= MAX_LOOP_SIGNATURES {
                        if !d.capped {
                            d.capped = true;
                            capped = Some(capped_note("repeated requests"));
                        }
                        if let Some(n) = capped {
                            self.record(at).notes.push(n);
                        }
                        return;
                    }
                }
                d.loops
                    .entry(signature.to_owned())
                    .or_insert(LoopEntry { last: 0, run: 0 })
            }
        };
        if entry.last == ordinal {
            return;
        }
        entry.run = if entry.last + 1 == ordinal && entry.run > 0 {
            entry.run + 1
        } else {
            1
        };
        entry.last = ordinal;
        let run = entry.run;
        if run >= 3 {
            self.record(at).notes.push(FollowNote {
                finding: Finding::RpcLoop,
                text: format!("{label}: the same in {run} consecutive sessions of the device"),
            });
        }
    }

    /// A fault answered in a device's session (for the device table).
    pub fn on_fault(&mut self, dev: &DeviceKey) {
        self.device(dev).stats.faults += 1;
    }
}

/// Whether a connection request went to this device: to the URL or address it reported, to the
/// address it speaks from, or to its JID.
fn aimed_at(c: &PendingConnreq, d: &Device) -> bool {
    let some_eq = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    some_eq(&c.target, &d.connreq_url)
        || some_eq(&c.target, &d.jid)
        || some_eq(&c.addr, &d.addr)
        || some_eq(&c.addr, &d.connreq_host)
}

/// The last path segment of a normalised URL (`host/a/b.bin` → `b.bin`).
fn last_segment(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// Whether a normalised URL names its host by an IP address.
fn host_is_address(url: &str) -> bool {
    let host = url.split('/').next().unwrap_or("");
    let host = host.strip_prefix('[').map_or_else(
        || host.rsplit_once(':').map_or(host, |(h, _)| h),
        |v6| v6.split(']').next().unwrap_or(v6),
    );
    host.parse::<std::net::IpAddr>().is_ok()
}

/// `user@host/resource` → `user@host`, lower-case.
fn bare_jid(jid: &str) -> String {
    jid.split('/')
        .next()
        .unwrap_or(jid)
        .trim()
        .to_ascii_lowercase()
}

/// A connection request's target: a JID (XMPP) or a URL.
fn normalise_target(t: &str) -> String {
    if t.contains('@') && !t.contains("://") {
        bare_jid(t)
    } else {
        normalise_url(t)
    }
}

fn capped_note(what: &str) -> FollowNote {
    FollowNote {
        finding: Finding::HistoryCapped,
        text: format!("Too many {what} of this device are tracked; the oldest were dropped"),
    }
}

/// Whether a parameter is one this layer learns from (the ManagementServer object's).
fn is_learnt(name: &str) -> bool {
    name.contains(".ManagementServer.")
}

/// Learns the parameters this layer uses from a value the capture shows.
fn learn_param(d: &mut Device, name: &str, value: &str, ts: Ts) {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    if !is_learnt(name) {
        return;
    }
    let value = value.trim();
    match leaf {
        "PeriodicInformInterval" => {
            if let Ok(v) = value.parse::<u32>() {
                if d.interval.is_none_or(|(old, _)| old != v) {
                    d.interval = Some((v, ts));
                }
            }
        }
        "ConnectionRequestURL" if !value.is_empty() => {
            let url = normalise_url(value);
            let host = url.split('/').next().unwrap_or("");
            // host:port, [v6]:port or a bare host.
            let host = match host.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or(v6),
                None => host.rsplit_once(':').map_or(host, |(h, _)| h),
            };
            d.connreq_host = Some(host.to_owned());
            d.connreq_url = Some(url);
        }
        "ConnReqJabberID" if !value.is_empty() => d.jid = Some(bare_jid(value)),
        "CWMPRetryMinimumWaitInterval" => {
            if let Ok(v) = value.parse::<u32>() {
                d.retry_min = v.max(1);
            }
        }
        "CWMPRetryIntervalMultiplier" => {
            if let Ok(v) = value.parse::<u32>() {
                d.retry_mult = v.max(1000);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev() -> DeviceKey {
        DeviceKey {
            oui: "00D09E".into(),
            serial: "SN1".into(),
        }
    }

    fn facts<'a>(
        new_session: bool,
        events: &'a [&'a str],
        retry_count: u32,
        params: &'a [(&'a str, &'a str)],
        addr: Option<&'a str>,
    ) -> InformFacts<'a> {
        InformFacts {
            new_session,
            events,
            retry_count,
            params,
            addr,
            label: "00D09E-GW-SN1",
        }
    }

    fn at(frame: u32, secs: i64) -> Seen {
        Seen {
            frame,
            index: 0,
            ts: Ts { secs, nanos: 0 },
        }
    }

    #[test]
    fn download_fetch_404_and_later_complete() {
        let mut f = Follow::new(30);
        f.on_inform(
            at(1, 0),
            &dev(),
            &facts(true, &["1 BOOT"], 0, &[], Some("192.0.2.10")),
        );
        f.on_transfer_request(
            at(3, 1),
            &dev(),
            "Download",
            "fw-77",
            Some("http://files.example/fw.bin"),
        );
        assert!(f.on_fetch(
            10,
            Ts { secs: 5, nanos: 0 },
            "http://FILES.example:80/fw.bin",
            Some("192.0.2.10")
        ));
        f.on_fetch_outcome(10, FetchOutcome::Http(404));
        f.on_inform(
            at(20, 60),
            &dev(),
            &facts(true, &["7 TRANSFER COMPLETE", "M Download"], 0, &[], None),
        );
        f.on_complete(
            at(22, 61),
            &dev(),
            "TransferComplete",
            "fw-77",
            Some((9010, "Download failure")),
        );
        let c = f.links((22, 0), false);
        assert_eq!(c.transfer_request_in, Some(3));
        assert_eq!(c.transfer_duration, Some((60, 0)));
        assert_eq!(c.transfer_fetch_status, Some(404));
        assert_eq!(c.notes[0].finding, Finding::TransferFailed);
        assert!(c.notes[0]
            .text
            .contains("9010 Download failure; the file server answered HTTP 404 in frame 10"));
        let r = f.view((3, 0));
        assert_eq!(r.transfer_complete_in, Some(22));
        assert_eq!(r.transfer_fetch_in, Some(10));
        assert!(r.notes.is_empty());
        // Single pass: the request shows its complete only once it is known.
        let mut g = Follow::new(30);
        g.on_transfer_request(at(3, 1), &dev(), "Download", "k", None);
        assert_eq!(g.links((3, 0), false).transfer_complete_in, None);
    }

    #[test]
    fn fetches_follow_a_challenge_and_match_by_file_name_when_by_address() {
        let mut f = Follow::new(30);
        f.on_inform(
            at(1, 0),
            &dev(),
            &facts(true, &["1 BOOT"], 0, &[], Some("192.0.2.10")),
        );
        f.on_transfer_request(
            at(3, 1),
            &dev(),
            "Download",
            "a",
            Some("http://files.example/fw.bin"),
        );
        assert!(f.on_fetch(
            10,
            Ts { secs: 5, nanos: 0 },
            "http://files.example/fw.bin",
            None
        ));
        f.on_fetch_outcome(10, FetchOutcome::Http(401));
        assert!(f.on_fetch(
            12,
            Ts { secs: 6, nanos: 0 },
            "http://files.example/fw.bin",
            None
        ));
        f.on_fetch_outcome(12, FetchOutcome::Http(200));
        let v = f.view((3, 0));
        assert_eq!(
            (v.transfer_fetch_in, v.transfer_fetch_status),
            (Some(12), Some(200))
        );
        f.on_transfer_request(
            at(20, 30),
            &dev(),
            "Upload",
            "b",
            Some("ftp://u:p@ftp.example/up/log.tgz"),
        );
        assert!(!f.on_fetch(
            22,
            Ts { secs: 31, nanos: 0 },
            "ftp://ftp.example/other.tgz",
            None
        ));
        assert!(f.on_fetch(
            24,
            Ts { secs: 32, nanos: 0 },
            "ftp://203.0.113.5/log.tgz",
            Some("192.0.2.10")
        ));
        f.on_fetch_outcome(24, FetchOutcome::Ftp(550));
        let v = f.view((20, 0));
        assert_eq!(
            (v.transfer_fetch_in, v.transfer_fetch_status),
            (Some(24), Some(550))
        );
    }

    #[test]
    fn incomplete_orphan_and_autonomous() {
        let mut f = Follow::new(30);
        f.on_inform(at(1, 0), &dev(), &facts(true, &["1 BOOT"], 0, &[], None));
        f.on_transfer_request(at(3, 1), &dev(), "Upload", "up-1", None);
        f.on_inform(
            at(9, 100),
            &dev(),
            &facts(true, &["2 PERIODIC"], 0, &[], None),
        );
        let v = f.view((3, 0));
        assert_eq!(v.notes.len(), 1);
        assert_eq!(v.notes[0].finding, Finding::TransferIncomplete);
        assert!(
            v.notes[0].text.contains("1 later session of"),
            "{}",
            v.notes[0].text
        );
        f.on_complete(at(12, 101), &dev(), "TransferComplete", "other", None);
        assert_eq!(f.view((12, 0)).notes[0].finding, Finding::TransferOrphan);
        f.on_complete(at(14, 102), &dev(), "AutonomousTransferComplete", "", None);
        assert!(f.view((14, 0)).notes.is_empty());
    }

    #[test]
    fn connection_request_by_url_and_address() {
        let mut f = Follow::new(30);
        let url = [(
            "Device.ManagementServer.ConnectionRequestURL",
            "http://192.0.2.10:7547/cr",
        )];
        f.on_inform(
            at(1, 0),
            &dev(),
            &facts(true, &["1 BOOT"], 0, &url, Some("192.0.2.10")),
        );
        f.on_connection_request(
            at(30, 100),
            Some("http://192.0.2.10:7547/cr/"),
            None,
            &[(32, 0)],
        );
        f.on_inform(
            at(40, 102),
            &dev(),
            &facts(true, &["6 CONNECTION REQUEST"], 0, &[], Some("192.0.2.10")),
        );
        let i = f.view((40, 0));
        assert_eq!(i.connreq_request_in, Some(30));
        assert_eq!(i.connreq_latency, Some((2, 0)));
        assert_eq!(f.view((30, 0)).connreq_inform_in, Some(40));
        assert_eq!(f.view((32, 0)).connreq_inform_in, Some(40));
        // By address (UDP), never answered while the capture goes on: flagged.
        f.on_connection_request(at(50, 200), None, Some("192.0.2.10"), &[]);
        f.on_frame(Ts {
            secs: 245,
            nanos: 0,
        });
        assert_eq!(f.view((50, 0)).notes[0].finding, Finding::ConnreqUnanswered);
        // At the end of the capture: not flagged, but said in the tree.
        f.on_connection_request(at(60, 240), None, Some("192.0.2.99"), &[]);
        let v = f.view((60, 0));
        assert!(v.notes.is_empty());
        assert!(v.undecided.is_some());
    }

    #[test]
    fn periodic_drift_and_retry_pacing() {
        let mut f = Follow::new(30);
        let p = [("Device.ManagementServer.PeriodicInformInterval", "86400")];
        f.on_inform(at(1, 0), &dev(), &facts(true, &["2 PERIODIC"], 0, &p, None));
        f.on_inform(
            at(5, 300),
            &dev(),
            &facts(true, &["2 PERIODIC"], 0, &[], None),
        );
        let v = f.view((5, 0));
        assert_eq!(v.periodic_interval, Some((300, 0)));
        assert_eq!(v.notes[0].finding, Finding::PeriodicDrift);
        // Within 10%: fine.
        let mut g = Follow::new(30);
        let p = [("Device.ManagementServer.PeriodicInformInterval", "300")];
        g.on_inform(at(1, 0), &dev(), &facts(true, &["2 PERIODIC"], 0, &p, None));
        g.on_inform(
            at(5, 310),
            &dev(),
            &facts(true, &["2 PERIODIC"], 0, &[], None),
        );
        assert!(g.view((5, 0)).notes.is_empty());
        // Retry 3 after 2 s (the window starts at 20 s), where the capture holds retry 2.
        g.on_activity(
            &dev(),
            Ts {
                secs: 311,
                nanos: 0,
            },
        );
        g.on_inform(
            at(7, 312),
            &dev(),
            &facts(true, &["2 PERIODIC"], 2, &[], None),
        );
        g.on_activity(
            &dev(),
            Ts {
                secs: 313,
                nanos: 0,
            },
        );
        g.on_inform(
            at(9, 315),
            &dev(),
            &facts(true, &["2 PERIODIC"], 3, &[], None),
        );
        assert!(g
            .view((9, 0))
            .notes
            .iter()
            .any(|n| n.finding == Finding::RetryTooSoon));
        // A retry after an accepted session.
        g.on_session_accepted(&dev());
        g.on_activity(
            &dev(),
            Ts {
                secs: 320,
                nanos: 0,
            },
        );
        g.on_inform(at(12, 400), &dev(), &facts(true, &["1 BOOT"], 1, &[], None));
        assert!(g
            .view((12, 0))
            .notes
            .iter()
            .any(|n| n.finding == Finding::RetryAfterSuccess));
    }

    #[test]
    fn loops_need_three_consecutive_sessions() {
        let mut f = Follow::new(30);
        let sig = "SetParameterValues Device.X.Y=1";
        for (i, frame) in [1u32, 10, 20].iter().enumerate() {
            f.on_inform(
                at(*frame, i as i64 * 100),
                &dev(),
                &facts(true, &["2 PERIODIC"], 0, &[], None),
            );
            f.on_repeatable(at(frame + 2, i as i64 * 100 + 1), &dev(), sig, "SPV");
            f.on_repeatable(at(frame + 4, i as i64 * 100 + 2), &dev(), sig, "SPV");
        }
        assert!(f.view((3, 0)).notes.is_empty());
        assert!(f.view((13, 0)).notes.is_empty());
        assert_eq!(f.view((22, 0)).notes[0].finding, Finding::RpcLoop);
        // A gap session breaks the run.
        let mut g = Follow::new(30);
        for (i, frame) in [1u32, 10, 20, 30].iter().enumerate() {
            g.on_inform(
                at(*frame, i as i64 * 100),
                &dev(),
                &facts(true, &["2 PERIODIC"], 0, &[], None),
            );
            if i != 1 {
                g.on_repeatable(at(frame + 2, i as i64 * 100 + 1), &dev(), sig, "SPV");
            }
        }
        assert!(g.view((32, 0)).notes.is_empty());
    }

    #[test]
    fn connection_request_by_jid_and_by_the_reported_url_host() {
        let mut f = Follow::new(30);
        let params = [
            (
                "Device.ManagementServer.ConnReqJabberID",
                "CPE-1@xmpp.example/cwmp",
            ),
            (
                "Device.ManagementServer.ConnectionRequestURL",
                "http://203.0.113.7:7547/cr",
            ),
        ];
        f.on_inform(
            at(1, 0),
            &dev(),
            &facts(true, &["1 BOOT"], 0, &params, Some("192.0.2.10")),
        );
        f.on_connection_request(at(10, 50), Some("cpe-1@xmpp.example/other"), None, &[]);
        f.on_inform(
            at(12, 51),
            &dev(),
            &facts(true, &["6 CONNECTION REQUEST"], 0, &[], None),
        );
        assert_eq!(f.view((12, 0)).connreq_request_in, Some(10));
        f.on_connection_request(at(20, 100), None, Some("203.0.113.7"), &[]);
        f.on_inform(
            at(22, 103),
            &dev(),
            &facts(true, &["6 CONNECTION REQUEST"], 0, &[], None),
        );
        assert_eq!(f.view((22, 0)).connreq_request_in, Some(20));
        assert_eq!(f.view((20, 0)).connreq_inform_in, Some(22));
        let (_, stats) = &f.devices()[0];
        assert_eq!(stats.connreqs_answered, 2);
    }

    #[test]
    fn repeated_requests_are_one() {
        let mut f = Follow::new(30);
        f.on_inform(
            at(1, 0),
            &dev(),
            &facts(true, &["1 BOOT"], 0, &[], Some("192.0.2.10")),
        );
        for (i, frame) in [10u32, 11, 12].iter().enumerate() {
            let seen = Seen {
                frame: *frame,
                index: 0x4000,
                ts: Ts {
                    secs: 100,
                    nanos: i as u32 * 100_000_000,
                },
            };
            f.on_connection_request(seen, None, Some("192.0.2.10"), &[]);
        }
        f.on_frame(Ts {
            secs: 200,
            nanos: 0,
        });
        for frame in [10u32, 11, 12] {
            assert!(f
                .view((frame, 0x4000))
                .notes
                .iter()
                .any(|n| n.finding == Finding::ConnreqUnanswered));
        }
        f.on_inform(
            at(20, 101),
            &dev(),
            &facts(true, &["6 CONNECTION REQUEST"], 0, &[], None),
        );
        for frame in [10u32, 11, 12] {
            let v = f.view((frame, 0x4000));
            assert_eq!(v.connreq_inform_in, Some(20));
            assert!(v.notes.is_empty());
        }
    }

    #[test]
    fn urls_normalise() {
        assert_eq!(normalise_url("http://A.example:80/x/"), "a.example/x");
        assert_eq!(normalise_url("https://a.example:443/x?y=1"), "a.example/x");
        assert_eq!(normalise_url("http://u:p@a.example:7547"), "a.example:7547");
        assert_eq!(normalise_url("a.example:7547/cr"), "a.example:7547/cr");
        assert_eq!(normalise_url(""), "");
    }

    #[test]
    fn histories_are_capped() {
        let mut f = Follow::new(30);
        f.on_inform(at(1, 0), &dev(), &facts(true, &["1 BOOT"], 0, &[], None));
        for i in 0..(MAX_PENDING_TRANSFERS as u32 + 5) {
            f.on_transfer_request(at(10 + i, 1), &dev(), "Download", &format!("k{i}"), None);
        }
        assert!(f.devices[&dev()].transfers.len() <= MAX_PENDING_TRANSFERS);
        let capped = (10..10 + MAX_PENDING_TRANSFERS as u32 + 5)
            .filter(|fr| {
                f.view((*fr, 0))
                    .notes
                    .iter()
                    .any(|n| n.finding == Finding::HistoryCapped)
            })
            .count();
        assert_eq!(capped, 1);
    }
}
