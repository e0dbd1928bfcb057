// SPDX-License-Identifier: GPL-2.0-or-later
//! Throughput of the pure parser next to quick-xml's bare event readers, on the bodies of the bulk
//! benchmark captures (`cwmp-capgen bulk`): an Inform of 20 parameters and GetParameterValuesResponses
//! of 5,000 and 50,000 parameters.
//!
//! Readings per body:
//! - `reader`: `quick_xml::Reader` looping over events, doing nothing with them (the floor);
//! - `ns_reader`: the same with `NsReader`, resolving every element's namespace;
//! - `dom`: the first stage of the parser alone, the namespace-resolved element tree
//!   ([`cwmp_dissector::cwmp::xml::parse`]);
//! - `parse`: [`cwmp_dissector::cwmp::parse`], body to `Message`;
//! - `dissect`: [`cwmp_dissector::dissector::dissect`], body to tree operations and Info line: the
//!   whole pure path of one packet;
//! - `dissect_lean`: the same with [`Detail::ExpertsOnly`], the path of a packet whose tree nobody
//!   reads (expert items, Info line and session state only).
//!
//! After criterion's own report, a summary prints MB/s, the ratios to the bare readers and the cost per
//! byte of the 50,000-parameter body relative to the 5,000-parameter one (1.00 = linear). On a shared
//! or busy machine, compare readings of one run only: they are taken close together.
//!
//! Run: `cargo bench --bench parser` (add `-- --quick` for a fast pass).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use cwmp_capgen::bulk::{sample_gpv_response, sample_inform};
use cwmp_dissector::cwmp::{self, Direction, Options};
use cwmp_dissector::dissector::{self, Detail, HttpKind, Packet, Prefs, Via};
use quick_xml::events::Event;
use quick_xml::{NsReader, Reader};

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("inform_20", sample_inform(7, 20)),
        ("gpv_5000", sample_gpv_response(7, 5_000)),
        ("gpv_50000", sample_gpv_response(7, 50_000)),
    ]
}

fn reader(body: &[u8]) -> usize {
    let mut r = Reader::from_reader(body);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(e) => {
                black_box(&e);
                n += 1;
            }
        }
    }
}

fn ns_reader(body: &[u8]) -> usize {
    let mut r = NsReader::from_reader(body);
    let mut n = 0;
    loop {
        match r.read_resolved_event() {
            Ok((_, Event::Eof)) | Err(_) => return n,
            Ok(e) => {
                black_box(&e);
                n += 1;
            }
        }
    }
}

fn options(body: &[u8]) -> Options {
    Options {
        direction: Some(Direction::CpeToAcs),
        limits: cwmp::Limits {
            max_body: body.len().max(64 << 20),
            ..cwmp::Limits::default()
        },
        ..Options::default()
    }
}

fn dom(body: &[u8]) -> usize {
    let limits = cwmp::xml::XmlLimits {
        max_depth: 64,
        max_elements: u32::MAX,
    };
    cwmp::xml::parse(body, 0, cwmp::xml::Charset::Utf8, limits)
        .elems
        .len()
}

fn parse(body: &[u8]) -> usize {
    let m = cwmp::parse(body, &options(body));
    m.node_count
}

fn dissect(body: &[u8]) -> usize {
    let p = Packet {
        body,
        reported_len: body.len(),
        via: Via::Port,
        http: HttpKind::Request,
        media_params: None,
        prefs: Prefs::default(),
    };
    dissector::dissect(&p).ops.ops.len()
}

fn dissect_lean(body: &[u8]) -> usize {
    let p = Packet {
        body,
        reported_len: body.len(),
        via: Via::Port,
        http: HttpKind::Request,
        media_params: None,
        prefs: Prefs::default(),
    };
    dissector::dissect_with(&p, Detail::ExpertsOnly)
        .ops
        .ops
        .len()
}

