// SPDX-License-Identifier: GPL-2.0-or-later
//! Turns the neutral tables of [`crate::fields`] into Wireshark's registration arrays, once. The shim
//! registers them (`register_protoinfo` in `cwmp_shim.c`): Rust calls no Wireshark function that could
//! throw, at registration as at dissection.
//!
//! Everything handed to Wireshark here (arrays, names, filter names, blurbs, value strings) is leaked on
//! purpose: Wireshark keeps the pointers for the life of the process.

use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::atomic::{AtomicI32, Ordering};

use once_cell::sync::OnceCell;

use super::bindings as ws;
use crate::fields::{
    Expert, Field, FieldType, Group, Severity, EXPERTS, FIELDS, N_EXPERTS, N_FIELDS,
};

/// Protocol id, written by the shim once everything is registered (-1 before).
static PROTO: AtomicI32 = AtomicI32::new(-1);

/// Field ids, written by Wireshark through the pointers we register.
static HF_IDS: [AtomicI32; N_FIELDS] = [const { AtomicI32::new(-1) }; N_FIELDS];

/// Subtree ids, one per field (any field may head a subtree).
static ETT_IDS: [AtomicI32; N_FIELDS] = [const { AtomicI32::new(-1) }; N_FIELDS];

/// Expert fields: Wireshark writes their ids at registration and reads them when an item is added.
#[repr(transparent)]
pub struct ExpertCell(UnsafeCell<ws::expert_field>);

// SAFETY: written only by Wireshark during registration (single-threaded start-up), then only read,
// and only from the dissection thread.
unsafe impl Sync for ExpertCell {}

static EXPERT_FIELDS: [ExpertCell; N_EXPERTS] =
    [const { ExpertCell(UnsafeCell::new(ws::expert_field { ei: -1, hf: -1 })) }; N_EXPERTS];

/// The registered protocol id (-1 before registration).
pub fn proto_id() -> c_int {
    PROTO.load(Ordering::Relaxed)
}

/// The Wireshark id of a field.
pub fn hf(field: Field) -> c_int {
    if field == Field::Proto {
        return proto_id();
    }
    HF_IDS[field as usize].load(Ordering::Relaxed)
}

/// The subtree id for items below `field`.
pub fn ett(field: Field) -> c_int {
    ETT_IDS[field as usize].load(Ordering::Relaxed)
}

/// The expert field of an expert item, as the shim passes it to `expert_add_info_format`.
pub fn ei(expert: Expert) -> *mut ws::expert_field {
    EXPERT_FIELDS[expert as usize].0.get()
}

fn leak_cstr(s: &str) -> *const c_char {
    // Table texts never contain NUL; a stray one would only shorten the text.
    let c = CString::new(s.replace('\0', "")).unwrap_or_default();
    Box::leak(c.into_boxed_c_str()).as_ptr()
}

fn ftype(t: FieldType) -> (c_int, c_int) {
    let (ft, display) = match t {
        FieldType::None => (ws::FT_NONE, ws::BASE_NONE),
        FieldType::Protocol => (ws::FT_PROTOCOL, ws::BASE_NONE),
        FieldType::Str => (ws::FT_STRING, ws::BASE_NONE),
        FieldType::U32 => (ws::FT_UINT32, ws::BASE_DEC),
        FieldType::I32 => (ws::FT_INT32, ws::BASE_DEC),
        FieldType::U64 => (ws::FT_UINT64, ws::BASE_DEC),
        FieldType::I64 => (ws::FT_INT64, ws::BASE_DEC),
        FieldType::Bool => (ws::FT_BOOLEAN, ws::BASE_NONE),
        FieldType::AbsTime => (ws::FT_ABSOLUTE_TIME, ws::ABSOLUTE_TIME_UTC),
        FieldType::RelTime => (ws::FT_RELATIVE_TIME, ws::BASE_NONE),
        FieldType::FrameRequest | FieldType::FrameResponse | FieldType::Frame => {
            (ws::FT_FRAMENUM, ws::BASE_NONE)
        }
    };
    (ft as c_int, display as c_int)
}

fn value_strings(vals: &[(u32, &str)]) -> *const c_void {
    let mut v: Vec<ws::value_string> = vals
        .iter()
        .map(|(k, s)| ws::value_string {
            value: *k,
            strptr: leak_cstr(s),
        })
        .collect();
    v.push(ws::value_string {
        value: 0,
        strptr: std::ptr::null(),
    });
    Box::leak(v.into_boxed_slice()).as_ptr().cast()
}

fn range_strings(ranges: &[(u32, u32, &str)]) -> *const c_void {
    let mut v: Vec<ws::range_string> = ranges
        .iter()
        .map(|(lo, hi, s)| ws::range_string {
            value_min: u64::from(*lo),
            value_max: u64::from(*hi),
            strptr: leak_cstr(s),
        })
        .collect();
    v.push(ws::range_string {
        value_min: 0,
        value_max: 0,
        strptr: std::ptr::null(),
    });
    Box::leak(v.into_boxed_slice()).as_ptr().cast()
}

