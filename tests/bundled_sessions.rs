// SPDX-License-Identifier: GPL-2.0-or-later
//! The bundled session capture, `tests/captures/cwmp-sessions.pcap`: the sample analysts open first and
//! the capture `docs/cookbook.md` and `docs/screenshots/` are made from. Built here from the capture
//! generator, so its bytes are reproducible; `CWMP_REGENERATE=1 cargo test --release --test
//! bundled_sessions` rewrites it after a deliberate change.
//!
//! Three CPEs talk to one ACS (198.51.100.1:7547) over eight CWMP sessions, each on its own TCP
//! connection, spread over about three minutes:
//!
//! | # | time   | CPE (serial)            | story |
//! |---|--------|-------------------------|-------|
//! | 1 | 0 s    | GW100 `GW100A0001`      | Inform [0 BOOTSTRAP, 1 BOOT] challenged with 401, retried with Digest credentials; GetParameterValues; SetParameterValues key `prov-1` (Status 0) |
//! | 2 | 2 s    | GW100 `GW100A0002`      | Inform [2 PERIODIC]; GetParameterValues answered after 4.5 s; SetParameterValues key `wifi-7` answered by Fault 9003 with two SetParameterValuesFault entries (9007, 9008) |
//! | 3 | 12 s   | ONT-7 `NW7-550017`      | Inform [2 PERIODIC] (cwmp-1-0, TR-098 names); Download `fw-2024-05` of a firmware image with Username/Password; DownloadResponse Status 1 |
//! | – | 20 s   | ACS → GW100A0001:7547   | TCP connection request: GET answered 401, GET with Digest answered 204 |
//! | 4 | 20.3 s | GW100 `GW100A0001`      | Inform [6 CONNECTION REQUEST]; Reboot `reboot-1`; RebootResponse |
//! | 5 | 40 s   | GW100 `GW100A0002`      | Inform [2 PERIODIC]; Download `fw-gw100-2.2` with credentials; GetParameterNames never answered (the CPE sends an empty POST instead) |
//! | 6 | 55 s   | GW100 `GW100A0001`      | Inform [1 BOOT, M Reboot] (CommandKey `reboot-1`) |
//! | 7 | 110 s  | ONT-7 `NW7-550017`      | Inform [1 BOOT, 7 TRANSFER COMPLETE, M Download]; TransferComplete `fw-2024-05` FaultCode 0; GetParameterValues shows the new SoftwareVersion 3.1.0 |
//! | 8 | 170 s  | GW100 `GW100A0002`      | Inform [7 TRANSFER COMPLETE, M Download]; TransferComplete `fw-gw100-2.2` FaultCode 9017 |
//!
//! Every session but the first opens with Inform/InformResponse, the CPE hands over with an empty POST,
//! and the ACS ends with `204 No Content`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use cwmp_capgen::{Capture, Dir, Flow, Request, Response, DEFAULT_START};

const ACS_ADDR: &str = "198.51.100.1:7547";
const CT: &str = "text/xml; charset=\"utf-8\"";

/// A CPE of the capture.
struct Cpe {
    ip: &'static str,
    manufacturer: &'static str,
    oui: &'static str,
    product_class: &'static str,
    serial: &'static str,
    user_agent: &'static str,
    /// `urn:dslforum-org:cwmp-1-N` version and data model root (`Device` or `InternetGatewayDevice`).
    ns: &'static str,
    root: &'static str,
}

const GW1: Cpe = Cpe {
    ip: "192.0.2.10",
    manufacturer: "Acme Networks",
    oui: "00AB12",
    product_class: "GW100",
    serial: "GW100A0001",
    user_agent: "Acme-GW100/2.1.0 CWMP",
    ns: "1-2",
    root: "Device",
};

const GW2: Cpe = Cpe {
    serial: "GW100A0002",
    ip: "192.0.2.11",
    ..GW1
};

const ONT: Cpe = Cpe {
    ip: "192.0.2.12",
    manufacturer: "Northwind",
    oui: "A0B1C2",
    product_class: "ONT-7",
    serial: "NW7-550017",
    user_agent: "Northwind ONT-7 TR-069 client",
    ns: "1-0",
    root: "InternetGatewayDevice",
};

