// SPDX-License-Identifier: GPL-2.0-or-later
//! Cost of the data models (issue 13): loading the Broadband Forum's six "full" model files, and what
//! annotating and checking every parameter adds to the dissection of one body.
//!
//! Readings:
//! - `load_six`: [`Catalog::load_dirs`] over the folder of `CWMP_DATAMODELS` (default
//!   `../shared/datamodels`); skipped, with a message, when the folder holds no models. Before
//!   criterion's report, one load is timed on its own with the resident memory it adds (VmRSS).
//! - `dissect/<body>/{plain,models}` and `dissect_lean/...`: [`dissector::dissect_in_session_dm`]
//!   without and with the models, for a tree someone reads ([`Detail::Full`], the `-V` path) and for
//!   one nobody reads ([`Detail::ExpertsOnly`], the summary and filter path), on an Inform of 20
//!   parameters, GetParameterValuesResponses of 1,000 and 10,000 Device:2 parameters the model knows
//!   (`known_*`), and the bulk generator's responses of 1,000 and 10,000 parameters (`bulk_*`, whose
//!   names mix TR-098 and TR-181; with seed 7 nearly all of them are known to the models).
//!
//! A summary at the end prints the cost ratios models/plain and the cost per parameter of the 10,000
//! body relative to the 1,000 body (1.00 = linear).
//!
//! Run: `cargo bench --bench datamodel` (add `-- --quick` for a fast pass).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use cwmp_capgen::bulk::{sample_gpv_response, sample_inform};
use cwmp_dissector::datamodel::{Catalog, LoadLimits};
use cwmp_dissector::dissector::{self, Detail, HttpKind, Packet, Prefs, Via};
use cwmp_dissector::dmcheck::DmSessions;
use cwmp_dissector::session::{At, Tracker, Ts};

fn models_dir() -> PathBuf {
    std::env::var("CWMP_DATAMODELS").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datamodels"),
        PathBuf::from,
    )
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A GetParameterValuesResponse of `n` parameters that the Device:2 model knows, each with a value
/// of its type.
fn known_gpv(cat: &Catalog, n: usize) -> Vec<u8> {
    use cwmp_dissector::datamodel::Base;
    let Some(m) = cat.model("Device", 2) else {
        return Vec::new();
    };
    let mut paths: Vec<&str> = m.paths().filter(|p| !p.ends_with('.')).collect();
    paths.sort_unstable();
    let mut items = String::new();
    for i in 0..n {
        let p = paths[i % paths.len()];
        let Some(found) = m.get(p) else { continue };
        let (ty, v) = match found.syntax.as_ref().map(|s| (s.base, s.enums.first())) {
            Some((_, Some(e))) => ("string", e.value.to_string()),
            Some((Base::UnsignedInt | Base::UnsignedLong, _)) => ("unsignedInt", "1".into()),
            Some((Base::Int | Base::Long, _)) => ("int", "1".into()),
            Some((Base::Boolean, _)) => ("boolean", "true".into()),
            Some((Base::DateTime, _)) => ("dateTime", "2024-05-01T10:00:00Z".into()),
            _ => ("string", String::new()),
        };
        let name = p.replace("{i}", &(1 + i / paths.len()).to_string());
        items.push_str(&format!(
            "<ParameterValueStruct><Name>{name}</Name><Value xsi:type=\"xsd:{ty}\">{v}</Value></ParameterValueStruct>"
        ));
    }
    gpv_response(n, &items)
}

/// A GetParameterValuesResponse around `items` (`n` ParameterValueStructs).
fn gpv_response(n: usize, items: &str) -> Vec<u8> {
    format!(
        "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">\
         <soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">1</cwmp:ID></soap-env:Header>\
         <soap-env:Body><cwmp:GetParameterValuesResponse>\
         <ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[{n}]\">{items}</ParameterList>\
         </cwmp:GetParameterValuesResponse></soap-env:Body></soap-env:Envelope>"
    )
    .into_bytes()
}

/// A GetParameterValuesResponse of `n` TR-098 names that the models do not define (TR-181 objects
/// under `InternetGatewayDevice.`, as the bulk capture's huge responses have): one expert item each.
fn unknown_gpv(n: usize) -> Vec<u8> {
    const LEAVES: [&str; 5] = [
        "Enable",
        "DestSubnetMask",
        "GatewayIPAddress",
        "Interface",
        "ForwardingMetric",
    ];
    let mut items = String::new();
    for i in 0..n {
        let leaf = LEAVES[i % LEAVES.len()];
        let name = format!(
            "InternetGatewayDevice.Routing.Router.1.IPv4Forwarding.{}.{leaf}",
            1 + i / LEAVES.len()
        );
        items.push_str(&format!(
            "<ParameterValueStruct><Name>{name}</Name><Value xsi:type=\"xsd:string\">1</Value></ParameterValueStruct>"
        ));
    }
    gpv_response(n, &items)
}

fn bodies(cat: &Catalog) -> Vec<(&'static str, usize, Vec<u8>)> {
    vec![
        ("inform_20", 20, sample_inform(7, 20)),
        ("known_1000", 1_000, known_gpv(cat, 1_000)),
        ("known_10000", 10_000, known_gpv(cat, 10_000)),
        ("bulk_1000", 1_000, sample_gpv_response(7, 1_000)),
        ("bulk_10000", 10_000, sample_gpv_response(7, 10_000)),
    ]
}

