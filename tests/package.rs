// SPDX-License-Identifier: GPL-2.0-or-later
//! The Debian package (`scripts/package.sh`): its name, contents and control fields, and the plugin in
//! it loaded by the installed tshark. The package is never installed: it is unpacked into a scratch
//! folder and tshark runs, as an unprivileged user, with `WIRESHARK_PLUGIN_DIR` pointing into it, so
//! the other tests keep comparing against stock tshark.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command and returns its stdout; panics with its stderr when it fails.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn output(program: &str, args: &[&str]) -> String {
    run(Command::new(program).args(args))
}

/// The cargo target folder this test binary was built in (target/, or $CARGO_TARGET_DIR).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.ancestors()
        .nth(3)
        .expect("target/<profile>/deps/<exe>")
        .to_path_buf()
}

fn tshark_bin() -> String {
    std::env::var("CWMP_TSHARK").unwrap_or_else(|_| "tshark".to_owned())
}

/// The Debian package that owns the libwireshark the installed tshark uses, and its version.
fn tshark_libwireshark_package() -> (String, String) {
    let tshark = output("sh", &["-c", &format!("command -v {}", tshark_bin())]);
    let ldd = output("ldd", &[tshark.trim()]);
    let lib = ldd
        .lines()
        .find_map(|l| {
            let (name, rest) = l.trim().split_once(" => ")?;
            name.starts_with("libwireshark.so.")
                .then(|| rest.split(" (").next().unwrap_or(rest).to_owned())
        })
        .expect("tshark links against libwireshark");
    let real = std::fs::canonicalize(&lib).expect("resolve libwireshark");
    let owner = output("dpkg-query", &["-S", &real.to_string_lossy()]);
    let package = owner
        .split(':')
        .next()
        .expect("dpkg-query -S output")
        .to_owned();
    let version = output("dpkg-query", &["-W", "-f", "${Version}", &package]);
    (package, version)
}

/// tshark with the given plugin folder, as `nobody` when the tests run as root (Wireshark ignores
/// `WIRESHARK_PLUGIN_DIR` for root).
fn tshark(plugin_dir: &Path, home: &Path, args: &[&str]) -> String {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]);
        c.arg(tshark_bin());
        c
    } else {
        Command::new(tshark_bin())
    };
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("LANG", "C.UTF-8")
        .env("WIRESHARK_PLUGIN_DIR", plugin_dir)
        .args(args);
    run(&mut cmd)
}

fn section_names(so: &Path) -> Vec<String> {
    output("readelf", &["-S", "-W", &so.to_string_lossy()])
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once(']')?;
            rest.split_whitespace().next().map(str::to_owned)
        })
        .collect()
}

fn build_id(elf: &Path) -> String {
    output("readelf", &["-n", &elf.to_string_lossy()])
        .lines()
        .find_map(|l| l.trim().strip_prefix("Build ID: ").map(str::to_owned))
        .expect("build ID")
}