fn envelope(cpe: &Cpe, id: &str, body: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:cwmp=\"urn:dslforum-org:cwmp-{ns}\">\n\
         <soap-env:Header>\n<cwmp:ID soap-env:mustUnderstand=\"1\">{id}</cwmp:ID>\n</soap-env:Header>\n\
         <soap-env:Body>\n{body}\n</soap-env:Body>\n</soap-env:Envelope>\n",
        ns = cpe.ns
    )
    .into_bytes()
}

/// A list of `ParameterValueStruct`s with their xsi:types.
fn param_list(params: &[(&str, &str, &str)]) -> String {
    let items: String = params
        .iter()
        .map(|(n, t, v)| {
            format!(
                "<ParameterValueStruct><Name>{n}</Name><Value xsi:type=\"xsd:{t}\">{v}</Value></ParameterValueStruct>\n"
            )
        })
        .collect();
    format!(
        "<ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[{}]\">\n{items}</ParameterList>",
        params.len()
    )
}

/// An Inform with (event code, command key) pairs.
fn inform(cpe: &Cpe, id: &str, events: &[(&str, &str)], time: &str, sw: &str) -> Vec<u8> {
    let ev: String = events
        .iter()
        .map(|(e, k)| {
            format!("<EventStruct><EventCode>{e}</EventCode><CommandKey>{k}</CommandKey></EventStruct>\n")
        })
        .collect();
    let r = cpe.root;
    let (wan_ip, cr_path) = match cpe.root {
        "Device" => (
            "Device.IP.Interface.1.IPv4Address.1.IPAddress".to_owned(),
            format!("http://{}:7547/cr/{}", cpe.ip, cpe.serial),
        ),
        _ => (
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.ExternalIPAddress"
                .to_owned(),
            format!("http://{}:7547/", cpe.ip),
        ),
    };
    let params = param_list(&[
        (
            &format!("{r}.DeviceInfo.HardwareVersion"),
            "string",
            "rev B",
        ),
        (&format!("{r}.DeviceInfo.SoftwareVersion"), "string", sw),
        (
            &format!("{r}.DeviceInfo.ProvisioningCode"),
            "string",
            "RES.FIBER",
        ),
        (
            &format!("{r}.ManagementServer.ConnectionRequestURL"),
            "string",
            &cr_path,
        ),
        (&format!("{r}.ManagementServer.ParameterKey"), "string", ""),
        (&wan_ip, "string", cpe.ip),
    ]);
    envelope(
        cpe,
        id,
        &format!(
            "<cwmp:Inform>\n<DeviceId><Manufacturer>{}</Manufacturer><OUI>{}</OUI><ProductClass>{}</ProductClass>\
             <SerialNumber>{}</SerialNumber></DeviceId>\n\
             <Event soap-enc:arrayType=\"cwmp:EventStruct[{}]\">\n{ev}</Event>\n\
             <MaxEnvelopes>1</MaxEnvelopes>\n<CurrentTime>{time}</CurrentTime>\n<RetryCount>0</RetryCount>\n\
             {params}\n</cwmp:Inform>",
            cpe.manufacturer,
            cpe.oui,
            cpe.product_class,
            cpe.serial,
            events.len()
        ),
    )
}

fn inform_response(cpe: &Cpe, id: &str) -> Vec<u8> {
    envelope(
        cpe,
        id,
        "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>",
    )
}

fn gpv(cpe: &Cpe, id: &str, names: &[&str]) -> Vec<u8> {
    let items: String = names
        .iter()
        .map(|n| format!("<string>{}.{n}</string>", cpe.root))
        .collect();
    envelope(
        cpe,
        id,
        &format!(
            "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[{}]\">{items}</ParameterNames>\
             </cwmp:GetParameterValues>",
            names.len()
        ),
    )
}

fn gpv_response(cpe: &Cpe, id: &str, params: &[(&str, &str, &str)]) -> Vec<u8> {
    let full: Vec<(String, &str, &str)> = params
        .iter()
        .map(|(n, t, v)| (format!("{}.{n}", cpe.root), *t, *v))
        .collect();
    let refs: Vec<(&str, &str, &str)> = full.iter().map(|(n, t, v)| (n.as_str(), *t, *v)).collect();
    envelope(
        cpe,
        id,
        &format!(
            "<cwmp:GetParameterValuesResponse>\n{}\n</cwmp:GetParameterValuesResponse>",
            param_list(&refs)
        ),
    )
}