fn strings_of(t: FieldType, vals: Option<&[(u32, &str)]>) -> *const c_void {
    match t {
        // FRAMENUM_TYPE(x) is GINT_TO_POINTER(x).
        FieldType::FrameRequest => ws::FT_FRAMENUM_REQUEST as usize as *const c_void,
        FieldType::FrameResponse => ws::FT_FRAMENUM_RESPONSE as usize as *const c_void,
        _ => vals.map_or(std::ptr::null(), value_strings),
    }
}

fn group(g: Group) -> c_int {
    (match g {
        Group::Malformed => ws::PI_MALFORMED,
        Group::Protocol => ws::PI_PROTOCOL,
        Group::ResponseCode => ws::PI_RESPONSE_CODE,
        Group::Sequence => ws::PI_SEQUENCE,
        Group::Security => ws::PI_SECURITY,
        Group::Deprecated => ws::PI_DEPRECATED,
        Group::Undecoded => ws::PI_UNDECODED,
    }) as c_int
}

fn severity(s: Severity) -> c_int {
    (match s {
        Severity::Chat => ws::PI_CHAT,
        Severity::Note => ws::PI_NOTE,
        Severity::Warn => ws::PI_WARN,
        Severity::Error => ws::PI_ERROR,
    }) as c_int
}

/// The tables handed to the shim, built once and leaked: Wireshark keeps their pointers.
struct Tables(ws::cwmp_tables_t);

// SAFETY: the tables are built once, never written after, and read by Wireshark's registration only.
unsafe impl Send for Tables {}
unsafe impl Sync for Tables {}

static TABLES: OnceCell<Tables> = OnceCell::new();

/// Builds the registration tables (fields, subtrees, expert items) for the shim, which registers
/// them: no Wireshark function is called here. Panics only on a bug; the caller catches it, and then
/// nothing at all is registered.
pub fn tables() -> *const ws::cwmp_tables_t {
    let t = TABLES.get_or_init(build_tables);
    &t.0
}

fn build_tables() -> Tables {
    // Fields: every table entry except the protocol item itself, which is the protocol id.
    let mut hf: Vec<ws::hf_register_info> = Vec::with_capacity(N_FIELDS);
    for (i, def) in FIELDS.iter().enumerate() {
        if def.ty == FieldType::Protocol {
            continue;
        }
        let (ft, mut display) = ftype(def.ty);
        let field = crate::fields::ALL_FIELDS[i];
        let strings = if field.is_fault_code() {
            display |= ws::BASE_RANGE_STRING as c_int;
            range_strings(&crate::values::fault_ranges())
        } else {
            strings_of(def.ty, def.vals)
        };
        // SAFETY: hf_register_info is a plain C struct; all-zero is a valid starting value that the
        // shim overwrites completely (HFILL included).
        let mut entry: ws::hf_register_info = unsafe { std::mem::zeroed() };
        // SAFETY: all pointers are leaked (live forever); p_id points into a static. The shim helper
        // only fills the struct.
        unsafe {
            ws::cwmp_shim_fill_hf(
                &mut entry,
                HF_IDS[i].as_ptr(),
                leak_cstr(def.name),
                leak_cstr(def.abbrev),
                ft,
                display,
                strings,
                if def.blurb.is_empty() {
                    std::ptr::null()
                } else {
                    leak_cstr(def.blurb)
                },
            );
        }
        hf.push(entry);
    }
    super::exports::inject_panic("register");
    let hf = Box::leak(hf.into_boxed_slice());

    let ett: Vec<*mut c_int> = ETT_IDS.iter().map(AtomicI32::as_ptr).collect();
    let ett = Box::leak(ett.into_boxed_slice());

    let mut ei: Vec<ws::ei_register_info> = Vec::with_capacity(N_EXPERTS);
    for (i, def) in EXPERTS.iter().enumerate() {
        // SAFETY: as for hf above.
        let mut entry: ws::ei_register_info = unsafe { std::mem::zeroed() };
        // SAFETY: as for hf above; the expert field lives in a static.
        unsafe {
            ws::cwmp_shim_fill_ei(
                &mut entry,
                EXPERT_FIELDS[i].0.get(),
                leak_cstr(def.abbrev),
                group(def.group),
                severity(def.severity),
                leak_cstr(def.summary),
            );
        }
        ei.push(entry);
    }
    let ei = Box::leak(ei.into_boxed_slice());
    Tables(ws::cwmp_tables_t {
        proto: PROTO.as_ptr(),
        hf: hf.as_mut_ptr(),
        n_hf: u32::try_from(hf.len()).unwrap_or(0),
        ett: ett.as_mut_ptr(),
        n_ett: u32::try_from(ett.len()).unwrap_or(0),
        ei: ei.as_mut_ptr(),
        n_ei: u32::try_from(ei.len()).unwrap_or(0),
    })
}
