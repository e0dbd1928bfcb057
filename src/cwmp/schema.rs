// SPDX-License-Identifier: GPL-2.0-or-later
//! The CWMP method catalogue as data: every RPC, its arguments and structures (TR-069 Amendment 6,
//! Annex A; reference sections 4 and 5).
//!
//! PURE. The decoder walks a method element with its [`MethodDef`]; each argument's [`Ty`] says how to
//! read it and which [`Field`] shows it. Adding a method or an argument is a table edit.
#![forbid(unsafe_code)]

use super::model::Sender;
use crate::fields::Field as F;
use crate::values;

/// How the text of an element is read.
#[derive(Debug)]
pub enum Ty {
    /// Text, trimmed, with a schema length limit (0: none).
    Str(F, u32),
    /// Text kept exactly as written (values, event codes).
    Lit(F, u32),
    /// A credential: text, flagged as clear text when not empty.
    Cred(F, u32),
    U32(F),
    I32(F),
    Bool(F),
    /// dateTime: the literal text and a generated UTC companion.
    Time(F, F),
    /// DeviceIdStruct's OUI (six upper-case hex digits).
    Oui,
    /// EventCode: literal plus `cwmp.event_code.num`.
    EventCode,
    /// FileType: literal plus `cwmp.file_type.num`, named by the given context.
    FileType(FileCtx),
    /// WindowMode: literal plus its number.
    WindowMode,
    /// A string-coded enumeration without numbers (DU states, AccessList entries).
    Enum(F, &'static StrEnum),
    /// A ParameterValueStruct `Value` with its xsi:type.
    Value,
    Struct(&'static StructDef),
    /// A SOAP-encoded array: head field, the item element name, the item type.
    Array(F, &'static str, &'static Ty),
    /// ChangeDUState `Operations`, in either of its two encodings (reference 5.9).
    Operations,
    /// Shown generically.
    Any,
}

/// The values of a string-coded enumeration, each with its meaning.
#[derive(Debug)]
pub struct StrEnum {
    pub values: &'static [(&'static str, &'static str)],
    /// Vendors may add values (shown as vendor-specific rather than flagged).
    pub vendor_values: bool,
    /// Schema length limit (0: none).
    pub max: u32,
}

pub static DU_STATE: StrEnum = StrEnum {
    values: values::DU_STATES,
    vendor_values: false,
    max: 0,
};

pub static DU_OPERATION: StrEnum = StrEnum {
    values: values::DU_OPERATIONS,
    vendor_values: true,
    max: 0,
};

pub static ACCESS_LIST_ENTRY: StrEnum = StrEnum {
    values: values::ACCESS_LIST_ENTRIES,
    vendor_values: true,
    max: 64,
};

/// Which numbering a FileType follows (reference 6.7).
#[derive(Debug, Clone, Copy)]
pub enum FileCtx {
    Download,
    Upload,
    Transfer,
}

/// How a structure's subtree head is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// "Struct: first member value".
    First,
    /// `Name = Value` (ParameterValueStruct).
    NameValue,
    /// Manufacturer, OUI, ProductClass, SerialNumber.
    Device,
}

#[derive(Debug)]
pub struct StructDef {
    pub field: F,
    pub name: &'static str,
    pub members: &'static [Member],
    pub label: Label,
}

#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// May occur more than once (repeated elements rather than an array).
    pub repeated: bool,
}

