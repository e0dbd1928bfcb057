// SPDX-License-Identifier: GPL-2.0-or-later
//! The data model through the real tshark (issue 13): annotations and checks with our own small model
//! files (`tests/fixtures/datamodels/`, written for these tests in the Broadband Forum's XML format),
//! nothing of it without models, and the same checks against the Forum's real models when
//! `CWMP_DATAMODELS` (default `../shared/datamodels`) holds them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A world-readable copy of our own model files (the unprivileged tshark reads them).
fn own_models() -> PathBuf {
    let dir = capture_path("datamodels").with_extension("");
    std::fs::create_dir_all(&dir).expect("mkdir models");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datamodels");
    for e in std::fs::read_dir(&src).expect("fixtures") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy model");
    }
    let _ = Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(&dir)
        .status();
    dir
}

/// The Forum's models, when present.
fn real_models() -> Option<PathBuf> {
    let dir = std::env::var("CWMP_DATAMODELS").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datamodels"),
        PathBuf::from,
    );
    let has = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("tr-181-"));
    has.then_some(dir)
}

fn pv(name: &str, ty: &str, value: &str) -> String {
    format!(
        "<ParameterValueStruct><Name>{name}</Name><Value xsi:type=\"{ty}\">{value}</Value></ParameterValueStruct>"
    )
}

fn list(kind: &str, items: &[String]) -> String {
    format!(
        "<ParameterList soap-enc:arrayType=\"cwmp:{kind}[{}]\">{}</ParameterList>",
        items.len(),
        items.concat()
    )
}

fn inform(params: &[String]) -> Vec<u8> {
    envelope(
        &id_header("1"),
        &format!(
            "<cwmp:Inform><DeviceId><Manufacturer>Acme</Manufacturer><OUI>00D09E</OUI>\
             <ProductClass>GW</ProductClass><SerialNumber>S1</SerialNumber></DeviceId>\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[1]\"><EventStruct><EventCode>2 PERIODIC</EventCode>\
             <CommandKey></CommandKey></EventStruct></Event><MaxEnvelopes>1</MaxEnvelopes>\
             <CurrentTime>2024-05-01T10:00:00Z</CurrentTime><RetryCount>0</RetryCount>{}</cwmp:Inform>",
            list("ParameterValueStruct", params)
        ),
    )
}

const INFORM_RESPONSE: &str =
    "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>";

/// The "Done when" capture of issue 13: a Device:2 CPE, then a SetParameterValues with four
/// mistakes (and one vendor and one made-up name), answered by a fault; a GetParameterValues whose
/// answer discloses the connection-request password.
fn done_when_capture(name: &str) -> PathBuf {
    let ssid40 = "A".repeat(40);
    let spv =
        envelope(
            &id_header("2"),
            &format!(
            "<cwmp:SetParameterValues>{}<ParameterKey>k</ParameterKey></cwmp:SetParameterValues>",
            list(
                "ParameterValueStruct",
                &[
                    pv("Device.DeviceInfo.UpTime", "xsd:unsignedInt", "5"),
                    pv("Device.ManagementServer.PeriodicInformInterval", "xsd:string", "300"),
                    pv("Device.WiFi.Radio.1.ExtensionChannel", "xsd:string", "Sideways"),
                    pv("Device.WiFi.SSID.2.SSID", "xsd:string", &ssid40),
                    pv("Device.Frobnicator.Level", "xsd:unsignedInt", "3"),
                    pv("Device.X_00D09E_Turbo.Enable", "xsd:boolean", "true"),
                ]
            )
        ),
        );
    let fault = envelope(
        &id_header("2"),
        "<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail>\
         <cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>\
         <SetParameterValuesFault><ParameterName>Device.DeviceInfo.UpTime</ParameterName>\
         <FaultCode>9008</FaultCode><FaultString>Not writable</FaultString></SetParameterValuesFault>\
         </cwmp:Fault></detail></soap-env:Fault>",
    );
    let gpv = envelope(
        &id_header("3"),
        "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[1]\">\
         <string>Device.ManagementServer.</string></ParameterNames></cwmp:GetParameterValues>",
    );
    let gpv_response = envelope(
        &id_header("3"),
        &format!(
            "<cwmp:GetParameterValuesResponse>{}</cwmp:GetParameterValuesResponse>",
            list(
                "ParameterValueStruct",
                &[
                    pv(
                        "Device.ManagementServer.ConnectionRequestPassword",
                        "xsd:string",
                        "hunter2"
                    ),
                    pv(
                        "Device.ManagementServer.PeriodicInformEnable",
                        "xsd:boolean",
                        "1"
                    ),
                ]
            )
        ),
    );
    let inform = inform(&[
        pv("Device.RootDataModelVersion", "xsd:string", "2.9"),
        pv("Device.DeviceInfo.UpTime", "xsd:unsignedInt", "42"),
    ]);
    let exchanges = vec![
        (inform, envelope(&id_header("1"), INFORM_RESPONSE)),
        (Vec::new(), spv),
        (fault, gpv),
        (gpv_response, Vec::new()),
    ];
    session_capture(name, &exchanges, &Opts::default())
}

