// SPDX-License-Identifier: GPL-2.0-or-later
//! The data model applied to decoded messages: one annotation per parameter or object name, and the
//! checks that need the model (writes to read-only parameters, types, values, unknown and deprecated
//! names, secrets returned in clear).
//!
//! PURE. Takes a decoded [`Message`], the loaded [`Catalog`] and what earlier messages taught about
//! the device ([`DeviceView`]: which major version of each model it implements, its
//! `RootDataModelVersion`, the values that `enumerationRef` parameters refer to), and adds generated
//! nodes and issues to the message before it is rendered. It also keeps the loaded catalog
//! ([`with_models`]) from the first CWMP message of a capture file to its end ([`reset`]), reloading
//! when the folders to read change.
//!
//! Names are judged only against a loaded model of the device's own root and major version: `Device:1`
//! (TR-106, `Device.LAN.`, `Device.DeviceSummary`) is not `Device:2`, `VoiceService:1` (with
//! `VoiceProfile`) is not `VoiceService:2`. Vendor names (`X_...` segments) are never judged.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::cwmp::{Direction, Message, Node, RpcKind, Span, Value};
use crate::datamodel::{
    self, check, parse_version, Access, Base, Catalog, Found, Item, LoadLimits, Model, Scratch,
    Status,
};
use crate::fields::{Expert, Field};

/// What the capture has shown about one device's data models.
#[derive(Debug, Default, Clone)]
pub struct DeviceView {
    /// Root or service name → the major version the device implements.
    pub majors: HashMap<String, u32>,
    /// Root or service name → the version the device reports (RootDataModelVersion, DeviceSummary).
    pub versions: HashMap<String, (u32, u32)>,
    /// Values of parameters that `enumerationRef`s point at, by concrete name.
    pub values: HashMap<String, String>,
}

/// Devices of the open capture, by identity (OUI and serial number) or, before the Inform is seen,
/// by session.
#[derive(Debug)]
pub struct DmSessions {
    devices: HashMap<String, DeviceView>,
    /// Someone reads the annotation items (a visible tree, or a `cwmp.dm.*` field referenced):
    /// otherwise a full tree gets the data-model expert items only, as the experts-only path does.
    annotations_read: bool,
}

impl Default for DmSessions {
    fn default() -> DmSessions {
        DmSessions {
            devices: HashMap::new(),
            annotations_read: true,
        }
    }
}

impl DmSessions {
    /// Most values remembered per device (enumerationRef targets only: a few dozen in practice).
    const MAX_VALUES: usize = 4096;
    /// Most devices remembered.
    const MAX_DEVICES: usize = 100_000;

    /// Says whether the annotation items of the next message are read (see `annotations_read`).
    pub fn annotations_read(&mut self, read: bool) -> &mut DmSessions {
        self.annotations_read = read;
        self
    }

    pub fn annotations_are_read(&self) -> bool {
        self.annotations_read
    }

    pub fn device(&mut self, key: &str) -> &mut DeviceView {
        if !self.devices.contains_key(key) && self.devices.len() >= Self::MAX_DEVICES {
            self.devices.clear();
        }
        self.devices.entry(key.to_owned()).or_default()
    }
}

/// The key of a message's device: its identity when the session knows it.
pub fn device_key(rec: Option<&crate::session::Record>, msg: &Message) -> String {
    if let Some(d) = rec
        .and_then(|r| r.device.as_deref())
        .or(msg.device.as_ref())
    {
        return format!("{}-{}", d.oui, d.serial_number);
    }
    match rec.and_then(|r| r.session) {
        Some(s) => format!("session {s}"),
        None => String::new(),
    }
}