const fn req(name: &'static str, ty: Ty) -> Member {
    Member {
        name,
        ty,
        required: true,
        repeated: false,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Member {
    Member {
        name,
        ty,
        required: false,
        repeated: false,
    }
}

const fn many(name: &'static str, ty: Ty) -> Member {
    Member {
        name,
        ty,
        required: true,
        repeated: true,
    }
}

#[derive(Debug)]
pub struct MethodDef {
    pub name: &'static str,
    /// Who calls the method (sends the request).
    pub sender: Sender,
    pub request: &'static [Member],
    pub response: &'static [Member],
    pub deprecated: bool,
}

// ---- structures (reference section 5) ----

pub static DEVICE_ID: StructDef = StructDef {
    field: F::DeviceId,
    name: "DeviceId",
    label: Label::Device,
    members: &[
        req("Manufacturer", Ty::Str(F::Manufacturer, 64)),
        req("OUI", Ty::Oui),
        req("ProductClass", Ty::Str(F::ProductClass, 64)),
        req("SerialNumber", Ty::Str(F::SerialNumber, 64)),
    ],
};

pub static EVENT_STRUCT: StructDef = StructDef {
    field: F::EventStruct,
    name: "EventStruct",
    label: Label::First,
    members: &[
        req("EventCode", Ty::EventCode),
        req("CommandKey", Ty::Str(F::CommandKey, 32)),
    ],
};

pub static PARAMETER_VALUE: StructDef = StructDef {
    field: F::Parameter,
    name: "ParameterValueStruct",
    label: Label::NameValue,
    members: &[
        req("Name", Ty::Str(F::ParameterName, 256)),
        req("Value", Ty::Value),
    ],
};

pub static PARAMETER_INFO: StructDef = StructDef {
    field: F::ParameterInfo,
    name: "ParameterInfoStruct",
    label: Label::First,
    members: &[
        req("Name", Ty::Str(F::ParameterName, 256)),
        req("Writable", Ty::Bool(F::Writable)),
    ],
};

pub static SET_ATTRIBUTES: StructDef = StructDef {
    field: F::SetAttributes,
    name: "SetParameterAttributesStruct",
    label: Label::First,
    members: &[
        req("Name", Ty::Str(F::ParameterName, 256)),
        req("NotificationChange", Ty::Bool(F::NotificationChange)),
        req("Notification", Ty::U32(F::Notification)),
        req("AccessListChange", Ty::Bool(F::AccessListChange)),
        req(
            "AccessList",
            Ty::Array(
                F::AccessList,
                "string",
                &Ty::Enum(F::AccessListEntry, &ACCESS_LIST_ENTRY),
            ),
        ),
    ],
};

pub static PARAMETER_ATTRIBUTES: StructDef = StructDef {
    field: F::ParameterAttributes,
    name: "ParameterAttributeStruct",
    label: Label::First,
    members: &[
        req("Name", Ty::Str(F::ParameterName, 256)),
        req("Notification", Ty::U32(F::Notification)),
        req(
            "AccessList",
            Ty::Array(
                F::AccessList,
                "string",
                &Ty::Enum(F::AccessListEntry, &ACCESS_LIST_ENTRY),
            ),
        ),
    ],
};

pub static SOAP_FAULT_DETAIL: StructDef = StructDef {
    field: F::Fault,
    name: "Fault",
    label: Label::First,
    members: &[
        req("FaultCode", Ty::U32(F::FaultCode)),
        opt("FaultString", Ty::Str(F::FaultString, 0)),
        Member {
            name: "SetParameterValuesFault",
            ty: Ty::Struct(&SPV_FAULT),
            required: false,
            repeated: true,
        },
    ],
};

pub static SPV_FAULT: StructDef = StructDef {
    field: F::SpvFault,
    name: "SetParameterValuesFault",
    label: Label::First,
    members: &[
        req("ParameterName", Ty::Str(F::ParameterName, 256)),
        req("FaultCode", Ty::U32(F::SpvFaultCode)),
        opt("FaultString", Ty::Str(F::SpvFaultString, 0)),
    ],
};

pub static TRANSFER_FAULT: StructDef = StructDef {
    field: F::TransferFault,
    name: "FaultStruct",
    label: Label::First,
    members: &[
        req("FaultCode", Ty::U32(F::TransferFaultCode)),
        opt("FaultString", Ty::Str(F::TransferFaultString, 256)),
    ],
};

pub static QUEUED_TRANSFER: StructDef = StructDef {
    field: F::Transfer,
    name: "QueuedTransferStruct",
    label: Label::First,
    members: &[
        req("CommandKey", Ty::Str(F::CommandKey, 32)),
        req("State", Ty::U32(F::TransferState)),
    ],
};

pub static ALL_QUEUED_TRANSFER: StructDef = StructDef {
    field: F::Transfer,
    name: "AllQueuedTransferStruct",
    label: Label::First,
    members: &[
        req("CommandKey", Ty::Str(F::CommandKey, 32)),
        req("State", Ty::U32(F::TransferState)),
        req("IsDownload", Ty::Bool(F::IsDownload)),
        req("FileType", Ty::FileType(FileCtx::Transfer)),
        req("FileSize", Ty::U32(F::FileSize)),
        req("TargetFileName", Ty::Str(F::TargetFileName, 256)),
    ],
};

pub static TIME_WINDOW: StructDef = StructDef {
    field: F::TimeWindow,
    name: "TimeWindowStruct",
    label: Label::First,
    members: &[
        req("WindowStart", Ty::U32(F::WindowStart)),
        req("WindowEnd", Ty::U32(F::WindowEnd)),
        req("WindowMode", Ty::WindowMode),
        req("UserMessage", Ty::Str(F::UserMessage, 256)),
        req("MaxRetries", Ty::I32(F::MaxRetries)),
    ],
};

pub static ARG_STRUCT: StructDef = StructDef {
    field: F::ArgStruct,
    name: "ArgStruct",
    label: Label::First,
    members: &[
        req("Name", Ty::Str(F::ArgName, 64)),
        req("Value", Ty::Str(F::ArgValue, 256)),
    ],
};

pub static OPTION_STRUCT: StructDef = StructDef {
    field: F::OptionStruct,
    name: "OptionStruct",
    label: Label::First,
    members: &[
        req("OptionName", Ty::Str(F::OptionName, 64)),
        req("VoucherSN", Ty::U32(F::VoucherSn)),
        req("State", Ty::U32(F::OptionState)),
        req("Mode", Ty::I32(F::OptionMode)),
        req("StartDate", Ty::Time(F::StartDate, F::StartDateUtc)),
        opt(
            "ExpirationDate",
            Ty::Time(F::ExpirationDate, F::ExpirationDateUtc),
        ),
        req("IsTransferable", Ty::I32(F::IsTransferable)),
    ],
};

pub static INSTALL_OP: StructDef = StructDef {
    field: F::DuOperation,
    name: "InstallOpStruct",
    label: Label::First,
    members: &[
        req("URL", Ty::Str(F::Url, 1024)),
        opt("UUID", Ty::Str(F::DuUuid, 36)),
        opt("Username", Ty::Cred(F::Username, 256)),
        opt("Password", Ty::Cred(F::Password, 256)),
        opt("ExecutionEnvRef", Ty::Str(F::DuExecutionEnvRef, 256)),
    ],
};

pub static UPDATE_OP: StructDef = StructDef {
    field: F::DuOperation,
    name: "UpdateOpStruct",
    label: Label::First,
    members: &[
        opt("UUID", Ty::Str(F::DuUuid, 36)),
        opt("Version", Ty::Str(F::DuVersion, 32)),
        opt("URL", Ty::Str(F::Url, 1024)),
        opt("Username", Ty::Cred(F::Username, 256)),
        opt("Password", Ty::Cred(F::Password, 256)),
    ],
};

pub static UNINSTALL_OP: StructDef = StructDef {
    field: F::DuOperation,
    name: "UninstallOpStruct",
    label: Label::First,
    members: &[
        req("UUID", Ty::Str(F::DuUuid, 36)),
        opt("Version", Ty::Str(F::DuVersion, 32)),
        opt("ExecutionEnvRef", Ty::Str(F::DuExecutionEnvRef, 256)),
    ],
};

/// The concrete ChangeDUState operations.
pub static OPERATIONS: [&StructDef; 3] = [&INSTALL_OP, &UPDATE_OP, &UNINSTALL_OP];

static DU_FAULT: StructDef = StructDef {
    field: F::DuFault,
    name: "Fault",
    label: Label::First,
    members: &[
        req("FaultCode", Ty::U32(F::DuFaultCode)),
        opt("FaultString", Ty::Str(F::DuFaultString, 0)),
    ],
};

const OP_RESULT_MEMBERS: [Member; 9] = [
    req("UUID", Ty::Str(F::DuUuid, 36)),
    req("DeploymentUnitRef", Ty::Str(F::DuDeploymentUnitRef, 0)),
    req("Version", Ty::Str(F::DuVersion, 32)),
    req("CurrentState", Ty::Enum(F::DuCurrentState, &DU_STATE)),
    req("Resolved", Ty::Bool(F::DuResolved)),
    req(
        "ExecutionUnitRefList",
        Ty::Str(F::DuExecutionUnitRefList, 0),
    ),
    req("StartTime", Ty::Time(F::StartTime, F::StartTimeUtc)),
    req(
        "CompleteTime",
        Ty::Time(F::CompleteTime, F::CompleteTimeUtc),
    ),
    req("Fault", Ty::Struct(&DU_FAULT)),
];

pub static OP_RESULT: StructDef = StructDef {
    field: F::DuResult,
    name: "OpResultStruct",
    label: Label::First,
    members: &OP_RESULT_MEMBERS,
};

pub static AUTON_OP_RESULT: StructDef = StructDef {
    field: F::DuResult,
    name: "AutonOpResultStruct",
    label: Label::First,
    members: &[
        req("UUID", Ty::Str(F::DuUuid, 36)),
        req("DeploymentUnitRef", Ty::Str(F::DuDeploymentUnitRef, 0)),
        req("Version", Ty::Str(F::DuVersion, 32)),
        req("CurrentState", Ty::Enum(F::DuCurrentState, &DU_STATE)),
        req("Resolved", Ty::Bool(F::DuResolved)),
        req(
            "ExecutionUnitRefList",
            Ty::Str(F::DuExecutionUnitRefList, 0),
        ),
        req("StartTime", Ty::Time(F::StartTime, F::StartTimeUtc)),
        req(
            "CompleteTime",
            Ty::Time(F::CompleteTime, F::CompleteTimeUtc),
        ),
        req("Fault", Ty::Struct(&DU_FAULT)),
        req(
            "OperationPerformed",
            Ty::Enum(F::DuOperationPerformed, &DU_OPERATION),
        ),
    ],
};

// ---- common argument shapes ----

const TRANSFER_RESULT: [Member; 3] = [
    req("Status", Ty::U32(F::Status)),
    req("StartTime", Ty::Time(F::StartTime, F::StartTimeUtc)),
    req(
        "CompleteTime",
        Ty::Time(F::CompleteTime, F::CompleteTimeUtc),
    ),
];

// ---- the catalogue (reference 4.1 and 4.2) ----

/// Every standard method. GetRPCMethods goes both ways.
pub static METHODS: &[MethodDef] = &[
    MethodDef {
        name: "GetRPCMethods",
        sender: Sender::Either,
        request: &[],
        response: &[req(
            "MethodList",
            Ty::Array(F::MethodList, "string", &Ty::Str(F::MethodListEntry, 64)),
        )],
        deprecated: false,
    },
    MethodDef {
        name: "SetParameterValues",
        sender: Sender::Acs,
        request: &[
            req("ParameterList", PARAMETER_LIST_TY),
            req("ParameterKey", Ty::Str(F::ParameterKey, 32)),
        ],
        response: &[req("Status", Ty::U32(F::Status))],
        deprecated: false,
    },
    MethodDef {
        name: "GetParameterValues",
        sender: Sender::Acs,
        request: &[req("ParameterNames", PARAMETER_NAMES_TY)],
        response: &[req("ParameterList", PARAMETER_LIST_TY)],
        deprecated: false,
    },
    MethodDef {
        name: "GetParameterNames",
        sender: Sender::Acs,
        request: &[
            req("ParameterPath", Ty::Str(F::ParameterPath, 256)),
            req("NextLevel", Ty::Bool(F::NextLevel)),
        ],
        response: &[req(
            "ParameterList",
            Ty::Array(
                F::ParameterList,
                "ParameterInfoStruct",
                &Ty::Struct(&PARAMETER_INFO),
            ),
        )],
        deprecated: false,
    },
    MethodDef {
        name: "SetParameterAttributes",
        sender: Sender::Acs,
        request: &[req(
            "ParameterList",
            Ty::Array(
                F::ParameterList,
                "SetParameterAttributesStruct",
                &Ty::Struct(&SET_ATTRIBUTES),
            ),
        )],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "GetParameterAttributes",
        sender: Sender::Acs,
        request: &[req("ParameterNames", PARAMETER_NAMES_TY)],
        response: &[req(
            "ParameterList",
            Ty::Array(
                F::ParameterList,
                "ParameterAttributeStruct",
                &Ty::Struct(&PARAMETER_ATTRIBUTES),
            ),
        )],
        deprecated: false,
    },
    MethodDef {
        name: "AddObject",
        sender: Sender::Acs,
        request: &[
            req("ObjectName", Ty::Str(F::ObjectName, 256)),
            req("ParameterKey", Ty::Str(F::ParameterKey, 32)),
        ],
        response: &[
            req("InstanceNumber", Ty::U32(F::InstanceNumber)),
            req("Status", Ty::U32(F::Status)),
        ],
        deprecated: false,
    },
    MethodDef {
        name: "DeleteObject",
        sender: Sender::Acs,
        request: &[
            req("ObjectName", Ty::Str(F::ObjectName, 256)),
            req("ParameterKey", Ty::Str(F::ParameterKey, 32)),
        ],
        response: &[req("Status", Ty::U32(F::Status))],
        deprecated: false,
    },
    MethodDef {
        name: "Reboot",
        sender: Sender::Acs,
        request: &[req("CommandKey", Ty::Str(F::CommandKey, 32))],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "Download",
        sender: Sender::Acs,
        request: &[
            req("CommandKey", Ty::Str(F::CommandKey, 32)),
            req("FileType", Ty::FileType(FileCtx::Download)),
            req("URL", Ty::Str(F::Url, 256)),
            req("Username", Ty::Cred(F::Username, 256)),
            req("Password", Ty::Cred(F::Password, 256)),
            req("FileSize", Ty::U32(F::FileSize)),
            req("TargetFileName", Ty::Str(F::TargetFileName, 256)),
            req("DelaySeconds", Ty::U32(F::DelaySeconds)),
            req("SuccessURL", Ty::Str(F::SuccessUrl, 256)),
            req("FailureURL", Ty::Str(F::FailureUrl, 256)),
        ],
        response: &TRANSFER_RESULT,
        deprecated: false,
    },
    MethodDef {
        name: "Upload",
        sender: Sender::Acs,
        request: &[
            req("CommandKey", Ty::Str(F::CommandKey, 32)),
            req("FileType", Ty::FileType(FileCtx::Upload)),
            req("URL", Ty::Str(F::Url, 256)),
            req("Username", Ty::Cred(F::Username, 256)),
            req("Password", Ty::Cred(F::Password, 256)),
            req("DelaySeconds", Ty::U32(F::DelaySeconds)),
        ],
        response: &TRANSFER_RESULT,
        deprecated: false,
    },
    MethodDef {
        name: "FactoryReset",
        sender: Sender::Acs,
        request: &[],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "GetQueuedTransfers",
        sender: Sender::Acs,
        request: &[],
        response: &[req(
            "TransferList",
            Ty::Array(
                F::TransferList,
                "QueuedTransferStruct",
                &Ty::Struct(&QUEUED_TRANSFER),
            ),
        )],
        deprecated: true,
    },
    MethodDef {
        name: "GetAllQueuedTransfers",
        sender: Sender::Acs,
        request: &[],
        response: &[req(
            "TransferList",
            Ty::Array(
                F::TransferList,
                "AllQueuedTransferStruct",
                &Ty::Struct(&ALL_QUEUED_TRANSFER),
            ),
        )],
        deprecated: false,
    },
    MethodDef {
        name: "ScheduleInform",
        sender: Sender::Acs,
        request: &[
            req("DelaySeconds", Ty::U32(F::DelaySeconds)),
            req("CommandKey", Ty::Str(F::CommandKey, 32)),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "SetVouchers",
        sender: Sender::Acs,
        request: &[req(
            "VoucherList",
            Ty::Array(F::VoucherList, "base64", &Ty::Lit(F::Voucher, 0)),
        )],
        response: &[],
        deprecated: true,
    },
    MethodDef {
        name: "GetOptions",
        sender: Sender::Acs,
        request: &[req("OptionName", Ty::Str(F::OptionName, 64))],
        response: &[req(
            "OptionList",
            Ty::Array(F::OptionList, "OptionStruct", &Ty::Struct(&OPTION_STRUCT)),
        )],
        deprecated: true,
    },
    MethodDef {
        name: "ScheduleDownload",
        sender: Sender::Acs,
        request: &[
            req("CommandKey", Ty::Str(F::CommandKey, 32)),
            req("FileType", Ty::FileType(FileCtx::Download)),
            req("URL", Ty::Str(F::Url, 256)),
            req("Username", Ty::Cred(F::Username, 256)),
            req("Password", Ty::Cred(F::Password, 256)),
            req("FileSize", Ty::U32(F::FileSize)),
            req("TargetFileName", Ty::Str(F::TargetFileName, 256)),
            req(
                "TimeWindowList",
                Ty::Array(
                    F::TimeWindowList,
                    "TimeWindowStruct",
                    &Ty::Struct(&TIME_WINDOW),
                ),
            ),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "CancelTransfer",
        sender: Sender::Acs,
        request: &[req("CommandKey", Ty::Str(F::CommandKey, 32))],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "ChangeDUState",
        sender: Sender::Acs,
        request: &[
            Member {
                name: "Operations",
                ty: Ty::Operations,
                required: true,
                repeated: true,
            },
            opt("CommandKey", Ty::Str(F::CommandKey, 32)),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "Inform",
        sender: Sender::Cpe,
        request: &[
            req("DeviceId", Ty::Struct(&DEVICE_ID)),
            req(
                "Event",
                Ty::Array(F::EventList, "EventStruct", &Ty::Struct(&EVENT_STRUCT)),
            ),
            req("MaxEnvelopes", Ty::U32(F::MaxEnvelopes)),
            req("CurrentTime", Ty::Time(F::CurrentTime, F::CurrentTimeUtc)),
            req("RetryCount", Ty::U32(F::RetryCount)),
            req("ParameterList", PARAMETER_LIST_TY),
        ],
        response: &[req("MaxEnvelopes", Ty::U32(F::MaxEnvelopes))],
        deprecated: false,
    },
    MethodDef {
        name: "TransferComplete",
        sender: Sender::Cpe,
        request: &[
            req("CommandKey", Ty::Str(F::CommandKey, 32)),
            req("FaultStruct", Ty::Struct(&TRANSFER_FAULT)),
            req("StartTime", Ty::Time(F::StartTime, F::StartTimeUtc)),
            req(
                "CompleteTime",
                Ty::Time(F::CompleteTime, F::CompleteTimeUtc),
            ),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "AutonomousTransferComplete",
        sender: Sender::Cpe,
        request: &[
            req("AnnounceURL", Ty::Str(F::AnnounceUrl, 1024)),
            req("TransferURL", Ty::Str(F::TransferUrl, 1024)),
            req("IsDownload", Ty::Bool(F::IsDownload)),
            req("FileType", Ty::FileType(FileCtx::Transfer)),
            req("FileSize", Ty::U32(F::FileSize)),
            req("TargetFileName", Ty::Str(F::TargetFileName, 256)),
            req("FaultStruct", Ty::Struct(&TRANSFER_FAULT)),
            req("StartTime", Ty::Time(F::StartTime, F::StartTimeUtc)),
            req(
                "CompleteTime",
                Ty::Time(F::CompleteTime, F::CompleteTimeUtc),
            ),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "DUStateChangeComplete",
        sender: Sender::Cpe,
        request: &[
            many("Results", Ty::Struct(&OP_RESULT)),
            opt("CommandKey", Ty::Str(F::CommandKey, 32)),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "AutonomousDUStateChangeComplete",
        sender: Sender::Cpe,
        request: &[many("Results", Ty::Struct(&AUTON_OP_RESULT))],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "RequestDownload",
        sender: Sender::Cpe,
        request: &[
            req("FileType", Ty::FileType(FileCtx::Download)),
            req(
                "FileTypeArg",
                Ty::Array(F::FileTypeArgList, "ArgStruct", &Ty::Struct(&ARG_STRUCT)),
            ),
        ],
        response: &[],
        deprecated: false,
    },
    MethodDef {
        name: "Kicked",
        sender: Sender::Cpe,
        request: &[
            req("Command", Ty::Str(F::KickedCommand, 32)),
            req("Referer", Ty::Str(F::KickedReferer, 64)),
            req("Arg", Ty::Str(F::KickedArg, 256)),
            req("Next", Ty::Str(F::KickedNext, 1024)),
        ],
        response: &[req("NextURL", Ty::Str(F::NextUrl, 1024))],
        deprecated: true,
    },
];

const PARAMETER_LIST_TY: Ty = Ty::Array(
    F::ParameterList,
    "ParameterValueStruct",
    &Ty::Struct(&PARAMETER_VALUE),
);
const PARAMETER_NAMES_TY: Ty =
    Ty::Array(F::ParameterNames, "string", &Ty::Str(F::ParameterName, 256));

/// A method looked up by element name: its definition and whether the name is the response.
pub fn lookup(name: &str) -> Option<(&'static MethodDef, bool)> {
    if let Some(m) = METHODS.iter().find(|m| m.name == name) {
        return Some((m, false));
    }
    let base = name.strip_suffix("Response")?;
    METHODS.iter().find(|m| m.name == base).map(|m| (m, true))
}

/// Like [`lookup`], ignoring letter case (for senders that slip).
pub fn lookup_ignore_case(name: &str) -> Option<(&'static MethodDef, bool)> {
    if let Some(m) = METHODS.iter().find(|m| m.name.eq_ignore_ascii_case(name)) {
        return Some((m, false));
    }
    let n = name.len().checked_sub("Response".len())?;
    if !name.is_char_boundary(n) || !name[n..].eq_ignore_ascii_case("Response") {
        return None;
    }
    let base = &name[..n];
    METHODS
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(base))
        .map(|m| (m, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete() {
        let names: Vec<_> = METHODS.iter().map(|m| m.name).collect();
        for n in [
            "GetRPCMethods",
            "SetParameterValues",
            "GetParameterValues",
            "GetParameterNames",
            "SetParameterAttributes",
            "GetParameterAttributes",
            "AddObject",
            "DeleteObject",
            "Reboot",
            "Download",
            "Upload",
            "FactoryReset",
            "GetQueuedTransfers",
            "GetAllQueuedTransfers",
            "ScheduleInform",
            "SetVouchers",
            "GetOptions",
            "ScheduleDownload",
            "CancelTransfer",
            "ChangeDUState",
            "Inform",
            "TransferComplete",
            "AutonomousTransferComplete",
            "DUStateChangeComplete",
            "AutonomousDUStateChangeComplete",
            "RequestDownload",
            "Kicked",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert_eq!(
            lookup("InformResponse").map(|(m, r)| (m.name, r)),
            Some(("Inform", true))
        );
        assert_eq!(
            lookup_ignore_case("informresponse").map(|(m, r)| (m.name, r)),
            Some(("Inform", true))
        );
        assert!(lookup("Nope").is_none());
    }
}
