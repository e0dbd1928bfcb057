// SPDX-License-Identifier: GPL-2.0-or-later
//! `cwmp-capgen`: writes CWMP captures from the shell, for test scripts and
//! for producing sample files by hand. Argument parsing is hand-written to
//! keep the tool free of dependencies beyond the library's.

#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use std::{env, fs};

use cwmp_capgen::{Capture, Coding, Request, Response, Session};

const USAGE: &str = "\
usage: cwmp-capgen exchange --out FILE.pcap [options]
       cwmp-capgen bulk --out FILE.pcap --size SIZE [bulk options]

Writes one TCP connection from the CPE (192.0.2.10:50000 or [2001:db8::10]:50000)
to the ACS (198.51.100.1 or [2001:db8::1]) in which the i-th request is a POST to
/cwmp carrying the i-th --req-body and the i-th response carries the i-th
--resp-body. An empty request body gives an empty POST (Content-Length: 0); an
empty or missing response body gives 'HTTP/1.1 204 No Content'.

options:
  --out FILE            output pcap file (required)
  --port N              ACS TCP port (default 7547)
  --ipv6                use IPv6 addresses
  --segment N           split every HTTP message into TCP segments of at most
                        N bytes (default 1460)
  --coding C            framing of non-empty bodies: identity, chunked, gzip or
                        gzip-chunked (default identity)
  --chunk N             chunk size for chunked codings (default 512)
  --content-type S      Content-Type of non-empty bodies
                        (default 'text/xml; charset=\"utf-8\"')
  --delay-ms N          gap between request and response and between
                        exchanges, in milliseconds (default 10)
  --req-header 'N: V'   extra header on every request (repeatable)
  --resp-header 'N: V'  extra header on every response (repeatable)
  --req-body FILE...    request bodies, in order (repeatable)
  --resp-body FILE...   response bodies, in order (repeatable)

bulk: a large, realistic capture for benchmarks: thousands of complete CWMP
sessions (Inform, InformResponse, empty POST, GetParameterValues,
SetParameterValues, GetParameterNames, AddObject, Reboot, Download,
GetRPCMethods, faults, 204) from a fleet of CPEs over many interleaved TCP
connections; some bodies chunked and/or gzip; a few GetParameterValuesResponses
with 10,000+ parameters. The same seed and size always give the same file.
'--profile dense' makes every session the same CWMP-dense exchange: Inform
(20 parameters), InformResponse, empty POST, GetParameterValues (1-3
names), GetParameterValuesResponse, 204; plain Content-Length bodies, no
faults, no huge responses (11MB: about 1,350 sessions, 27,000 packets).

bulk options:
  --out FILE            output pcap file (required; streamed, any size)
  --profile P           mixed (the default, described above) or dense
  --size SIZE           approximate file size: 10MB, 100MB, 1GB, 512MiB, ...
                        (required; open sessions are completed, so the file
                        ends slightly larger)
  --seed N              seed of every random choice (default 1)
  --concurrency N       sessions open at the same time (default 24)
  --huge-every SIZE     one huge GetParameterValuesResponse per SIZE of
                        capture (default 25MB; the first half-way through;
                        mixed profile only)
  --huge-params LO-HI   parameters in a huge response (default 10000-20000;
                        mixed profile only)
  --fleet N             number of distinct CPEs (default 20000)
";

/// Options of the `exchange` subcommand.
struct Exchange {
    out: PathBuf,
    port: u16,
    ipv6: bool,
    segment: Option<usize>,
    coding: Coding,
    chunk: usize,
    content_type: String,
    delay: Duration,
    req_headers: Vec<(String, String)>,
    resp_headers: Vec<(String, String)>,
    req_bodies: Vec<PathBuf>,
    resp_bodies: Vec<PathBuf>,
}

/// Why the tool failed; usage errors also print the usage text.
enum Failure {
    Usage(String),
    Run(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("cwmp-capgen: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Run(msg)) => {
            eprintln!("cwmp-capgen: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        Some("exchange") => {
            let opts = parse_exchange(&args[1..])?;
            exchange(&opts)
        }
        Some("bulk") => bulk(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!("unknown subcommand '{other}'"))),
        None => Err(Failure::Usage("missing subcommand".into())),
    }
}