fn models_opt(dir: &Path) -> String {
    format!("cwmp.datamodel_path:{}", dir.display())
}

/// (frame filter → expert messages) of the frames matching `filter`.
fn experts(pcap: &Path, filter: &str, opt: &str) -> Vec<String> {
    fields_opts(pcap, filter, &["_ws.expert.message"], &["-2", "-o", opt])
        .into_iter()
        .flat_map(|r| {
            r.into_iter()
                .flat_map(|c| c.split('|').map(str::to_owned).collect::<Vec<_>>())
        })
        .collect()
}

fn column(pcap: &Path, filter: &str, field: &str, opt: &str) -> Vec<String> {
    fields_opts(pcap, filter, &[field], &["-o", opt])
        .into_iter()
        .flat_map(|r| {
            r.into_iter()
                .flat_map(|c| c.split('|').map(str::to_owned).collect::<Vec<_>>())
        })
        .filter(|s| !s.is_empty())
        .collect()
}

fn count(pcap: &Path, filter: &str, opt: &str) -> usize {
    fields_opts(pcap, filter, &["frame.number"], &["-2", "-o", opt]).len()
}

/// The checks of the issue's "Done when" list on one model folder; returns what it checked.
fn check_done_when(pcap: &Path, dir: &Path, model: &str) -> Vec<String> {
    let opt = models_opt(dir);
    let spv = "cwmp.method == \"SetParameterValues\"";
    let mut checked = Vec::new();

    let access = column(pcap, spv, "cwmp.dm.access", &opt);
    assert_eq!(
        access.first().map(String::as_str),
        Some("readOnly"),
        "{access:?}"
    );
    let types = column(pcap, spv, "cwmp.dm.type", &opt);
    assert_eq!(
        types.first().map(String::as_str),
        Some("unsignedInt"),
        "{types:?}"
    );
    let models = column(pcap, spv, "cwmp.dm.model", &opt);
    assert!(models.iter().all(|m| m.starts_with(model)), "{models:?}");
    let paths = column(pcap, spv, "cwmp.dm.path", &opt);
    assert!(
        paths.contains(&"Device.WiFi.SSID.{i}.SSID".to_owned()),
        "{paths:?}"
    );
    checked.push(format!(
        "UpTime: access readOnly, type unsignedInt, model {}",
        models[0]
    ));

    let ex = experts(pcap, spv, &opt);
    let has = |needle: &str| ex.iter().any(|e| e.contains(needle));
    assert!(has("Device.DeviceInfo.UpTime is readOnly"), "{ex:#?}");
    assert!(has("xsd:string sent for a unsignedInt"), "{ex:#?}");
    assert!(has("\"Sideways\" is not in the enumeration"), "{ex:#?}");
    assert!(has("40 characters"), "{ex:#?}");
    assert!(has("Device.Frobnicator.Level is not defined"), "{ex:#?}");
    assert!(!ex.iter().any(|e| e.contains("X_00D09E_Turbo")), "{ex:#?}");
    for e in [
        "cwmp.expert.dm.read_only",
        "cwmp.expert.dm.type_mismatch",
        "cwmp.expert.dm.bad_value",
        "cwmp.expert.dm.unknown",
    ] {
        assert_eq!(count(pcap, &format!("{spv} && {e}"), &opt), 1, "{e}");
    }
    checked.push(
        "SPV: read_only (UpTime), type_mismatch (PeriodicInformInterval as xsd:string), \
                  bad_value (ExtensionChannel outside its enumeration, 40-character SSID), unknown \
                  (Device.Frobnicator.Level), vendor X_00D09E_Turbo not flagged"
            .to_owned(),
    );

    let fault = experts(pcap, "cwmp.spv_fault", &opt);
    assert!(
        fault
            .iter()
            .any(|e| e.contains("fault 9008 agrees with the model")),
        "{fault:#?}"
    );
    checked.push("SetParameterValuesFault 9008 for UpTime agrees with the model".to_owned());

    let gpv = "cwmp.method == \"GetParameterValuesResponse\"";
    assert_eq!(
        count(
            pcap,
            &format!("{gpv} && cwmp.expert.dm.secret_disclosed"),
            &opt
        ),
        1
    );
    checked.push(
        "GPV response: ConnectionRequestPassword with a value is secret_disclosed".to_owned(),
    );
    checked
}

