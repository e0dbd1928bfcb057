// SPDX-License-Identifier: GPL-2.0-or-later
//! Property tests of the pure data-model layer (`datamodel`, `dmcheck`): whatever the model files and
//! whatever the names and values in a message, nothing panics, lookups agree with the model, and the
//! annotations leave the rest of the message as it was.
//!
//! - Model files: arbitrary bytes, XML-ish token soup and mutations of our own small model
//!   (`tests/fixtures/datamodels/test-device-2.xml`) load into a catalog or a warning, never a panic.
//! - Names: every path of a model is found again through any instance numbers or aliases; vendor
//!   (`X_`) names are never judged; normalising is idempotent.
//! - Values: `check_value` never panics on any syntax of the model and any text.
//! - Messages: annotating hostile CWMP bodies (the fuzzer's mutations of a SetParameterValues that
//!   names the model's parameters) never panics, and with an empty catalog changes nothing.

use std::path::Path;

use cwmp_dissector::cwmp::{self, Options};
use cwmp_dissector::datamodel::{self, check, Catalog, LoadLimits, Scratch};
use cwmp_dissector::dmcheck::{self, DeviceView};
use cwmp_fuzz::mutate::{mutate, Config};
use cwmp_fuzz::Rng;
use proptest::prelude::*;

const MODEL: &str = include_str!("fixtures/datamodels/test-device-2.xml");

fn catalog() -> Catalog {
    let c = Catalog::from_xml("test-device-2.xml", MODEL, &LoadLimits::default());
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    c
}

fn spv(names: &[(&str, &str)]) -> Vec<u8> {
    let items: String = names
        .iter()
        .map(|(n, v)| {
            format!(
                "<ParameterValueStruct><Name>{n}</Name><Value xsi:type=\"xsd:string\">{v}</Value></ParameterValueStruct>"
            )
        })
        .collect();
    format!(
        "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">\
         <soap-env:Header><cwmp:ID soap-env:mustUnderstand=\"1\">1</cwmp:ID></soap-env:Header><soap-env:Body>\
         <cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[{}]\">{items}\
         </ParameterList><ParameterKey>k</ParameterKey></cwmp:SetParameterValues></soap-env:Body></soap-env:Envelope>",
        names.len()
    )
    .into_bytes()
}

#[test]
fn every_path_is_found_through_instances_and_aliases() {
    let cat = catalog();
    let mut scratch = Scratch::new();
    for m in &cat.models {
        for p in m.paths() {
            for inst in ["1", "42", "[cpe-1]"] {
                let concrete = p.replace("{i}", inst);
                let f = Catalog::lookup_in(m, &concrete, &mut scratch);
                assert!(f.is_some(), "{concrete}");
                assert_eq!(scratch.path(), p);
            }
        }
    }
}

#[test]
fn the_fixture_model_reads_as_written() {
    let cat = catalog();
    let m = cat.model("Device", 2).expect("Device:2");
    assert_eq!(&*m.name, "Device:2.9");
    let up = m.get("Device.DeviceInfo.UpTime").expect("UpTime");
    assert_eq!(up.access, datamodel::Access::ReadOnly);
    assert_eq!(
        &*up.label,
        "readOnly unsignedInt, seconds: Time in seconds since the box last booted."
    );
    let mac = m.get("Device.WiFi.Radio.{i}.MACAddress").expect("MAC");
    let s = mac.syntax.as_ref().expect("syntax");
    assert_eq!(s.data_type.as_deref(), Some("HardwareAddress"));
    assert_eq!(s.max_len, Some(17));
    assert!(check::check_value(s, "00:11:22:33:44:55").is_none());
    assert!(check::check_value(s, "").is_none());
    assert!(check::check_value(s, "00-11-22-33-44-55").is_some());
    let legacy = m.get("Device.DeviceInfo.LegacyCounter").expect("legacy");
    assert_eq!(legacy.status, datamodel::Status::Deprecated);
    assert_eq!(legacy.status_since, Some((2, 3)));
    assert_eq!(
        m.get("Device.DeviceInfo.BootCount").and_then(|i| i.version),
        Some((2, 12))
    );
    // Profiles are not definitions.
    assert!(m.paths().all(|p| !p.contains("Baseline")));
}

#[test]
fn relative_references_resolve() {
    use datamodel::resolve_relative as r;
    assert_eq!(r("Device.A.B", "C"), "Device.A.C");
    assert_eq!(r("Device.A.{i}.B.X", "#.Y"), "Device.A.{i}.Y");
    assert_eq!(r("Device.A.3.X", "#.Y"), "Device.Y");
    assert_eq!(r("Device.A.B.X", ".C.D"), "Device.C.D");
    assert_eq!(r("VoiceService.1.A.X", ".B"), "VoiceService.1.B");
}

