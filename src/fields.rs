// SPDX-License-Identifier: GPL-2.0-or-later
//! The neutral description of everything the dissector registers: fields, subtrees and expert items.
//!
//! PURE: this table knows nothing of Wireshark's types. The FFI layer turns it into `hf_register_info`,
//! `ett` and `ei_register_info` arrays once, at registration; the parser tags every decoded value with a
//! [`Field`] and every problem with an [`Expert`]. Filter names follow Wireshark's style
//! (`cwmp.lower_case_words`, dotted by structure) and are recorded in `docs/fields.md`, which a test keeps
//! in sync with what tshark reports.
#![forbid(unsafe_code)]

use crate::values;

/// The type of a field, as Wireshark will store and filter it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A label or subtree head with no value of its own (`FT_NONE`).
    None,
    /// The protocol item itself (`FT_PROTOCOL`).
    Protocol,
    /// UTF-8 text (`FT_STRING`).
    Str,
    /// Unsigned 32-bit integer, decimal (`FT_UINT32`).
    U32,
    /// Signed 32-bit integer, decimal (`FT_INT32`).
    I32,
    /// Unsigned 64-bit integer, decimal (`FT_UINT64`).
    U64,
    /// Signed 64-bit integer, decimal (`FT_INT64`).
    I64,
    /// Boolean (`FT_BOOLEAN`).
    Bool,
    /// Absolute time shown in UTC (`FT_ABSOLUTE_TIME`).
    AbsTime,
    /// Time difference (`FT_RELATIVE_TIME`).
    RelTime,
    /// Frame number of the request this response answers (`FT_FRAMENUM`).
    FrameRequest,
    /// Frame number of the response that answers this request (`FT_FRAMENUM`).
    FrameResponse,
    /// Frame number of a related frame (`FT_FRAMENUM`).
    Frame,
}

/// Expert-info groups, mirroring Wireshark's `PI_*` groups that we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Malformed,
    Protocol,
    ResponseCode,
    Sequence,
    Security,
    Deprecated,
    Undecoded,
}

/// Expert-info severities, mirroring Wireshark's `PI_*` severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Chat,
    Note,
    Warn,
    Error,
}

/// One registered field.
#[derive(Debug)]
pub struct FieldDef {
    pub abbrev: &'static str,
    pub name: &'static str,
    pub ty: FieldType,
    /// Value table for integer fields (value, name).
    pub vals: Option<&'static [(u32, &'static str)]>,
    pub blurb: &'static str,
}

/// One registered expert item.
#[derive(Debug)]
pub struct ExpertDef {
    pub abbrev: &'static str,
    pub group: Group,
    pub severity: Severity,
    pub summary: &'static str,
    /// Why the item has its severity (the rule is [`SEVERITY_RULE`]); printed in `docs/fields.md`.
    pub why: &'static str,
}

/// How expert severities are chosen, calibrated on real traffic (the expert histogram of the
/// real-world corpus): (severity, when). Printed in `docs/fields.md` above each item's reason.
pub const SEVERITY_RULE: &[(&str, &str)] = &[
    (
        "Error",
        "the body cannot be read as XML (or the dissector failed): what follows is missing",
    ),
    (
        "Warning",
        "what makes a peer fail or refuse the message: a wrong or missing ID where one is needed, a \
         missing required argument, a value that cannot parse as its type, an answer to a request that \
         was never made, a request never answered; and what the peers report as failed (faults, HTTP \
         errors)",
    ),
    (
        "Note",
        "deviations that are common in real traffic and that peers accept (the all-zero dateTime, a \
         lower-case OUI, a value without xsi:type, NoMoreRequests and other deprecated items, arrayType \
         counts that differ from the items), and session events worth seeing (a retried Inform, a \
         redirect)",
    ),
    (
        "Chat",
        "the normal course of a session (empty POST, end of session, authentication challenge and retry)",
    ),
];

macro_rules! field_table {
    ($( $id:ident => ($abbrev:literal, $name:literal, $ty:ident, $vals:expr, $blurb:literal), )*) => {
        /// Every field the dissector registers; the discriminant indexes [`FIELDS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Field { $($id,)* }

        /// The field table, in [`Field`] order.
        pub static FIELDS: &[FieldDef] = &[
            $(FieldDef { abbrev: $abbrev, name: $name, ty: FieldType::$ty, vals: $vals, blurb: $blurb },)*
        ];

        /// Every field, in table order.
        pub static ALL_FIELDS: &[Field] = &[$(Field::$id,)*];

        /// Number of fields.
        pub const N_FIELDS: usize = [$(stringify!($id),)*].len();
    };
}

macro_rules! expert_table {
    ($( $id:ident => ($abbrev:literal, $group:ident, $sev:ident, $summary:literal, $why:literal), )*) => {
        /// Every expert item the dissector registers; the discriminant indexes [`EXPERTS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Expert { $($id,)* }

        /// The expert table, in [`Expert`] order.
        pub static EXPERTS: &[ExpertDef] = &[
            $(ExpertDef { abbrev: $abbrev, group: Group::$group, severity: Severity::$sev, summary: $summary, why: $why },)*
        ];

        /// Every expert item, in table order.
        pub static ALL_EXPERTS: &[Expert] = &[$(Expert::$id,)*];

        /// Number of expert items.
        pub const N_EXPERTS: usize = [$(stringify!($id),)*].len();
    };
}

