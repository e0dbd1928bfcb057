// SPDX-License-Identifier: GPL-2.0-or-later
//! One line that tells a message's story, for Wireshark's Info column (reference section 10).
//!
//! PURE. Examples: `Inform [1 BOOT, M Reboot] dev=00AB12-GW100-SN0001`,
//! `GetParameterValuesResponse (2 params)`, `Fault 9003 Invalid arguments`,
//! `SetParameterValues key=pk-1 (1 param)`.
#![forbid(unsafe_code)]

use super::model::{Message, Node, Rpc, RpcKind};
use crate::fields::Field;
use crate::values;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The actual item count of a list argument (its generated `cwmp.array.count`).
fn count_of(list: &Node) -> usize {
    list.child_u32(Field::ArrayCount).unwrap_or(0) as usize
}

/// What one Body child says, in a few words. Reads the method's direct arguments only (and the
/// fault's detail), so its cost does not grow with the size of a parameter list.
fn rpc_part(msg: &Message, rpc: &Rpc) -> String {
    let n = &rpc.node;
    let mut s = match (rpc.kind, &rpc.fault) {
        (RpcKind::Fault, Some((code, _))) => format!("Fault {code} {}", values::fault_name(*code)),
        (RpcKind::Fault, None) => String::from("Fault"),
        _ => rpc.name.clone(),
    };
    if rpc.name == "Inform" && rpc.kind == RpcKind::Request {
        s.push_str(&format!(" [{}]", msg.events.join(", ")));
        if let Some(d) = &msg.device {
            s.push_str(" dev=");
            s.push_str(&d.label());
        }
    }
    let mut key = None;
    let mut params = None;
    let mut path = None;
    let mut url = None;
    let mut counted = None;
    let mut operations = 0;
    let mut results = 0;
    let mut spv_faults = 0;
    let mut transfer_fault = None;
    for arg in &n.children {
        match arg.field {
            Field::ParameterKey => key = key.or(arg.as_str()),
            Field::ParameterList | Field::ParameterNames => {
                params = params.or(Some(count_of(arg)));
            }
            Field::ObjectName | Field::ParameterPath => path = path.or(arg.as_str()),
            Field::Url => url = url.or(arg.as_str()),
            Field::MethodList => counted = Some(plural(count_of(arg), "method")),
            Field::TransferList => counted = Some(plural(count_of(arg), "transfer")),
            Field::OptionList => counted = Some(plural(count_of(arg), "option")),
            Field::VoucherList => counted = Some(plural(count_of(arg), "voucher")),
            Field::DuOperation => operations += 1,
            Field::DuResult => results += 1,
            Field::TransferFault => transfer_fault = arg.child_u32(Field::TransferFaultCode),
            Field::Fault => {
                spv_faults += arg
                    .children
                    .iter()
                    .filter(|c| c.field == Field::SpvFault)
                    .count();
            }
            _ => {}
        }
    }
    if let Some(k) = key {
        s.push_str(&format!(" key={k}"));
    }
    if let Some(c) = params {
        if rpc.name != "Inform" {
            s.push_str(&format!(" ({})", plural(c, "param")));
        }
    }
    if let Some(c) = counted {
        s.push_str(&format!(" ({c})"));
    }
    if operations > 0 {
        s.push_str(&format!(" ({})", plural(operations, "operation")));
    }
    if results > 0 {
        s.push_str(&format!(" ({})", plural(results, "result")));
    }
    if spv_faults > 0 {
        s.push_str(&format!(" ({})", plural(spv_faults, "param")));
    }
    if let Some(code) = transfer_fault.filter(|c| *c != 0) {
        s.push_str(&format!(" [fault {code} {}]", values::fault_name(code)));
    }
    if let Some(p) = path {
        s.push_str(&format!(" {}", if p.is_empty() { "(root)" } else { p }));
    }
    if let Some(u) = url {
        s.push_str(&format!(" {u}"));
    }
    s
}

/// The Info column text of a message.
pub fn info_line(msg: &Message) -> String {
    let parts: Vec<String> = msg.rpcs.iter().map(|r| rpc_part(msg, r)).collect();
    let mut line = if parts.is_empty() {
        String::from("SOAP envelope without a method")
    } else {
        parts.join(", ")
    };
    if let Some(id) = &msg.id {
        line.push_str(&format!(" id={id}"));
    }
    if msg.hold_requests == Some(true) {
        line.push_str(" HoldRequests");
    }
    if !msg.well_formed {
        line.push_str(" [Malformed]");
    }
    line
}