fn spv(cpe: &Cpe, id: &str, params: &[(&str, &str, &str)], key: &str) -> Vec<u8> {
    let full: Vec<(String, &str, &str)> = params
        .iter()
        .map(|(n, t, v)| (format!("{}.{n}", cpe.root), *t, *v))
        .collect();
    let refs: Vec<(&str, &str, &str)> = full.iter().map(|(n, t, v)| (n.as_str(), *t, *v)).collect();
    envelope(
        cpe,
        id,
        &format!(
            "<cwmp:SetParameterValues>\n{}\n<ParameterKey>{key}</ParameterKey>\n</cwmp:SetParameterValues>",
            param_list(&refs)
        ),
    )
}

fn simple(cpe: &Cpe, id: &str, method: &str, args: &str) -> Vec<u8> {
    envelope(cpe, id, &format!("<cwmp:{method}>{args}</cwmp:{method}>"))
}

fn download(cpe: &Cpe, id: &str, key: &str, file: &str, size: u32, password: &str) -> Vec<u8> {
    simple(
        cpe,
        id,
        "Download",
        &format!(
            "\n<CommandKey>{key}</CommandKey>\n<FileType>1 Firmware Upgrade Image</FileType>\n\
             <URL>http://files.example.net/firmware/{file}</URL>\n<Username>fwfetch</Username>\n\
             <Password>{password}</Password>\n<FileSize>{size}</FileSize>\n<TargetFileName>{file}</TargetFileName>\n\
             <DelaySeconds>0</DelaySeconds>\n<SuccessURL></SuccessURL>\n<FailureURL></FailureURL>\n"
        ),
    )
}

fn transfer_complete(
    cpe: &Cpe,
    id: &str,
    key: &str,
    fault: (u32, &str),
    start: &str,
    end: &str,
) -> Vec<u8> {
    simple(
        cpe,
        id,
        "TransferComplete",
        &format!(
            "\n<CommandKey>{key}</CommandKey>\n<FaultStruct><FaultCode>{}</FaultCode><FaultString>{}</FaultString></FaultStruct>\n\
             <StartTime>{start}</StartTime>\n<CompleteTime>{end}</CompleteTime>\n",
            fault.0, fault.1
        ),
    )
}

fn spv_fault(cpe: &Cpe, id: &str) -> Vec<u8> {
    envelope(
        cpe,
        id,
        &format!(
            "<soap-env:Fault>\n<faultcode>Client</faultcode>\n<faultstring>CWMP fault</faultstring>\n<detail>\n\
             <cwmp:Fault>\n<FaultCode>9003</FaultCode>\n<FaultString>Invalid arguments</FaultString>\n\
             <SetParameterValuesFault><ParameterName>{r}.WiFi.SSID.1.SSID</ParameterName><FaultCode>9007</FaultCode>\
             <FaultString>SSID longer than 32 characters</FaultString></SetParameterValuesFault>\n\
             <SetParameterValuesFault><ParameterName>{r}.WiFi.AccessPoint.1.Security.ModeEnabled</ParameterName>\
             <FaultCode>9008</FaultCode><FaultString>Parameter is read-only</FaultString></SetParameterValuesFault>\n\
             </cwmp:Fault>\n</detail>\n</soap-env:Fault>",
            r = cpe.root
        ),
    )
}

/// One CPE-to-ACS connection: writes POSTs and the ACS's answers with explicit timing.
struct Conn<'a> {
    cap: &'a mut Capture,
    flow: Flow,
    cpe: &'a Cpe,
    acs: String,
}