#[test]
fn done_when_with_our_own_models() {
    let pcap = done_when_capture("dm-own");
    let dir = own_models();
    check_done_when(&pcap, &dir, "Device:2.9");

    let opt = models_opt(&dir);
    // The enumeration value's meaning and the boolean's value are in the annotation's label.
    let v = tshark(&[
        "-n",
        "-r",
        &pcap.to_string_lossy(),
        "-o",
        &opt,
        "-V",
        "-Y",
        "cwmp.method == \"GetParameterValuesResponse\"",
    ]);
    assert!(
        v.contains("[readWrite boolean: Whether periodic sessions are on.] = true"),
        "{v}"
    );
    let v = tshark(&[
        "-n",
        "-r",
        &pcap.to_string_lossy(),
        "-o",
        &opt,
        "-V",
        "-Y",
        "cwmp.method == \"SetParameterValues\"",
    ]);
    assert!(
        v.contains("[readOnly unsignedInt, seconds: Time in seconds since the box last booted.]"),
        "{v}"
    );
}

/// The annotation items are built only when someone reads them (a visible tree, or a `cwmp.dm.*`
/// field referenced); the data-model expert items are the same either way.
#[test]
fn experts_are_the_same_whether_or_not_the_annotation_is_read() {
    let pcap = done_when_capture("dm-read");
    let opt = models_opt(&own_models());
    let filter = "cwmp.parameter.name";
    let unread = fields_opts(
        &pcap,
        filter,
        &["frame.number", "_ws.expert.message"],
        &["-o", &opt],
    );
    let read = fields_opts(
        &pcap,
        filter,
        &["frame.number", "_ws.expert.message", "cwmp.dm.path"],
        &["-o", &opt],
    );
    assert!(!unread.is_empty());
    assert_eq!(unread.len(), read.len());
    for (u, r) in unread.iter().zip(&read) {
        assert_eq!(u.get(..2), r.get(..2), "frame {:?}", u.first());
    }
    let all: Vec<&str> = unread
        .iter()
        .filter_map(|r| r.get(1))
        .map(String::as_str)
        .collect();
    assert!(
        all.iter()
            .any(|e| e.contains("Device.Frobnicator.Level is not defined")),
        "{all:#?}"
    );
    assert!(read.iter().any(|r| r.get(2).is_some_and(|p| !p.is_empty())));
}

#[test]
fn without_models_nothing_appears() {
    let pcap = done_when_capture("dm-none");
    let empty = capture_path("no-models").with_extension("");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let _ = Command::new("chmod").args(["a+rx"]).arg(&empty).status();
    for opt in [models_opt(&empty), "cwmp.xml_tree:TRUE".to_owned()] {
        let rows = fields_opts(
            &pcap,
            "cwmp.dm || cwmp.expert.dm.read_only || cwmp.expert.dm.type_mismatch || \
             cwmp.expert.dm.bad_value || cwmp.expert.dm.unknown || cwmp.expert.dm.deprecated || \
             cwmp.expert.dm.secret_disclosed || cwmp.expert.dm.newer",
            &["frame.number"],
            &["-2", "-o", &opt],
        );
        assert!(rows.is_empty(), "{opt}: {rows:?}");
    }
}

#[test]
fn bad_files_warn_and_the_rest_loads() {
    let pcap = done_when_capture("dm-warn");
    let dir = own_models();
    let p = pcap.to_string_lossy().into_owned();
    let opt = models_opt(&dir);
    let (out, err, ok) = tshark_raw(
        &[
            "-n",
            "-r",
            &p,
            "-o",
            &opt,
            "-T",
            "fields",
            "-e",
            "cwmp.dm.model",
        ],
        true,
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("broken.xml:") && err.contains("not-a-model.xml:"),
        "{err}"
    );
    assert_eq!(
        err.matches("broken.xml").count(),
        1,
        "one warning per file: {err}"
    );
    assert!(out.contains("Device:2.9"), "{out}");
}

