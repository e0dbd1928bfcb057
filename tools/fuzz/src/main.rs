// SPDX-License-Identifier: GPL-2.0-or-later
//! `cwmp-fuzz`: writes mutated CWMP captures and reads Valgrind reports, for `scripts/fuzz.sh`.
//! Argument parsing is hand-written to keep the tool free of dependencies.
#![forbid(unsafe_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cwmp_capgen::Capture;
use cwmp_fuzz::{framing, mutate, seeds, vgreport, Config, Rng};

const USAGE: &str = "\
usage:
  cwmp-fuzz gen --out DIR [--seed S] [--first I] [--count N] [--plain] [--max-size B]
                [--max-ops K] [SEED.xml ...]
      Writes DIR/<xml|base>-<index>.pcap for each mutant index in I..I+N (defaults 0, 100) and
      appends one line per mutant to DIR/manifest.tsv. Each capture is one TCP connection (its own
      client port) carrying 1-3 POST/response exchanges whose bodies are drawn from the built-in seeds
      and the given files, mutated by the XML-aware mutator (not with --plain, which writes valid
      captures for editcap -E), and framed with valid HTTP (Content-Length recomputed; chunked, gzip,
      segmentation, ports and content types varied). Mutant (S, index) is always the same bytes.
  cwmp-fuzz body --seed S --index I [SEED.xml ...]
      Writes the first request body of mutant (S, I) to standard output.
  cwmp-fuzz leakcap --out FILE [--connections N] [SEED.xml ...]
      One valid capture with N connections (default 500), each carrying every seed once.
  cwmp-fuzz vgreport FILE.xml [--pattern P ...] [--show N]
      Summarises a memcheck XML report: errors; errors with a frame whose object, function or file
      contains a pattern (default: the plugin's, see vgreport::PLUGIN_PATTERNS), split into ours and
      those inside a stock dissector the plugin handed the body to; definitely lost bytes. Exit 0 when the report is
      complete and none is ours, 1 when some are ours, 3 when the report is incomplete.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("cwmp-fuzz: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Options shared by the subcommands.
struct Opts {
    out: Option<PathBuf>,
    seed: u64,
    first: u64,
    count: u64,
    plain: bool,
    cfg: Config,
    files: Vec<PathBuf>,
    patterns: Vec<String>,
    show: usize,
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        out: None,
        seed: 1,
        first: 0,
        count: 100,
        plain: false,
        cfg: Config::default(),
        files: Vec::new(),
        patterns: Vec::new(),
        show: 5,
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        let mut value = || -> Result<String, String> {
            let v = args.get(i).cloned().ok_or(format!("{a} needs a value"))?;
            i += 1;
            Ok(v)
        };
        let num = |v: String| -> Result<u64, String> {
            v.parse().map_err(|_| format!("{a}: '{v}' is not a number"))
        };
        match a {
            "--out" => o.out = Some(PathBuf::from(value()?)),
            "--seed" => o.seed = num(value()?)?,
            "--first" | "--index" => o.first = num(value()?)?,
            "--count" | "--connections" => o.count = num(value()?)?,
            "--plain" => o.plain = true,
            "--max-size" => o.cfg.max_size = num(value()?)? as usize,
            "--max-ops" => o.cfg.max_ops = num(value()?)? as usize,
            "--pattern" => o.patterns.push(value()?),
            "--show" => o.show = num(value()?)? as usize,
            _ if a.starts_with("--") => return Err(format!("unknown option '{a}'")),
            _ => o.files.push(PathBuf::from(a)),
        }
    }
    Ok(o)
}

fn run(args: &[String]) -> Result<u8, String> {
    let (cmd, rest) = args.split_first().ok_or("missing subcommand")?;
    let o = parse(rest)?;
    match cmd.as_str() {
        "gen" => gen(&o).map(|()| 0),
        "body" => body(&o).map(|()| 0),
        "leakcap" => leakcap(&o).map(|()| 0),
        "vgreport" => Ok(vgreport_cmd(&o)),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            Ok(0)
        }
        other => Err(format!("unknown subcommand '{other}'")),
    }
}

/// The seed pool: built-in messages, then the given files (unreadable files are an error).
fn pool(files: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut p = seeds::builtin();
    for f in files {
        let b = fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        p.push((name, b));
    }
    Ok(p)
}