#[test]
fn newest_definition_wins() {
    let newer = MODEL.replace("Device:2.9", "Device:2.10").replace(
        "Time in {{units}} since the box last booted.",
        "Newer text.",
    );
    let mut files = Vec::new();
    let dir = std::env::temp_dir().join(format!("cwmp-dm-prop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (n, t) in [("a.xml", newer.as_str()), ("b.xml", MODEL)] {
        let p = dir.join(n);
        std::fs::write(&p, t).expect("write");
        files.push(p);
    }
    let cat = Catalog::load_files(&files, &LoadLimits::default());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(cat.models.len(), 1);
    let m = &cat.models[0];
    assert_eq!(&*m.name, "Device:2.10");
    assert_eq!(
        &*m.get("Device.DeviceInfo.UpTime")
            .expect("UpTime")
            .description,
        "Newer text."
    );
}

#[test]
fn a_huge_file_stays_within_bounds() {
    let limits = LoadLimits {
        max_items: 50,
        ..LoadLimits::default()
    };
    let mut objects = String::new();
    for i in 0..200 {
        objects.push_str(&format!(
            "<object name=\"Device.O{i}.\" access=\"readOnly\"><parameter name=\"P\" access=\"readOnly\"><syntax><string/></syntax></parameter></object>"
        ));
    }
    let xml = format!(
        "<dm:document xmlns:dm=\"x\"><model name=\"Device:2.1\">{objects}</model></dm:document>"
    );
    let cat = Catalog::from_xml("huge.xml", &xml, &limits);
    assert!(cat.models.is_empty());
    assert_eq!(cat.warnings.len(), 1, "{:?}", cat.warnings);
    assert!(cat.warnings[0]
        .to_string()
        .starts_with("huge.xml:1: more than 50"));
    let deep = format!("<document>{}</document>", "<a>".repeat(500));
    let cat = Catalog::from_xml("deep.xml", &deep, &LoadLimits::default());
    assert!(cat.models.is_empty() && cat.warnings.len() == 1);
    let _ = Path::new("unused");
}

#[test]
fn no_models_change_nothing() {
    let body = spv(&[("Device.DeviceInfo.UpTime", "5"), ("Device.Nope", "1")]);
    let plain = cwmp::parse(&body, &Options::default());
    let mut msg = plain.clone();
    dmcheck::annotate(
        &mut msg,
        &Catalog::default(),
        &mut DeviceView::default(),
        true,
    );
    assert_eq!(msg, plain);
}

fn token_soup() -> impl Strategy<Value = String> {
    let tok = prop_oneof![
        Just("<document>".to_owned()),
        Just("</document>".to_owned()),
        Just("<model name=\"Device:2.1\">".to_owned()),
        Just("<model name=\":\">".to_owned()),
        Just("</model>".to_owned()),
        Just("<object name=\"Device.A.{i}.\" access=\"readWrite\">".to_owned()),
        Just("</object>".to_owned()),
        Just("<parameter name=\"P\" access=\"readOnly\" version=\"9.9\">".to_owned()),
        Just("</parameter>".to_owned()),
        Just("<syntax hidden=\"true\">".to_owned()),
        Just("</syntax>".to_owned()),
        Just("<dataType name=\"T\" base=\"T\"><size maxLength=\"x\"/></dataType>".to_owned()),
        Just("<dataType ref=\"T\"/>".to_owned()),
        Just("<list maxItems=\"-1\"><size maxLength=\"3\"/></list>".to_owned()),
        Just("<string>".to_owned()),
        Just("</string>".to_owned()),
        Just("<enumeration value=\"A\"/>".to_owned()),
        Just("<enumerationRef targetParam=\"###.Q\"/>".to_owned()),
        Just("<range minInclusive=\"5\" maxInclusive=\"1\" step=\"0\"/>".to_owned()),
        Just("<pattern value=\"[\"/>".to_owned()),
        Just("<pattern value=\"(a|b\"/>".to_owned()),
        Just("<units value=\"s\"/>".to_owned()),
        Just("<description>{{param}} {{enum|{{x}} '''b''' {{units}}</description>".to_owned()),
        Just("<profile name=\"B:1\">".to_owned()),
        Just("</profile>".to_owned()),
        "[ -~]{0,12}".prop_map(|s| s),
        Just("&amp;&#x41;&bogus;".to_owned()),
    ];
    prop::collection::vec(tok, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_load_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let text = String::from_utf8_lossy(&bytes);
        let cat = Catalog::from_xml("any.xml", &text, &LoadLimits::default());
        prop_assert!(cat.models.len() + cat.warnings.len() <= 2);
    }

    #[test]
    fn token_soup_loads_and_checks_without_panic(xml in token_soup(), value in ".{0,40}") {
        let cat = Catalog::from_xml("soup.xml", &xml, &LoadLimits::default());
        let mut scratch = Scratch::new();
        for m in &cat.models {
            let paths: Vec<String> = m.paths().map(str::to_owned).collect();
            for p in paths {
                let item = Catalog::lookup_in(m, &p, &mut scratch).map(|f| f.item);
                prop_assert!(item.is_some());
                if let Some(s) = item.and_then(|i| i.syntax.as_ref()) {
                    let _ = check::check_value(s, &value);
                }
            }
        }
    }

    #[test]
    fn mutated_model_files_load_without_panic(seed in any::<u64>(), rounds in 1usize..6) {
        let mut rng = Rng::new(seed);
        let mut xml = MODEL.as_bytes().to_vec();
        for _ in 0..rounds {
            xml = mutate(&mut rng, &xml, MODEL.as_bytes(), &Config::default()).0;
        }
        let text = String::from_utf8_lossy(&xml);
        let _ = Catalog::from_xml("mutated.xml", &text, &LoadLimits::default());
    }

    #[test]
    fn names_normalise_idempotently(segs in prop::collection::vec(prop_oneof![
        "[A-Za-z]{1,8}", "[0-9]{1,4}", Just("[cpe-1]".to_owned()), Just("X_ABC_Y".to_owned()), Just(String::new())
    ], 0..8), partial in any::<bool>()) {
        let mut name = segs.join(".");
        if partial { name.push('.'); }
        let once = datamodel::normalise(&name);
        prop_assert_eq!(datamodel::normalise(&once), once.clone());
        prop_assert_eq!(once.ends_with('.'), name.ends_with('.'));
        prop_assert_eq!(datamodel::is_vendor(&name), name.split('.').any(|s| s.starts_with("X_")));
    }

    #[test]
    fn one_pass_name_scans_agree_with_the_plain_definitions(segs in prop::collection::vec(prop_oneof![
        "[A-Za-z]{1,8}", "[0-9]{1,4}", "\\[[a-z0-9-]{0,4}\\]?", Just("X_ABC_Y".to_owned()), Just("X".to_owned()),
        Just("Services".to_owned()), Just("VoiceService".to_owned()), Just(String::new()), "[ -~]{0,6}"
    ], 0..9), partial in any::<bool>()) {
        let mut name = segs.join(".");
        if partial { name.push('.'); }
        prop_assert_eq!(datamodel::normalise(&name), reference::normalise(&name));
        prop_assert_eq!(datamodel::is_vendor(&name), reference::is_vendor(&name));
        prop_assert_eq!(datamodel::route(&name), reference::route(&name));
        let shape = datamodel::Shape::of(&name);
        prop_assert_eq!(shape.voice_service, name.find(".VoiceService."));
        prop_assert_eq!(shape.services, name.find(".Services."));
        let mut scratch = Scratch::new();
        let routed = datamodel::route_into(&name, &mut scratch);
        prop_assert_eq!(routed.map(|(_, r)| r), reference::route(&name));
        if let Some((_, r)) = routed {
            prop_assert_eq!(scratch.path(), reference::normalise(r.rel));
        }
    }

    #[test]
    fn hostile_messages_annotate_without_panic(seed in any::<u64>(), rounds in 1usize..5, full in any::<bool>()) {
        let cat = catalog();
        let mut rng = Rng::new(seed);
        let mut body = spv(&[
            ("Device.DeviceInfo.UpTime", "5"),
            ("Device.WiFi.SSID.[a].SSID", "x"),
            ("Device.WiFi.Radio.1.MACAddress", "zz"),
            ("Device.ManagementServer.Compression", "Gzip"),
            ("Device.X_1_Y.Z", "1"),
            ("Device.Services.VoiceService.2.Enable", "maybe"),
        ]);
        let donor = body.clone();
        for _ in 0..rounds {
            body = mutate(&mut rng, &body, &donor, &Config::default()).0;
        }
        let mut msg = cwmp::parse(&body, &Options::default());
        let mut dev = DeviceView::default();
        dmcheck::annotate(&mut msg, &cat, &mut dev, full);
        let mut ops = cwmp_dissector::tree::TreeOps::new(u32::try_from(body.len()).unwrap_or(u32::MAX));
        cwmp_dissector::tree::render(&msg, u32::try_from(body.len()).unwrap_or(u32::MAX), "x", &mut ops);
        prop_assert!(ops.max_depth < 100);
    }
}

/// The plain definitions the one-pass scans of `datamodel` must agree with (TR-106 3.6 instance
/// numbers, TR-069 alias-based addressing, vendor `X_` segments, services below `.Services.`).
mod reference {
    use cwmp_dissector::datamodel::Route;

    fn is_instance(seg: &str) -> bool {
        (!seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()))
            || (seg.len() >= 2 && seg.starts_with('[') && seg.ends_with(']'))
    }

    pub fn normalise(name: &str) -> String {
        name.split('.')
            .map(|seg| if is_instance(seg) { "{i}" } else { seg })
            .collect::<Vec<_>>()
            .join(".")
    }

    pub fn is_vendor(name: &str) -> bool {
        name.split('.').any(|s| s.starts_with("X_"))
    }

    pub fn route(name: &str) -> Option<Route<'_>> {
        let first = &name[..name.find('.').unwrap_or(name.len())];
        if first.is_empty() {
            return None;
        }
        if let Some(pos) = name.find(".Services.") {
            let rel = &name[pos + ".Services.".len()..];
            if let Some(dot) = rel.find('.') {
                return Some(Route {
                    root: &rel[..dot],
                    service: true,
                    rel,
                });
            }
        }
        Some(Route {
            root: first,
            service: false,
            rel: name,
        })
    }
}