/// How a name is used, which decides the checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use<'a> {
    /// A value the ACS writes (SetParameterValues).
    Write {
        value: &'a str,
        xsi: Option<&'a str>,
    },
    /// A value the CPE reports (Inform, GetParameterValuesResponse).
    Report {
        value: &'a str,
        xsi: Option<&'a str>,
    },
    /// A value of unknown direction.
    Value {
        value: &'a str,
        xsi: Option<&'a str>,
    },
    /// A SetParameterValuesFault entry.
    Fault { code: Option<u32> },
    /// AddObject or DeleteObject.
    Object { add: bool },
    /// A name the CPE lists (GetParameterNamesResponse, GetParameterAttributesResponse).
    Listed,
    /// Any other name (GPV/GPN/GPA names the ACS asks for, SetParameterAttributes).
    Name,
}

/// One message's annotation work.
struct Ctx<'a> {
    cat: &'a Catalog,
    dev: &'a mut DeviceView,
    scratch: Scratch,
    full: bool,
    /// The decoder already said the current value does not match its xsi:type.
    value_flagged: bool,
    /// The model each root seen in this message is judged against, with the version the device
    /// reports for it: found once per message instead of once per name (the device's evidence does
    /// not change while its names are judged).
    roots: Vec<(Box<str>, Option<Judge<'a>>)>,
}

/// The model a name is judged against and the device's own version of it, when known.
#[derive(Clone, Copy)]
struct Judge<'a> {
    model: &'a Model,
    device_version: Option<(u32, u32)>,
}

impl<'a> Ctx<'a> {
    /// Most roots remembered per message (a message names a handful; anything beyond is looked up
    /// each time).
    const MAX_ROOTS: usize = 16;

    fn judge_for(&mut self, root: &str) -> Option<Judge<'a>> {
        if let Some((_, j)) = self.roots.iter().find(|(r, _)| &**r == root) {
            return *j;
        }
        let cat = self.cat;
        let judge = model_for(cat, self.dev, root).map(|model| Judge {
            model,
            device_version: self
                .dev
                .versions
                .get(&*model.root)
                .copied()
                .filter(|v| v.0 == model.major),
        });
        if self.roots.len() < Self::MAX_ROOTS {
            self.roots.push((root.into(), judge));
        }
        judge
    }
}

/// Annotates every parameter and object name of `msg`. `full`: build the annotation items (a tree
/// someone reads); otherwise only the expert items, attached to the name itself.
pub fn annotate(msg: &mut Message, cat: &Catalog, dev: &mut DeviceView, full: bool) {
    if cat.is_empty() {
        return;
    }
    learn(msg, cat, dev);
    let mut ctx = Ctx {
        cat,
        dev,
        scratch: Scratch::new(),
        full,
        value_flagged: false,
        roots: Vec::new(),
    };
    let dir = msg.direction;
    for rpc in &mut msg.rpcs {
        let method = rpc.name.as_str();
        let kind = rpc.kind;
        walk(&mut ctx, &mut rpc.node, method, kind, dir);
    }
}

/// The evidence of a message about the device's models, before any name is judged.
fn learn(msg: &Message, cat: &Catalog, dev: &mut DeviceView) {
    let mut l = Learner {
        cat,
        dev,
        scratch: Scratch::new(),
        from_cpe: msg.direction == Some(Direction::CpeToAcs),
    };
    // Every node, depth first, in document order (as `Message::nodes` lists them), without
    // collecting them first.
    let rpcs = msg.rpcs.iter().map(|r| &r.node);
    for n in msg.header.iter().chain(rpcs).chain(&msg.extra) {
        l.visit(n, None);
    }
}

struct Learner<'a> {
    cat: &'a Catalog,
    dev: &'a mut DeviceView,
    scratch: Scratch,
    from_cpe: bool,
}

