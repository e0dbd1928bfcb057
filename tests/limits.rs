// SPDX-License-Identifier: GPL-2.0-or-later
//! Every limit, reached through the real tshark: the plugin's own preferences (`cwmp.max_items`,
//! `cwmp.max_depth`, `cwmp.max_body_size`) each flag the message with an expert item and keep its
//! summary (method, ID); Wireshark's own item and depth limits (`gui.max_tree_items`,
//! `gui.max_tree_depth`) cut the tree below the summary, never above it; and the defaults decode a
//! 50,000-parameter GetParameterValuesResponse in full.

mod common;

use common::*;

const ID: &str = "lim-1";

fn gpv_response(n: usize) -> Vec<u8> {
    let items: String = (0..n)
        .map(|i| {
            format!(
                "<ParameterValueStruct><Name>Device.X.{i}.Value</Name><Value xsi:type=\"xsd:unsignedInt\">{i}</Value></ParameterValueStruct>"
            )
        })
        .collect();
    envelope(
        &id_header(ID),
        &format!(
            "<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[{n}]\">{items}</ParameterList></cwmp:GetParameterValuesResponse>"
        ),
    )
}

/// A capture of one CPE POST carrying `body` (answered with 204).
fn capture(name: &str, body: Vec<u8>) -> std::path::PathBuf {
    session_capture(name, &[(body, Vec::new())], &Opts::default())
}

/// (method, id, number of parameter names, expert present) of the CWMP message, with tshark options.
fn summary(pcap: &std::path::Path, expert: &str, opts: &[&str]) -> (String, String, usize, bool) {
    let rows = fields_opts(
        pcap,
        "cwmp.method",
        &["cwmp.method", "cwmp.id", "cwmp.parameter.name", expert],
        opts,
    );
    assert_eq!(
        rows.len(),
        1,
        "one CWMP message expected, {} found",
        rows.len()
    );
    let r = &rows[0];
    let get = |i: usize| r.get(i).cloned().unwrap_or_default();
    let names = get(2);
    let count = if names.is_empty() {
        0
    } else {
        names.split('|').count()
    };
    (get(0), get(1), count, !get(3).is_empty())
}

/// True when the expert item `abbrev` is in the packet (filtering on it).
fn has_expert(pcap: &std::path::Path, abbrev: &str, opts: &[&str]) -> bool {
    !fields_opts(pcap, abbrev, &["frame.number"], opts).is_empty()
}

#[test]
fn max_items_preference_flags_and_keeps_the_summary() {
    let pcap = capture("max-items", gpv_response(2_000));
    let (method, id, names, _) = summary(
        &pcap,
        "cwmp.expert.too_many_items",
        &["-o", "cwmp.max_items:100"],
    );
    assert_eq!(method, "GetParameterValuesResponse");
    assert_eq!(id, ID);
    assert!(
        names > 0 && names < 100,
        "{names} parameters shown within 100 items"
    );
    assert!(has_expert(
        &pcap,
        "cwmp.expert.too_many_items",
        &["-o", "cwmp.max_items:100"]
    ));
    // The default shows them all, without the expert item.
    let (_, _, names, _) = summary(&pcap, "cwmp.expert.too_many_items", &[]);
    assert_eq!(names, 2_000);
    assert!(!has_expert(&pcap, "cwmp.expert.too_many_items", &[]));
}

#[test]
fn max_depth_preference_flags_and_keeps_the_summary() {
    let nested = format!("{}v{}", "<X_Level>".repeat(40), "</X_Level>".repeat(40));
    let body = envelope(
        &id_header(ID),
        &format!("<cwmp:X_ACME_Deep>{nested}</cwmp:X_ACME_Deep>"),
    );
    let pcap = capture("max-depth", body);
    let opts = ["-o", "cwmp.max_depth:10"];
    let (method, id, _, _) = summary(&pcap, "cwmp.expert.too_deep", &opts);
    assert_eq!(method, "X_ACME_Deep");
    assert_eq!(id, ID);
    assert!(has_expert(&pcap, "cwmp.expert.too_deep", &opts));
    // 40 levels fit the default (64).
    assert!(!has_expert(&pcap, "cwmp.expert.too_deep", &[]));
    // The element items stop at the limit.
    let count = |o: &[&str]| {
        fields_opts(&pcap, "cwmp.method", &["cwmp.element"], o)[0][0]
            .split('|')
            .filter(|s| *s == "X_Level")
            .count()
    };
    assert!(count(&opts) < 10, "{} levels shown", count(&opts));
    assert_eq!(count(&[]), 40);
}

