// SPDX-License-Identifier: GPL-2.0-or-later
//! Value tables and lexical helpers for CWMP's typed values (TR-069 Amendment 6, section 3 and Annex A;
//! reference sections 6.1-6.11 and 6.9).
//!
//! PURE: the tables become Wireshark value strings in the FFI layer; the helpers turn the text of an
//! element into a typed value and never panic on odd input (they return `None` instead).
#![forbid(unsafe_code)]

/// `cwmp.direction` values.
pub const DIR_CPE_TO_ACS: u32 = 1;
pub const DIR_ACS_TO_CPE: u32 = 2;
pub static DIRECTIONS: &[(u32, &str)] = &[
    (DIR_CPE_TO_ACS, "CPE to ACS"),
    (DIR_ACS_TO_CPE, "ACS to CPE"),
];

/// `cwmp.message_kind` values.
pub const KIND_REQUEST: u32 = 1;
pub const KIND_RESPONSE: u32 = 2;
pub const KIND_FAULT: u32 = 3;
pub static MESSAGE_KINDS: &[(u32, &str)] = &[
    (KIND_REQUEST, "Request"),
    (KIND_RESPONSE, "Response"),
    (KIND_FAULT, "Fault"),
];

/// Standard Inform event codes ("`<n> <TEXT>`"), keyed by their number.
pub static EVENT_CODES: &[(u32, &str)] = &[
    (0, "BOOTSTRAP"),
    (1, "BOOT"),
    (2, "PERIODIC"),
    (3, "SCHEDULED"),
    (4, "VALUE CHANGE"),
    (5, "KICKED"),
    (6, "CONNECTION REQUEST"),
    (7, "TRANSFER COMPLETE"),
    (8, "DIAGNOSTICS COMPLETE"),
    (9, "REQUEST DOWNLOAD"),
    (10, "AUTONOMOUS TRANSFER COMPLETE"),
    (11, "DU STATE CHANGE COMPLETE"),
    (12, "AUTONOMOUS DU STATE CHANGE COMPLETE"),
    (13, "WAKEUP"),
    (14, "HEARTBEAT"),
];

/// The methods whose completion a CPE reports with an `M <method>` event.
pub static M_EVENT_METHODS: &[&str] = &[
    "Reboot",
    "ScheduleInform",
    "Download",
    "ScheduleDownload",
    "Upload",
    "ChangeDUState",
];

/// CWMP fault codes: CPE faults 9000-9032, ACS faults 8000-8006, and 0 (success in transfer results).
pub static FAULT_CODES: &[(u32, &str)] = &[
    (0, "No fault"),
    (8000, "Method not supported"),
    (8001, "Request denied (no reason specified)"),
    (8002, "Internal error"),
    (8003, "Invalid arguments"),
    (8004, "Resources exceeded"),
    (8005, "Retry request"),
    (8006, "ACS version incompatible with CPE"),
    (9000, "Method not supported"),
    (9001, "Request denied (no reason specified)"),
    (9002, "Internal error"),
    (9003, "Invalid arguments"),
    (9004, "Resources exceeded"),
    (9005, "Invalid parameter name"),
    (9006, "Invalid parameter type"),
    (9007, "Invalid parameter value"),
    (9008, "Attempt to set a non-writable parameter"),
    (9009, "Notification request rejected"),
    (9010, "File transfer failure"),
    (9011, "Upload failure"),
    (9012, "File transfer server authentication failure"),
    (9013, "Unsupported protocol for file transfer"),
    (
        9014,
        "File transfer failure: unable to join multicast group",
    ),
    (9015, "File transfer failure: unable to contact file server"),
    (9016, "File transfer failure: unable to access file"),
    (9017, "File transfer failure: unable to complete download"),
    (9018, "File transfer failure: file corrupted"),
    (9019, "File transfer failure: file authentication failure"),
    (
        9020,
        "File transfer failure: unable to complete download within specified time windows",
    ),
    (
        9021,
        "Cancelation of file transfer not permitted in current transfer state",
    ),
    (9022, "Invalid UUID format"),
    (9023, "Unknown Execution Environment"),
    (9024, "Disabled Execution Environment"),
    (9025, "Deployment Unit to Execution Environment mismatch"),
    (9026, "Duplicate Deployment Unit"),
    (9027, "System resources exceeded"),
    (9028, "Unknown Deployment Unit"),
    (9029, "Invalid Deployment Unit state"),
    (9030, "Invalid DU update: downgrade not permitted"),
    (9031, "Invalid DU update: version not specified"),
    (9032, "Invalid DU update: version already exists"),
];