impl Learner<'_> {
    /// `learned`: the name node its parent (a ParameterValueStruct) already learned from.
    fn visit(&mut self, n: &Node, learned: Option<&Node>) {
        let dev = &mut *self.dev;
        let mut first_name = None;
        match n.field {
            Field::Parameter => {
                first_name = n.child(Field::ParameterName);
                let name = first_name.and_then(Node::as_str).unwrap_or("");
                let value = n.child_str(Field::ParameterValue).unwrap_or("");
                learn_name(name, dev);
                if name.ends_with(".RootDataModelVersion") && self.from_cpe {
                    if let Some(v) = parse_version(value) {
                        dev.majors.insert("Device".into(), v.0);
                        dev.versions.insert("Device".into(), v);
                    }
                } else if name.ends_with(".DeviceSummary") && self.from_cpe {
                    learn_summary(value, dev);
                }
                if self.from_cpe
                    && dev.values.len() < DmSessions::MAX_VALUES
                    && remember_value(self.cat, name, dev, &mut self.scratch)
                {
                    dev.values.insert(name.to_owned(), value.to_owned());
                }
            }
            // Learning from a name twice teaches nothing new (it only fills what is absent).
            Field::ParameterName if learned.is_some_and(|l| std::ptr::eq(l, n)) => {}
            Field::ParameterName | Field::ParameterPath | Field::ObjectName => {
                learn_name(n.as_str().unwrap_or(""), dev);
            }
            _ => {}
        }
        for c in &n.children {
            self.visit(c, first_name);
        }
    }
}

/// Names only one major version has: `Device.LAN.` and `Device.DeviceSummary` are Device:1 (TR-106),
/// `VoiceProfile` is VoiceService:1; `Device.RootDataModelVersion` is Device:2.
fn learn_name(name: &str, dev: &mut DeviceView) {
    if let Some(rest) = name.strip_prefix("Device.") {
        if rest.starts_with("LAN.") || rest.starts_with("DeviceSummary") {
            learn_major(dev, "Device", 1);
        } else if rest.starts_with("RootDataModelVersion") {
            learn_major(dev, "Device", 2);
        }
    }
    // `.VoiceService.` by its rare capital: most names have no `V` at all.
    let b = name.as_bytes();
    let voice = memchr::memchr_iter(b'V', b).find(|&i| {
        i > 0
            && b.get(i - 1) == Some(&b'.')
            && b.get(i..).is_some_and(|r| r.starts_with(b"VoiceService."))
    });
    if let Some(pos) = voice.map(|i| i - 1) {
        let rest = name.get(pos + ".VoiceService.".len()..).unwrap_or("");
        let after = rest.split_once('.').map_or("", |(_, r)| r);
        if after.starts_with("VoiceProfile") {
            learn_major(dev, "VoiceService", 1);
        }
    }
}

fn learn_major(dev: &mut DeviceView, root: &str, major: u32) {
    if !dev.majors.contains_key(root) {
        dev.majors.insert(root.to_owned(), major);
    }
}

/// `DeviceSummary` (TR-106 section 3.7): `InternetGatewayDevice:1.4[](Baseline:1), VoiceService:1.0[1](...)`.
fn learn_summary(value: &str, dev: &mut DeviceView) {
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = value.as_bytes();
    let mut parts = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b',' if depth <= 0 => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    for p in parts {
        let head = p.trim().split(['[', '(']).next().unwrap_or("");
        let Some((root, ver)) = head.split_once(':') else {
            continue;
        };
        if root.is_empty() || !root.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        if let Some(v) = parse_version(ver) {
            dev.majors.insert(root.to_owned(), v.0);
            dev.versions.insert(root.to_owned(), v);
        }
    }
}

/// The model a name is judged against, for this device: `None` when no model of the device's major
/// version for that root is loaded.
fn model_for<'c>(cat: &'c Catalog, dev: &DeviceView, root: &str) -> Option<&'c Model> {
    match dev.majors.get(root) {
        Some(&major) => cat.model(root, major),
        // Without evidence: `Device.` is Device:2; any other root, its newest loaded major.
        None if root == "Device" => cat.model(root, 2),
        None => cat
            .models
            .iter()
            .filter(|m| &*m.root == root)
            .max_by_key(|m| m.major),
    }
}