impl<'a> Conn<'a> {
    /// Opens the connection from `port` of the CPE at `at` (seconds after the capture's start).
    fn open(cap: &'a mut Capture, cpe: &'a Cpe, port: u16, at: Duration) -> Conn<'a> {
        let when = DEFAULT_START + at;
        assert!(when >= cap.now(), "sessions must be written in time order");
        cap.set_time(when);
        let flow = cap.tcp_flow(addr(&format!("{}:{port}", cpe.ip)), addr(ACS_ADDR));
        Conn {
            cap,
            flow,
            cpe,
            acs: ACS_ADDR.to_owned(),
        }
    }

    fn post(&self, body: &[u8], auth: bool) -> Request {
        let mut r = Request::post("/cwmp")
            .header("Host", &self.acs)
            .header("User-Agent", self.cpe.user_agent);
        if auth {
            r = r.header(
                "Authorization",
                format!(
                    "Digest username=\"{}-{}\", realm=\"acs.example.net\", nonce=\"6a1f0c2e9b7d\", uri=\"/cwmp\", \
                     algorithm=MD5, response=\"0f5d8c2b6e4a1937c8d0e2f4a6b8c0d2\", qop=auth, nc=00000001, \
                     cnonce=\"3c9e1a7b\"",
                    self.cpe.oui, self.cpe.serial
                ),
            );
        }
        if body.is_empty() {
            r
        } else {
            r.header("Content-Type", CT)
                .header("SOAPAction", "")
                .body(body)
        }
    }

    /// The CPE's POST `think` after the previous message, then the ACS's answer `wait` later; an empty
    /// `answer` is `204 No Content`.
    fn exchange(&mut self, think_ms: u64, req: Request, wait_ms: u64, answer: Response) {
        self.cap.advance(Duration::from_millis(think_ms));
        self.cap
            .send(&mut self.flow, Dir::ClientToServer, &req.to_bytes());
        self.cap.advance(Duration::from_millis(wait_ms));
        self.cap
            .send(&mut self.flow, Dir::ServerToClient, &answer.to_bytes());
    }

    /// A POST with `body` (empty: an empty POST) answered with `answer` (empty: 204).
    fn say(&mut self, think_ms: u64, body: &[u8], wait_ms: u64, answer: &[u8]) {
        let req = self.post(body, false);
        self.exchange(think_ms, req, wait_ms, acs_answer(answer));
    }

    fn close(mut self) {
        self.cap.advance(Duration::from_millis(5));
        self.cap.close(&mut self.flow);
    }
}

fn acs_answer(body: &[u8]) -> Response {
    if body.is_empty() {
        Response::new(204, "No Content").header("Server", "ExampleACS/5.3")
    } else {
        Response::new(200, "OK")
            .header("Server", "ExampleACS/5.3")
            .header("Content-Type", CT)
            .body(body)
    }
}