#[test]
fn model_versions_and_life_cycle() {
    // A device at 2.4 that reports a 2.12 parameter, a deprecated one, an enumerationRef value the
    // device does not offer, a bad MAC address, and a Device:1 device whose names are not judged.
    let dir = own_models();
    let opt = models_opt(&dir);
    let informs = [inform(&[
        pv("Device.RootDataModelVersion", "xsd:string", "2.4"),
        pv("Device.DeviceInfo.BootCount", "xsd:unsignedInt", "3"),
        pv("Device.DeviceInfo.LegacyCounter", "xsd:unsignedInt", "3"),
        pv(
            "Device.ManagementServer.CompressionsOffered",
            "xsd:string",
            "Gzip",
        ),
        pv(
            "Device.ManagementServer.Compression",
            "xsd:string",
            "Deflate",
        ),
        pv(
            "Device.WiFi.Radio.[cpe-r1].MACAddress",
            "xsd:string",
            "00:11:22:33:44",
        ),
        pv(
            "Device.Services.VoiceService.1.Capabilities.MaxLineCount",
            "xsd:int",
            "-2",
        ),
        pv("Device.Services.STBService.1.Enable", "xsd:boolean", "1"),
    ])];
    let exchanges: Vec<(Vec<u8>, Vec<u8>)> = informs
        .iter()
        .map(|i| (i.clone(), envelope(&id_header("1"), INFORM_RESPONSE)))
        .collect();
    let pcap = session_capture("dm-life", &exchanges, &Opts::default());
    let ex = experts(&pcap, "cwmp.method == \"Inform\"", &opt);
    let has = |needle: &str| ex.iter().any(|e| e.contains(needle));
    assert!(has("Device.DeviceInfo.BootCount was added in Device:2.12, newer than the device's Device:2.4"), "{ex:#?}");
    assert!(
        has("Device.DeviceInfo.LegacyCounter is deprecated since Device:2.3"),
        "{ex:#?}"
    );
    assert!(
        has("\"Deflate\" is not among the values of Device.ManagementServer.CompressionsOffered"),
        "{ex:#?}"
    );
    assert!(
        has("\"00:11:22:33:44\" does not match the pattern"),
        "{ex:#?}"
    );
    assert!(has("-2 is outside the range -1.."), "{ex:#?}");
    assert!(!has("STBService"), "no STBService model is loaded: {ex:#?}");
    let paths = column(&pcap, "cwmp.method == \"Inform\"", "cwmp.dm.path", &opt);
    assert!(
        paths.contains(&"Device.WiFi.Radio.{i}.MACAddress".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"VoiceService.{i}.Capabilities.MaxLineCount".to_owned()),
        "{paths:?}"
    );
    let dts = column(
        &pcap,
        "cwmp.method == \"Inform\"",
        "cwmp.dm.data_type",
        &opt,
    );
    assert_eq!(dts, ["HardwareAddress"]);
    let st = column(&pcap, "cwmp.method == \"Inform\"", "cwmp.dm.status", &opt);
    assert_eq!(st, ["deprecated"]);

    // Device:1 (TR-106): Device.LAN. and Device.DeviceSummary say so; no Device:1 model is loaded.
    let d1 = inform(&[
        pv(
            "Device.DeviceSummary",
            "xsd:string",
            "Device:1.1[](Baseline:1)",
        ),
        pv("Device.LAN.IPAddress", "xsd:string", "192.0.2.1"),
        pv("Device.DeviceInfo.UpTime", "xsd:unsignedInt", "7"),
    ]);
    let pcap = session_capture(
        "dm-device1",
        &[(d1, envelope(&id_header("1"), INFORM_RESPONSE))],
        &Opts::default(),
    );
    assert_eq!(count(&pcap, "cwmp.dm || cwmp.expert.dm.unknown", &opt), 0);
}

#[test]
fn real_models_when_present() {
    let Some(dir) = real_models() else {
        println!("real data models: no folder (set CWMP_DATAMODELS); SKIPPED");
        return;
    };
    // The unprivileged tshark needs to read them: a world-readable copy.
    let copy = capture_path("real-models").with_extension("");
    std::fs::create_dir_all(&copy).expect("mkdir");
    for e in std::fs::read_dir(&dir).expect("models") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "xml") {
            std::fs::copy(&p, copy.join(p.file_name().expect("name"))).expect("copy");
        }
    }
    let _ = Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(&copy)
        .status();
    let pcap = done_when_capture("dm-real");
    let checked = check_done_when(&pcap, &copy, "Device:2.");
    println!("real data models from {}:", dir.display());
    for c in checked {
        println!("  checked: {c}");
    }
}
