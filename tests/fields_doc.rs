// SPDX-License-Identifier: GPL-2.0-or-later
//! `docs/fields.md`, the reference of every filter name, is generated from what the installed tshark
//! reports for the plugin (`tshark -G fields` for fields and expert items, `tshark -G values` for the
//! value strings). The test fails when the committed file drifts from it; rerun with
//! `CWMP_REGENERATE=1 cargo test --test fields_doc` to rewrite it.
//!
//! tshark lists expert items as `FT_NONE` fields named by their summary; their group and severity are
//! not in any `-G` report, so they come from the plugin's own expert table, which must list exactly
//! the same items.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::tshark;
use cwmp_dissector::fields::{ExpertDef, Group, Severity, EXPERTS, FIELDS, SEVERITY_RULE};

fn doc_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fields.md")
}

/// One `F` row of `tshark -G fields`.
struct Row {
    name: String,
    abbrev: String,
    ftype: String,
    base: String,
    blurb: String,
}

fn cwmp_rows() -> Vec<Row> {
    tshark(&["-G", "fields"])
        .lines()
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            // F, name, abbrev, type, parent protocol, base, bitmask, blurb
            (c.len() >= 8 && c[0] == "F" && c[4] == "cwmp").then(|| Row {
                name: c[1].to_owned(),
                abbrev: c[2].to_owned(),
                ftype: c[3].to_owned(),
                base: c[5].to_owned(),
                blurb: c[7].to_owned(),
            })
        })
        .collect()
}

/// `tshark -G values` for cwmp fields: filter name to (value, meaning) in registration order.
fn cwmp_values() -> BTreeMap<String, Vec<(String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for l in tshark(&["-G", "values"]).lines() {
        let c: Vec<&str> = l.split('\t').collect();
        if c.len() == 4 && c[0] == "V" && c[1].starts_with("cwmp.") {
            out.entry(c[1].to_owned())
                .or_default()
                .push((c[2].to_owned(), c[3].to_owned()));
        }
        // Range strings (fault codes): `R <field> <min> <max> <meaning>`.
        if c.len() == 5 && c[0] == "R" && c[1].starts_with("cwmp.") {
            let value = if c[2] == c[3] {
                c[2].to_owned()
            } else {
                format!("{}-{}", c[2], c[3])
            };
            out.entry(c[1].to_owned())
                .or_default()
                .push((value, c[4].to_owned()));
        }
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn type_of(r: &Row) -> String {
    match r.base.as_str() {
        "" | "BASE_NONE" | "0" => format!("`{}`", r.ftype),
        base => format!("`{}` ({base})", r.ftype),
    }
}

fn group(g: Group) -> &'static str {
    match g {
        Group::Malformed => "Malformed",
        Group::Protocol => "Protocol",
        Group::ResponseCode => "Response code",
        Group::Sequence => "Sequence",
        Group::Security => "Security",
        Group::Deprecated => "Deprecated",
        Group::Undecoded => "Undecoded",
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Chat => "Chat",
        Severity::Note => "Note",
        Severity::Warn => "Warning",
        Severity::Error => "Error",
    }
}

fn expert_def(abbrev: &str) -> Option<&'static ExpertDef> {
    EXPERTS.iter().find(|e| e.abbrev == abbrev)
}