fn packet(body: &[u8]) -> Packet<'_> {
    Packet {
        body,
        reported_len: body.len(),
        via: Via::Port,
        http: HttpKind::Response,
        media_params: None,
        prefs: Prefs::default(),
    }
}

fn at() -> At {
    At {
        frame: 1,
        index: 0,
        stream: 1,
        ts: Ts { secs: 0, nanos: 0 },
        visited: false,
        src: None,
        dst: None,
    }
}

fn dissect(body: &[u8], detail: Detail, cat: Option<&Catalog>) -> usize {
    let p = packet(body);
    let at = at();
    let mut tracker = Tracker::new();
    let mut sessions = DmSessions::default();
    let models = cat.map(|c| (c, &mut sessions));
    let v = dissector::dissect_in_session_dm(&p, at, &mut tracker, detail, models);
    v.ops.ops.len()
}

fn time_of(f: impl Fn() -> usize, iters: u32) -> f64 {
    // Once untimed: patterns compile on first use.
    black_box(f());
    let t = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    t.elapsed().as_secs_f64() / f64::from(iters)
}

fn bench(c: &mut Criterion) {
    let dir = models_dir();
    let before = rss_kib();
    let t = Instant::now();
    let cat = Catalog::load_dirs(std::slice::from_ref(&dir), &LoadLimits::default());
    let load = t.elapsed();
    let after = rss_kib();
    if cat.is_empty() {
        println!(
            "datamodel bench: no models in {} (set CWMP_DATAMODELS): SKIPPED",
            dir.display()
        );
        return;
    }
    let names: Vec<String> = cat
        .models
        .iter()
        .map(|m| format!("{} ({} items)", m.name, m.len()))
        .collect();
    println!(
        "one load of {} files: {:.1} ms, +{:.1} MiB resident: {}",
        cat.files.len(),
        load.as_secs_f64() * 1000.0,
        (after.saturating_sub(before)) as f64 / 1024.0,
        names.join(", ")
    );

    let mut g = c.benchmark_group("load");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("load_six", |b| {
        b.iter(|| {
            Catalog::load_dirs(std::slice::from_ref(&dir), &LoadLimits::default())
                .models
                .len()
        })
    });
    g.finish();

    let bodies = bodies(&cat);
    for (name, _, body) in &bodies {
        let mut g = c.benchmark_group(format!("dissect/{name}"));
        g.sample_size(10);
        for (dname, detail) in [("full", Detail::Full), ("lean", Detail::ExpertsOnly)] {
            g.bench_function(format!("{dname}/plain"), |b| {
                b.iter(|| dissect(body, detail, None))
            });
            g.bench_function(format!("{dname}/models"), |b| {
                b.iter(|| dissect(body, detail, Some(&cat)))
            });
        }
        g.finish();
    }

    // Summary: the same readings taken back to back.
    println!("\nmodels / plain (same run):");
    let mut per_param = Vec::new();
    for (name, n, body) in &bodies {
        let iters = if *n > 5_000 { 5 } else { 40 };
        for (dname, detail) in [("full", Detail::Full), ("lean", Detail::ExpertsOnly)] {
            let plain = time_of(|| dissect(body, detail, None), iters);
            let models = time_of(|| dissect(body, detail, Some(&cat)), iters);
            println!(
                "  {name:<10} {dname:<5} plain {:>9.3} ms  models {:>9.3} ms  x{:.2}",
                plain * 1e3,
                models * 1e3,
                models / plain
            );
            if dname == "full" && name.starts_with("known") {
                per_param.push((models - plain) / *n as f64);
            }
        }
    }
    if let [small, big] = per_param[..] {
        println!(
            "  added cost per parameter, 10,000 against 1,000: x{:.2} (1.00 = linear)",
            big / small
        );
    }
}

criterion_group!(benches, bench);

/// `CWMP_DM_PROBE=<body>:<n>:<models|plain>:<full|lean>` (body `known`, `unknown`, `bulk` or
/// `inform`): one dissection of that body and nothing else, for counting its instructions with
/// `valgrind --tool=callgrind --toggle-collect='*dissect_in_session_dm*'` (see
/// `docs/performance.md`). The models are loaded before, outside the counted function.
fn probe(spec: &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let [body, n, models, detail] = parts[..] else {
        eprintln!("CWMP_DM_PROBE: expected <body>:<n>:<models|plain>:<full|lean>, got {spec}");
        std::process::exit(2);
    };
    let n: usize = n.parse().unwrap_or(0);
    let cat = Catalog::load_dirs(&[models_dir()], &LoadLimits::default());
    let body = match body {
        "known" => known_gpv(&cat, n),
        "bulk" => sample_gpv_response(7, n),
        "unknown" => unknown_gpv(n),
        _ => sample_inform(7, n),
    };
    let detail = if detail == "full" {
        Detail::Full
    } else {
        Detail::ExpertsOnly
    };
    let models = (models == "models").then_some(&cat);
    // Once outside the counted function, so that what is compiled on first use (patterns) is not
    // counted, as in a capture that repeats its parameters.
    let mut sessions = DmSessions::default();
    let warm = models.map(|c| (c, &mut sessions));
    let p = packet(&body);
    let _ = dissector::dissect_in_session_viewed(&p, at(), &mut Tracker::new(), None, detail, warm);
    println!("{} operations", dissect(&body, detail, models));
}

fn main() {
    if let Ok(spec) = std::env::var("CWMP_DM_PROBE") {
        probe(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