fn remember_value(cat: &Catalog, name: &str, dev: &DeviceView, scratch: &mut Scratch) -> bool {
    // The leaf of the name is the leaf of its path in any model: one probe rules most names out.
    let leaf = name
        .rfind('.')
        .map_or(name, |i| name.get(i + 1..).unwrap_or(""));
    if !cat.may_be_enum_target(leaf) {
        return false;
    }
    // Routed and normalised in one pass, before the model's own (smaller) probe.
    let Some((_, r)) = datamodel::route_into(name, scratch) else {
        return false;
    };
    let Some(model) = model_for(cat, dev, r.root) else {
        return false;
    };
    model.may_be_enum_target(leaf) && model.is_enum_target(scratch.path())
}

fn walk(ctx: &mut Ctx<'_>, node: &mut Node, method: &str, kind: RpcKind, dir: Option<Direction>) {
    let parent = node.field;
    ctx.value_flagged = node
        .child(Field::ParameterValue)
        .is_some_and(|v| v.issues.iter().any(|i| i.expert == Expert::BadValue));
    for i in 0..node.children.len() {
        let Some(field) = node.children.get(i).map(|c| c.field) else {
            break;
        };
        if matches!(
            field,
            Field::ParameterName | Field::ParameterPath | Field::ObjectName
        ) {
            // Judged with shared borrows of the node (the value and type are read in place, not
            // copied); the outcome is attached to the name afterwards.
            let verdict = {
                let node: &Node = node;
                let usage = match (parent, field) {
                    (Field::Parameter, _) => {
                        let v = node.child_str(Field::ParameterValue).unwrap_or("");
                        let x = node.child_str(Field::ParameterType);
                        if method == "SetParameterValues" && kind == RpcKind::Request {
                            Use::Write { value: v, xsi: x }
                        } else if dir == Some(Direction::CpeToAcs) {
                            Use::Report { value: v, xsi: x }
                        } else {
                            Use::Value { value: v, xsi: x }
                        }
                    }
                    (Field::SpvFault, _) => Use::Fault {
                        code: node.child_u32(Field::SpvFaultCode),
                    },
                    (_, Field::ObjectName) if kind == RpcKind::Request => Use::Object {
                        add: method == "AddObject",
                    },
                    _ if dir == Some(Direction::CpeToAcs) => Use::Listed,
                    _ => Use::Name,
                };
                match node.children.get(i) {
                    Some(name_node) => judge_name(ctx, name_node, usage),
                    None => None,
                }
            };
            if let (Some(v), Some(name_node)) = (verdict, node.children.get_mut(i)) {
                v.attach(name_node);
            }
        } else if node.children.get(i).is_some_and(|c| !c.children.is_empty()) {
            if let Some(c) = node.children.get_mut(i) {
                walk(ctx, c, method, kind, dir);
            }
        }
    }
}

/// What judging one name produced: the annotation item (when the tree is read) and the expert items.
enum Verdict {
    /// A name the model does not define: one expert item on the name, nothing else (the most
    /// frequent verdict on real traffic, so it carries its text alone).
    Unknown(String),
    Known {
        annotation: Option<Node>,
        issues: Vec<(Expert, String)>,
    },
}

impl Verdict {
    /// The expert items go below the annotation when there is one, else on the name itself.
    fn attach(self, name_node: &mut Node) {
        match self {
            Verdict::Unknown(text) => name_node.issue(Expert::DmUnknown, text),
            Verdict::Known {
                annotation: Some(mut a),
                issues,
            } => {
                for (e, t) in issues {
                    a.issue(e, t);
                }
                name_node.children.push(a);
            }
            Verdict::Known {
                annotation: None,
                issues,
            } => {
                for (e, t) in issues {
                    name_node.issue(e, t);
                }
            }
        }
    }
}