const V_DIRECTION: Option<&[(u32, &str)]> = Some(values::DIRECTIONS);
const V_KIND: Option<&[(u32, &str)]> = Some(values::MESSAGE_KINDS);
const V_EVENT: Option<&[(u32, &str)]> = Some(values::EVENT_CODES);
const V_FAULT: Option<&[(u32, &str)]> = Some(values::FAULT_CODES);
const V_STATUS: Option<&[(u32, &str)]> = Some(values::STATUS);
const V_NOTIFICATION: Option<&[(u32, &str)]> = Some(values::NOTIFICATION);
const V_FILE_TYPE: Option<&[(u32, &str)]> = Some(values::FILE_TYPES);
const V_TRANSFER_STATE: Option<&[(u32, &str)]> = Some(values::TRANSFER_STATES);
const V_WINDOW_MODE: Option<&[(u32, &str)]> = Some(values::WINDOW_MODES);
const V_OPTION_STATE: Option<&[(u32, &str)]> = Some(values::OPTION_STATES);
const V_OPTION_MODE: Option<&[(u32, &str)]> = Some(values::OPTION_MODES);
const V_TRANSFERABLE: Option<&[(u32, &str)]> = Some(values::TRANSFERABLE);
const V_HTTP_EVENT: Option<&[(u32, &str)]> = Some(crate::session::HTTP_EVENTS);
const V_SIG_STATUS: Option<&[(u32, &str)]> = Some(crate::sidechannel::SIG_STATUS);
const V_AUTH_SCHEME: Option<&[(u32, &str)]> = Some(values::AUTH_SCHEMES);
const V_AUTH_VERDICT: Option<&[(u32, &str)]> = Some(values::AUTH_VERDICTS);

