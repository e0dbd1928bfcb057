// SPDX-License-Identifier: GPL-2.0-or-later
//! BBF description markup (TR-106 Annex A, "description" templates) turned into plain text.
//!
//! `{{param}}`, `{{object}}`, `{{enum|X}}`, `{{units}}`, `{{bibref|TR-069|3.6.1}}`, `{{true}}`, ... are
//! replaced by the words they stand for; templates that only add boilerplate (`{{enum}}`, `{{list}}`,
//! `{{deprecated|...}}`, `{{reference}}`, ...) are dropped; `'''bold'''` and `''italic''` lose their
//! quotes. Only the first sentence is kept, with whitespace collapsed.
#![forbid(unsafe_code)]

/// What a description's templates refer to.
pub struct Context<'a> {
    /// The item's own name (last segment), for `{{param}}` and `{{object}}`.
    pub name: &'a str,
    pub units: Option<&'a str>,
}

/// Longest description text kept, in characters.
const MAX_SENTENCE: usize = 300;

/// The first sentence of `raw`, as plain text.
pub fn first_sentence(raw: &str, ctx: &Context<'_>) -> String {
    // The first sentence ends within the first paragraph: the rest (often pages) is not read.
    let plain = strip(first_paragraph(raw), ctx);
    let sentence = cut_sentence(&plain);
    if sentence.chars().count() > MAX_SENTENCE {
        let mut s: String = sentence.chars().take(MAX_SENTENCE).collect();
        s.push('…');
        s
    } else {
        sentence.to_owned()
    }
}

/// Up to the first blank line (after some text).
fn first_paragraph(raw: &str) -> &str {
    let body = raw.trim_start();
    let b = body.as_bytes();
    let mut i = 0;
    while let Some(nl) = memchr::memchr(b'\n', &b[i..]) {
        let at = i + nl;
        let mut j = at + 1;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t' || b[j] == b'\r') {
            j += 1;
        }
        if j < b.len() && b[j] == b'\n' {
            return &body[..at];
        }
        i = at + 1;
    }
    body
}

/// The whole description as plain text, whitespace collapsed.
pub fn strip(raw: &str, ctx: &Context<'_>) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = matching_close(after) else {
            rest = after;
            continue;
        };
        let inner = &after[..close];
        out.push_str(&template(inner, ctx));
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    let out = out.replace("'''", "").replace("''", "");
    collapse(&out)
}

/// Where the `}}` closing a template starts, counting nested `{{ }}`.
fn matching_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'{' && b[i + 1] == b'{' {
            depth += 1;
            i += 2;
        } else if b[i] == b'}' && b[i + 1] == b'}' {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

fn template(inner: &str, ctx: &Context<'_>) -> String {
    let mut args = inner.split('|');
    let name = args.next().unwrap_or("").trim();
    let first = args.next().map(str::trim);
    match name {
        "param" | "object" | "command" | "event" => match first {
            Some(a) if !a.is_empty() => a.to_owned(),
            _ => ctx.name.to_owned(),
        },
        "units" => ctx.units.unwrap_or("units").to_owned(),
        "true" => "true".into(),
        "false" => "false".into(),
        "empty" => "an empty string".into(),
        "null" => "null".into(),
        "bibref" => first.map(|a| format!("[{a}]")).unwrap_or_default(),
        "enum" | "pattern" | "datatype" | "issue" | "section" => {
            first.map(str::to_owned).unwrap_or_default()
        }
        "mark" | "abbref" | "gloref" => first.map(str::to_owned).unwrap_or_default(),
        // Boilerplate: lists of values, references, life-cycle notes, hidden-value notes.
        _ => String::new(),
    }
}

/// The version in a life-cycle template (`{{deprecated|2.15|reason}}`, `{{obsoleted|2.17}}`) of a
/// description, for the given status name.
pub fn status_since(raw: &str, status: &str) -> Option<(u32, u32)> {
    let open = format!("{{{{{status}|");
    let at = raw.find(&open)? + open.len();
    let rest = &raw[at..];
    let end = rest.find(['|', '}'])?;
    super::parse_version(rest[..end].trim())
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Up to and including the first full stop that ends a sentence: followed by a space and an
/// upper-case letter, or by the end, and not part of an abbreviation such as "e.g." or "i.e.".
fn cut_sentence(s: &str) -> &str {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c != b'.' {
            continue;
        }
        let end = i + 1 == b.len();
        let next_upper = b.get(i + 1) == Some(&b' ')
            && b.get(i + 2)
                .is_some_and(|c| c.is_ascii_uppercase() || *c == b'{');
        if !(end || next_upper) {
            continue;
        }
        let before = &s[..i];
        let word = before.rsplit(' ').next().unwrap_or("");
        if matches!(
            word.to_ascii_lowercase().as_str(),
            "e.g" | "i.e" | "etc" | "vs" | "cf"
        ) {
            continue;
        }
        return &s[..=i];
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context<'static> {
        Context {
            name: "Uptime",
            units: Some("seconds"),
        }
    }

    #[test]
    fn templates_become_words() {
        assert_eq!(
            first_sentence("Time in {{units}} since the\n   start. More here.", &ctx()),
            "Time in seconds since the start."
        );
        assert_eq!(
            first_sentence(
                "If {{param}} is {{true}}, see {{bibref|TR-069|3.1}}.",
                &ctx()
            ),
            "If Uptime is true, see [TR-069]."
        );
        assert_eq!(
            first_sentence("Value, e.g. a counter. {{enum}}", &ctx()),
            "Value, e.g. a counter."
        );
        assert_eq!(
            first_sentence(
                "''Note'' {{enum|None|Other}} {{deprecated|2.1|why}}",
                &ctx()
            ),
            "Note None"
        );
        assert_eq!(first_sentence("broken {{param", &ctx()), "broken param");
        assert_eq!(
            first_sentence("  First part\n  goes on\n\n  Second. paragraph.", &ctx()),
            "First part goes on"
        );
        assert_eq!(
            status_since(
                "x {{deprecated|2.15|because}} {{obsoleted|2.17}}",
                "obsoleted"
            ),
            Some((2, 17))
        );
        assert_eq!(
            status_since("{{deprecated|2.15|b}}", "deprecated"),
            Some((2, 15))
        );
        assert_eq!(status_since("none", "deprecated"), None);
    }
}
