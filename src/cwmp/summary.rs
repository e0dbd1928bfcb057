//! One line that tells a message's story, for Wireshark's Info column (reference section 10).
//!
//! PURE. Examples: `Inform [1 BOOT, M Reboot] dev=00AB12-GW100-SN0001`,
//! `GetParameterValuesResponse (2 params)`, `Fault 9003 Invalid arguments`,
//! `SetParameterValues key=pk-1 (1 param)`.
#![forbid(unsafe_code)]

use super::model::{Message, Node, RpcKind, Value};
use crate::fields::Field;
use crate::values;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn count_items(node: &Node, head: Field) -> Option<usize> {
    node.children.iter().find(|c| c.field == head).map(|list| {
        list.children
            .iter()
            .find(|c| c.field == Field::ArrayCount)
            .and_then(|c| match c.value {
                Value::U32(v) => Some(v as usize),
                _ => None,
            })
            .unwrap_or(0)
    })
}

/// The Info column text of a message.
pub fn info_line(msg: &Message) -> String {
    let mut parts = Vec::new();
    for rpc in &msg.rpcs {
        let n = &rpc.node;
        let mut s = String::new();
        match rpc.kind {
            RpcKind::Fault => match &rpc.fault {
                Some((code, _)) => {
                    s.push_str(&format!("Fault {code} {}", values::fault_name(*code)))
                }
                None => s.push_str("Fault"),
            },
            _ => s.push_str(&rpc.name),
        }
        if rpc.name == "Inform" && rpc.kind == RpcKind::Request {
            s.push_str(&format!(" [{}]", msg.events.join(", ")));
            if let Some(d) = &msg.device {
                s.push_str(&format!(
                    " dev={}-{}-{}",
                    d.oui, d.product_class, d.serial_number
                ));
            }
        }
        if let Some(k) = n.find_str(Field::ParameterKey) {
            s.push_str(&format!(" key={k}"));
        }
        if let Some(c) =
            count_items(n, Field::ParameterList).or_else(|| count_items(n, Field::ParameterNames))
        {
            if rpc.name != "Inform" {
                s.push_str(&format!(" ({})", plural(c, "param")));
            }
        }
        if let Some(o) = n.find_str(Field::ObjectName) {
            s.push_str(&format!(" {o}"));
        }
        if let Some(p) = n.find_str(Field::ParameterPath) {
            s.push_str(&format!(" {}", if p.is_empty() { "(root)" } else { p }));
        }
        if let Some(u) = n.find_str(Field::Url) {
            s.push_str(&format!(" {u}"));
        }
        parts.push(s);
    }
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