#[test]
fn max_body_size_preference_flags_and_keeps_the_summary() {
    let pcap = capture("max-body", gpv_response(300));
    let opts = ["-o", "cwmp.max_body_size:4000"];
    let (method, id, names, _) = summary(&pcap, "cwmp.expert.too_large", &opts);
    assert_eq!(method, "GetParameterValuesResponse");
    assert_eq!(id, ID);
    assert!(
        names > 0 && names < 300,
        "{names} parameters decoded from the first 4000 bytes"
    );
    assert!(has_expert(&pcap, "cwmp.expert.too_large", &opts));
    assert!(!has_expert(&pcap, "cwmp.expert.too_large", &[]));
}

/// The Info column of the CWMP frame.
fn info(pcap: &std::path::Path, opts: &[&str]) -> String {
    fields_opts(pcap, "cwmp.method || cwmp.id", &["_ws.col.Info"], opts)
        .first()
        .and_then(|r| r.first().cloned())
        .unwrap_or_default()
}

#[test]
fn wireshark_item_limit_cuts_below_the_summary() {
    let pcap = capture("tree-items", gpv_response(500));
    let frame = fields(&pcap, "cwmp.method", &["frame.number"])[0][0].clone();
    let filter = format!("frame.number == {frame}");
    // Lower layers (frame, Ethernet, IP, TCP with its reassembly, HTTP) take some items first; try
    // limits from well below to well above where CWMP starts, so that some cut inside the CWMP tree.
    let (mut cut_inside, mut with_cwmp) = (0, 0);
    for limit in (40..=400).step_by(20) {
        let o = format!("gui.max_tree_items:{limit}");
        let opts = ["-o", o.as_str()];
        let rows = match try_fields_opts(
            &pcap,
            &filter,
            &[
                "frame.protocols",
                "cwmp.method",
                "cwmp.id",
                "cwmp.parameter.name",
                "_ws.col.Info",
            ],
            &opts,
        ) {
            Ok(rows) => rows,
            // tshark 4.4 and later add the _ws.col.* fields outside any dissector's exception
            // handler: with a limit that low, tshark itself stops ("Unhandled exception ... Adding
            // _ws.col..."), before and regardless of our tree.
            Err(e) if ws_version() >= (4, 4) && e.contains("Adding _ws.col") => continue,
            Err(e) => panic!("{e}"),
        };
        let r = rows.first().cloned().unwrap_or_default();
        let get = |i: usize| r.get(i).cloned().unwrap_or_default();
        if !get(0).split(':').any(|p| p == "cwmp") {
            continue; // Cut before CWMP: nothing of ours to check.
        }
        with_cwmp += 1;
        // Wherever the cut falls in our tree, the Info column keeps the summary...
        let info = get(4);
        assert!(
            info.contains("GetParameterValuesResponse") && info.contains(ID),
            "limit {limit}: Info is {info:?}"
        );
        // ...and when it falls in the parameter list, so do the method and ID items above it.
        let names = get(3).split('|').filter(|s| !s.is_empty()).count();
        if names > 0 && names < 500 {
            cut_inside += 1;
            assert_eq!(
                get(1),
                "GetParameterValuesResponse",
                "limit {limit}: method lost"
            );
            assert_eq!(get(2), ID, "limit {limit}: ID lost");
        }
    }
    assert!(
        with_cwmp >= 5 && cut_inside >= 5,
        "only {cut_inside} of {with_cwmp} limits cut inside the CWMP tree"
    );
    // The cut is reported, and tshark carries on.
    let p = pcap.to_string_lossy().into_owned();
    let v = tshark(&[
        "-n",
        "-r",
        &p,
        "-Y",
        &filter,
        "-V",
        "-o",
        "gui.max_tree_items:300",
    ]);
    assert!(
        v.contains("would put more than 300 items in the tree"),
        "no report of the cut"
    );
}