type Job = (&'static str, fn(&[u8]) -> usize);

const JOBS: [Job; 6] = [
    ("reader", reader),
    ("ns_reader", ns_reader),
    ("dom", dom),
    ("parse", parse),
    ("dissect", dissect),
    ("dissect_lean", dissect_lean),
];

fn bench(c: &mut Criterion) {
    for (name, body) in bodies() {
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(body.len() as u64));
        if body.len() > 1 << 20 {
            g.sample_size(10);
        }
        for (job, f) in JOBS {
            g.bench_function(job, |b| b.iter(|| f(black_box(&body))));
        }
        g.finish();
    }
}

criterion_group!(benches, bench);

/// Median time of one call, over enough calls to fill about `budget`.
fn median(f: fn(&[u8]) -> usize, body: &[u8], budget: Duration) -> Duration {
    let t = Instant::now();
    black_box(f(body));
    let once = t.elapsed().max(Duration::from_nanos(100));
    let runs = (budget.as_nanos() / once.as_nanos()).clamp(5, 2_000) as usize;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f(black_box(body)));
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn summary() {
    let quick = std::env::args().any(|a| a == "--quick");
    let budget = Duration::from_millis(if quick { 300 } else { 2_000 });
    println!("\nSummary (median of repeated calls; MB = 10^6 bytes)");
    println!(
        "{:<10} {:>9}  {:<14} {:>9} {:>10} {:>13}",
        "body", "bytes", "job", "MB/s", "vs reader", "vs ns_reader"
    );
    let mut rates = Vec::new();
    for (name, body) in bodies() {
        let mbs: Vec<f64> = JOBS
            .iter()
            .map(|(_, f)| {
                let d = median(*f, &body, budget);
                body.len() as f64 / d.as_secs_f64() / 1e6
            })
            .collect();
        for ((job, _), v) in JOBS.iter().zip(&mbs) {
            println!(
                "{:<10} {:>9}  {:<14} {:>9.1} {:>9.0}% {:>12.0}%",
                name,
                body.len(),
                job,
                v,
                100.0 * v / mbs[0],
                100.0 * v / mbs[1]
            );
        }
        rates.push((name, mbs));
    }
    if let (Some((_, a)), Some((_, b))) = (
        rates.iter().find(|(n, _)| *n == "gpv_5000"),
        rates.iter().find(|(n, _)| *n == "gpv_50000"),
    ) {
        let ratios: Vec<String> = JOBS
            .iter()
            .enumerate()
            .map(|(k, (job, _))| format!("{job} {:.2}", a[k] / b[k]))
            .collect();
        println!(
            "linearity: cost per byte of gpv_50000 / gpv_5000 (1.00 = linear): {}",
            ratios.join(", ")
        );
    }
}

/// `CWMP_BENCH_REPEAT=<body>/<job>/<n>`: runs one job `n` times on one body and exits, for instruction
/// counts under callgrind (`valgrind --tool=callgrind target/release/deps/parser-... --bench`), which
/// criterion's timed loops would blur.
fn repeat(spec: &str) {
    let mut parts = spec.split('/');
    let (Some(body), Some(job), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
        eprintln!("CWMP_BENCH_REPEAT wants <body>/<job>/<n>");
        return;
    };
    let n: usize = n.parse().unwrap_or(1);
    // `inform_<k>` or `gpv_<k>`: the bench's bodies, or others of any size.
    let b = match body.split_once('_') {
        Some(("inform", k)) => sample_inform(7, k.parse().unwrap_or(20)),
        Some(("gpv", k)) => sample_gpv_response(7, k.parse().unwrap_or(3)),
        _ => {
            eprintln!("no body {body}: inform_<k> or gpv_<k>");
            return;
        }
    };
    let Some((_, f)) = JOBS.iter().find(|(name, _)| *name == job) else {
        eprintln!("no job {job}");
        return;
    };
    let mut total = 0;
    for _ in 0..n {
        total += f(black_box(&b));
    }
    println!("{body} ({} bytes) {job} x{n}: {total}", b.len());
}

fn main() {
    if let Ok(spec) = std::env::var("CWMP_BENCH_REPEAT") {
        repeat(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Profiling runs (`--profile-time`) want one benchmark alone.
    if !std::env::args().any(|a| a == "--profile-time") {
        summary();
    }
}
