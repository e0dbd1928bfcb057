// SPDX-License-Identifier: GPL-2.0-or-later
//! Reads a Valgrind memcheck XML report (`--xml=yes --xml-file=...`) and sorts its errors into those
//! attributable to the plugin (a stack frame in the plugin's shared object) and the rest (Wireshark's
//! and GLib's own, which the fuzz run reports but does not blame on us).

/// One error of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VgError {
    pub kind: String,
    pub what: String,
    /// Bytes lost, for leak errors.
    pub leaked: u64,
    /// (object, function, source file) of each frame, innermost first.
    pub frames: Vec<(String, String, String)>,
}

/// The sorted report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The XML ended with `</valgrindoutput>` (Valgrind and the program finished).
    pub complete: bool,
    pub errors: Vec<VgError>,
    /// Errors in the plugin's code, or in Wireshark code the plugin called directly (a tree item it
    /// added, a string it passed).
    pub ours: Vec<VgError>,
    /// Errors entirely inside another Wireshark dissector that the plugin only handed the body to
    /// (`call_dissector_with_data`: the stock XML tree below the CWMP tree, or the stock dissector of
    /// a body that is not CWMP). The same body reaches that dissector without the plugin too.
    pub handed_on: Vec<VgError>,
}

/// Wireshark functions through which the plugin hands a body to another dissector.
const HAND_ON: &[&str] = &[
    "call_dissector_with_data",
    "call_dissector_only",
    "call_dissector",
];

impl Report {
    pub fn leaked(errors: &[VgError], kind: &str) -> u64 {
        errors
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.leaked)
            .sum()
    }
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Substrings that mark a frame as the plugin's: its object (`cwmp.so`, which Wireshark loads under
/// that name), its Rust crate, its exported functions and its C shim. Function and file names matter
/// because Wireshark unloads plugins at exit, after which Valgrind (with `--keep-debuginfo=yes`) still
/// names the code but may no longer name the object.
pub const PLUGIN_PATTERNS: &[&str] = &[
    "cwmp.so",
    "libcwmp_dissector",
    "cwmp_dissector::",
    "cwmp_rs_",
    "cwmp_shim",
];

/// Parses the report; a frame whose object, function or file contains one of `patterns` is ours.
pub fn parse(xml: &str, patterns: &[&str]) -> Report {
    let mut r = Report {
        complete: xml.contains("</valgrindoutput>"),
        ..Report::default()
    };
    let mut rest = xml;
    while let Some(start) = rest.find("<error>") {
        let after = &rest[start..];
        let Some(end) = after.find("</error>") else {
            break;
        };
        let block = &after[..end];
        rest = &after[end + "</error>".len()..];
        let mut e = VgError {
            kind: between(block, "<kind>", "</kind>").unwrap_or("").to_owned(),
            what: between(block, "<what>", "</what>")
                .or_else(|| between(block, "<text>", "</text>"))
                .map(unescape)
                .unwrap_or_default(),
            leaked: between(block, "<leakedbytes>", "</leakedbytes>")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0),
            frames: Vec::new(),
        };
        let mut f = block;
        while let Some(fs) = f.find("<frame>") {
            let fa = &f[fs..];
            let Some(fe) = fa.find("</frame>") else {
                break;
            };
            let frame = &fa[..fe];
            e.frames.push((
                between(frame, "<obj>", "</obj>").unwrap_or("").to_owned(),
                between(frame, "<fn>", "</fn>")
                    .map(unescape)
                    .unwrap_or_default(),
                between(frame, "<file>", "</file>").unwrap_or("").to_owned(),
            ));
            f = &fa[fe..];
        }
        let is_ours = |(obj, f, file): &(String, String, String)| {
            patterns
                .iter()
                .any(|p| obj.contains(p) || f.contains(p) || file.contains(p))
        };
        // The innermost frame of the plugin, and the Wireshark function it called.
        if let Some(k) = e.frames.iter().position(is_ours) {
            let callee = if k > 0 {
                e.frames[k - 1].1.as_str()
            } else {
                ""
            };
            if HAND_ON.contains(&callee) {
                r.handed_on.push(e.clone());
            } else {
                r.ours.push(e.clone());
            }
        }
        r.errors.push(e);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_errors_by_object() {
        let xml = "<valgrindoutput><error><kind>Leak_DefinitelyLost</kind><xwhat><text>24 bytes in 1 blocks</text><leakedbytes>24</leakedbytes></xwhat>\
            <stack><frame><obj>/usr/lib/libglib.so</obj><fn>g_malloc</fn></frame><frame><obj>/tmp/p/cwmp.so</obj><fn>cwmp_rs_dissect</fn></frame><frame><fn>dissect_body</fn><file>cwmp_shim.c</file></frame></stack></error>\
            <error><kind>InvalidRead</kind><what>Invalid read of size 4</what><stack><frame><obj>/usr/lib/libwireshark.so</obj><fn>x&amp;y</fn></frame></stack></error></valgrindoutput>";
        let r = parse(xml, &["cwmp.so"]);
        assert!(r.complete);
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.ours.len(), 1);
        assert_eq!(r.ours[0].leaked, 24);
        assert_eq!(r.errors[1].frames[0].1, "x&y");
        assert_eq!(r.errors[0].frames[2].2, "cwmp_shim.c");
        let by_file = parse(xml, &["cwmp_shim"]);
        assert_eq!(by_file.ours.len(), 1);
        assert_eq!(Report::leaked(&r.errors, "Leak_DefinitelyLost"), 24);
        assert!(!parse("<valgrindoutput><error>", &["cwmp.so"]).complete);
        let xml_leak = "<valgrindoutput><error><kind>Leak_DefinitelyLost</kind><stack>\
            <frame><fn>malloc</fn></frame><frame><fn>tvbparse_get</fn></frame>\
            <frame><fn>call_dissector_with_data</fn></frame><frame><fn>dissect_body</fn><file>cwmp_shim.c</file></frame>\
            </stack></error></valgrindoutput>";
        let r = parse(xml_leak, PLUGIN_PATTERNS);
        assert!(r.ours.is_empty());
        assert_eq!(r.handed_on.len(), 1);
    }
}