fn judge_name(ctx: &mut Ctx<'_>, name_node: &Node, usage: Use<'_>) -> Option<Verdict> {
    let name = name_node.as_str()?;
    if name.is_empty() {
        return None;
    }
    let (shape, r) = datamodel::route_into(name, &mut ctx.scratch)?;
    if shape.vendor {
        return None;
    }
    // No model of this root (or of the device's major version) is loaded: nothing to say.
    let judge = ctx.judge_for(r.root)?;
    let found = Catalog::lookup_normalised(judge.model, &mut ctx.scratch);
    let Some(Found { model, item }) = found else {
        // TR-069 3.6.1: a partial path names an object; a table named without an instance is fine
        // (handled by the lookup). Anything else is unknown to this model. The most frequent expert
        // item on real traffic: its text is assembled in one allocation.
        let (mname, path) = (&*judge.model.name, ctx.scratch.path());
        let mut text = String::with_capacity(name.len() + mname.len() + path.len() + 32);
        text.push_str(name);
        text.push_str(" is not defined in ");
        text.push_str(mname);
        text.push_str(" (as ");
        text.push_str(path);
        text.push(')');
        return Some(Verdict::Unknown(text));
    };
    // The scratch buffer holds the normalised path: lent out, not copied, while the checks run.
    let scratch = std::mem::take(&mut ctx.scratch);
    let path = scratch.path();
    let mut issues = Vec::new();
    checks(
        ctx,
        name,
        path,
        model,
        item,
        judge.device_version,
        usage,
        &mut issues,
    );
    let annotation = if ctx.full {
        Some(annotation(name_node.span, model, path, item, usage))
    } else {
        None
    };
    ctx.scratch = scratch;
    if annotation.is_none() && issues.is_empty() {
        return None;
    }
    Some(Verdict::Known { annotation, issues })
}

/// The xsi:type a value of this syntax is sent with (lists are strings).
fn expected_xsd(item: &Item) -> Option<Base> {
    let s = item.syntax.as_ref()?;
    Some(if s.list { Base::String } else { s.base })
}

#[allow(clippy::too_many_arguments)]
fn checks(
    ctx: &mut Ctx<'_>,
    name: &str,
    path: &str,
    model: &Model,
    item: &Item,
    device_version: Option<(u32, u32)>,
    usage: Use<'_>,
    issues: &mut Vec<(Expert, String)>,
) {
    let mname = &model.name;
    if item.status != Status::Current {
        // A CPE that reports a parameter of its own, older model version is right to: only when its
        // version is known to be at least the one that deprecated the parameter is it flagged. What
        // the ACS asks for or writes is always flagged.
        let from_cpe = matches!(usage, Use::Report { .. } | Use::Listed);
        let since_applies = match (device_version, item.status_since) {
            (Some(d), Some(s)) => Some(d >= s),
            _ => None,
        };
        if since_applies.unwrap_or(!from_cpe) {
            let since = item
                .status_since
                .map(|(a, b)| format!(" since {}:{a}.{b}", model.root))
                .unwrap_or_default();
            issues.push((
                Expert::DmDeprecated,
                format!("{path} is {}{since} (in {mname})", item.status.name()),
            ));
        }
    }
    if let (Some(v), Some(dv)) = (item.version, device_version.as_ref()) {
        if v > *dv {
            issues.push((
                Expert::DmNewer,
                format!(
                    "{path} was added in {}:{}.{}, newer than the device's {}:{}.{}",
                    model.root, v.0, v.1, model.root, dv.0, dv.1
                ),
            ));
        }
    }
    match usage {
        Use::Write { value, xsi } => {
            if !item.object && item.access == Access::ReadOnly {
                issues.push((
                    Expert::DmReadOnly,
                    format!("{path} is readOnly in {mname}: the CPE will refuse to set it (9008)"),
                ));
            }
            value_checks(ctx, name, item, value, xsi, false, issues);
        }
        Use::Report { value, xsi } => {
            value_checks(ctx, name, item, value, xsi, true, issues);
        }
        Use::Value { value, xsi } => value_checks(ctx, name, item, value, xsi, false, issues),
        Use::Fault { code } => {
            if !item.object && item.access == Access::ReadOnly {
                let text = match code {
                    Some(9008) => format!(
                        "{path} is readOnly in {mname}: the CPE's fault 9008 agrees with the model"
                    ),
                    Some(c) => format!(
                        "{path} is readOnly in {mname}: 9008 (not writable) expected, the CPE answered {c}"
                    ),
                    None => format!("{path} is readOnly in {mname}"),
                };
                issues.push((Expert::DmReadOnly, text));
            }
        }
        Use::Object { add } => {
            if item.object && item.access != Access::ReadWrite {
                let what = if add {
                    "add instances to"
                } else {
                    "delete instances of"
                };
                issues.push((
                    Expert::DmReadOnly,
                    format!("{path} is readOnly in {mname}: the ACS may not {what} it"),
                ));
            }
        }
        Use::Listed | Use::Name => {}
    }
}