fn parse_exchange(args: &[String]) -> Result<Exchange, Failure> {
    let usage = |m: String| Failure::Usage(m);
    let mut o = Exchange {
        out: PathBuf::new(),
        port: 7547,
        ipv6: false,
        segment: None,
        coding: Coding::Identity,
        chunk: 512,
        content_type: "text/xml; charset=\"utf-8\"".into(),
        delay: Duration::from_millis(10),
        req_headers: Vec::new(),
        resp_headers: Vec::new(),
        req_bodies: Vec::new(),
        resp_bodies: Vec::new(),
    };
    let mut coding = "identity".to_string();
    let mut out = None;
    let mut i = 0;
    while i < args.len() {
        // Accept both "--opt value" and "--opt=value".
        let (name, inline) = match args[i].split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (args[i].as_str(), None),
        };
        i += 1;
        let mut value = || -> Result<String, Failure> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = args
                .get(i)
                .ok_or_else(|| usage(format!("{name} needs a value")))?;
            i += 1;
            Ok(v.clone())
        };
        match name {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--port" => o.port = number(name, &value()?)?,
            "--ipv6" => o.ipv6 = true,
            "--segment" => o.segment = Some(positive(name, &value()?)?),
            "--coding" => coding = value()?,
            "--chunk" => o.chunk = positive(name, &value()?)?,
            "--content-type" => o.content_type = value()?,
            "--delay-ms" => o.delay = Duration::from_millis(number(name, &value()?)?),
            "--req-header" => o.req_headers.push(header(&value()?)?),
            "--resp-header" => o.resp_headers.push(header(&value()?)?),
            "--req-body" | "--resp-body" => {
                let mut files = vec![PathBuf::from(value()?)];
                // Further non-option arguments are more bodies, so a shell
                // glob like `--req-body msgs/*.xml` works.
                if inline.is_none() {
                    while let Some(next) = args.get(i).filter(|a| !a.starts_with("--")) {
                        files.push(PathBuf::from(next));
                        i += 1;
                    }
                }
                if name == "--req-body" {
                    o.req_bodies.extend(files);
                } else {
                    o.resp_bodies.extend(files);
                }
            }
            "-h" | "--help" => return Err(usage("help requested".into())),
            _ => return Err(usage(format!("unknown option '{}'", args[i - 1]))),
        }
    }
    o.out = out.ok_or_else(|| usage("--out is required".into()))?;
    o.coding = match coding.as_str() {
        "identity" => Coding::Identity,
        "chunked" => Coding::Chunked { chunk: o.chunk },
        "gzip" => Coding::Gzip,
        "gzip-chunked" => Coding::GzipChunked { chunk: o.chunk },
        other => return Err(usage(format!("unknown coding '{other}'"))),
    };
    if o.req_bodies.is_empty() {
        return Err(usage("at least one --req-body is required".into()));
    }
    if o.resp_bodies.len() > o.req_bodies.len() {
        return Err(usage(format!(
            "{} response bodies but only {} requests",
            o.resp_bodies.len(),
            o.req_bodies.len()
        )));
    }
    Ok(o)
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, Failure> {
    v.parse()
        .map_err(|_| Failure::Usage(format!("{name}: '{v}' is not a valid number")))
}

fn positive(name: &str, v: &str) -> Result<usize, Failure> {
    match number(name, v)? {
        0 => Err(Failure::Usage(format!("{name} must be at least 1"))),
        n => Ok(n),
    }
}

fn header(v: &str) -> Result<(String, String), Failure> {
    let (n, val) = v
        .split_once(':')
        .ok_or_else(|| Failure::Usage(format!("header '{v}' is not 'Name: value'")))?;
    Ok((n.trim().to_string(), val.trim_start().to_string()))
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    fs::read(path).map_err(|e| Failure::Run(format!("{}: {e}", path.display())))
}

