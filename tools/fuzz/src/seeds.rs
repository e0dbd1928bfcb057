// SPDX-License-Identifier: GPL-2.0-or-later
//! Built-in seed messages: one body per kind of CWMP message the decoder handles, so a fuzz run
//! reaches every method's argument decoding even where the fixture folders have no sample yet.
//! Fixture files (`tests/fixtures/*.xml`, `tests/fixtures/rpc/*.xml`) are added to these by the caller.

/// Wraps a header and a Body child in a SOAP envelope with the usual prefixes.
pub fn envelope(ns: &str, header: &str, body: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:soap-enc=\"http://schemas.xmlsoap.org/soap/encoding/\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:cwmp=\"{ns}\">\n\
         <soap-env:Header>{header}</soap-env:Header>\n<soap-env:Body>\n{body}\n</soap-env:Body>\n</soap-env:Envelope>\n"
    )
    .into_bytes()
}

fn id(n: u32) -> String {
    format!("<cwmp:ID soap-env:mustUnderstand=\"1\">fz-{n}</cwmp:ID>")
}

fn pvs(name: &str, ty: &str, value: &str) -> String {
    format!(
        "<ParameterValueStruct><Name>{name}</Name><Value xsi:type=\"xsd:{ty}\">{value}</Value></ParameterValueStruct>"
    )
}

const NS12: &str = "urn:dslforum-org:cwmp-1-2";
const NS10: &str = "urn:dslforum-org:cwmp-1-0";