field_table! {
    Proto => ("cwmp", "CPE WAN Management Protocol", Protocol, None, ""),
    Version => ("cwmp.version", "CWMP Namespace Version", Str, None, "Version part of the urn:dslforum-org:cwmp-1-N namespace, as written (1-0, 1-1, 1-2, ...)"),
    Direction => ("cwmp.direction", "Direction", U32, V_DIRECTION, "CPE to ACS or ACS to CPE, from the HTTP roles (the HTTP client is the CPE); inferred from the message when HTTP gives no roles, and then labelled as inferred"),
    MessageKind => ("cwmp.message_kind", "Message Kind", U32, V_KIND, "Request, response or fault"),
    Method => ("cwmp.method", "Method", Str, None, "RPC method: the name of the SOAP Body's child element"),
    Header => ("cwmp.header", "SOAP Header", None, None, ""),
    Id => ("cwmp.id", "ID", Str, None, "cwmp:ID header: correlates a request with its response"),
    HoldRequests => ("cwmp.hold_requests", "HoldRequests", Bool, None, "ACS forbids the CPE to send requests in its next message"),
    NoMoreRequests => ("cwmp.no_more_requests", "NoMoreRequests", Bool, None, "Deprecated (pre-Amendment 1) header: the sender has no more requests"),
    SessionTimeout => ("cwmp.session_timeout", "SessionTimeout", U32, None, "Session inactivity timeout announced by the CPE, in seconds (CWMP 1.3+)"),
    SupportedCwmpVersions => ("cwmp.supported_cwmp_versions", "SupportedCWMPVersions", Str, None, "CWMP versions the CPE supports (CWMP 1.4)"),
    UseCwmpVersion => ("cwmp.use_cwmp_version", "UseCWMPVersion", Str, None, "CWMP version the ACS selected for the session (CWMP 1.4)"),
    HeaderUnknown => ("cwmp.header.unknown", "Unknown Header Element", Str, None, "A SOAP header element this dissector does not know"),
    MustUnderstand => ("cwmp.header.must_understand", "mustUnderstand", Bool, None, "SOAP mustUnderstand attribute of a header element"),
    DeviceId => ("cwmp.deviceid", "DeviceId", None, None, "DeviceIdStruct: the identity of the CPE"),
    Manufacturer => ("cwmp.deviceid.manufacturer", "Manufacturer", Str, None, ""),
    Oui => ("cwmp.deviceid.oui", "OUI", Str, None, "Organizationally unique identifier of the manufacturer, six hex digits"),
    ProductClass => ("cwmp.deviceid.product_class", "ProductClass", Str, None, ""),
    SerialNumber => ("cwmp.deviceid.serial_number", "SerialNumber", Str, None, ""),
    EventList => ("cwmp.event", "Event", None, None, "List of EventStruct"),
    EventStruct => ("cwmp.event_struct", "EventStruct", None, None, ""),
    EventCode => ("cwmp.event_code", "EventCode", Str, None, "Event code exactly as sent"),
    EventCodeNum => ("cwmp.event_code.num", "EventCode Number", U32, V_EVENT, "Number of a standard event code (0-14); absent for M and X events"),
    CommandKey => ("cwmp.command_key", "CommandKey", Str, None, ""),
    MaxEnvelopes => ("cwmp.max_envelopes", "MaxEnvelopes", U32, None, ""),
    CurrentTime => ("cwmp.current_time", "CurrentTime", Str, None, "CurrentTime as written"),
    CurrentTimeUtc => ("cwmp.current_time.utc", "CurrentTime (UTC)", AbsTime, None, "CurrentTime decoded; a time without zone is taken as UTC"),
    RetryCount => ("cwmp.retry_count", "RetryCount", U32, None, ""),
    ParameterList => ("cwmp.parameter_list", "ParameterList", None, None, ""),
    Parameter => ("cwmp.parameter", "Parameter", Str, None, "A parameter as Name=Value, to filter on a name and its value together"),
    ParameterName => ("cwmp.parameter.name", "Name", Str, None, "Parameter name (every parameter name in any message)"),
    ParameterValue => ("cwmp.parameter.value", "Value", Str, None, "Parameter value as written"),
    ParameterType => ("cwmp.parameter.type", "Type", Str, None, "xsi:type of the value as written"),
    ArrayType => ("cwmp.array.type", "arrayType", Str, None, "SOAP-ENC:arrayType of a list as written"),
    ArrayDeclared => ("cwmp.array.declared", "Declared Count", U32, None, "Number of items the arrayType declares"),
    ArrayCount => ("cwmp.array.count", "Item Count", U32, None, "Number of items actually present"),
    SoapFault => ("cwmp.soap.fault", "SOAP Fault", None, None, ""),
    SoapFaultCode => ("cwmp.soap.faultcode", "faultcode", Str, None, ""),
    SoapFaultString => ("cwmp.soap.faultstring", "faultstring", Str, None, ""),
    Fault => ("cwmp.fault", "Fault", None, None, "cwmp:Fault detail"),
    FaultCode => ("cwmp.fault.code", "FaultCode", U32, V_FAULT, "CWMP fault code (CPE 9000-9899, ACS 8000-8899); the label also names the reserved and vendor-specific ranges"),
    FaultString => ("cwmp.fault.string", "FaultString", Str, None, ""),
    SpvFault => ("cwmp.spv_fault", "SetParameterValuesFault", None, None, ""),
    SpvFaultCode => ("cwmp.spv_fault.code", "FaultCode", U32, V_FAULT, "Fault code for one parameter of a SetParameterValues"),
    SpvFaultString => ("cwmp.spv_fault.string", "FaultString", Str, None, ""),
    ParameterKey => ("cwmp.parameter_key", "ParameterKey", Str, None, ""),
    Status => ("cwmp.status", "Status", U32, V_STATUS, ""),
    ParameterNames => ("cwmp.parameter_names", "ParameterNames", None, None, ""),
    ParameterPath => ("cwmp.parameter_path", "ParameterPath", Str, None, ""),
    NextLevel => ("cwmp.next_level", "NextLevel", Bool, None, ""),
    ParameterInfo => ("cwmp.parameter_info", "ParameterInfoStruct", None, None, ""),
    Writable => ("cwmp.writable", "Writable", Bool, None, ""),
    SetAttributes => ("cwmp.set_attributes", "SetParameterAttributesStruct", None, None, ""),
    ParameterAttributes => ("cwmp.parameter_attributes", "ParameterAttributeStruct", None, None, ""),
    NotificationChange => ("cwmp.notification_change", "NotificationChange", Bool, None, ""),
    Notification => ("cwmp.notification", "Notification", U32, V_NOTIFICATION, ""),
    AccessListChange => ("cwmp.access_list_change", "AccessListChange", Bool, None, ""),
    AccessList => ("cwmp.access_list", "AccessList", None, None, ""),
    AccessListEntry => ("cwmp.access_list.entry", "AccessList Entry", Str, None, ""),
    ObjectName => ("cwmp.object_name", "ObjectName", Str, None, ""),
    InstanceNumber => ("cwmp.instance_number", "InstanceNumber", U32, None, ""),
    MethodList => ("cwmp.method_list", "MethodList", None, None, ""),
    MethodListEntry => ("cwmp.method_list.method", "Method", Str, None, "A method named in a GetRPCMethodsResponse"),
    FileType => ("cwmp.file_type", "FileType", Str, None, "File type as written"),
    FileTypeNum => ("cwmp.file_type.num", "FileType Number", U32, V_FILE_TYPE, "Leading number of a standard file type; the value string is the Download numbering, the label names the type in the message's own numbering (Upload, transfer lists)"),
    Url => ("cwmp.url", "URL", Str, None, ""),
    Username => ("cwmp.username", "Username", Str, None, ""),
    Password => ("cwmp.password", "Password", Str, None, ""),
    FileSize => ("cwmp.file_size", "FileSize", U32, None, ""),
    TargetFileName => ("cwmp.target_file_name", "TargetFileName", Str, None, ""),
    DelaySeconds => ("cwmp.delay_seconds", "DelaySeconds", U32, None, ""),
    SuccessUrl => ("cwmp.success_url", "SuccessURL", Str, None, ""),
    FailureUrl => ("cwmp.failure_url", "FailureURL", Str, None, ""),
    StartTime => ("cwmp.start_time", "StartTime", Str, None, "As written"),
    StartTimeUtc => ("cwmp.start_time.utc", "StartTime (UTC)", AbsTime, None, ""),
    CompleteTime => ("cwmp.complete_time", "CompleteTime", Str, None, "As written"),
    CompleteTimeUtc => ("cwmp.complete_time.utc", "CompleteTime (UTC)", AbsTime, None, ""),
    TransferFault => ("cwmp.transfer_fault", "FaultStruct", None, None, "TransferCompleteFaultStruct"),
    TransferFaultCode => ("cwmp.transfer_fault.code", "FaultCode", U32, V_FAULT, "0 means success"),
    TransferFaultString => ("cwmp.transfer_fault.string", "FaultString", Str, None, ""),
    AnnounceUrl => ("cwmp.announce_url", "AnnounceURL", Str, None, ""),
    TransferUrl => ("cwmp.transfer_url", "TransferURL", Str, None, ""),
    IsDownload => ("cwmp.is_download", "IsDownload", Bool, None, ""),
    TransferList => ("cwmp.transfer_list", "TransferList", None, None, ""),
    Transfer => ("cwmp.transfer", "QueuedTransfer", None, None, ""),
    TransferState => ("cwmp.transfer.state", "State", U32, V_TRANSFER_STATE, ""),
    TimeWindowList => ("cwmp.time_window_list", "TimeWindowList", None, None, ""),
    TimeWindow => ("cwmp.time_window", "TimeWindowStruct", None, None, ""),
    WindowStart => ("cwmp.time_window.start", "WindowStart", U32, None, "Seconds after the request was received"),
    WindowEnd => ("cwmp.time_window.end", "WindowEnd", U32, None, "Seconds after the request was received"),
    WindowMode => ("cwmp.time_window.mode", "WindowMode", Str, None, "As written"),
    WindowModeNum => ("cwmp.time_window.mode.num", "WindowMode Number", U32, V_WINDOW_MODE, ""),
    UserMessage => ("cwmp.time_window.user_message", "UserMessage", Str, None, ""),
    MaxRetries => ("cwmp.time_window.max_retries", "MaxRetries", I32, None, "-1: the CPE decides"),
    VoucherList => ("cwmp.voucher_list", "VoucherList", None, None, ""),
    Voucher => ("cwmp.voucher", "Voucher", Str, None, "A signed voucher, base64"),
    OptionName => ("cwmp.option_name", "OptionName", Str, None, ""),
    OptionList => ("cwmp.option_list", "OptionList", None, None, ""),
    OptionStruct => ("cwmp.option", "OptionStruct", None, None, ""),
    VoucherSn => ("cwmp.option.voucher_sn", "VoucherSN", U32, None, ""),
    OptionState => ("cwmp.option.state", "State", U32, V_OPTION_STATE, ""),
    OptionMode => ("cwmp.option.mode", "Mode", I32, V_OPTION_MODE, ""),
    StartDate => ("cwmp.option.start_date", "StartDate", Str, None, ""),
    StartDateUtc => ("cwmp.option.start_date.utc", "StartDate (UTC)", AbsTime, None, ""),
    ExpirationDate => ("cwmp.option.expiration_date", "ExpirationDate", Str, None, ""),
    ExpirationDateUtc => ("cwmp.option.expiration_date.utc", "ExpirationDate (UTC)", AbsTime, None, ""),
    IsTransferable => ("cwmp.option.is_transferable", "IsTransferable", I32, V_TRANSFERABLE, ""),
    FileTypeArgList => ("cwmp.file_type_arg", "FileTypeArg", None, None, ""),
    ArgStruct => ("cwmp.arg", "ArgStruct", None, None, ""),
    ArgName => ("cwmp.arg.name", "Name", Str, None, ""),
    ArgValue => ("cwmp.arg.value", "Value", Str, None, ""),
    KickedCommand => ("cwmp.kicked.command", "Command", Str, None, ""),
    KickedReferer => ("cwmp.kicked.referer", "Referer", Str, None, ""),
    KickedArg => ("cwmp.kicked.arg", "Arg", Str, None, ""),
    KickedNext => ("cwmp.kicked.next", "Next", Str, None, ""),
    NextUrl => ("cwmp.next_url", "NextURL", Str, None, ""),
    DuOperation => ("cwmp.du.operation", "Operation", None, None, "One ChangeDUState operation"),
    DuOperationType => ("cwmp.du.operation_type", "Operation Type", Str, None, "InstallOpStruct, UpdateOpStruct or UninstallOpStruct"),
    DuUuid => ("cwmp.du.uuid", "UUID", Str, None, ""),
    DuVersion => ("cwmp.du.version", "Version", Str, None, ""),
    DuExecutionEnvRef => ("cwmp.du.execution_env_ref", "ExecutionEnvRef", Str, None, ""),
    DuResult => ("cwmp.du.result", "Result", None, None, "OpResultStruct or AutonOpResultStruct"),
    DuDeploymentUnitRef => ("cwmp.du.deployment_unit_ref", "DeploymentUnitRef", Str, None, ""),
    DuCurrentState => ("cwmp.du.current_state", "CurrentState", Str, None, "Installed, Uninstalled or Failed"),
    DuResolved => ("cwmp.du.resolved", "Resolved", Bool, None, ""),
    DuExecutionUnitRefList => ("cwmp.du.execution_unit_ref_list", "ExecutionUnitRefList", Str, None, ""),
    DuFault => ("cwmp.du.fault", "Fault", None, None, "DeploymentUnitFaultStruct"),
    DuFaultCode => ("cwmp.du.fault.code", "FaultCode", U32, V_FAULT, "0 means success"),
    DuFaultString => ("cwmp.du.fault.string", "FaultString", Str, None, ""),
    DuOperationPerformed => ("cwmp.du.operation_performed", "OperationPerformed", Str, None, ""),
    Element => ("cwmp.element", "Element", Str, None, "An element shown generically (vendor method argument or unknown element): its name"),
    ElementValue => ("cwmp.element.value", "Element Text", Str, None, "Text of a generically shown element"),
    Session => ("cwmp.session", "Session", U32, None, "Number of the CWMP session (Inform to end of session) in this capture"),
    SessionManufacturer => ("cwmp.session.deviceid.manufacturer", "Session Manufacturer", Str, None, "Manufacturer from the session's Inform"),
    SessionOui => ("cwmp.session.deviceid.oui", "Session OUI", Str, None, "OUI from the session's Inform"),
    SessionProductClass => ("cwmp.session.deviceid.product_class", "Session ProductClass", Str, None, "ProductClass from the session's Inform"),
    SessionSerialNumber => ("cwmp.session.deviceid.serial_number", "Session SerialNumber", Str, None, "SerialNumber from the session's Inform"),
    ResponseIn => ("cwmp.response_in", "Response In", FrameResponse, None, "The frame that answers this request"),
    ResponseTo => ("cwmp.response_to", "Response To", FrameRequest, None, "The frame of the request this message answers"),
    RequestMethod => ("cwmp.request_method", "Request Method", Str, None, "The method of the request this response or fault answers"),
    Time => ("cwmp.time", "Response Time", RelTime, None, "Time between the request and this response"),
    HttpEvent => ("cwmp.http_event", "HTTP Event", U32, V_HTTP_EVENT, "What an HTTP message without a CWMP body means for the session"),
    UdpCr => ("cwmp.udp_cr", "UDP Connection Request", None, None, "TR-069 Annex G connection request in a UDP datagram"),
    UdpCrTarget => ("cwmp.udp_cr.target", "Request Target", Str, None, "The request line's URL, as written"),
    UdpCrHost => ("cwmp.udp_cr.host", "Host", Str, None, ""),
    UdpCrTs => ("cwmp.udp_cr.ts", "ts", Str, None, "Timestamp parameter, as written"),
    UdpCrTsUtc => ("cwmp.udp_cr.ts.utc", "ts (UTC)", AbsTime, None, "Timestamp parameter decoded"),
    UdpCrId => ("cwmp.udp_cr.id", "id", Str, None, "Message ID parameter: repeated copies of one request share it"),
    UdpCrUn => ("cwmp.udp_cr.un", "un", Str, None, "ConnectionRequestUsername"),
    UdpCrCn => ("cwmp.udp_cr.cn", "cn", Str, None, "Cnonce chosen by the ACS"),
    UdpCrSig => ("cwmp.udp_cr.sig", "sig", Str, None, "HMAC-SHA1 signature, as written"),
    UdpCrSigStatus => ("cwmp.udp_cr.sig_status", "Signature Status", U32, V_SIG_STATUS, "Result of checking the signature with the configured password"),
    UdpCrReplayOf => ("cwmp.udp_cr.replay_of", "Repeats Frame", Frame, None, "The earlier frame with the same message ID"),
    LwNotification => ("cwmp.lwn", "UDP Lightweight Notification", None, None, "TR-069 Annex M lightweight notification"),
    LwTs => ("cwmp.lwn.ts", "TS", Str, None, ""),
    LwUn => ("cwmp.lwn.un", "UN", Str, None, "ManagementServer.Username"),
    LwCn => ("cwmp.lwn.cn", "CN", Str, None, "Cnonce"),
    LwSignature => ("cwmp.lwn.signature", "Signature", Str, None, "HMAC-SHA1 of the body, as written"),
    XmppConnReq => ("cwmp.xmpp_connection_request", "XMPP Connection Request", Str, None, "TR-069 Annex K connection request carried by XMPP: the stanza's type"),
    XmppFrom => ("cwmp.xmpp_connection_request.from", "From", Str, None, "JID of the ACS"),
    XmppTo => ("cwmp.xmpp_connection_request.to", "To", Str, None, "JID of the CPE (ManagementServer.ConnReqJabberID)"),
    XmppId => ("cwmp.xmpp_connection_request.id", "Stanza ID", Str, None, ""),
    XmlEncoding => ("cwmp.encoding", "Character Encoding", Str, None, "Character encoding used to decode the text"),
    TransferRequestIn => ("cwmp.transfer.request_in", "Transfer Request In", FrameRequest, None, "The Download, Upload, ScheduleDownload or ChangeDUState this complete answers"),
    TransferCompleteIn => ("cwmp.transfer.complete_in", "Transfer Complete In", FrameResponse, None, "The TransferComplete or DUStateChangeComplete of this request"),
    TransferDuration => ("cwmp.transfer.duration", "Transfer Duration", RelTime, None, "Time from the transfer request to its complete"),
    TransferFetchIn => ("cwmp.transfer.fetch_in", "File Fetch In", Frame, None, "The frame where the CPE asked for the transfer's file"),
    TransferFetchStatus => ("cwmp.transfer.fetch_status", "File Fetch Status", U32, None, "HTTP status, FTP reply code or TFTP error code of the file fetch"),
    ConnreqInformIn => ("cwmp.connreq.inform_in", "Inform In", FrameResponse, None, "The Inform with 6 CONNECTION REQUEST that followed this connection request"),
    ConnreqRequestIn => ("cwmp.connreq.request_in", "Connection Request In", FrameRequest, None, "The connection request this Inform answers"),
    ConnreqLatency => ("cwmp.connreq.latency", "Connection Request Latency", RelTime, None, "Time from the connection request to the device's Inform"),
    ConnreqUndecided => ("cwmp.connreq.undecided", "Undecided", Str, None, "The capture ends before the connection request's timeout"),
    PeriodicInterval => ("cwmp.periodic.interval", "Periodic Interval", RelTime, None, "Time since the device's previous periodic session"),
    Dm => ("cwmp.dm", "Data Model", None, None, "What the loaded Broadband Forum data model says about a parameter or object name (generated; only with models loaded)"),
    DmModel => ("cwmp.dm.model", "Model", Str, None, "The data model and version that defines the name, for example Device:2.17"),
    DmPath => ("cwmp.dm.path", "Model Path", Str, None, "The name with instance numbers and aliases replaced by {i}, as the model writes it"),
    DmType => ("cwmp.dm.type", "Base Type", Str, None, "The parameter's base type in the model (string, unsignedInt, boolean, dateTime, ...)"),
    DmDataType => ("cwmp.dm.data_type", "Data Type", Str, None, "The named data type the model uses for the parameter, for example MACAddress"),
    DmAccess => ("cwmp.dm.access", "Access", Str, None, "readOnly, readWrite or writeOnceReadOnly; for objects, whether the ACS may add and delete instances"),
    DmUnits => ("cwmp.dm.units", "Units", Str, None, "The parameter's units in the model"),
    DmDescription => ("cwmp.dm.description", "Description", Str, None, "The first sentence of the model's description, as plain text"),
    DmStatus => ("cwmp.dm.status", "Status", Str, None, "deprecated, obsoleted or deleted (absent when current)"),
    Auth => ("cwmp.auth", "HTTP Authentication", None, None, "The HTTP Authorization of a CWMP POST or a TCP connection request, checked against the cwmp_credentials table (generated)"),
    AuthValid => ("cwmp.auth.valid", "Valid", Bool, None, "Whether the answer is right for the configured password (present only where a verdict was possible)"),
    AuthVerdict => ("cwmp.auth.verdict", "Verdict", U32, V_AUTH_VERDICT, "The outcome of checking the Authorization header against the configured password and the last challenge"),
    AuthScheme => ("cwmp.auth.scheme", "Scheme", U32, V_AUTH_SCHEME, "The HTTP authentication scheme of the Authorization header"),
    AuthUsername => ("cwmp.auth.username", "Username", Str, None, "The user name of the Authorization header (for Digest userhash, the hash as sent)"),
    AuthRealm => ("cwmp.auth.realm", "Realm", Str, None, "The Digest realm of the Authorization header"),
    AuthChallengeIn => ("cwmp.auth.challenge_in", "Challenge In", Frame, None, "The frame of the HTTP 401 whose nonce the answer uses"),
    Cookie => ("cwmp.cookie", "Session Cookie", Str, None, "The name of the ACS's session cookie that the message sets or returns (its value is not shown)"),
}