fn exchange(o: &Exchange) -> Result<(), Failure> {
    let (cpe, acs): (IpAddr, IpAddr) = if o.ipv6 {
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10).into(),
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1).into(),
        )
    } else {
        (
            Ipv4Addr::new(192, 0, 2, 10).into(),
            Ipv4Addr::new(198, 51, 100, 1).into(),
        )
    };
    let client = SocketAddr::new(cpe, 50000);
    let server = SocketAddr::new(acs, o.port);
    let host = server.to_string();

    let mut exchanges = Vec::with_capacity(o.req_bodies.len());
    for (i, req_path) in o.req_bodies.iter().enumerate() {
        let body = read(req_path)?;
        let mut req = Request::post("/cwmp").header("Host", host.as_str()).header(
            "User-Agent",
            concat!("cwmp-capgen/", env!("CARGO_PKG_VERSION")),
        );
        if !body.is_empty() {
            req = req
                .header("Content-Type", o.content_type.as_str())
                .body(body)
                .coding(o.coding);
        }
        for (n, v) in &o.req_headers {
            req = req.header(n.as_str(), v.as_str());
        }

        let body = match o.resp_bodies.get(i) {
            Some(p) => read(p)?,
            None => Vec::new(),
        };
        let mut resp = if body.is_empty() {
            Response::no_content()
        } else {
            Response::new(200, "OK")
                .header("Content-Type", o.content_type.as_str())
                .body(body)
                .coding(o.coding)
        };
        for (n, v) in &o.resp_headers {
            resp = resp.header(n.as_str(), v.as_str());
        }
        exchanges.push((req, resp));
    }

    let mut cap = Capture::new();
    let mut flow = cap.tcp_flow(client, server);
    let mut session = Session::new().delay(o.delay);
    if let Some(n) = o.segment {
        if n > cwmp_capgen::MAX_MSS {
            return Err(Failure::Usage(format!(
                "--segment must be at most {}",
                cwmp_capgen::MAX_MSS
            )));
        }
        session = session.segment(n);
    }
    session.run(&mut cap, &mut flow, &exchanges);
    cap.advance(o.delay);
    cap.close(&mut flow);
    cap.write(&o.out)
        .map_err(|e| Failure::Run(format!("{}: {e}", o.out.display())))
}

fn bulk(args: &[String]) -> Result<(), Failure> {
    use cwmp_capgen::bulk::{parse_size, write_bulk, BulkConfig, Profile};
    let usage = |m: String| Failure::Usage(m);
    let size = |name: &str, v: &str| {
        parse_size(v).ok_or_else(|| usage(format!("{name}: '{v}' is not a size")))
    };
    let mut cfg = BulkConfig::default();
    let mut out = None;
    let mut target = None;
    let mut i = 0;
    while i < args.len() {
        let (name, inline) = match args[i].split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (args[i].as_str(), None),
        };
        i += 1;
        let mut value = || -> Result<String, Failure> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = args
                .get(i)
                .ok_or_else(|| usage(format!("{name} needs a value")))?;
            i += 1;
            Ok(v.clone())
        };
        match name {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--profile" => {
                let v = value()?;
                cfg.profile = Profile::from_name(&v)
                    .ok_or_else(|| usage(format!("{name}: unknown profile '{v}'")))?
            }
            "--size" => target = Some(size(name, &value()?)?),
            "--seed" => cfg.seed = number(name, &value()?)?,
            "--concurrency" => cfg.concurrency = positive(name, &value()?)?,
            "--huge-every" => cfg.huge_every = size(name, &value()?)?,
            "--huge-params" => {
                let v = value()?;
                let (lo, hi) = v.split_once('-').unwrap_or((&v, &v));
                let (lo, hi) = (positive(name, lo)?, positive(name, hi)?);
                if lo > hi {
                    return Err(usage(format!("{name}: {lo} is above {hi}")));
                }
                cfg.huge_params = (lo, hi);
            }
            "--fleet" => {
                cfg.fleet = u32::try_from(positive(name, &value()?)?)
                    .map_err(|_| usage(format!("{name} is too large")))?
            }
            "-h" | "--help" => return Err(usage("help requested".into())),
            _ => return Err(usage(format!("unknown option '{}'", args[i - 1]))),
        }
    }
    let out = out.ok_or_else(|| usage("--out is required".into()))?;
    cfg.target_bytes = target.ok_or_else(|| usage("--size is required".into()))?;
    let fail = |e: std::io::Error| Failure::Run(format!("{}: {e}", out.display()));
    let file = fs::File::create(&out).map_err(fail)?;
    let stats = write_bulk(&cfg, std::io::BufWriter::with_capacity(1 << 20, file)).map_err(fail)?;
    eprintln!(
        "{}: {} bytes, {} packets, {} sessions, {} HTTP messages, {} CWMP bodies \
         ({} chunked, {} gzip), {} faults, {} huge GetParameterValuesResponses, \
         {} parameters in GetParameterValuesResponses",
        out.display(),
        stats.bytes,
        stats.packets,
        stats.sessions,
        stats.messages,
        stats.bodies,
        stats.chunked,
        stats.gzip,
        stats.faults,
        stats.huge,
        stats.gpv_params
    );
    Ok(())
}
