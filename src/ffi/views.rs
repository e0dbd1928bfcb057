// SPDX-License-Identifier: GPL-2.0-or-later
//! The views store of the open capture file and the functions `cwmp_views.c` calls to read it:
//! `cwmp_rs_view` (what one frame shows in the Flow Graph, Export Objects and the change log),
//! `cwmp_rs_view_free`, `cwmp_rs_changes_header` and `cwmp_rs_views_reset`.
//!
//! The store is filled by the dissection entry points in [`super::exports`] on the first pass (see
//! [`crate::views`]). Every function here catches panics; none calls Wireshark.

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use super::bindings as ws;
use crate::views::{self, FrameView, Views};

/// Views of the open capture file. Wireshark dissects and taps on one thread; the mutex only makes the
/// global sound. Reset by the init/cleanup routines `cwmp_views.c` registers.
static VIEWS: Mutex<Option<Views>> = Mutex::new(None);

/// Runs `f` on the views store (created on first use).
pub fn with_views<R>(f: impl FnOnce(&mut Views) -> R) -> R {
    let mut guard = VIEWS.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(Views::new))
}

/// A frame's views in the C layout, with everything its pointers point into.
#[repr(C)]
struct Owned {
    /// First field: C receives a pointer to it and gives it back to `cwmp_rs_view_free`.
    out: ws::cwmp_view_t,
    arrows: Vec<ws::cwmp_view_arrow_t>,
    envelopes: Vec<ws::cwmp_view_envelope_t>,
    snapshots: Vec<ws::cwmp_view_snapshot_t>,
    changes: Vec<ws::cwmp_view_change_t>,
    text: Vec<CString>,
    csv: Vec<Vec<u8>>,
}

/// Keeps `s` alive in `store` (NUL bytes removed) and returns a pointer to it.
fn keep(store: &mut Vec<CString>, s: &str) -> *const c_char {
    let c = CString::new(s.replace('\0', "")).unwrap_or_default();
    // The CString's heap buffer does not move when the Vec grows.
    let p = c.as_ptr();
    store.push(c);
    p
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn to_c(v: FrameView) -> Box<Owned> {
    let mut text = Vec::new();
    let mut csv = Vec::new();
    let arrows = v
        .arrows
        .iter()
        .map(|a| ws::cwmp_view_arrow_t {
            from_cpe: i32::from(a.from_cpe),
            device: keep(&mut text, &a.device),
            label: keep(&mut text, &a.label),
            comment: keep(&mut text, &a.comment),
        })
        .collect();
    let device_of = |i: usize| v.arrows.get(i).map_or("", |a| a.device.as_str());
    let envelopes = v
        .envelopes
        .iter()
        .enumerate()
        .map(|(i, e)| ws::cwmp_view_envelope_t {
            index: u32::from(e.index),
            name: keep(&mut text, &e.name),
            device: keep(&mut text, device_of(i)),
        })
        .collect();
    let snapshots = v
        .snapshots
        .iter()
        .map(|s| {
            let bytes = s.csv.as_bytes().to_vec();
            // The Vec's heap buffer does not move when `csv` grows.
            let data = bytes.as_ptr();
            let len = len32(bytes.len());
            csv.push(bytes);
            ws::cwmp_view_snapshot_t {
                name: keep(&mut text, &s.name),
                device: keep(&mut text, &s.device),
                data,
                len,
            }
        })
        .collect();
    let changes = v
        .changes
        .iter()
        .map(|c| {
            let cells = c.cells();
            let mut out = [std::ptr::null(); 7];
            for (slot, cell) in out.iter_mut().zip(cells.iter()) {
                *slot = keep(&mut text, &views::tsv_cell(cell));
            }
            ws::cwmp_view_change_t {
                frame: c.frame,
                cells: out,
            }
        })
        .collect();
    let mut owned = Box::new(Owned {
        out: ws::cwmp_view_t {
            arrows: std::ptr::null(),
            n_arrows: 0,
            envelopes: std::ptr::null(),
            n_envelopes: 0,
            snapshots: std::ptr::null(),
            n_snapshots: 0,
            changes: std::ptr::null(),
            n_changes: 0,
            answers: v.answers,
        },
        arrows,
        envelopes,
        snapshots,
        changes,
        text,
        csv,
    });
    owned.out.arrows = owned.arrows.as_ptr();
    owned.out.n_arrows = len32(owned.arrows.len());
    owned.out.envelopes = owned.envelopes.as_ptr();
    owned.out.n_envelopes = len32(owned.envelopes.len());
    owned.out.snapshots = owned.snapshots.as_ptr();
    owned.out.n_snapshots = len32(owned.snapshots.len());
    owned.out.changes = owned.changes.as_ptr();
    owned.out.n_changes = len32(owned.changes.len());
    owned
}

/// What `frame` shows in the views; NULL when nothing (or after a caught panic).
#[no_mangle]
pub extern "C" fn cwmp_rs_view(frame: u32) -> *mut ws::cwmp_view_t {
    let r = catch_unwind(|| {
        let v = with_views(|views| views.frame(frame));
        if v.is_empty() {
            None
        } else {
            Some(to_c(v))
        }
    });
    match r {
        Ok(Some(owned)) => Box::into_raw(owned).cast(),
        _ => std::ptr::null_mut(),
    }
}

/// Frees a result of [`cwmp_rs_view`].
///
/// # Safety
/// `view` must be NULL or a pointer returned by `cwmp_rs_view`, freed once.
#[no_mangle]
pub unsafe extern "C" fn cwmp_rs_view_free(view: *mut ws::cwmp_view_t) {
    if view.is_null() {
        return;
    }
    // SAFETY: `view` is the first field of a boxed, repr(C) `Owned` created by `cwmp_rs_view`.
    let owned = unsafe { Box::from_raw(view.cast::<Owned>()) };
    let _ = catch_unwind(AssertUnwindSafe(move || drop(owned)));
}

/// The change log's header line, NUL-terminated and static.
#[no_mangle]
pub extern "C" fn cwmp_rs_changes_header() -> *const c_char {
    c"time\tframe\tdevice\taction\ttarget\tvalue\tresult".as_ptr()
}

/// The TCP connection `stream` closed in `frame` (its final FIN): ends a session still open on it.
#[no_mangle]
pub extern "C" fn cwmp_rs_views_close(frame: u32, stream: u32, visited: i32) {
    let _ = catch_unwind(|| with_views(|v| v.on_close(frame, stream, visited != 0)));
}

/// 1 when `frame` has envelopes or snapshots to export, else 0.
#[no_mangle]
pub extern "C" fn cwmp_rs_view_has_objects(frame: u32) -> i32 {
    catch_unwind(|| with_views(|v| i32::from(v.has_objects(frame)))).unwrap_or(0)
}

/// Forgets the views of the capture file (closed, reopened, or preferences changed).
#[no_mangle]
pub extern "C" fn cwmp_rs_views_reset() {
    let _ = catch_unwind(|| {
        let mut guard = VIEWS.lock().unwrap_or_else(|e| e.into_inner());
        *guard = None;
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_matches_the_pure_columns() {
        // SAFETY: a static NUL-terminated literal.
        let h = unsafe { std::ffi::CStr::from_ptr(super::cwmp_rs_changes_header()) };
        assert_eq!(
            h.to_str().ok(),
            Some(crate::views::changes_header().as_str())
        );
    }
}