expert_table! {
    Malformed => ("cwmp.expert.malformed", Malformed, Error, "Malformed XML",
        "The body stops being XML: nothing after the error is decoded, and the peer cannot read it either."),
    Truncated => ("cwmp.expert.truncated", Malformed, Error, "XML ends before its elements are closed",
        "The message is cut short: its end is missing for the peer as for the analyst."),
    InvalidChar => ("cwmp.expert.invalid_char", Malformed, Warn, "Character not allowed in XML",
        "A strict XML parser rejects the whole message."),
    InvalidUtf8 => ("cwmp.expert.invalid_utf8", Malformed, Warn, "Text is not valid in its character encoding",
        "A strict XML parser rejects the whole message."),
    UnknownEntity => ("cwmp.expert.unknown_entity", Malformed, Warn, "Entity reference not expanded",
        "An XML parser rejects an undefined entity; the text is shown as written."),
    Doctype => ("cwmp.expert.doctype", Security, Warn, "DOCTYPE in a SOAP message: ignored, entities not expanded",
        "SOAP forbids a DOCTYPE; peers refuse it, and entity tricks are a known attack."),
    TooDeep => ("cwmp.expert.too_deep", Undecoded, Warn, "Nesting depth limit reached: deeper elements not decoded",
        "Part of the message is not shown: the analyst must know the tree is incomplete."),
    TooLarge => ("cwmp.expert.too_large", Undecoded, Warn, "Body larger than the size limit: only its start is decoded",
        "Part of the message is not shown: the analyst must know the tree is incomplete."),
    TooManyItems => ("cwmp.expert.too_many_items", Undecoded, Warn, "Item limit reached: the rest of the message is not shown",
        "Part of the message is not shown: the analyst must know the tree is incomplete."),
    NotSoap => ("cwmp.expert.not_soap", Protocol, Warn, "Not a SOAP envelope",
        "A CWMP peer cannot process a body that is not a SOAP envelope."),
    NoBody => ("cwmp.expert.no_body", Protocol, Warn, "SOAP envelope without a Body",
        "There is no method for the peer to run or answer."),
    MultipleBody => ("cwmp.expert.multiple_body", Protocol, Warn, "More than one element in the SOAP Body",
        "CWMP allows one method per envelope; a peer runs only one of them, or refuses the message."),
    NonStandardNamespace => ("cwmp.expert.nonstandard_namespace", Protocol, Note, "CWMP namespace not defined by any published schema",
        "cwmp-1-3 and cwmp-1-4 are common in real traffic (14 corpus messages) and peers accept them."),
    UnknownMethod => ("cwmp.expert.unknown_method", Protocol, Warn, "Unknown method in the CWMP namespace",
        "The peer answers it with fault 9000 (method not supported)."),
    VendorMethod => ("cwmp.expert.vendor_method", Protocol, Note, "Vendor-specific method",
        "Allowed by TR-069; shown so that the analyst knows its arguments are not checked."),
    WrongSender => ("cwmp.expert.wrong_sender", Protocol, Warn, "Message sent by the wrong side",
        "The receiving side does not implement the method in that direction and refuses it."),
    UnknownElement => ("cwmp.expert.unknown_element", Protocol, Note, "Element not defined for this message: shown generically",
        "Peers ignore arguments they do not know; common with home-grown builders (40 corpus items)."),
    CaseMismatch => ("cwmp.expert.case_mismatch", Protocol, Note, "Element name differs from the standard only in letter case",
        "Lenient peers accept it; it is shown so that a strict peer's refusal can be explained."),
    MissingArgument => ("cwmp.expert.missing_argument", Protocol, Warn, "Required argument missing",
        "The peer answers with fault 9003 (invalid arguments) or misbehaves."),
    BadValue => ("cwmp.expert.bad_value", Protocol, Warn, "Value does not match its type",
        "A value that cannot parse as its type (or lies outside its enumeration) makes the peer fail or fault."),
    LenientValue => ("cwmp.expert.lenient_value", Protocol, Note, "Value in a common non-standard form",
        "Forms seen from real devices that peers accept: the all-zero dateTime 0000-00-00T00:00:00 for an unknown time, a lower-case OUI."),
    TooLong => ("cwmp.expert.too_long", Protocol, Warn, "Value longer than the schema allows",
        "A peer that keeps to the schema's limits refuses the value (fault 9003) or truncates it."),
    BadOui => ("cwmp.expert.bad_oui", Protocol, Warn, "OUI is not six hex digits",
        "An ACS that identifies devices by OUI cannot match it (a lower-case OUI is only a note: lenient_value)."),
    MissingType => ("cwmp.expert.missing_type", Protocol, Note, "Value without xsi:type: taken as a string",
        "Very common (23 corpus items) and peers accept it: the data model gives the type."),
    UnknownType => ("cwmp.expert.unknown_type", Protocol, Note, "Unknown xsi:type",
        "Peers take the value as text; the value is shown as written."),
    ArrayMismatch => ("cwmp.expert.array_count_mismatch", Protocol, Note, "arrayType count differs from the number of items",
        "Common (9 corpus messages from 7 implementations): peers count the items themselves."),
    UnknownEvent => ("cwmp.expert.unknown_event", Protocol, Warn, "Unknown event code",
        "The ACS cannot act on an event it does not know."),
    TooManyEvents => ("cwmp.expert.too_many_events", Protocol, Warn, "More than 64 events in one Inform",
        "Beyond the schema's limit: an ACS may refuse the Inform."),
    MaxEnvelopesNotOne => ("cwmp.expert.max_envelopes", Protocol, Note, "MaxEnvelopes is not 1",
        "CWMP requires 1 and peers ignore the value, so other values do no harm."),
    UnknownHeader => ("cwmp.expert.unknown_header", Protocol, Warn, "Unknown SOAP header element marked mustUnderstand",
        "SOAP requires the receiver to refuse the message with a fault."),
    Deprecated => ("cwmp.expert.deprecated", Deprecated, Note, "Deprecated element or method",
        "Still answered by most peers (NoMoreRequests, GetQueuedTransfers, ...): worth knowing, not a failure."),
    BareFault => ("cwmp.expert.bare_fault", Protocol, Warn, "cwmp:Fault without the SOAP Fault around it",
        "A peer looks for the fault inside a SOAP Fault and does not see this one as a fault."),
    Fault => ("cwmp.expert.fault", ResponseCode, Warn, "CWMP fault",
        "The peer could not do what was asked."),
    Credentials => ("cwmp.expert.credentials", Security, Note, "Credentials in clear text",
        "Part of the protocol (Download and Upload carry file-server credentials, 24 corpus items) and no peer fails on it; shown as a security observation."),
    Unanswered => ("cwmp.expert.unanswered", Sequence, Warn, "Request never answered",
        "The session broke off or a peer ignored the request."),
    ResponseWithoutRequest => ("cwmp.expert.response_without_request", Sequence, Warn, "Response without a pending request",
        "An answer to a request that was never made confuses the peer (in captures that start mid-session it is expected)."),
    IdMismatch => ("cwmp.expert.id_mismatch", Sequence, Warn, "cwmp:ID of the response differs from the request's",
        "The peer matches responses by ID and cannot match this one."),
    MethodMismatch => ("cwmp.expert.method_mismatch", Sequence, Warn, "Response does not match the request's method",
        "The peer cannot use an answer to a different method."),
    AuthChallenge => ("cwmp.expert.auth_challenge", Sequence, Chat, "HTTP authentication challenge",
        "The usual start of an authenticated session."),
    AuthRetry => ("cwmp.expert.auth_retry", Sequence, Chat, "Request retried with credentials",
        "The usual answer to a challenge."),
    Redirect => ("cwmp.expert.redirect", Sequence, Note, "Session redirected to another URL",
        "Allowed by TR-069, but it changes where the session continues."),
    HttpError => ("cwmp.expert.http_error", ResponseCode, Warn, "HTTP error status",
        "The session cannot continue."),
    RetriedInform => ("cwmp.expert.retried_inform", Sequence, Note, "Inform of a retried session (RetryCount > 0)",
        "An earlier session failed; this one is the retry."),
    RetryRequest => ("cwmp.expert.retry_request", Sequence, Note, "ACS asks the CPE to retry (fault 8005)",
        "A normal way for the ACS to delay a request."),
    EmptyPost => ("cwmp.expert.empty_post", Sequence, Chat, "Empty POST: the CPE hands the floor to the ACS",
        "The normal course of a session."),
    SessionEnd => ("cwmp.expert.session_end", Sequence, Chat, "End of session",
        "The normal course of a session."),
    SessionEndAbrupt => ("cwmp.expert.session_end_abrupt", Sequence, Note, "Session ended without an empty POST",
        "TR-069 allows the ACS to end the session this way only when the CPE has nothing left to send."),
    HoldRequests => ("cwmp.expert.hold_requests", Sequence, Note, "HoldRequests in effect",
        "Explains why the CPE sends no requests."),
    HoldRequestsViolated => ("cwmp.expert.hold_requests_violated", Sequence, Warn, "CPE request while the ACS holds requests",
        "The ACS does not expect the request and may refuse it."),
    ConnectionRequest => ("cwmp.expert.connection_request", Sequence, Chat, "Connection request",
        "The normal start of an ACS-initiated session."),
    UdpCrStale => ("cwmp.expert.udp_cr_stale", Sequence, Warn, "UDP connection request timestamp far from the capture time",
        "The CPE discards it as a possible replay."),
    UdpCrReplay => ("cwmp.expert.udp_cr_replay", Sequence, Note, "UDP connection request repeats an earlier message ID",
        "Annex G repeats each request on purpose; the CPE acts once."),
    UdpCrBadSig => ("cwmp.expert.bad_signature", Security, Warn, "Signature does not match the configured password",
        "The CPE ignores the request."),
    UdpCrMalformed => ("cwmp.expert.udp_malformed", Malformed, Warn, "Malformed UDP connection request",
        "The CPE ignores the request."),
    Internal => ("cwmp.expert.internal", Malformed, Error, "Internal error in the CWMP dissector",
        "A bug of this dissector: the message is not decoded."),
    TransferIncomplete => ("cwmp.expert.transfer_incomplete", Sequence, Note, "Transfer not completed in the capture",
        "The transfer may still be running when the capture ends; nothing is wrong yet."),
    TransferOrphan => ("cwmp.expert.transfer_orphan", Sequence, Note, "Transfer complete whose request is not in the capture",
        "The request was usually sent before the capture began."),
    TransferFailed => ("cwmp.expert.transfer_failed", ResponseCode, Warn, "Transfer failed",
        "The CPE reports that the file transfer did not happen."),
    ConnreqUnanswered => ("cwmp.expert.connreq_unanswered", Sequence, Warn, "Connection request not followed by an Inform",
        "The ACS cannot reach the device: the session it asked for never starts."),
    PeriodicDrift => ("cwmp.expert.periodic_drift", Sequence, Warn, "Periodic Informs off PeriodicInformInterval by more than 10%",
        "The device does not keep the schedule the ACS set: load on the ACS, or a missed setting."),
    RetryTooSoon => ("cwmp.expert.retry_too_soon", Sequence, Warn, "Session retried sooner than the retry window allows",
        "Retries faster than TR-069 3.2.1.1 allows hammer an ACS that is already failing."),
    RetryAfterSuccess => ("cwmp.expert.retry_after_success", Sequence, Warn, "RetryCount above 0 after a session the ACS accepted",
        "The ACS reads the session as a retry of a failure that did not happen."),
    RpcLoop => ("cwmp.expert.rpc_loop", Sequence, Warn, "The same request or fault in three or more consecutive sessions",
        "A provisioning loop: the change never sticks, or the ACS never learns that it did."),
    FollowCapped => ("cwmp.expert.follow_capped", Undecoded, Note, "Per-device history limit reached",
        "Older history of the device is dropped; links to it are not made."),
    DmReadOnly => ("cwmp.expert.dm.read_only", Protocol, Warn, "The data model does not let the ACS write this",
        "The CPE refuses the write (fault 9008): an ACS that sends it has a bug."),
    DmTypeMismatch => ("cwmp.expert.dm.type_mismatch", Protocol, Warn, "xsi:type differs from the data model's type",
        "A strict CPE refuses the value (fault 9006) or converts it in its own way."),
    DmBadValue => ("cwmp.expert.dm.bad_value", Protocol, Warn, "Value does not fit the data model",
        "The CPE refuses the value (fault 9007) or stores a setting it cannot use."),
    DmUnknown => ("cwmp.expert.dm.unknown", Protocol, Note, "Name not defined by the device's data model",
        "The name may come from a model version or vendor extension that is not loaded; worth a look, not a failure."),
    DmDeprecated => ("cwmp.expert.dm.deprecated", Deprecated, Note, "Deprecated, obsoleted or deleted in the data model",
        "Still answered by most CPEs, but due to go away in later models."),
    DmSecretDisclosed => ("cwmp.expert.dm.secret_disclosed", Security, Warn, "Hidden or secured parameter returned with a value",
        "A secret the model hides in transit is in the capture: a security observation."),
    DmNewer => ("cwmp.expert.dm.newer", Protocol, Note, "Defined in a newer version of the data model than the device reports",
        "The device reports an older model version; the name may not exist on it."),
    AuthFailed => ("cwmp.expert.auth_failed", Security, Warn, "HTTP authentication answer not valid for the configured password",
        "The server refuses the answer: the session or connection request fails (only checked for users in the cwmp_credentials table)."),
    AuthLoop => ("cwmp.expert.auth_loop", Sequence, Warn, "Three or more authentication challenges in a row without success",
        "The client never gets in: wrong credentials, a realm mismatch or a nonce problem loops until a peer gives up."),
    BasicCleartext => ("cwmp.expert.basic_cleartext", Security, Note, "Basic credentials over plain HTTP",
        "TR-069 (3.4.4) wants Basic only inside TLS: anyone on the path reads the password. Peers accept it, so it is a security observation, not a failure."),
    CookieNotReturned => ("cwmp.expert.cookie_not_returned", Sequence, Warn, "Session cookie not returned by the CPE",
        "An ACS that holds the session together by its cookie loses the session: it breaks half-way."),
}