/// The bundled capture (see the module docs for its story).
fn sessions_capture() -> Capture {
    let mut cap = Capture::new();
    let s = Duration::from_secs;
    let ms = Duration::from_millis;

    // Session 1: GW100A0001 bootstraps; its first Inform is challenged (401), the retry carries Digest
    // credentials; the ACS reads three parameters and sets the periodic inform interval.
    {
        let (cpe, mut c) = (&GW1, Conn::open(&mut cap, &GW1, 49152, s(0)));
        let inf = inform(
            cpe,
            "1",
            &[("0 BOOTSTRAP", ""), ("1 BOOT", "")],
            "2024-05-01T10:00:00Z",
            "2.1.0",
        );
        let challenge = Response::new(401, "Unauthorized")
            .header("Server", "ExampleACS/5.3")
            .header(
                "WWW-Authenticate",
                "Digest realm=\"acs.example.net\", qop=\"auth\", nonce=\"6a1f0c2e9b7d\", algorithm=MD5",
            )
            .header("Content-Length", "0");
        let req = c.post(&inf, false);
        c.exchange(0, req, 12, challenge);
        let req = c.post(&inf, true);
        c.exchange(20, req, 48, acs_answer(&inform_response(cpe, "1")));
        let names = [
            "DeviceInfo.SoftwareVersion",
            "DeviceInfo.UpTime",
            "ManagementServer.PeriodicInformInterval",
        ];
        c.say(15, b"", 31, &gpv(cpe, "acs-1001", &names));
        let values = [
            ("DeviceInfo.SoftwareVersion", "string", "2.1.0"),
            ("DeviceInfo.UpTime", "unsignedInt", "37"),
            (
                "ManagementServer.PeriodicInformInterval",
                "unsignedInt",
                "86400",
            ),
        ];
        let set = [
            (
                "ManagementServer.PeriodicInformInterval",
                "unsignedInt",
                "3600",
            ),
            ("ManagementServer.PeriodicInformEnable", "boolean", "true"),
        ];
        c.say(
            120,
            &gpv_response(cpe, "acs-1001", &values),
            27,
            &spv(cpe, "acs-1002", &set, "prov-1"),
        );
        let status = simple(
            cpe,
            "acs-1002",
            "SetParameterValuesResponse",
            "<Status>0</Status>",
        );
        c.say(210, &status, 9, b"");
        c.close();
    }

    // Session 2: GW100A0002's periodic Inform; the CPE takes 4.5 s to answer a GetParameterValues, and
    // its Wi-Fi settings are refused with fault 9003 (two parameters).
    {
        let (cpe, mut c) = (&GW2, Conn::open(&mut cap, &GW2, 51000, s(2)));
        let inf = inform(
            cpe,
            "4711",
            &[("2 PERIODIC", "")],
            "2024-05-01T10:00:02Z",
            "2.1.0",
        );
        c.say(0, &inf, 41, &inform_response(cpe, "4711"));
        let names = ["WiFi.SSID.1.SSID", "WiFi.Radio.1.Channel"];
        c.say(12, b"", 35, &gpv(cpe, "acs-2001", &names));
        let values = [
            ("WiFi.SSID.1.SSID", "string", "Acme-5G-0002"),
            ("WiFi.Radio.1.Channel", "unsignedInt", "36"),
        ];
        let set = [
            (
                "WiFi.SSID.1.SSID",
                "string",
                "Guest network of the third floor east wing",
            ),
            (
                "WiFi.AccessPoint.1.Security.ModeEnabled",
                "string",
                "WPA3-Personal",
            ),
        ];
        c.say(
            4500,
            &gpv_response(cpe, "acs-2001", &values),
            30,
            &spv(cpe, "acs-2002", &set, "wifi-7"),
        );
        c.say(180, &spv_fault(cpe, "acs-2002"), 11, b"");
        c.close();
    }

    // Session 3: the ONT's periodic Inform; the ACS orders a firmware download with credentials.
    {
        let (cpe, mut c) = (&ONT, Conn::open(&mut cap, &ONT, 40100, s(12)));
        let inf = inform(
            cpe,
            "100",
            &[("2 PERIODIC", "")],
            "2024-05-01T10:00:12Z",
            "3.0.4",
        );
        c.say(0, &inf, 52, &inform_response(cpe, "100"));
        c.say(
            14,
            b"",
            40,
            &download(
                cpe,
                "acs-3001",
                "fw-2024-05",
                "ont7-3.1.0.bin",
                18_874_368,
                "N0rthw1nd-fw",
            ),
        );
        let resp = simple(
            cpe,
            "acs-3001",
            "DownloadResponse",
            "<Status>1</Status><StartTime>0001-01-01T00:00:00Z</StartTime>\
             <CompleteTime>0001-01-01T00:00:00Z</CompleteTime>",
        );
        c.say(95, &resp, 8, b"");
        c.close();
    }

    // The ACS wakes GW100A0001 with a connection request to its port 7547: challenged, then accepted.
    {
        cap.set_time(DEFAULT_START + s(20));
        let mut cr = cap.tcp_flow(addr("198.51.100.1:38211"), addr("192.0.2.10:7547"));
        let get = |auth: bool| {
            let r = Request::get("/cr/GW100A0001")
                .header("Host", "192.0.2.10:7547")
                .header("User-Agent", "ExampleACS/5.3");
            if auth {
                r.header(
                    "Authorization",
                    "Digest username=\"cr-admin\", realm=\"GW100A0001\", nonce=\"c41d\", uri=\"/cr/GW100A0001\", \
                     algorithm=MD5, response=\"9b2e4d6f8a0c1e3f5a7b9c1d3e5f7a9b\", qop=auth, nc=00000001, cnonce=\"aa01\"",
                )
            } else {
                r
            }
        };
        let challenge = Response::new(401, "Unauthorized")
            .header(
                "WWW-Authenticate",
                "Digest realm=\"GW100A0001\", qop=\"auth\", nonce=\"c41d\", algorithm=MD5",
            )
            .header("Content-Length", "0");
        cap.send(&mut cr, Dir::ClientToServer, &get(false).to_bytes());
        cap.advance(ms(4));
        cap.send(&mut cr, Dir::ServerToClient, &challenge.to_bytes());
        cap.advance(ms(6));
        cap.send(&mut cr, Dir::ClientToServer, &get(true).to_bytes());
        cap.advance(ms(5));
        cap.send(
            &mut cr,
            Dir::ServerToClient,
            &Response::new(204, "No Content").to_bytes(),
        );
        cap.advance(ms(2));
        cap.close(&mut cr);
    }

    // Session 4: GW100A0001 answers the connection request; the ACS reboots it.
    {
        let (cpe, mut c) = (&GW1, Conn::open(&mut cap, &GW1, 49153, ms(20_300)));
        let inf = inform(
            cpe,
            "2",
            &[("6 CONNECTION REQUEST", "")],
            "2024-05-01T10:00:20Z",
            "2.1.0",
        );
        c.say(0, &inf, 38, &inform_response(cpe, "2"));
        let reboot = simple(
            cpe,
            "acs-4001",
            "Reboot",
            "<CommandKey>reboot-1</CommandKey>",
        );
        c.say(11, b"", 26, &reboot);
        c.say(40, &simple(cpe, "acs-4001", "RebootResponse", ""), 7, b"");
        c.close();
    }

    // Session 5: GW100A0002 is told to fetch new firmware; the CPE never answers the
    // GetParameterNames that follows (it sends an empty POST instead).
    {
        let (cpe, mut c) = (&GW2, Conn::open(&mut cap, &GW2, 51001, s(40)));
        let inf = inform(
            cpe,
            "4712",
            &[("2 PERIODIC", "")],
            "2024-05-01T10:00:40Z",
            "2.1.0",
        );
        c.say(0, &inf, 44, &inform_response(cpe, "4712"));
        c.say(
            10,
            b"",
            33,
            &download(
                cpe,
                "acs-5001",
                "fw-gw100-2.2",
                "gw100-2.2.0.bin",
                16_777_216,
                "fw-Acme-2024",
            ),
        );
        let resp = simple(
            cpe,
            "acs-5001",
            "DownloadResponse",
            "<Status>1</Status><StartTime>0001-01-01T00:00:00Z</StartTime>\
             <CompleteTime>0001-01-01T00:00:00Z</CompleteTime>",
        );
        let gpn = simple(
            cpe,
            "acs-5002",
            "GetParameterNames",
            "<ParameterPath>Device.WiFi.</ParameterPath><NextLevel>true</NextLevel>",
        );
        c.say(60, &resp, 21, &gpn);
        c.say(25, b"", 6, b"");
        c.close();
    }

    // Session 6: GW100A0001 is back from its reboot.
    {
        let (cpe, mut c) = (&GW1, Conn::open(&mut cap, &GW1, 49154, s(55)));
        let inf = inform(
            cpe,
            "3",
            &[("1 BOOT", ""), ("M Reboot", "reboot-1")],
            "2024-05-01T10:00:55Z",
            "2.1.0",
        );
        c.say(0, &inf, 35, &inform_response(cpe, "3"));
        c.say(9, b"", 5, b"");
        c.close();
    }

    // Session 7: the ONT rebooted into its new firmware and reports the transfer.
    {
        let (cpe, mut c) = (&ONT, Conn::open(&mut cap, &ONT, 40101, s(110)));
        let inf = inform(
            cpe,
            "101",
            &[
                ("1 BOOT", ""),
                ("7 TRANSFER COMPLETE", ""),
                ("M Download", "fw-2024-05"),
            ],
            "2024-05-01T10:01:50Z",
            "3.1.0",
        );
        c.say(0, &inf, 47, &inform_response(cpe, "101"));
        let tc = transfer_complete(
            cpe,
            "102",
            "fw-2024-05",
            (0, ""),
            "2024-05-01T10:00:13Z",
            "2024-05-01T10:01:21Z",
        );
        c.say(
            8,
            &tc,
            19,
            &simple(cpe, "102", "TransferCompleteResponse", ""),
        );
        let names = ["DeviceInfo.SoftwareVersion"];
        c.say(7, b"", 28, &gpv(cpe, "acs-7001", &names));
        let values = [("DeviceInfo.SoftwareVersion", "string", "3.1.0")];
        c.say(64, &gpv_response(cpe, "acs-7001", &values), 6, b"");
        c.close();
    }

    // Session 8: GW100A0002 reports that its download failed.
    {
        let (cpe, mut c) = (&GW2, Conn::open(&mut cap, &GW2, 51002, s(170)));
        let inf = inform(
            cpe,
            "4713",
            &[("7 TRANSFER COMPLETE", ""), ("M Download", "fw-gw100-2.2")],
            "2024-05-01T10:02:50Z",
            "2.1.0",
        );
        c.say(0, &inf, 39, &inform_response(cpe, "4713"));
        let tc = transfer_complete(
            cpe,
            "4714",
            "fw-gw100-2.2",
            (
                9017,
                "Download failure: image checksum mismatch after 3 attempts",
            ),
            "2024-05-01T10:00:41Z",
            "2024-05-01T10:02:12Z",
        );
        c.say(
            8,
            &tc,
            17,
            &simple(cpe, "4714", "TransferCompleteResponse", ""),
        );
        c.say(6, b"", 5, b"");
        c.close();
    }
    cap
}