fn value_checks(
    ctx: &mut Ctx<'_>,
    name: &str,
    item: &Item,
    value: &str,
    xsi: Option<&str>,
    from_cpe: bool,
    issues: &mut Vec<(Expert, String)>,
) {
    let Some(syntax) = item.syntax.as_ref() else {
        return;
    };
    let secret = syntax.hidden || syntax.secured;
    if from_cpe && secret && !value.is_empty() {
        issues.push((
            Expert::DmSecretDisclosed,
            format!(
                "{name} is {} in the model: the CPE must return it empty, it returned a value",
                if syntax.hidden { "hidden" } else { "secured" }
            ),
        ));
    }
    if let (Some(x), Some(want)) = (xsi, expected_xsd(item)) {
        // `xsd:string` → `string` (a byte loop: the prefix is short, a library search costs more).
        let colon = x.bytes().rposition(|b| b == b':');
        let local = colon.map_or(x, |i| x.get(i + 1..).unwrap_or(""));
        let got = Base::from_name(local);
        // A list holding a single item is often sent with the item's own type: accepted.
        let single_item = syntax.list && got == Some(syntax.base) && !value.contains(',');
        if !local.is_empty() && got != Some(want) && !single_item {
            let shown = if syntax.list {
                format!("list of {}", syntax.base.name())
            } else {
                want.name().to_owned()
            };
            issues.push((
                Expert::DmTypeMismatch,
                format!("{x} sent for a {shown} (model type xsd:{})", want.name()),
            ));
        }
    }
    if secret && value.is_empty() {
        return;
    }
    if let Some(p) = check::check_value(syntax, value) {
        if ctx.value_flagged && matches!(p, check::Problem::NotOfType(_)) {
            // Said once already, by the decoder's own xsi:type check.
            return;
        }
        issues.push((
            Expert::DmBadValue,
            format!("{name}: {}", p.describe(syntax)),
        ));
        return;
    }
    if let Some(target) = syntax.enum_ref.as_deref() {
        let target = datamodel::resolve_relative(name, target);
        if let Some(allowed) = ctx.dev.values.get(&target) {
            let ok = |item: &str| {
                syntax.enum_ref_null.as_deref() == Some(item)
                    || allowed.split(',').any(|a| a.trim() == item)
            };
            let items: Vec<&str> = if syntax.list {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                vec![value]
            };
            if let Some(bad) = items.into_iter().find(|i| !ok(i)) {
                issues.push((
                    Expert::DmBadValue,
                    format!(
                        "{name}: \"{bad}\" is not among the values of {target} (\"{allowed}\")"
                    ),
                ));
            }
        }
    }
}