/// The built-in seeds, as (name, body).
pub fn builtin() -> Vec<(String, Vec<u8>)> {
    let params = [
        pvs("Device.DeviceInfo.SoftwareVersion", "string", "1.2.3"),
        pvs("Device.DeviceInfo.UpTime", "unsignedInt", "3600"),
        pvs(
            "Device.ManagementServer.PeriodicInformEnable",
            "boolean",
            "true",
        ),
        pvs(
            "Device.Time.CurrentLocalTime",
            "dateTime",
            "2024-05-01T10:00:00Z",
        ),
        pvs("Device.X_ACME_Offset", "int", "-5"),
    ]
    .concat();
    let inform = format!(
        "<cwmp:Inform><DeviceId><Manufacturer>ACME</Manufacturer><OUI>00AB12</OUI>\
         <ProductClass>GW100</ProductClass><SerialNumber>SN0001</SerialNumber></DeviceId>\
         <Event soap-enc:arrayType=\"cwmp:EventStruct[3]\">\
         <EventStruct><EventCode>1 BOOT</EventCode><CommandKey></CommandKey></EventStruct>\
         <EventStruct><EventCode>M Reboot</EventCode><CommandKey>ck-1</CommandKey></EventStruct>\
         <EventStruct><EventCode>X 00AB12 Custom</EventCode><CommandKey/></EventStruct></Event>\
         <MaxEnvelopes>1</MaxEnvelopes><CurrentTime>2024-05-01T10:00:00+02:00</CurrentTime>\
         <RetryCount>0</RetryCount><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[5]\">{params}</ParameterList>\
         </cwmp:Inform>"
    );
    let bodies: Vec<(&str, &str, String, String)> = vec![
        ("inform", NS12, id(1), inform),
        ("inform-response", NS12, id(1), "<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>".into()),
        ("gpv", NS12, id(2), "<cwmp:GetParameterValues><ParameterNames soap-enc:arrayType=\"xsd:string[2]\"><string>Device.DeviceInfo.</string><string>Device.WiFi.SSID.1.SSID</string></ParameterNames></cwmp:GetParameterValues>".into()),
        ("gpv-response", NS12, id(2), format!("<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[5]\">{params}</ParameterList></cwmp:GetParameterValuesResponse>")),
        ("spv", NS12, format!("{}<cwmp:HoldRequests soap-env:mustUnderstand=\"1\">0</cwmp:HoldRequests>", id(3)), format!("<cwmp:SetParameterValues><ParameterList soap-enc:arrayType=\"cwmp:ParameterValueStruct[2]\">{}{}</ParameterList><ParameterKey>pk-1</ParameterKey></cwmp:SetParameterValues>", pvs("Device.WiFi.SSID.1.SSID", "string", "home &amp; away"), pvs("Device.WiFi.Radio.1.Channel", "unsignedInt", "11"))),
        ("spv-response", NS12, id(3), "<cwmp:SetParameterValuesResponse><Status>0</Status></cwmp:SetParameterValuesResponse>".into()),
        ("gpn", NS12, id(4), "<cwmp:GetParameterNames><ParameterPath>Device.</ParameterPath><NextLevel>true</NextLevel></cwmp:GetParameterNames>".into()),
        ("gpn-response", NS12, id(4), "<cwmp:GetParameterNamesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterInfoStruct[2]\"><ParameterInfoStruct><Name>Device.DeviceInfo.</Name><Writable>0</Writable></ParameterInfoStruct><ParameterInfoStruct><Name>Device.LAN.</Name><Writable>1</Writable></ParameterInfoStruct></ParameterList></cwmp:GetParameterNamesResponse>".into()),
        ("spa", NS12, id(5), "<cwmp:SetParameterAttributes><ParameterList soap-enc:arrayType=\"cwmp:SetParameterAttributesStruct[1]\"><SetParameterAttributesStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><NotificationChange>1</NotificationChange><Notification>2</Notification><AccessListChange>0</AccessListChange><AccessList soap-enc:arrayType=\"xsd:string[1]\"><string>Subscriber</string></AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes>".into()),
        ("gpa-response", NS12, id(6), "<cwmp:GetParameterAttributesResponse><ParameterList soap-enc:arrayType=\"cwmp:ParameterAttributeStruct[1]\"><ParameterAttributeStruct><Name>Device.DeviceInfo.UpTime</Name><Notification>0</Notification><AccessList soap-enc:arrayType=\"xsd:string[0]\"></AccessList></ParameterAttributeStruct></ParameterList></cwmp:GetParameterAttributesResponse>".into()),
        ("addobject", NS12, id(7), "<cwmp:AddObject><ObjectName>Device.NAT.PortMapping.</ObjectName><ParameterKey>pk-2</ParameterKey></cwmp:AddObject>".into()),
        ("addobject-response", NS12, id(7), "<cwmp:AddObjectResponse><InstanceNumber>4</InstanceNumber><Status>1</Status></cwmp:AddObjectResponse>".into()),
        ("download", NS12, id(8), "<cwmp:Download><CommandKey>dl-1</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>http://192.0.2.50/fw.bin</URL><Username>u</Username><Password>p</Password><FileSize>1048576</FileSize><TargetFileName>fw.bin</TargetFileName><DelaySeconds>0</DelaySeconds><SuccessURL></SuccessURL><FailureURL></FailureURL></cwmp:Download>".into()),
        ("transfer-complete", NS12, id(9), "<cwmp:TransferComplete><CommandKey>dl-1</CommandKey><FaultStruct><FaultCode>9010</FaultCode><FaultString>Download failed</FaultString></FaultStruct><StartTime>0001-01-01T00:00:00Z</StartTime><CompleteTime>2024-05-01T10:05:00.250Z</CompleteTime></cwmp:TransferComplete>".into()),
        ("fault", NS12, id(10), "<soap-env:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString><SetParameterValuesFault><ParameterName>Device.X</ParameterName><FaultCode>9005</FaultCode><FaultString>Invalid parameter name</FaultString></SetParameterValuesFault></cwmp:Fault></detail></soap-env:Fault>".into()),
        ("reboot", NS10, id(11), "<cwmp:Reboot><CommandKey>rb-1</CommandKey></cwmp:Reboot>".into()),
        ("schedule-download", NS12, id(12), "<cwmp:ScheduleDownload><CommandKey>sd</CommandKey><FileType>3 Vendor Configuration File</FileType><URL>http://192.0.2.50/c</URL><Username/><Password/><FileSize>10</FileSize><TargetFileName/><TimeWindowList soap-enc:arrayType=\"cwmp:TimeWindowStruct[1]\"><TimeWindowStruct><WindowStart>0</WindowStart><WindowEnd>3600</WindowEnd><WindowMode>1 At Any Time</WindowMode><UserMessage/><MaxRetries>-1</MaxRetries></TimeWindowStruct></TimeWindowList></cwmp:ScheduleDownload>".into()),
        ("change-du-state", NS12, id(13), "<cwmp:ChangeDUState><Operations xsi:type=\"cwmp:InstallOpStruct\"><URL>http://192.0.2.50/du</URL><UUID>6ba7b810-9dad-11d1-80b4-00c04fd430c8</UUID><Username/><Password/><ExecutionEnvRef>Device.SoftwareModules.ExecEnv.1</ExecutionEnvRef></Operations><Operations xsi:type=\"cwmp:UninstallOpStruct\"><UUID>x</UUID><Version>1</Version><ExecutionEnvRef/></Operations><CommandKey>du</CommandKey></cwmp:ChangeDUState>".into()),
        ("du-complete", NS12, id(14), "<cwmp:DUStateChangeComplete><Results soap-enc:arrayType=\"cwmp:OpResultStruct[1]\"><OpResultStruct><UUID>u</UUID><DeploymentUnitRef>Device.SoftwareModules.DeploymentUnit.1</DeploymentUnitRef><Version>1</Version><CurrentState>Installed</CurrentState><Resolved>1</Resolved><ExecutionUnitRefList/><StartTime>2024-05-01T10:00:00Z</StartTime><CompleteTime>2024-05-01T10:00:01Z</CompleteTime><Fault><FaultCode>0</FaultCode><FaultString/></Fault></OpResultStruct></Results><CommandKey>du</CommandKey></cwmp:DUStateChangeComplete>".into()),
        ("rpc-methods-response", NS12, id(15), "<cwmp:GetRPCMethodsResponse><MethodList soap-enc:arrayType=\"xsd:string[3]\"><string>Inform</string><string>GetRPCMethods</string><string>TransferComplete</string></MethodList></cwmp:GetRPCMethodsResponse>".into()),
        ("request-download", NS12, id(16), "<cwmp:RequestDownload><FileType>2 Web Content</FileType><FileTypeArg soap-enc:arrayType=\"cwmp:ArgStruct[1]\"><ArgStruct><Name>Version</Name><Value>2</Value></ArgStruct></FileTypeArg></cwmp:RequestDownload>".into()),
        ("queued-transfers", NS12, id(17), "<cwmp:GetAllQueuedTransfersResponse><TransferList soap-enc:arrayType=\"cwmp:AllQueuedTransferStruct[1]\"><AllQueuedTransferStruct><CommandKey>c</CommandKey><State>2</State><IsDownload>true</IsDownload><FileType>1 Firmware Upgrade Image</FileType><FileSize>5</FileSize><TargetFileName>f</TargetFileName></AllQueuedTransferStruct></TransferList></cwmp:GetAllQueuedTransfersResponse>".into()),
        ("options-response", NS12, id(18), "<cwmp:GetOptionsResponse><OptionList soap-enc:arrayType=\"cwmp:OptionStruct[1]\"><OptionStruct><OptionName>O</OptionName><VoucherSN>1</VoucherSN><State>3</State><Mode>1</Mode><StartDate>2024-01-01T00:00:00Z</StartDate><ExpirationDate>2025-01-01T00:00:00Z</ExpirationDate><IsTransferable>1</IsTransferable></OptionStruct></OptionList></cwmp:GetOptionsResponse>".into()),
        ("kicked", NS12, id(19), "<cwmp:Kicked><Command>c</Command><Referer>r</Referer><Arg>a</Arg><Next>http://192.0.2.1/n</Next></cwmp:Kicked>".into()),
        ("vendor", NS12, format!("{}<cwmp:SessionTimeout>60</cwmp:SessionTimeout><x:Vendor xmlns:x=\"urn:x\">v</x:Vendor>", id(20)), "<cwmp:X_00AB12_Diag><Target>192.0.2.1</Target><Opts><Count>3</Count><Size>56</Size></Opts></cwmp:X_00AB12_Diag>".into()),
        ("empty-envelope", NS12, String::new(), String::new()),
    ];
    bodies
        .into_iter()
        .map(|(name, ns, h, b)| (name.to_owned(), envelope(ns, &h, &b)))
        .collect()
}

/// A UDP connection request (TR-069 Annex G): one HTTP-like GET line with the signed query.
pub fn udp_connection_request(n: u64) -> Vec<u8> {
    format!(
        "GET http://192.0.2.10:7547?ts={}&id={n}&un=acs-user&cn=0123456789abcdef&sig=3a6b1e0c49f5e3c5d3f1b6a8e2c4d7a9b1c3e5f7 HTTP/1.1\r\nHost: 192.0.2.10:7547\r\n\r\n",
        1_714_557_600 + n
    )
    .into_bytes()
}