fn bundled_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures/cwmp-sessions.pcap")
}

#[test]
fn bundled_session_capture_is_what_the_generator_makes() {
    let cap = sessions_capture();
    if std::env::var_os("CWMP_REGENERATE").is_some() {
        std::fs::create_dir_all(bundled_path().parent().unwrap()).unwrap();
        cap.write(bundled_path()).unwrap();
    }
    let committed = std::fs::read(bundled_path())
        .expect("tests/captures/cwmp-sessions.pcap (CWMP_REGENERATE=1 makes it)");
    assert!(
        committed == cap.bytes(),
        "bundled session capture differs from the generator's output; rerun with CWMP_REGENERATE=1"
    );
}

/// The story of the capture as the plugin tells it: every CWMP message and session event, in order,
/// with its session number and the serial number of the session's device.
#[test]
fn bundled_session_capture_tells_its_story() {
    let pcap = write_capture(&sessions_capture(), "bundled-sessions");
    let rows = fields_opts(
        &pcap,
        "cwmp",
        &[
            "cwmp.session",
            "cwmp.session.deviceid.serial_number",
            "cwmp.method",
            "cwmp.http_event",
        ],
        &["-2"],
    );
    let story: Vec<String> = rows
        .iter()
        .map(|r| {
            let what = if r[2].is_empty() {
                format!("event {}", r[3])
            } else {
                r[2].clone()
            };
            format!("{} {} {what}", r[0], r[1]).trim().to_owned()
        })
        .collect();
    let expected = [
        "1 GW100A0001 Inform",
        "1 GW100A0001 event 3",
        "1 GW100A0001 Inform",
        "1 GW100A0001 InformResponse",
        "1 GW100A0001 event 1",
        "1 GW100A0001 GetParameterValues",
        "1 GW100A0001 GetParameterValuesResponse",
        "1 GW100A0001 SetParameterValues",
        "1 GW100A0001 SetParameterValuesResponse",
        "1 GW100A0001 event 2",
        "2 GW100A0002 Inform",
        "2 GW100A0002 InformResponse",
        "2 GW100A0002 event 1",
        "2 GW100A0002 GetParameterValues",
        "2 GW100A0002 GetParameterValuesResponse",
        "2 GW100A0002 SetParameterValues",
        "2 GW100A0002 Fault",
        "2 GW100A0002 event 2",
        "3 NW7-550017 Inform",
        "3 NW7-550017 InformResponse",
        "3 NW7-550017 event 1",
        "3 NW7-550017 Download",
        "3 NW7-550017 DownloadResponse",
        "3 NW7-550017 event 2",
        "event 7",
        "event 8",
        "event 7",
        "event 8",
        "4 GW100A0001 Inform",
        "4 GW100A0001 InformResponse",
        "4 GW100A0001 event 1",
        "4 GW100A0001 Reboot",
        "4 GW100A0001 RebootResponse",
        "4 GW100A0001 event 2",
        "5 GW100A0002 Inform",
        "5 GW100A0002 InformResponse",
        "5 GW100A0002 event 1",
        "5 GW100A0002 Download",
        "5 GW100A0002 DownloadResponse",
        "5 GW100A0002 GetParameterNames",
        "5 GW100A0002 event 1",
        "5 GW100A0002 event 2",
        "6 GW100A0001 Inform",
        "6 GW100A0001 InformResponse",
        "6 GW100A0001 event 1",
        "6 GW100A0001 event 2",
        "7 NW7-550017 Inform",
        "7 NW7-550017 InformResponse",
        "7 NW7-550017 TransferComplete",
        "7 NW7-550017 TransferCompleteResponse",
        "7 NW7-550017 event 1",
        "7 NW7-550017 GetParameterValues",
        "7 NW7-550017 GetParameterValuesResponse",
        "7 NW7-550017 event 2",
        "8 GW100A0002 Inform",
        "8 GW100A0002 InformResponse",
        "8 GW100A0002 TransferComplete",
        "8 GW100A0002 TransferCompleteResponse",
        "8 GW100A0002 event 1",
        "8 GW100A0002 event 2",
    ];
    assert_eq!(story, expected, "{story:#?}");
}