impl Field {
    pub fn def(self) -> &'static FieldDef {
        &FIELDS[self as usize]
    }

    /// Fault-code fields: shown with range strings so the reserved and vendor ranges are named too.
    pub fn is_fault_code(self) -> bool {
        matches!(
            self,
            Field::FaultCode | Field::SpvFaultCode | Field::TransferFaultCode | Field::DuFaultCode
        )
    }
}

impl Expert {
    pub fn def(self) -> &'static ExpertDef {
        &EXPERTS[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_in_style() {
        let mut seen = HashSet::new();
        for f in FIELDS {
            assert!(seen.insert(f.abbrev), "duplicate {}", f.abbrev);
            assert!(
                f.abbrev == "cwmp" || f.abbrev.starts_with("cwmp."),
                "{}",
                f.abbrev
            );
            assert!(
                f.abbrev.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'.'
                    || b == b'_'),
                "{}",
                f.abbrev
            );
            if f.vals.is_some() {
                assert!(
                    matches!(f.ty, FieldType::U32 | FieldType::I32),
                    "{}",
                    f.abbrev
                );
            }
        }
        for e in EXPERTS {
            assert!(seen.insert(e.abbrev), "duplicate {}", e.abbrev);
            assert!(e.abbrev.starts_with("cwmp.expert."), "{}", e.abbrev);
        }
    }
}