#[test]
fn package_installs_the_stripped_plugin_and_tshark_loads_it() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = target_dir();
    let printed = run(Command::new(project.join("scripts/package.sh"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(project));
    let deb = PathBuf::from(printed.lines().last().expect("package path").trim());

    // The name says the plugin version and the Wireshark major.minor.
    let (major, minor) = (
        cwmp_dissector::ffi::compat::WS_MAJOR,
        cwmp_dissector::ffi::compat::WS_MINOR,
    );
    let arch = output("dpkg", &["--print-architecture"]);
    let name = format!(
        "cwmp-dissector_{}+ws{major}.{minor}_{}.deb",
        env!("CARGO_PKG_VERSION"),
        arch.trim()
    );
    assert_eq!(deb, target.join("package").join(&name));
    let deb_s = deb.to_string_lossy().into_owned();

    // The library sits in the global plugin folder of this Wireshark, owned by root, not executable.
    let plugindir = output("pkg-config", &["--variable=plugindir", "wireshark"]);
    let plugindir = plugindir.trim();
    assert!(plugindir.ends_with(&format!("/wireshark/plugins/{major}.{minor}")));
    let so_path = format!(".{plugindir}/epan/cwmp.so");
    let listing = output("dpkg", &["-c", &deb_s]);
    let so_line = listing
        .lines()
        .find(|l| l.ends_with(&format!(" {so_path}")))
        .unwrap_or_else(|| panic!("{so_path} not in the package:\n{listing}"));
    assert!(so_line.starts_with("-rw-r--r-- root/root "), "{so_line}");
    assert!(
        listing.contains(" ./usr/share/doc/cwmp-dissector/copyright"),
        "{listing}"
    );

    // Depends names the libwireshark package tshark uses, at least at the version built against.
    let (libpkg, libver) = tshark_libwireshark_package();
    let upstream = libver.rsplit_once('-').map_or(libver.as_str(), |(u, _)| u);
    let info = output("dpkg", &["-I", &deb_s]);
    let depends = info
        .lines()
        .find_map(|l| l.trim().strip_prefix("Depends: "))
        .unwrap_or_else(|| panic!("no Depends:\n{info}"));
    let deps: Vec<&str> = depends.split(", ").collect();
    assert_eq!(deps[0], format!("{libpkg} (>= {upstream})"), "{depends}");
    assert!(deps.iter().any(|d| d.starts_with("libwsutil")), "{depends}");
    let field = |f: &str| output("dpkg-deb", &["-f", &deb_s, f]).trim().to_owned();
    assert_eq!(
        field("Version"),
        format!("{}+ws{major}.{minor}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(field("Architecture"), arch.trim());
    assert!(field("Description").starts_with("CWMP (TR-069) dissector plugin for Wireshark"));

    // Unpacked into a scratch folder, never installed.
    let scratch = std::env::temp_dir().join(format!("cwmp-package-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let tree = scratch.join("root");
    let home = scratch.join("home");
    std::fs::create_dir_all(&home).expect("mkdir home");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&tree));
    let pcap = scratch.join("mikrotik-inform.pcap");
    std::fs::copy(project.join("tests/captures/mikrotik-inform.pcap"), &pcap)
        .expect("copy capture");
    // Readable for the unprivileged tshark, and its home writable (the temporary folder is open).
    run(Command::new("chmod").arg("-R").arg("a+rX").arg(&scratch));
    run(Command::new("chmod").arg("a+w").arg(&home));

    let copyright = std::fs::read_to_string(tree.join("usr/share/doc/cwmp-dissector/copyright"))
        .expect("copyright");
    assert!(copyright.contains("License: GPL-2+"), "{copyright}");
    assert!(copyright.contains("/usr/share/common-licenses/GPL-2"));
    assert!(copyright.contains("quick-xml"));

    // Stripped, with the debug information in the -dbgsym package under the build ID.
    let so = tree.join(&so_path);
    let sections = section_names(&so);
    assert!(
        !sections
            .iter()
            .any(|s| s.starts_with(".debug_") || s == ".symtab"),
        "not stripped: {sections:?}"
    );
    assert!(sections.iter().any(|s| s == ".gnu_debuglink"));
    let id = build_id(&so);
    let dbgsym = deb.with_file_name(name.replacen("cwmp-dissector_", "cwmp-dissector-dbgsym_", 1));
    let dbg_listing = output("dpkg", &["-c", &dbgsym.to_string_lossy()]);
    assert!(
        dbg_listing.contains(&format!(
            " ./usr/lib/debug/.build-id/{}/{}.debug",
            &id[..2],
            &id[2..]
        )),
        "build ID {id} not in the debug package:\n{dbg_listing}"
    );

    // tshark loads the plugin from the unpacked package and decodes the bundled capture.
    let plugins = tree
        .join(plugindir.trim_start_matches('/'))
        .parent()
        .expect("plugins/<major.minor>")
        .to_path_buf();
    let listed = tshark(&plugins, &home, &["-G", "plugins"]);
    let unpacked_so = plugins.join(format!("{major}.{minor}/epan/cwmp.so"));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("cwmp.so") && l.ends_with(&*unpacked_so.to_string_lossy())),
        "{listed}"
    );
    let pcap_s = pcap.to_string_lossy().into_owned();
    let rows = tshark(
        &plugins,
        &home,
        &[
            "-n",
            "-r",
            &pcap_s,
            "-Y",
            "cwmp.method == \"Inform\"",
            "-T",
            "fields",
            "-e",
            "cwmp.method",
            "-e",
            "cwmp.deviceid.oui",
            "-e",
            "cwmp.event_code",
        ],
    );
    assert_eq!(rows, "Inform\tE48D8C\t8 DIAGNOSTICS COMPLETE\n");
    let _ = std::fs::remove_dir_all(&scratch);
}