#[test]
fn wireshark_depth_limit_cuts_below_the_summary() {
    let nested = format!("{}v{}", "<X_Level>".repeat(60), "</X_Level>".repeat(60));
    let body = envelope(
        &id_header(ID),
        &format!("<cwmp:X_ACME_Deep>{nested}</cwmp:X_ACME_Deep>"),
    );
    let pcap = capture("tree-depth", body);
    for depth in [8, 16, 32] {
        let o = format!("gui.max_tree_depth:{depth}");
        let opts = ["-o", o.as_str(), "-o", "cwmp.xml_tree:FALSE"];
        let rows = fields_opts(
            &pcap,
            "cwmp.method",
            &["cwmp.method", "cwmp.id", "cwmp.element"],
            &opts,
        );
        assert_eq!(rows.len(), 1, "depth {depth}: {} rows", rows.len());
        assert_eq!(rows[0][0], "X_ACME_Deep", "depth {depth}");
        assert_eq!(rows[0][1], ID, "depth {depth}");
        let levels = rows[0][2].split('|').filter(|s| *s == "X_Level").count();
        assert!(
            levels < 60,
            "depth {depth}: the limit did not cut ({levels} levels)"
        );
        assert!(info(&pcap, &opts).contains("X_ACME_Deep"));
    }
}

#[test]
fn fifty_thousand_parameters_decode_fully_by_default() {
    let pcap = capture("gpv-50000", gpv_response(50_000));
    let (method, id, names, limited) = summary(&pcap, "cwmp.expert.too_many_items", &[]);
    assert_eq!(method, "GetParameterValuesResponse");
    assert_eq!(id, ID);
    assert_eq!(names, 50_000);
    assert!(!limited);
    let p = pcap.to_string_lossy().into_owned();
    let (out, err, ok) = tshark_raw(&["-n", "-r", &p, "-Y", "cwmp.method", "-V"], true);
    assert!(ok, "{err}");
    assert!(
        !out.contains("would put more than"),
        "Wireshark's item limit hit"
    );
    assert!(!out.contains("Dissector bug"), "exception in the tree");
    assert!(!err.contains("Dissector bug"), "{err}");
}

#[test]
fn a_flood_of_expert_items_stays_within_wireshark_limit() {
    // 200,000 unknown elements, each flagged: without a cap on expert items (five tree items each)
    // the tree would pass gui.max_tree_items (1,000,000) and be cut by an exception.
    let body = envelope(
        &id_header(ID),
        &format!(
            "<cwmp:GetParameterValuesResponse><ParameterList>{}</ParameterList></cwmp:GetParameterValuesResponse>",
            "<x/>".repeat(200_000)
        ),
    );
    let pcap = capture("expert-flood", body);
    let p = pcap.to_string_lossy().into_owned();
    let (out, err, ok) = tshark_raw(
        &[
            "-n",
            "-r",
            &p,
            "-Y",
            "cwmp.method",
            "-V",
            "-o",
            "cwmp.xml_tree:FALSE",
        ],
        true,
    );
    assert!(ok, "{err}");
    assert!(
        !out.contains("would put more than"),
        "Wireshark's item limit hit"
    );
    assert!(!err.contains("Dissector bug"), "{err}");
    assert!(out.contains("the rest are not shown"));
    let (method, id, _, _) = summary(&pcap, "cwmp.expert.too_many_items", &[]);
    assert_eq!(
        (method.as_str(), id.as_str()),
        ("GetParameterValuesResponse", ID)
    );
}