/// The exchanges of mutant `index` and a description of how they were made.
fn mutant(
    o: &Opts,
    pool: &[(String, Vec<u8>)],
    index: u64,
) -> (framing::Exchanges, framing::Framing, String) {
    let mut rng = Rng::for_mutant(o.seed, index);
    let n = rng.range(1, 3);
    let mut exchanges = Vec::with_capacity(n);
    let mut notes = Vec::new();
    for k in 0..n {
        let (qn, q) = &pool[rng.below(pool.len())];
        let (an, a) = &pool[rng.below(pool.len())];
        let donor = &pool[rng.below(pool.len())].1;
        let mut q = q.clone();
        let mut a = if rng.chance(1, 4) {
            Vec::new()
        } else {
            a.clone()
        };
        let mut desc = format!("{qn}/{}", if a.is_empty() { "204" } else { an });
        if !o.plain {
            // The first request is always mutated; the rest often.
            if k == 0 || rng.chance(2, 3) {
                let (m, ops) = mutate::mutate(&mut rng, &q, donor, &o.cfg);
                q = m;
                desc.push_str(&format!(" q{ops:?}"));
            }
            if !a.is_empty() && rng.chance(1, 2) {
                let (m, ops) = mutate::mutate(&mut rng, &a, donor, &o.cfg);
                a = m;
                desc.push_str(&format!(" a{ops:?}"));
            }
        }
        notes.push(desc);
        exchanges.push((q, a));
    }
    let longest = exchanges
        .iter()
        .map(|(q, a)| q.len().max(a.len()))
        .max()
        .unwrap_or(0);
    let f = framing::random(&mut rng, longest, index);
    let note = format!(
        "{}\tport={} coding={:?} seg={:?} ct={:?} udp={}",
        notes.join("; "),
        f.port,
        f.coding,
        f.segment,
        f.content_type,
        f.udp.is_some()
    );
    (exchanges, f, note)
}

fn gen(o: &Opts) -> Result<(), String> {
    let dir = o.out.as_ref().ok_or("--out is required")?;
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pool = pool(&o.files)?;
    let prefix = if o.plain { "base" } else { "xml" };
    let mut manifest = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("manifest.tsv"))
        .map_err(|e| format!("manifest: {e}"))?;
    for index in o.first..o.first + o.count {
        let (ex, f, note) = mutant(o, &pool, index);
        let cap = framing::capture(index, &ex, &f);
        let path = dir.join(format!("{prefix}-{index:06}.pcap"));
        cap.write(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(manifest, "{prefix}-{index:06}\tseed={}\t{note}", o.seed)
            .map_err(|e| format!("manifest: {e}"))?;
    }
    Ok(())
}

fn body(o: &Opts) -> Result<(), String> {
    let pool = pool(&o.files)?;
    let (ex, _, note) = mutant(o, &pool, o.first);
    eprintln!("{note}");
    std::io::stdout()
        .write_all(&ex[0].0)
        .map_err(|e| e.to_string())
}

fn leakcap(o: &Opts) -> Result<(), String> {
    let out = o.out.as_ref().ok_or("--out is required")?;
    let pool = pool(&o.files)?;
    let mut cap = Capture::new();
    let mut rng = Rng::new(o.seed);
    for index in 0..o.count {
        let ex: Vec<(Vec<u8>, Vec<u8>)> = pool
            .chunks(2)
            .map(|c| {
                (
                    c[0].1.clone(),
                    c.get(1).map(|x| x.1.clone()).unwrap_or_default(),
                )
            })
            .collect();
        let longest = pool.iter().map(|p| p.1.len()).max().unwrap_or(0);
        let mut f = framing::random(&mut rng, longest, index);
        f.udp = None;
        framing::add(&mut cap, index, &ex, &f);
    }
    cap.write(out)
        .map_err(|e| format!("{}: {e}", out.display()))
}

fn vgreport_cmd(o: &Opts) -> u8 {
    let Some(file) = o.files.first() else {
        eprintln!("cwmp-fuzz: vgreport needs a file");
        return 2;
    };
    let xml = match fs::read(file) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("cwmp-fuzz: {}: {e}", file.display());
            return 3;
        }
    };
    let pats: Vec<&str> = if o.patterns.is_empty() {
        vgreport::PLUGIN_PATTERNS.to_vec()
    } else {
        o.patterns.iter().map(String::as_str).collect()
    };
    let r = vgreport::parse(&xml, &pats);
    let lost = |e: &[vgreport::VgError]| vgreport::Report::leaked(e, "Leak_DefinitelyLost");
    println!(
        "complete={} errors={} ours={} handed_on={} definitely_lost_bytes={} ours_definitely_lost_bytes={} handed_on_definitely_lost_bytes={} non_leak_errors={}",
        if r.complete { "yes" } else { "no" },
        r.errors.len(),
        r.ours.len(),
        r.handed_on.len(),
        lost(&r.errors),
        lost(&r.ours),
        lost(&r.handed_on),
        r.errors.iter().filter(|e| !e.kind.starts_with("Leak_")).count(),
    );
    for e in r.handed_on.iter().take(o.show) {
        let inner: Vec<&str> = e.frames.iter().take(8).map(|f| f.1.as_str()).collect();
        println!("HANDED-ON {}: {} [{}]", e.kind, e.what, inner.join(" < "));
    }
    for e in r.ours.iter().take(o.show) {
        println!("OURS {}: {}", e.kind, e.what);
        for (obj, f, file) in e.frames.iter().take(25) {
            let obj = Path::new(obj)
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            println!("    {f} ({obj} {file})");
        }
    }
    if !r.complete {
        3
    } else if !r.ours.is_empty() {
        1
    } else {
        0
    }
}