/// The document, from tshark's reports.
fn generate() -> String {
    let rows = cwmp_rows();
    let values = cwmp_values();
    let mut doc = String::new();
    doc.push_str(
        "# CWMP dissector: display filter reference\n\n\
         Generated from `tshark -G fields` and `tshark -G values` with the plugin loaded (expert groups\n\
         and severities from the plugin's expert table). Do not edit: `tests/fields_doc.rs` fails when this\n\
         file drifts; `CWMP_REGENERATE=1 cargo test --test fields_doc` rewrites it.\n\n\
         Conventions: string-coded values keep their literal text in a string field, with a numeric\n\
         companion (`.num`) that carries the value string; dateTime arguments have their literal text and a\n\
         generated `.utc` absolute time; `cwmp.parameter.value` is always the text as written.\n\n",
    );
    doc.push_str(
        "## Protocol\n\n| Filter | Name |\n|---|---|\n| `cwmp` | CPE WAN Management Protocol |\n\n",
    );

    doc.push_str(
        "## Fields\n\n| Filter | Type | Name | Description | Values |\n|---|---|---|---|---|\n",
    );
    for r in rows.iter().filter(|r| expert_def(&r.abbrev).is_none()) {
        let vals = if values.contains_key(&r.abbrev) {
            format!("[table](#{})", anchor(&r.abbrev))
        } else {
            String::new()
        };
        let _ = writeln!(
            doc,
            "| `{}` | {} | {} | {} | {vals} |",
            r.abbrev,
            type_of(r),
            cell(&r.name),
            cell(&r.blurb),
        );
    }

    doc.push_str(
        "\n## Expert items\n\nEach is also a filter (`cwmp.expert.fault` matches the messages carrying it).\n\n\
         Severities follow one rule, calibrated on the expert histogram of real traffic from other people's \
         CPEs and ACSes:\n\n",
    );
    for (sev, when) in SEVERITY_RULE {
        let _ = writeln!(doc, "- **{sev}**: {when}.");
    }
    doc.push_str(
        "\n| Filter | Group | Severity | Summary | Why this severity |\n|---|---|---|---|---|\n",
    );
    for r in &rows {
        if let Some(e) = expert_def(&r.abbrev) {
            let _ = writeln!(
                doc,
                "| `{}` | {} | {} | {} | {} |",
                r.abbrev,
                group(e.group),
                severity(e.severity),
                cell(&r.name),
                cell(e.why)
            );
        }
    }

    doc.push_str("\n## Value strings\n");
    for r in &rows {
        let Some(vals) = values.get(&r.abbrev) else {
            continue;
        };
        let _ = write!(
            doc,
            "\n### {}\n\n{}\n\n| Value | Meaning |\n|---|---|\n",
            r.abbrev,
            cell(&r.name)
        );
        for (v, m) in vals {
            let _ = writeln!(doc, "| {v} | {} |", cell(m));
        }
    }
    doc
}

/// The GitHub anchor of a value-table heading (the filter name, dots dropped).
fn anchor(abbrev: &str) -> String {
    abbrev.replace('.', "")
}

#[test]
fn fields_doc_matches_what_tshark_reports() {
    let doc = generate();
    let path = doc_path();
    if std::env::var_os("CWMP_REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs/")).expect("mkdir docs");
        std::fs::write(&path, &doc).expect("write docs/fields.md");
    }
    let committed =
        std::fs::read_to_string(&path).expect("docs/fields.md (CWMP_REGENERATE=1 makes it)");
    if committed != doc {
        let first = committed
            .lines()
            .zip(doc.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(doc.lines().count()));
        panic!(
            "docs/fields.md differs from what tshark reports (first at line {}):\n  committed: {:?}\n  tshark:    {:?}\n\
             rerun with CWMP_REGENERATE=1 cargo test --test fields_doc",
            first + 1,
            committed.lines().nth(first).unwrap_or(""),
            doc.lines().nth(first).unwrap_or("")
        );
    }
}

#[test]
fn tshark_lists_exactly_the_plugin_tables() {
    let rows = cwmp_rows();
    let listed: Vec<&str> = rows.iter().map(|r| r.abbrev.as_str()).collect();
    let mut ours: Vec<&str> = FIELDS
        .iter()
        .filter(|f| f.abbrev != "cwmp")
        .map(|f| f.abbrev)
        .chain(EXPERTS.iter().map(|e| e.abbrev))
        .collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    ours.sort_unstable();
    assert_eq!(sorted, ours, "tshark -G fields and the plugin's tables");
    // Expert items are FT_NONE rows named by their summary.
    for e in EXPERTS {
        let r = rows.iter().find(|r| r.abbrev == e.abbrev).expect("listed");
        assert_eq!(r.ftype, "FT_NONE", "{}", e.abbrev);
        assert_eq!(r.name, e.summary, "{}", e.abbrev);
    }
    // The contract names of the issue are all there.
    for f in [
        "cwmp.version",
        "cwmp.direction",
        "cwmp.message_kind",
        "cwmp.soap.faultcode",
        "cwmp.soap.faultstring",
        "cwmp.fault.code",
        "cwmp.fault.string",
        "cwmp.spv_fault.code",
        "cwmp.spv_fault.string",
        "cwmp.parameter",
        "cwmp.parameter.name",
        "cwmp.parameter.value",
        "cwmp.event_code.num",
        "cwmp.file_type.num",
    ] {
        assert!(listed.contains(&f), "{f}");
    }
}
