// SPDX-License-Identifier: GPL-2.0-or-later
//! Reading one data-model file (`cwmp-datamodel-1-N.xsd` documents, as the Broadband Forum publishes
//! its "full" models) into [`Model`]s.
//!
//! One pass with quick-xml over the text, keeping only what the dissector shows or checks: objects and
//! parameters with their access, status, version and first description sentence, and each
//! parameter's syntax with its named data type resolved (TR-106 section 3.2, `dataType` `base`
//! chains). Profiles, defaults, references and bibliographies are skipped. A file that is not a data
//! model, is malformed or is too large gives one [`Warning`] naming the file and line.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::markup::{self, Context};
use super::{parse_version, Access, Base, EnumValue, Item, Model, Range, Status, Syntax};

/// Bounds on what one file may cost.
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    /// Largest file read, in bytes.
    pub max_file: u64,
    /// Most objects and parameters kept from one file.
    pub max_items: usize,
    /// Deepest element nesting followed.
    pub max_depth: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_file: 64 * 1024 * 1024,
            max_items: 200_000,
            max_depth: 64,
        }
    }
}

/// A file that could not be read as a data model, or only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: u64,
    pub text: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.text)
        } else {
            write!(f, "{}: {}", self.file.display(), self.text)
        }
    }
}

/// Reads a file; `Err` when it cannot be read at all.
pub fn read_file(
    path: &Path,
    limits: &LoadLimits,
) -> Result<(Vec<Model>, Option<Warning>), Warning> {
    let warn = |line, text: String| Warning {
        file: path.to_path_buf(),
        line,
        text,
    };
    let meta = std::fs::metadata(path).map_err(|e| warn(0, format!("cannot read: {e}")))?;
    if meta.len() > limits.max_file {
        return Err(warn(
            0,
            format!(
                "{} bytes, more than the {} bytes a data model file may have: skipped",
                meta.len(),
                limits.max_file
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| warn(0, format!("cannot read: {e}")))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(read_str(path, &text, limits))
}

/// Facets as written, before named data types are resolved.
#[derive(Debug, Clone, Default)]
struct Facets {
    base: Option<Base>,
    type_ref: Option<String>,
    list: bool,
    list_max_len: Option<u64>,
    enums: Vec<EnumValue>,
    enum_ref: Option<(String, Option<String>)>,
    ranges: Vec<Range>,
    min_len: Option<u64>,
    max_len: Option<u64>,
    patterns: Vec<String>,
    units: Option<String>,
}

impl Facets {
    /// `self` restricts `base`: each facet the derived type states replaces the base's.
    fn over(&self, base: &Facets) -> Facets {
        Facets {
            base: self.base.or(base.base),
            type_ref: None,
            list: self.list || base.list,
            list_max_len: self.list_max_len.or(base.list_max_len),
            enums: if self.enums.is_empty() {
                base.enums.clone()
            } else {
                self.enums.clone()
            },
            enum_ref: self.enum_ref.clone().or_else(|| base.enum_ref.clone()),
            ranges: if self.ranges.is_empty() {
                base.ranges.clone()
            } else {
                self.ranges.clone()
            },
            min_len: self.min_len.or(base.min_len),
            max_len: self.max_len.or(base.max_len),
            patterns: if self.patterns.is_empty() {
                base.patterns.clone()
            } else {
                self.patterns.clone()
            },
            units: self.units.clone().or_else(|| base.units.clone()),
        }
    }
}

struct TypeDef {
    base: Option<String>,
    facets: Facets,
}

struct Pending {
    path: String,
    object: bool,
    access: Access,
    status: Status,
    version: Option<(u32, u32)>,
    forced_inform: bool,
    hidden: bool,
    secured: bool,
    facets: Facets,
    description: String,
}

struct ModelHead {
    name: String,
    root: String,
    major: u32,
    minor: u32,
    service: bool,
}

/// Where facets being read go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    Type,
    Param,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Document,
    DataTypeDef,
    DataTypeRef,
    Model,
    Object,
    Parameter,
    Syntax,
    List,
    Enumeration,
    Description,
    Skip,
    Other,
}

struct State {
    stack: Vec<Tag>,
    types: HashMap<String, TypeDef>,
    cur_type: Option<(String, TypeDef)>,
    model: Option<ModelHead>,
    models: Vec<(ModelHead, Vec<Pending>)>,
    pending: Vec<Pending>,
    object: Option<Pending>,
    /// Object path → version, for parameters and sub-objects that state none.
    object_versions: HashMap<String, (u32, u32)>,
    param: Option<Pending>,
    target: Target,
    text: Option<String>,
    seen_document: bool,
    items: usize,
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn num(s: Option<String>) -> Option<f64> {
    s.and_then(|v| v.trim().parse::<f64>().ok())
}

fn count(s: Option<String>) -> Option<u64> {
    s.and_then(|v| v.trim().parse::<u64>().ok())
}

/// Parent of an object path: `A.B.{i}.C.` → `A.B.{i}.`.
fn parent_object(path: &str) -> Option<&str> {
    let t = path.strip_suffix('.').unwrap_or(path);
    let cut = t.rfind('.')?;
    let parent = &t[..=cut];
    // `A.B.{i}.` is the parent of `A.B.{i}.C.`; the table `A.B.` is not an object of its own here.
    Some(parent)
}

fn line_of(text: &str, pos: u64) -> u64 {
    let end = (pos as usize).min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// Reads a file's text: the models found, and at most one warning.
pub fn read_str(path: &Path, text: &str, limits: &LoadLimits) -> (Vec<Model>, Option<Warning>) {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut st = State {
        stack: Vec::new(),
        types: HashMap::new(),
        cur_type: None,
        model: None,
        models: Vec::new(),
        pending: Vec::new(),
        object: None,
        object_versions: HashMap::new(),
        param: None,
        target: Target::None,
        text: None,
        seen_document: false,
        items: 0,
    };
    let mut warning = None;
    let warn = |line, text: String| {
        Some(Warning {
            file: path.to_path_buf(),
            line,
            text,
        })
    };
    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let line = line_of(text, reader.error_position());
                warning = warn(line, format!("malformed XML ({e}): file skipped"));
                break;
            }
        };
        match ev {
            Event::Start(e) => {
                if st.stack.len() >= limits.max_depth {
                    let line = line_of(text, reader.buffer_position());
                    warning = warn(line, "nesting too deep: file skipped".into());
                    break;
                }
                if st.stack.is_empty() && e.local_name().as_ref() != b"document" {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    warning = warn(
                        line_of(text, reader.buffer_position()),
                        format!("not a CWMP data model (root element <{name}>, not <document>): skipped"),
                    );
                    break;
                }
                let tag = start(&mut st, &e);
                st.stack.push(tag);
            }
            Event::Empty(e) => {
                if st.stack.is_empty() {
                    warning = warn(1, "not a CWMP data model: skipped".into());
                    break;
                }
                let tag = start(&mut st, &e);
                st.stack.push(tag);
                end(&mut st);
            }
            Event::End(_) => end(&mut st),
            Event::Text(t) => {
                if let Some(buf) = st.text.as_mut() {
                    if buf.len() < 64 * 1024 {
                        buf.push_str(&t.decode().unwrap_or_default());
                    }
                }
            }
            Event::CData(t) => {
                if let Some(buf) = st.text.as_mut() {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(buf) = st.text.as_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.decode().unwrap_or_default().as_ref() {
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "amp" => Some('&'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        buf.push(c);
                    }
                }
            }
            Event::Eof => {
                if !st.stack.is_empty() {
                    warning = warn(
                        line_of(text, reader.buffer_position()),
                        "XML ends before its elements are closed: file skipped".into(),
                    );
                }
                break;
            }
            _ => {}
        }
        if st.items > limits.max_items {
            warning = warn(
                line_of(text, reader.buffer_position()),
                format!("more than {} definitions: file skipped", limits.max_items),
            );
            break;
        }
    }
    if warning.is_none() && !st.seen_document {
        warning = warn(1, "not a CWMP data model (no <document>): skipped".into());
    }
    if warning.is_none() && st.models.is_empty() && st.model.is_none() {
        warning = warn(
            1,
            "no <model> in this data model file (a component library?): nothing loaded".into(),
        );
    }
    // A file that is not whole is not used at all: a model cut short would call every name after
    // the cut unknown.
    if warning.is_some() {
        return (Vec::new(), warning);
    }
    let models = st
        .models
        .into_iter()
        .map(|(head, pending)| build(head, pending, &st.types))
        .collect();
    (models, warning)
}

fn parent(st: &State) -> Option<Tag> {
    st.stack.last().copied()
}

fn in_skip(st: &State) -> bool {
    st.stack.contains(&Tag::Skip)
}

fn facets_mut(st: &mut State) -> Option<&mut Facets> {
    match st.target {
        Target::Type => st.cur_type.as_mut().map(|(_, t)| &mut t.facets),
        Target::Param => st.param.as_mut().map(|p| &mut p.facets),
        Target::None => None,
    }
}

fn start(st: &mut State, e: &BytesStart<'_>) -> Tag {
    if in_skip(st) {
        return Tag::Skip;
    }
    let local = e.local_name();
    let name = local.as_ref();
    let par = parent(st);
    match name {
        b"document" if par.is_none() => {
            st.seen_document = true;
            Tag::Document
        }
        b"dataType" if par == Some(Tag::Document) => {
            let Some(n) = attr(e, b"name") else {
                return Tag::Skip;
            };
            st.cur_type = Some((
                n,
                TypeDef {
                    base: attr(e, b"base"),
                    facets: Facets::default(),
                },
            ));
            st.target = Target::Type;
            Tag::DataTypeDef
        }
        b"dataType" => {
            if let (Some(r), Some(f)) = (attr(e, b"ref"), facets_mut(st)) {
                f.type_ref = Some(r);
            }
            Tag::DataTypeRef
        }
        b"model" if par == Some(Tag::Document) => {
            let Some(n) = attr(e, b"name") else {
                return Tag::Skip;
            };
            let (root, ver) = n.split_once(':').unwrap_or((n.as_str(), ""));
            let (major, minor) = parse_version(ver).unwrap_or((1, 0));
            st.model = Some(ModelHead {
                root: root.to_owned(),
                major,
                minor,
                service: attr(e, b"isService").is_some_and(|v| v == "true"),
                name: n.clone(),
            });
            Tag::Model
        }
        b"profile" | b"component" | b"bibliography" | b"template" | b"glossary"
        | b"abbreviations" => Tag::Skip,
        b"object" if par == Some(Tag::Model) => {
            let Some(path) = attr(e, b"name") else {
                // `<object ref=...>` outside profiles: an extension of another file's object.
                return Tag::Skip;
            };
            let version = attr(e, b"version")
                .and_then(|v| parse_version(&v))
                .or_else(|| parent_object(&path).and_then(|p| st.object_versions.get(p).copied()));
            if let Some(v) = version {
                st.object_versions.insert(path.clone(), v);
            }
            st.items += 1;
            st.object = Some(Pending {
                path,
                object: true,
                access: Access::from_name(&attr(e, b"access").unwrap_or_default()),
                status: Status::from_name(&attr(e, b"status").unwrap_or_default()),
                version,
                forced_inform: false,
                hidden: false,
                secured: false,
                facets: Facets::default(),
                description: String::new(),
            });
            Tag::Object
        }
        b"parameter" if par == Some(Tag::Object) => {
            let Some(n) = attr(e, b"name") else {
                return Tag::Skip;
            };
            let Some(obj) = st.object.as_ref() else {
                return Tag::Skip;
            };
            st.items += 1;
            st.param = Some(Pending {
                path: format!("{}{n}", obj.path),
                object: false,
                access: Access::from_name(&attr(e, b"access").unwrap_or_default()),
                status: Status::from_name(&attr(e, b"status").unwrap_or_default()),
                version: attr(e, b"version")
                    .and_then(|v| parse_version(&v))
                    .or(obj.version),
                forced_inform: attr(e, b"forcedInform").is_some_and(|v| v == "true"),
                hidden: false,
                secured: false,
                facets: Facets::default(),
                description: String::new(),
            });
            Tag::Parameter
        }
        b"syntax" if par == Some(Tag::Parameter) => {
            if let Some(p) = st.param.as_mut() {
                p.hidden = attr(e, b"hidden").is_some_and(|v| v == "true");
                p.secured = attr(e, b"secured").is_some_and(|v| v == "true");
            }
            st.target = Target::Param;
            Tag::Syntax
        }
        b"description" => {
            // Only the descriptions the dissector shows: objects, parameters, enumeration values.
            if matches!(par, Some(Tag::Object | Tag::Parameter | Tag::Enumeration)) {
                st.text = Some(String::new());
                Tag::Description
            } else {
                Tag::Skip
            }
        }
        _ if st.target != Target::None => facet(st, e, name, par),
        _ => Tag::Other,
    }
}

fn facet(st: &mut State, e: &BytesStart<'_>, name: &[u8], par: Option<Tag>) -> Tag {
    let in_list = par == Some(Tag::List);
    let Some(f) = facets_mut(st) else {
        return Tag::Other;
    };
    match name {
        b"list" => {
            f.list = true;
            Tag::List
        }
        b"enumeration" => {
            if let Some(v) = attr(e, b"value") {
                f.enums.push(EnumValue {
                    value: v.into(),
                    meaning: "".into(),
                });
            }
            Tag::Enumeration
        }
        b"enumerationRef" => {
            if let Some(t) = attr(e, b"targetParam") {
                f.enum_ref = Some((t, attr(e, b"nullValue")));
            }
            Tag::Other
        }
        b"range" => {
            f.ranges.push(Range {
                min: num(attr(e, b"minInclusive")),
                max: num(attr(e, b"maxInclusive")),
                step: count(attr(e, b"step")).filter(|s| *s > 1),
            });
            Tag::Other
        }
        b"size" => {
            if in_list {
                f.list_max_len = count(attr(e, b"maxLength"));
            } else {
                f.min_len = count(attr(e, b"minLength")).or(f.min_len);
                f.max_len = count(attr(e, b"maxLength")).or(f.max_len);
            }
            Tag::Other
        }
        b"pattern" => {
            if let Some(v) = attr(e, b"value") {
                f.patterns.push(v);
            }
            Tag::Other
        }
        b"units" => {
            f.units = attr(e, b"value");
            Tag::Other
        }
        b"default" | b"pathRef" | b"instanceRef" => Tag::Skip,
        other => {
            if let Some(b) = std::str::from_utf8(other).ok().and_then(Base::from_name) {
                f.base = Some(b);
            }
            Tag::Other
        }
    }
}

fn end(st: &mut State) {
    let Some(tag) = st.stack.pop() else {
        return;
    };
    match tag {
        Tag::Description => {
            let text = st.text.take().unwrap_or_default();
            match parent(st) {
                Some(Tag::Parameter) => {
                    if let Some(p) = st.param.as_mut() {
                        p.description = text;
                    }
                }
                Some(Tag::Object) => {
                    if let Some(o) = st.object.as_mut() {
                        o.description = text;
                    }
                }
                Some(Tag::Enumeration) => {
                    if let Some(last) = facets_mut(st).and_then(|f| f.enums.last_mut()) {
                        let ctx = Context {
                            name: &last.value,
                            units: None,
                        };
                        last.meaning = markup::first_sentence(&text, &ctx).into();
                    }
                }
                _ => {}
            }
        }
        Tag::DataTypeDef => {
            if let Some((n, t)) = st.cur_type.take() {
                st.types.insert(n, t);
            }
            st.target = Target::None;
        }
        Tag::Syntax => st.target = Target::None,
        Tag::Parameter => {
            if let Some(p) = st.param.take() {
                st.pending.push(p);
            }
        }
        Tag::Object => {
            if let Some(o) = st.object.take() {
                st.pending.push(o);
            }
        }
        Tag::Model => {
            if let Some(head) = st.model.take() {
                let p = std::mem::take(&mut st.pending);
                st.models.push((head, p));
            }
        }
        _ => {}
    }
}

/// A named type with its `base` chain resolved (cycles and chains deeper than 16 stop).
fn resolve(name: &str, types: &HashMap<String, TypeDef>, depth: u32) -> Facets {
    let Some(t) = types.get(name) else {
        return Facets::default();
    };
    let own = match &t.facets.type_ref {
        Some(r) if depth < 16 && r != name => t.facets.over(&resolve(r, types, depth + 1)),
        _ => t.facets.clone(),
    };
    match &t.base {
        Some(b) if depth < 16 && b != name => own.over(&resolve(b, types, depth + 1)),
        _ => own,
    }
}

fn build(head: ModelHead, pending: Vec<Pending>, types: &HashMap<String, TypeDef>) -> Model {
    let mut items = super::PathMap::default();
    items.reserve(pending.len());
    let mut enum_targets = super::PathSet::default();
    let mut enum_leaves = super::PathSet::default();
    for p in pending {
        let syntax = (!p.object).then(|| {
            let f = match &p.facets.type_ref {
                Some(r) => p.facets.over(&resolve(r, types, 0)),
                None => p.facets.clone(),
            };
            Syntax {
                base: f.base.unwrap_or_default(),
                data_type: p.facets.type_ref.clone().map(Into::into),
                list: f.list,
                list_max_len: f.list_max_len,
                hidden: p.hidden,
                secured: p.secured,
                enums: f.enums,
                enum_ref_null: f
                    .enum_ref
                    .as_ref()
                    .and_then(|(_, n)| n.clone())
                    .map(Into::into),
                enum_ref: f.enum_ref.map(|(t, _)| t.into()),
                ranges: f.ranges,
                min_len: f.min_len,
                max_len: f.max_len,
                patterns: f.patterns.into_iter().map(Into::into).collect(),
                units: f.units.map(Into::into),
                regex: Default::default(),
            }
        });
        let own = p
            .path
            .strip_suffix('.')
            .unwrap_or(&p.path)
            .rsplit('.')
            .next()
            .unwrap_or("");
        let ctx = Context {
            name: own,
            units: syntax.as_ref().and_then(|s| s.units.as_deref()),
        };
        let description = markup::first_sentence(&p.description, &ctx);
        let status_since = markup::status_since(&p.description, p.status.name());
        if let Some(t) = syntax.as_ref().and_then(|s| s.enum_ref.as_deref()) {
            let target = super::resolve_relative(&p.path, t);
            let leaf = target.rsplit('.').next().unwrap_or("");
            enum_leaves.insert(leaf.into());
            enum_targets.insert(target.into_boxed_str());
        }
        let label = label(p.object, p.access, p.status, syntax.as_ref(), &description);
        items.insert(
            p.path.into_boxed_str(),
            Item {
                object: p.object,
                access: p.access,
                status: p.status,
                status_since,
                version: p.version,
                forced_inform: p.forced_inform,
                syntax,
                description: description.into(),
                label: label.into(),
            },
        );
    }
    Model {
        name: head.name.into(),
        root: head.root.into(),
        major: head.major,
        minor: head.minor,
        service: head.service,
        items,
        enum_targets,
        enum_leaves,
    }
}

/// `readOnly unsignedInt, seconds: Time in seconds since the CPE was last restarted.`
fn label(
    object: bool,
    access: Access,
    status: Status,
    syntax: Option<&Syntax>,
    description: &str,
) -> String {
    let mut s = String::with_capacity(description.len() + 48);
    s.push_str(access.name());
    match syntax {
        None => s.push_str(" object"),
        Some(x) => {
            s.push(' ');
            if x.list {
                s.push_str("list of ");
            }
            match &x.data_type {
                Some(dt) => {
                    s.push_str(dt);
                    s.push_str(" (");
                    s.push_str(x.base.name());
                    s.push(')');
                }
                None => s.push_str(x.base.name()),
            }
            if let Some(u) = &x.units {
                s.push_str(", ");
                s.push_str(u);
            }
            if x.hidden || x.secured {
                s.push_str(", secret");
            }
        }
    }
    let _ = object;
    if status != Status::Current {
        s.push_str(", ");
        s.push_str(status.name());
    }
    if !description.is_empty() {
        s.push_str(": ");
        s.push_str(description);
    }
    s
}
