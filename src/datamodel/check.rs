// SPDX-License-Identifier: GPL-2.0-or-later
//! Does a value fit its parameter's syntax? (TR-106 section 3.2 base types and facets.)
//!
//! One answer per value: the first rule that fails, in the order type, enumeration, range, size,
//! pattern. Lists are checked item by item. `enumerationRef` values are checked by the caller, which
//! knows the referenced parameter's value.
#![forbid(unsafe_code)]

use super::{Base, Syntax};

/// The rule a value breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Does not parse as the base type.
    NotOfType(&'static str),
    /// Not one of the enumerated values.
    NotInEnumeration { item: String },
    /// Outside every range.
    OutOfRange { item: String },
    /// Longer (or shorter) than the size allows, in characters.
    Size {
        len: usize,
        min: Option<u64>,
        max: Option<u64>,
    },
    /// The whole list is longer than the list's size allows.
    ListSize { len: usize, max: u64 },
    /// Matches none of the patterns.
    Pattern { item: String },
}

impl Problem {
    /// What failed, as the expert item says it.
    pub fn describe(&self, syntax: &Syntax) -> String {
        match self {
            Problem::NotOfType(t) => format!("not a valid {t}"),
            Problem::NotInEnumeration { item } => {
                let list: Vec<&str> = syntax.enums.iter().map(|e| &*e.value).take(12).collect();
                let more = if syntax.enums.len() > 12 { ", ..." } else { "" };
                format!(
                    "\"{item}\" is not in the enumeration ({}{more})",
                    list.join(", ")
                )
            }
            Problem::OutOfRange { item } => {
                let ranges: Vec<String> = syntax
                    .ranges
                    .iter()
                    .map(|r| {
                        let b = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
                        let mut s = format!("{}..{}", b(r.min), b(r.max));
                        if let Some(st) = r.step {
                            s.push_str(&format!(" step {st}"));
                        }
                        s
                    })
                    .collect();
                format!("{item} is outside the range {}", ranges.join(" or "))
            }
            Problem::Size { len, min, max } => match (min, max) {
                (Some(lo), Some(hi)) => {
                    format!("{len} characters, size must be {lo} to {hi}")
                }
                (None, Some(hi)) => format!("{len} characters, longer than the size limit {hi}"),
                (Some(lo), None) => format!("{len} characters, shorter than the minimum {lo}"),
                (None, None) => format!("{len} characters"),
            },
            Problem::ListSize { len, max } => {
                format!("list of {len} characters, longer than the list's size limit {max}")
            }
            Problem::Pattern { item } => format!("\"{item}\" does not match the pattern"),
        }
    }
}

/// Checks `value` against `syntax`; `None` when it fits (or cannot be judged).
pub fn check_value(syntax: &Syntax, value: &str) -> Option<Problem> {
    if syntax.list {
        if let Some(max) = syntax.list_max_len {
            let len = value.chars().count();
            if len as u64 > max {
                return Some(Problem::ListSize { len, max });
            }
        }
        if value.trim().is_empty() {
            return None;
        }
        for item in value.split(',') {
            if let Some(p) = check_one(syntax, item.trim()) {
                return Some(p);
            }
        }
        return None;
    }
    check_one(syntax, value)
}

fn check_one(syntax: &Syntax, v: &str) -> Option<Problem> {
    let base = syntax.base;
    let parsed: Result<Option<f64>, ()> = match base {
        Base::UnsignedInt => v
            .trim()
            .parse::<u32>()
            .map(|n| Some(f64::from(n)))
            .map_err(|_| ()),
        Base::Int => v
            .trim()
            .parse::<i32>()
            .map(|n| Some(f64::from(n)))
            .map_err(|_| ()),
        Base::UnsignedLong => v
            .trim()
            .parse::<u64>()
            .map(|n| Some(n as f64))
            .map_err(|_| ()),
        Base::Long => v
            .trim()
            .parse::<i64>()
            .map(|n| Some(n as f64))
            .map_err(|_| ()),
        Base::Decimal => {
            let t = v.trim();
            if !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
            {
                t.parse::<f64>().map(Some).map_err(|_| ())
            } else {
                Err(())
            }
        }
        Base::Boolean => match v.trim() {
            "true" | "false" | "1" | "0" => Ok(None),
            _ => Err(()),
        },
        Base::DateTime => {
            // The all-zero dateTime is a common way of saying "unknown time" that peers accept; the
            // decoder already notes it (cwmp.expert.lenient_value).
            if crate::values::parse_datetime(v.trim()).is_some()
                || crate::values::is_zero_datetime(v)
            {
                Ok(None)
            } else {
                Err(())
            }
        }
        Base::HexBinary => {
            if v.len() % 2 == 0 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(None)
            } else {
                Err(())
            }
        }
        Base::Base64 => {
            if v.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\r' | b'\n' | b' ')
            }) {
                Ok(None)
            } else {
                Err(())
            }
        }
        Base::String => Ok(None),
    };
    let Ok(number) = parsed else {
        return Some(Problem::NotOfType(base.name()));
    };
    if !syntax.enums.is_empty() && !syntax.enums.iter().any(|e| &*e.value == v) {
        return Some(Problem::NotInEnumeration { item: v.to_owned() });
    }
    if let Some(n) = number {
        if !syntax.ranges.is_empty() && !syntax.ranges.iter().any(|r| in_range(r, n)) {
            return Some(Problem::OutOfRange {
                item: v.trim().to_owned(),
            });
        }
    }
    // Characters are counted only where a size applies.
    if matches!(base, Base::String) && (syntax.min_len.is_some() || syntax.max_len.is_some()) {
        let len = v.chars().count();
        let short = syntax.min_len.is_some_and(|m| (len as u64) < m);
        let long = syntax.max_len.is_some_and(|m| (len as u64) > m);
        if short || long {
            return Some(Problem::Size {
                len,
                min: syntax.min_len,
                max: syntax.max_len,
            });
        }
    }
    if let Some(re) = syntax.regex() {
        if !re.is_match(v) {
            return Some(Problem::Pattern { item: v.to_owned() });
        }
    }
    None
}

fn in_range(r: &super::Range, n: f64) -> bool {
    if r.min.is_some_and(|m| n < m) || r.max.is_some_and(|m| n > m) {
        return false;
    }
    match (r.step, r.min) {
        (Some(step), Some(min)) if step > 1 => ((n - min) as u64) % step == 0,
        _ => true,
    }
}