/// Fault codes as ranges, for Wireshark's range strings: every named code, then the reserved and
/// vendor-specific ranges (TR-069 Amendment 6, A.5.1).
pub fn fault_ranges() -> Vec<(u32, u32, &'static str)> {
    let mut r: Vec<(u32, u32, &'static str)> =
        FAULT_CODES.iter().map(|(k, s)| (*k, *k, *s)).collect();
    r.extend_from_slice(&[
        (8007, 8799, "Reserved fault code"),
        (8800, 8899, "Vendor-specific fault"),
        (9033, 9799, "Reserved fault code"),
        (9800, 9899, "Vendor-specific fault"),
    ]);
    r
}

/// Status of SetParameterValues, AddObject, DeleteObject, Download and Upload responses.
pub static STATUS: &[(u32, &str)] = &[(0, "Applied"), (1, "Committed, not yet applied")];

/// Notification attribute values.
pub static NOTIFICATION: &[(u32, &str)] = &[
    (0, "Off"),
    (1, "Passive"),
    (2, "Active"),
    (3, "Passive lightweight"),
    (4, "Passive and passive lightweight"),
    (5, "Active lightweight"),
    (6, "Passive and active lightweight"),
];

/// Download file types (the numbering of Download, ScheduleDownload and RequestDownload).
pub static FILE_TYPES: &[(u32, &str)] = &[
    (1, "Firmware Upgrade Image"),
    (2, "Web Content"),
    (3, "Vendor Configuration File"),
    (4, "Tone File"),
    (5, "Ringer File"),
];

/// Upload file types: the same numbers mean other files, so they get their own table.
pub static UPLOAD_FILE_TYPES: &[(u32, &str)] = &[
    (1, "Vendor Configuration File"),
    (2, "Vendor Log File"),
    (3, "Vendor Configuration File <i>"),
    (4, "Vendor Log File <i>"),
];

/// QueuedTransferStruct / AllQueuedTransferStruct State.
pub static TRANSFER_STATES: &[(u32, &str)] =
    &[(1, "Not yet started"), (2, "In progress"), (3, "Completed")];

/// TimeWindowStruct WindowMode numbers.
pub static WINDOW_MODES: &[(u32, &str)] = &[
    (1, "At Any Time"),
    (2, "Immediately"),
    (3, "When Idle"),
    (4, "Confirmation Needed"),
];

/// OptionStruct State.
pub static OPTION_STATES: &[(u32, &str)] = &[
    (0, "Disabled, not set up"),
    (1, "Enabled, not set up"),
    (2, "Disabled, set up"),
    (3, "Enabled, set up"),
];

/// OptionStruct Mode.
pub static OPTION_MODES: &[(u32, &str)] = &[
    (0, "Disabled"),
    (1, "Enabled with expiration"),
    (2, "Enabled without expiration"),
];

/// OptionStruct IsTransferable.
pub static TRANSFERABLE: &[(u32, &str)] = &[(0, "Not transferable"), (1, "Transferable")];

/// "Transfer" file types (AllQueuedTransferStruct, AutonomousTransferComplete). Numbers collide
/// (4 is a log file or a tone file), so [`file_type_name`] also reads the text.
pub static TRANSFER_FILE_TYPES: &[(u32, &str)] = &[
    (1, "Firmware Upgrade Image"),
    (2, "Web Content"),
    (3, "Vendor Configuration File"),
    (4, "Vendor Log File"),
    (4, "Tone File"),
    (5, "Ringer File"),
    (6, "Vendor Configuration File <i>"),
    (7, "Vendor Log File <i>"),
];

/// The name of a `<n> <Text>` file type in its table: the entry for `num` whose name the text starts
/// with (ignoring case and a trailing instance number), else the first entry for `num`.
pub fn file_type_name(table: &[(u32, &'static str)], num: u32, text: &str) -> Option<&'static str> {
    let rest = text
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim();
    let mut first = None;
    for &(_, name) in table.iter().filter(|(n, _)| *n == num) {
        let stem = name.trim_end_matches(" <i>");
        if rest.len() >= stem.len()
            && rest.is_char_boundary(stem.len())
            && rest[..stem.len()].eq_ignore_ascii_case(stem)
        {
            return Some(name);
        }
        first = first.or(Some(name));
    }
    first
}

/// Deployment Unit `CurrentState` values (string-coded), with their meaning.
pub static DU_STATES: &[(&str, &str)] = &[
    ("Installed", "the DU is installed"),
    ("Uninstalled", "the DU is removed"),
    ("Failed", "the operation failed; no DU instance was created"),
];

/// AutonOpResultStruct `OperationPerformed` values; vendors may add their own.
pub static DU_OPERATIONS: &[(&str, &str)] = &[
    ("Install", "the DU was installed"),
    ("Update", "the DU was updated"),
    ("Uninstall", "the DU was uninstalled"),
];

/// AccessList entries; other values are vendor-specific.
pub static ACCESS_LIST_ENTRIES: &[(&str, &str)] =
    &[("Subscriber", "the subscriber may also write the parameter")];

/// Looks a value up in a table.
pub fn lookup(table: &[(u32, &'static str)], v: u32) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, s)| *s)
}

/// A fault code's name, including the reserved and vendor ranges.
pub fn fault_name(code: u32) -> &'static str {
    if let Some(s) = lookup(FAULT_CODES, code) {
        return s;
    }
    match code {
        8800..=8899 | 9800..=9899 => "Vendor-specific fault",
        8007..=8799 | 9033..=9799 => "Reserved fault code",
        _ => "Not a CWMP fault code",
    }
}

/// xs:boolean, accepting `true`/`false`/`1`/`0` in any letter case (quirks 17 and 29).
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t == "1" || t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t == "0" || t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// xs:unsignedInt (leading `+` and surrounding white space allowed, as XML Schema permits).
pub fn parse_u32(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// xs:int.
pub fn parse_i32(s: &str) -> Option<i32> {
    let t = s.trim();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    i32::try_from(if neg { -v } else { v }).ok()
}

/// A decoded xs:dateTime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    pub secs: i64,
    pub nanos: u32,
    /// No zone designator: taken as UTC (quirk 8).
    pub no_zone: bool,
    /// Year 0001: the TR-106 "Unknown Time" (exactly 0001-01-01T00:00:00Z) or a time relative to boot.
    pub year_one: bool,
}

impl DateTime {
    /// True for the exact Unknown Time value `0001-01-01T00:00:00Z`.
    pub fn is_unknown(&self) -> bool {
        self.year_one && self.secs == UNKNOWN_TIME_SECS && self.nanos == 0
    }
}

/// `cwmp.auth.scheme` values ([`crate::auth::Scheme`]).
pub static AUTH_SCHEMES: &[(u32, &str)] = &[(1, "Basic"), (2, "Digest")];

/// `cwmp.auth.verdict` values ([`crate::auth::Verdict`]).
pub static AUTH_VERDICTS: &[(u32, &str)] = &[
    (1, "Valid"),
    (2, "Wrong password"),
    (3, "Realm differs from the challenge"),
    (4, "Nonce not from the challenge"),
    (5, "URI differs from the request"),
    (6, "Unsupported algorithm"),
    (7, "Cannot verify"),
    (8, "Malformed header"),
];

/// 0001-01-01T00:00:00Z in seconds since the Unix epoch.
pub const UNKNOWN_TIME_SECS: i64 = -62_135_596_800;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-days algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| {
        acc.checked_mul(10)?.checked_add(u32::from(c - b'0'))
    })
}

/// xs:dateTime: `YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]`.
pub fn parse_datetime(s: &str) -> Option<DateTime> {
    let b = s.trim().as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || (b[10] != b'T' && b[10] != b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let min = digits(&b[14..16])?;
    let sec = digits(&b[17..19])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 24 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut scale = 100_000_000u32;
        for &c in &frac[..n.min(9)] {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &frac[n..];
    }
    let (offset, no_zone) = match rest {
        [] => (0i64, true),
        [b'Z'] | [b'z'] => (0, false),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2])?;
            let m = digits(&[*m1, *m2])?;
            if h > 14 || m > 59 {
                return None;
            }
            let off = i64::from(h * 3600 + m * 60);
            (if *sign == b'-' { -off } else { off }, false)
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(year), month, day);
    let secs =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(min) * 60 + i64::from(sec) - offset;
    Some(DateTime {
        secs,
        nanos,
        no_zone,
        year_one: year == 1,
    })
}

/// What an EventCode says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// `<n> <TEXT>` with a known number; `text_matches` is false for misspellings such as `4 VALUE CHANGED`.
    Standard { num: u32, text_matches: bool },
    /// `<n> <TEXT>` with a number outside the table.
    UnknownNumber(u32),
    /// `M <method>`; `known` for the standard methods.
    Method { known: bool },
    /// `X <OUI or token> <event>`.
    Vendor,
    /// Anything else.
    Unknown,
}

/// Classifies an event code, keyed on its number as the reference advises (quirk 22).
pub fn classify_event(code: &str) -> EventKind {
    let t = code.trim();
    let num_len = t.bytes().take_while(u8::is_ascii_digit).count();
    if num_len > 0 {
        let rest = &t[num_len..];
        let Some(num) = digits(&t.as_bytes()[..num_len]) else {
            return EventKind::Unknown;
        };
        return match lookup(EVENT_CODES, num) {
            Some(name) => {
                let text = rest.trim_start();
                EventKind::Standard {
                    num,
                    text_matches: rest.starts_with(' ') && text == name,
                }
            }
            None => EventKind::UnknownNumber(num),
        };
    }
    if let Some(m) = t.strip_prefix("M ") {
        let m = m.trim();
        return EventKind::Method {
            known: M_EVENT_METHODS.contains(&m) || m.starts_with("X_"),
        };
    }
    if let Some(x) = t.strip_prefix("X ") {
        if x.trim().contains(' ') {
            return EventKind::Vendor;
        }
    }
    EventKind::Unknown
}

/// Leading number of a `<n> <Text>` coded string (FileType, WindowMode).
pub fn leading_number(s: &str) -> Option<u32> {
    let t = s.trim();
    let n = t.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 9 {
        return None;
    }
    digits(&t.as_bytes()[..n])
}

/// True for the all-zero dateTime (`0000-00-00T00:00:00`, with or without fraction or zone) that
/// devices write for a time they do not know; it is not a valid xs:dateTime (there is no year 0000).
pub fn is_zero_datetime(s: &str) -> bool {
    let t = s.trim();
    t.strip_prefix("0000-00-00T00:00:00").is_some_and(|rest| {
        rest.bytes()
            .all(|b| matches!(b, b'0' | b'.' | b':' | b'Z' | b'+' | b'-'))
    })
}

/// True for an OUI of exactly six upper-case hex digits.
pub fn is_valid_oui(s: &str) -> bool {
    s.len() == 6
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        for (s, v) in [
            ("1", true),
            ("TRUE", true),
            (" true ", true),
            ("0", false),
            ("False", false),
        ] {
            assert_eq!(parse_bool(s), Some(v), "{s}");
        }
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool(""), None);
    }

    #[test]
    fn integers() {
        assert_eq!(parse_u32(" 42\n"), Some(42));
        assert_eq!(parse_u32("4294967296"), None);
        assert_eq!(parse_u32("-1"), None);
        assert_eq!(parse_i32("-1"), Some(-1));
        assert_eq!(parse_i32("+7"), Some(7));
        assert_eq!(parse_i32("2147483648"), None);
        assert_eq!(parse_i32("-"), None);
    }

    #[test]
    fn datetimes() {
        let t = parse_datetime("2018-04-01T19:45:02-04:00").unwrap();
        assert_eq!(t.secs, 1_522_626_302);
        assert!(!t.no_zone);
        let t = parse_datetime("2024-05-01T10:00:00Z").unwrap();
        assert_eq!(t.secs, 1_714_557_600);
        let t = parse_datetime("2018-06-20T00:30:18").unwrap();
        assert!(t.no_zone);
        let t = parse_datetime("2024-05-01T10:00:00.250+02:00").unwrap();
        assert_eq!((t.secs, t.nanos), (1_714_550_400, 250_000_000));
        let u = parse_datetime("0001-01-01T00:00:00Z").unwrap();
        assert!(u.is_unknown());
        assert_eq!(u.secs, UNKNOWN_TIME_SECS);
        assert!(parse_datetime("0001-01-03T01:00:00Z").unwrap().year_one);
        for bad in [
            "",
            "2024-13-01T00:00:00Z",
            "2024-05-01 10:00:00",
            "2024-05-01T10:00:00+5",
            "x".repeat(40).as_str(),
        ] {
            assert!(parse_datetime(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn events() {
        assert_eq!(
            classify_event("8 DIAGNOSTICS COMPLETE"),
            EventKind::Standard {
                num: 8,
                text_matches: true
            }
        );
        assert_eq!(
            classify_event("4 VALUE CHANGED"),
            EventKind::Standard {
                num: 4,
                text_matches: false
            }
        );
        assert_eq!(
            classify_event("M Reboot"),
            EventKind::Method { known: true }
        );
        assert_eq!(
            classify_event("M X_ACME_Foo"),
            EventKind::Method { known: true }
        );
        assert_eq!(classify_event("X 00AB12 MyEvent"), EventKind::Vendor);
        assert_eq!(classify_event("99 NEW"), EventKind::UnknownNumber(99));
        assert_eq!(classify_event("HELLO"), EventKind::Unknown);
        assert_eq!(
            classify_event("99999999999999999999 BIG"),
            EventKind::Unknown
        );
    }

    #[test]
    fn faults_and_ouis() {
        assert_eq!(fault_name(9003), "Invalid arguments");
        assert_eq!(fault_name(9850), "Vendor-specific fault");
        assert_eq!(fault_name(9100), "Reserved fault code");
        assert!(is_valid_oui("E48D8C"));
        assert!(!is_valid_oui("e48d8c"));
        assert!(!is_valid_oui("E48D8"));
    }
}