/// The annotation item: one generated item whose label says it all, with the `cwmp.dm.*` fields
/// below it.
fn annotation(span: Span, model: &Model, path: &str, item: &Item, usage: Use<'_>) -> Node {
    let value = match usage {
        Use::Write { value, .. } | Use::Report { value, .. } | Use::Value { value, .. } => {
            Some(value)
        }
        _ => None,
    };
    let mut label = String::with_capacity(item.label.len() + 24);
    label.push('[');
    label.push_str(&item.label);
    label.push(']');
    if let (Some(v), Some(s)) = (value, item.syntax.as_ref()) {
        if s.base == Base::Boolean && !s.list {
            match v.trim() {
                "1" | "true" => label.push_str(" = true"),
                "0" | "false" => label.push_str(" = false"),
                _ => {}
            }
        } else if let Some(m) = s.meaning_of(v) {
            label.push_str(" \"");
            label.push_str(v);
            label.push_str("\": ");
            label.push_str(m);
        }
    }
    let mut n = Node::new(Field::Dm, span, Value::None)
        .with_label(label)
        .generated();
    let mut add = |f: Field, v: &str| {
        n.children
            .push(Node::new(f, span, Value::Str(v.to_owned())).generated());
    };
    add(Field::DmModel, &model.name);
    add(Field::DmPath, path);
    if let Some(s) = item.syntax.as_ref() {
        add(Field::DmType, s.base.name());
        if let Some(dt) = &s.data_type {
            add(Field::DmDataType, dt);
        }
    }
    add(Field::DmAccess, item.access.name());
    if let Some(u) = item.syntax.as_ref().and_then(|s| s.units.as_deref()) {
        add(Field::DmUnits, u);
    }
    if !item.description.is_empty() {
        add(Field::DmDescription, &item.description);
    }
    if item.status != Status::Current {
        add(Field::DmStatus, item.status.name());
    }
    n
}

// ---- The catalog of the process ---------------------------------------------------------------------

struct Store {
    /// The folder list the catalog was loaded from.
    key: Option<String>,
    catalog: Arc<Catalog>,
    sessions: DmSessions,
}

static STORE: Mutex<Option<Store>> = Mutex::new(None);

/// The folders to read, from the list the shim passes (personal folder, global folder, then the
/// preference's folders, separated by the platform's path-list separator).
pub fn folders(list: &str) -> Vec<PathBuf> {
    std::env::split_paths(list)
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

/// Runs `f` with the catalog loaded from `list` (loaded on first need, and again whenever `list`
/// changes) and the devices of the open capture; `None` when no model is loaded.
pub fn with_models<R>(list: &str, f: impl FnOnce(Option<(&Catalog, &mut DmSessions)>) -> R) -> R {
    let mut guard = STORE.lock().unwrap_or_else(|e| e.into_inner());
    let reload = guard
        .as_ref()
        .is_none_or(|s| s.key.as_deref() != Some(list));
    if reload {
        let catalog = Catalog::load_dirs(&folders(list), &LoadLimits::default());
        for w in &catalog.warnings {
            eprintln!("cwmp: data model file {w}");
        }
        let sessions = guard.take().map(|s| s.sessions).unwrap_or_default();
        *guard = Some(Store {
            key: Some(list.to_owned()),
            catalog: Arc::new(catalog),
            sessions,
        });
    }
    match guard.as_mut() {
        Some(s) if !s.catalog.is_empty() => {
            let cat = Arc::clone(&s.catalog);
            f(Some((&cat, &mut s.sessions)))
        }
        _ => f(None),
    }
}

/// Forgets the catalog and the devices of the capture (file closed or reopened): the next file loads
/// the models again at its first CWMP message (which also picks up files changed on disk), and
/// nothing is left on the heap when Wireshark unloads the plugin.
pub fn reset() {
    let mut guard = STORE.lock().unwrap_or_else(|e| e.into_inner());
    *guard = None;
}
