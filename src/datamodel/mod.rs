// SPDX-License-Identifier: GPL-2.0-or-later
//! The Broadband Forum's CWMP data models (TR-181 Device:2, TR-098 InternetGatewayDevice:1 and the
//! service models TR-104, TR-135, TR-140, TR-196), read from their published XML: files in, a lookup
//! table out.
//!
//! PURE: knows nothing of Wireshark or of CWMP messages. [`Catalog::load_files`] reads the "full" model
//! files (`cwmp-datamodel-1-N.xsd` documents); [`Catalog::lookup`] answers, for a parameter or object
//! name as a CPE or ACS writes it, what the model says of it; [`check::check_value`] says whether a
//! value fits the model's syntax. The glue that decides which names to look up and what to show is in
//! `crate::dmcheck`.
//!
//! Names follow TR-106 section 3.6 (instance numbers) and TR-069 Annex II / 3.6.1 (alias-based
//! addressing): `Device.WiFi.SSID.3.SSID` and `Device.WiFi.SSID.[cpe-1].SSID` are both
//! `Device.WiFi.SSID.{i}.SSID`; a name ending in `.` is an object (a partial path).
#![forbid(unsafe_code)]

pub mod check;
mod load;
mod markup;

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A small, fast hash for the model's path keys (trusted input from the model files, so no need for
/// SipHash's flood resistance): FNV-1a over 8-byte words.
#[derive(Default, Clone, Copy)]
pub struct PathHasher(u64);

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0000_0100_0000_01b3);
            h ^= h >> 29;
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        // A full avalanche (MurmurHash3's finaliser): the table also uses the top bits.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

/// Maps and sets keyed by model paths.
pub type PathMap<V> = HashMap<Box<str>, V, BuildHasherDefault<PathHasher>>;
pub type PathSet = HashSet<Box<str>, BuildHasherDefault<PathHasher>>;

pub use load::{LoadLimits, Warning};

/// The base types of TR-106 (section 3.2): what every named data type resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Base {
    #[default]
    String,
    UnsignedInt,
    Int,
    UnsignedLong,
    Long,
    Boolean,
    DateTime,
    Base64,
    HexBinary,
    Decimal,
}

impl Base {
    /// The XML element name (and the `xsd:` type a value of this base is sent as).
    pub fn name(self) -> &'static str {
        match self {
            Base::String => "string",
            Base::UnsignedInt => "unsignedInt",
            Base::Int => "int",
            Base::UnsignedLong => "unsignedLong",
            Base::Long => "long",
            Base::Boolean => "boolean",
            Base::DateTime => "dateTime",
            Base::Base64 => "base64",
            Base::HexBinary => "hexBinary",
            Base::Decimal => "decimal",
        }
    }

    pub fn from_name(s: &str) -> Option<Base> {
        Some(match s {
            "string" => Base::String,
            "unsignedInt" => Base::UnsignedInt,
            "int" => Base::Int,
            "unsignedLong" => Base::UnsignedLong,
            "long" => Base::Long,
            "boolean" => Base::Boolean,
            "dateTime" => Base::DateTime,
            "base64" | "base64Binary" => Base::Base64,
            "hexBinary" => Base::HexBinary,
            "decimal" => Base::Decimal,
            _ => return None,
        })
    }
}

/// Who may write a parameter, or add and delete instances of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    #[default]
    ReadOnly,
    ReadWrite,
    WriteOnceReadOnly,
}

impl Access {
    pub fn name(self) -> &'static str {
        match self {
            Access::ReadOnly => "readOnly",
            Access::ReadWrite => "readWrite",
            Access::WriteOnceReadOnly => "writeOnceReadOnly",
        }
    }

    fn from_name(s: &str) -> Access {
        match s {
            "readWrite" => Access::ReadWrite,
            "writeOnceReadOnly" => Access::WriteOnceReadOnly,
            // "readOnly", and the older "presentOnly"/"createOnly" spellings of object access.
            _ => Access::ReadOnly,
        }
    }
}

/// Where a definition stands in its life cycle (TR-106 section 3.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub enum Status {
    #[default]
    Current,
    Deprecated,
    Obsoleted,
    Deleted,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Deprecated => "deprecated",
            Status::Obsoleted => "obsoleted",
            Status::Deleted => "deleted",
        }
    }

    fn from_name(s: &str) -> Status {
        match s {
            "deprecated" => Status::Deprecated,
            "obsoleted" => Status::Obsoleted,
            "deleted" => Status::Deleted,
            _ => Status::Current,
        }
    }
}

/// An inclusive range, with an optional step (integers only).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub step: Option<u64>,
}

/// One value of an enumeration, with the first sentence of its description when the model gives one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnumValue {
    pub value: Box<str>,
    pub meaning: Box<str>,
}

/// A parameter's syntax, with every named data type resolved to its base and facets.
#[derive(Debug, Default)]
pub struct Syntax {
    pub base: Base,
    /// The named data type the parameter refers to (`MACAddress`), if any.
    pub data_type: Option<Box<str>>,
    /// A comma-separated list of values of `base`.
    pub list: bool,
    /// Longest the whole list may be (characters), from the list's own `size`.
    pub list_max_len: Option<u64>,
    pub hidden: bool,
    pub secured: bool,
    pub enums: Vec<EnumValue>,
    /// `enumerationRef`: the valid values are those of another parameter (relative path) at run time.
    pub enum_ref: Option<Box<str>>,
    /// The extra value an `enumerationRef` allows (often the empty string).
    pub enum_ref_null: Option<Box<str>>,
    pub ranges: Vec<Range>,
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    /// XML Schema patterns: a value must match one of them, whole.
    pub patterns: Vec<Box<str>>,
    pub units: Option<Box<str>>,
    /// The patterns compiled on first use (`None` when they cannot be compiled: then not checked),
    /// shared by every parameter of the catalog with the same patterns (most come from a few named
    /// data types, such as `IPAddress`), so that each distinct set is compiled once.
    /// Set for the syntaxes of a catalog that have patterns (`Catalog::share_patterns`).
    regex: Option<Arc<OnceLock<Option<regex::Regex>>>>,
}

/// What the model says about one parameter or object.
#[derive(Debug)]
pub struct Item {
    pub object: bool,
    pub access: Access,
    pub status: Status,
    /// The model version that deprecated, obsoleted or deleted it, when its description says
    /// (`{{deprecated|2.15|...}}`).
    pub status_since: Option<(u32, u32)>,
    /// The model version that introduced it (own `version`, else its object's).
    pub version: Option<(u32, u32)>,
    pub forced_inform: bool,
    /// `None` for objects.
    pub syntax: Option<Syntax>,
    /// The first sentence of the description, as plain text.
    pub description: Box<str>,
    /// The annotation's label text, built once at load time.
    pub label: Box<str>,
}

/// One model (root or service) of one major version, merged over every loaded file of that major.
#[derive(Debug)]
pub struct Model {
    /// As the newest loaded file names it: `Device:2.17`.
    pub name: Box<str>,
    /// `Device`, `InternetGatewayDevice`, `VoiceService`, ...
    pub root: Box<str>,
    pub major: u32,
    pub minor: u32,
    pub service: bool,
    items: PathMap<Item>,
    /// Normalised paths of the parameters some `enumerationRef` takes its values from.
    enum_targets: PathSet,
    /// Their last segments, to rule most names out before normalising them.
    enum_leaves: PathSet,
}

impl Model {
    /// True when some parameter's valid values are this (normalised) parameter's value.
    pub fn is_enum_target(&self, normalised: &str) -> bool {
        self.enum_targets.contains(normalised)
    }

    /// False when no `enumerationRef` can point at a parameter with this last segment.
    pub fn may_be_enum_target(&self, leaf: &str) -> bool {
        self.enum_leaves.contains(leaf)
    }

    /// The definition of a normalised path (`Device.WiFi.SSID.{i}.SSID`, `Device.WiFi.SSID.{i}.`).
    pub fn get(&self, normalised: &str) -> Option<&Item> {
        self.items.get(normalised)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every path the model defines (for tests and tools).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(|k| &**k)
    }
}

/// Every loaded model, and what went wrong while loading.
#[derive(Debug, Default)]
pub struct Catalog {
    pub models: Vec<Model>,
    /// One per file that could not be (fully) read.
    pub warnings: Vec<Warning>,
    /// The files that contributed at least one model.
    pub files: Vec<PathBuf>,
    /// The last segments of every model's `enumerationRef` targets: most names are ruled out by this
    /// one probe, before they are routed to a model and normalised.
    enum_leaves: PathSet,
}

/// How a name splits into a model and a path inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    /// The model's root object name: `Device`, `InternetGatewayDevice`, or a service (`VoiceService`).
    pub root: &'a str,
    /// True when the name lies below `.Services.` in a service model.
    pub service: bool,
    /// The name relative to the model (the whole name for root models; `VoiceService.1.X` for services).
    pub rel: &'a str,
}

/// What one pass over a name's bytes tells about it: where its first segment ends, whether a segment
/// is vendor-specific (`X_...`), and where a `.Services.` or `.VoiceService.` segment begins. The
/// checks of every name start here, so the same pass also normalises the name when asked
/// ([`route_into`]): each byte is looked at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// End of the first segment (the name's length when it has no dot).
    pub first_end: usize,
    /// Some segment starts with `X_` ([`is_vendor`]).
    pub vendor: bool,
    /// Where the first `.Services.` begins (its dot).
    pub services: Option<usize>,
    /// Where the first `.VoiceService.` begins (its dot).
    pub voice_service: Option<usize>,
    /// Where the segment after the first `.Services.` begins in the normalised name.
    rel_out: Option<usize>,
}

/// The state of one pass: the shape so far, and the normalised name being written.
struct Scan<'a, 'o> {
    name: &'a str,
    shape: Shape,
    out: Option<&'o mut String>,
    /// `name[copied..]` is still to be written to `out`.
    copied: usize,
    /// Where the current segment begins.
    start: usize,
    /// The segment that begins next follows `.Services.`.
    after_services: bool,
}

impl Scan<'_, '_> {
    /// The current segment ends at `end` (a dot, or the end of the name).
    #[inline]
    fn segment_ends(&mut self, end: usize) {
        let b = self.name.as_bytes();
        let start = self.start;
        let seg = b.get(start..end).unwrap_or(&[]);
        if self.after_services {
            self.after_services = false;
            let written = self.out.as_ref().map_or(0, |o| o.len());
            self.shape.rel_out = Some(written + (start - self.copied));
        }
        let followed = end < b.len();
        match seg.first() {
            Some(b'X') => self.shape.vendor |= seg.get(1) == Some(&b'_'),
            Some(b'0'..=b'9' | b'[') if is_instance(seg) => {
                if let Some(out) = self.out.as_deref_mut() {
                    out.push_str(self.name.get(self.copied..start).unwrap_or(""));
                    out.push_str("{i}");
                }
                self.copied = end;
            }
            Some(b'S')
                if start > 0 && followed && self.shape.services.is_none() && seg == b"Services" =>
            {
                self.shape.services = Some(start - 1);
                self.after_services = true;
            }
            Some(b'V')
                if start > 0
                    && followed
                    && self.shape.voice_service.is_none()
                    && seg == b"VoiceService" =>
            {
                self.shape.voice_service = Some(start - 1);
            }
            _ => {}
        }
        if followed && self.shape.first_end == b.len() {
            self.shape.first_end = end;
        }
        self.start = end + 1;
    }

    fn run(mut self) -> Shape {
        let b = self.name.as_bytes();
        self.shape.first_end = b.len();
        for_each_dot(b, |dot| self.segment_ends(dot));
        self.segment_ends(b.len());
        if let Some(out) = self.out {
            out.push_str(self.name.get(self.copied..).unwrap_or(""));
        }
        self.shape
    }
}

impl Shape {
    pub fn of(name: &str) -> Shape {
        Shape::scan(name, None)
    }

    /// The shape of `name`, writing its normalised form to `out` when given.
    fn scan(name: &str, out: Option<&mut String>) -> Shape {
        if let Some(o) = out.as_deref() {
            debug_assert!(o.is_empty());
        }
        Scan {
            name,
            shape: Shape::default(),
            out,
            copied: 0,
            start: 0,
            after_services: false,
        }
        .run()
    }

    /// [`route`] of the name this shape was taken of.
    pub fn route<'a>(&self, name: &'a str) -> Option<Route<'a>> {
        if self.first_end == 0 {
            return None;
        }
        let first = name.get(..self.first_end)?;
        if let Some(pos) = self.services {
            let rel = name.get(pos + ".Services.".len()..).unwrap_or("");
            // `Device.Services.VoiceServiceNumberOfEntries` is the root model's; a service needs a
            // segment after its name.
            if let Some(dot) = memchr::memchr(b'.', rel.as_bytes()) {
                return Some(Route {
                    root: rel.get(..dot).unwrap_or(""),
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

/// Splits a name into its model and path: services mounted below `.Services.` find their service
/// model; everything else belongs to its first segment's root model.
pub fn route(name: &str) -> Option<Route<'_>> {
    Shape::of(name).route(name)
}

/// True when any segment of the name is vendor-specific (`X_...`): never judged against a model.
pub fn is_vendor(name: &str) -> bool {
    Shape::of(name).vendor
}

/// Calls `f` with the position of every `.` of `b`, in order. Eight bytes at a time: names are a few
/// dozen bytes with a handful of dots, too short for a vectorised search to pay for its set-up, and
/// a byte loop costs several instructions per byte.
fn for_each_dot(b: &[u8], mut f: impl FnMut(usize)) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const DOTS: u64 = 0x2e2e_2e2e_2e2e_2e2e;
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let v = u64::from_le_bytes(w) ^ DOTS;
        // The high bit of exactly the bytes of `v` that are zero (the dots), with no carries
        // between bytes.
        let mut m = !(((v & LOW7) + LOW7) | v | LOW7);
        while m != 0 {
            f(base + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        base += 8;
    }
    for (i, &c) in chunks.remainder().iter().enumerate() {
        if c == b'.' {
            f(base + i);
        }
    }
}

/// True when a segment stands for an instance: an instance number (`3`) or an alias-based reference
/// (`[cpe-1]`).
fn is_instance(seg: &[u8]) -> bool {
    match seg.first() {
        Some(b'0'..=b'9') => seg.iter().all(u8::is_ascii_digit),
        Some(b'[') => seg.len() >= 2 && seg.last() == Some(&b']'),
        _ => false,
    }
}

/// Writes the normalised form of `name` into `out` (cleared first): instance numbers and alias
/// instance references (`[alias]`) become `{i}`. Reuses `out`'s buffer: no allocation per name once
/// it has grown to the longest name. One pass over the name; the text between instances is copied
/// in runs, not segment by segment.
pub fn normalise_into(name: &str, out: &mut String) {
    out.clear();
    Shape::scan(name, Some(out));
}

/// [`route`] and [`normalise_into`] in one pass: routes `name` and leaves the normalised path of
/// the route (its `rel`) in `scratch`.
pub fn route_into<'a>(name: &'a str, scratch: &mut Scratch) -> Option<(Shape, Route<'a>)> {
    scratch.buf.clear();
    let shape = Shape::scan(name, Some(&mut scratch.buf));
    let route = shape.route(name)?;
    if route.service {
        // A service's path starts after `.Services.`: the normalised text before it goes.
        let cut = shape.rel_out.unwrap_or(0).min(scratch.buf.len());
        scratch.buf.drain(..cut);
    }
    Some((shape, route))
}

/// The normalised form of `name` (allocates; see [`normalise_into`] for the reusing form).
pub fn normalise(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    normalise_into(name, &mut s);
    s
}

/// A reusable lookup buffer: one per dissection, so lookups allocate nothing per parameter.
#[derive(Debug, Default)]
pub struct Scratch {
    buf: String,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            buf: String::with_capacity(256),
        }
    }

    /// The normalised path of the last lookup.
    pub fn path(&self) -> &str {
        &self.buf
    }

    /// The buffer, for [`normalise_into`].
    pub fn buf_mut(&mut self) -> &mut String {
        &mut self.buf
    }
}

/// The answer of a lookup.
#[derive(Debug, Clone, Copy)]
pub struct Found<'c> {
    pub model: &'c Model,
    pub item: &'c Item,
}

impl Catalog {
    /// Loads every `*.xml` file of each folder (in name order), then any files given directly. A file
    /// that is not a data model, or is malformed or too large, adds one [`Warning`] and is skipped;
    /// nothing here panics.
    pub fn load_dirs(dirs: &[PathBuf], limits: &LoadLimits) -> Catalog {
        let mut files = Vec::new();
        for d in dirs {
            let Ok(rd) = std::fs::read_dir(d) else {
                continue;
            };
            let mut here: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")) && p.is_file()
                })
                .collect();
            here.sort();
            files.extend(here);
        }
        Catalog::load_files(&files, limits)
    }

    /// Loads the given files.
    pub fn load_files(files: &[PathBuf], limits: &LoadLimits) -> Catalog {
        let mut parts = Vec::new();
        let mut cat = Catalog::default();
        for f in files {
            match load::read_file(f, limits) {
                Ok((models, warning)) => {
                    if !models.is_empty() {
                        cat.files.push(f.clone());
                    }
                    parts.extend(models);
                    cat.warnings.extend(warning);
                }
                Err(w) => cat.warnings.push(w),
            }
        }
        cat.merge(parts);
        cat
    }

    /// Loads models from XML text (tests, benchmarks); `origin` names it in warnings.
    pub fn from_xml(origin: &str, xml: &str, limits: &LoadLimits) -> Catalog {
        let mut cat = Catalog::default();
        let (models, warning) = load::read_str(Path::new(origin), xml, limits);
        cat.warnings.extend(warning);
        cat.merge(models);
        cat
    }

    /// Models of the same root and major are one model: the newest minor's definitions win.
    fn merge(&mut self, mut parts: Vec<Model>) {
        // Oldest first, so that newer definitions overwrite older ones.
        parts.sort_by_key(|m| m.minor);
        for m in parts {
            match self
                .models
                .iter_mut()
                .find(|x| x.root == m.root && x.major == m.major)
            {
                Some(x) => {
                    if m.minor >= x.minor {
                        x.name = m.name;
                        x.minor = m.minor;
                    }
                    x.items.extend(m.items);
                    x.enum_targets.extend(m.enum_targets);
                    x.enum_leaves.extend(m.enum_leaves);
                }
                None => self.models.push(m),
            }
        }
        self.enum_leaves = self
            .models
            .iter()
            .flat_map(|m| m.enum_leaves.iter().cloned())
            .collect();
        self.share_patterns();
    }

    /// Gives every syntax with the same patterns one compiled form (see `Syntax::regex`). The
    /// patterns are long (an IPv6 address pattern is a kilobyte), so they are grouped by their count
    /// and total length and compared only within a group, instead of being hashed whole.
    fn share_patterns(&mut self) {
        type Compiled = Arc<OnceLock<Option<regex::Regex>>>;
        type Group = Vec<(Vec<Box<str>>, Compiled)>;
        let mut shared: HashMap<(usize, usize), Group> = HashMap::new();
        for m in &mut self.models {
            for item in m.items.values_mut() {
                let Some(s) = item.syntax.as_mut().filter(|s| !s.patterns.is_empty()) else {
                    continue;
                };
                let size = s.patterns.iter().map(|p| p.len()).sum::<usize>();
                let group = shared.entry((s.patterns.len(), size)).or_default();
                let one = match group.iter().find(|(p, _)| *p == s.patterns) {
                    Some((_, one)) => Arc::clone(one),
                    None => {
                        let one = Compiled::default();
                        group.push((s.patterns.clone(), Arc::clone(&one)));
                        one
                    }
                };
                s.regex = Some(one);
            }
        }
    }

    /// False when no loaded model has an `enumerationRef` that can point at a parameter with this
    /// last segment.
    pub fn may_be_enum_target(&self, leaf: &str) -> bool {
        self.enum_leaves.contains(leaf)
    }

    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The loaded model of a root and major version.
    pub fn model(&self, root: &str, major: u32) -> Option<&Model> {
        self.models
            .iter()
            .find(|m| m.major == major && &*m.root == root)
    }

    /// True when some major version of the root is loaded.
    pub fn has_root(&self, root: &str) -> bool {
        self.models.iter().any(|m| &*m.root == root)
    }

    /// Looks `name` up in `model`: the normalised path is left in `scratch`. An object named without
    /// an instance (`Device.WiFi.SSID.`, as AddObject names a table) finds the table's `{i}.` entry.
    pub fn lookup_in<'c>(model: &'c Model, rel: &str, scratch: &mut Scratch) -> Option<Found<'c>> {
        normalise_into(rel, &mut scratch.buf);
        Catalog::lookup_normalised(model, scratch)
    }

    /// [`Catalog::lookup_in`] for a path already normalised into `scratch` (by [`route_into`]).
    pub fn lookup_normalised<'c>(model: &'c Model, scratch: &mut Scratch) -> Option<Found<'c>> {
        if let Some(item) = model.items.get(scratch.buf.as_str()) {
            return Some(Found { model, item });
        }
        if scratch.buf.ends_with('.') {
            scratch.buf.push_str("{i}.");
            if let Some(item) = model.items.get(scratch.buf.as_str()) {
                return Some(Found { model, item });
            }
            let keep = scratch.buf.len() - "{i}.".len();
            scratch.buf.truncate(keep);
        }
        None
    }
}

impl Syntax {
    /// The compiled patterns, anchored, as one alternation; `None` when there are none or they do not
    /// compile as Rust regular expressions (then they are not checked).
    pub(crate) fn regex(&self) -> Option<&regex::Regex> {
        // Every syntax of a catalog that has patterns shares a compiled form; one outside a catalog
        // has nowhere to keep it, and is not checked against its patterns.
        self.regex
            .as_ref()?
            .get_or_init(|| {
                let alts: Vec<String> = self.patterns.iter().map(|p| format!("(?:{p})")).collect();
                regex::RegexBuilder::new(&format!("^(?:{})$", alts.join("|")))
                    .size_limit(1 << 20)
                    .build()
                    .ok()
            })
            .as_ref()
    }

    /// The meaning of an enumerated value, when the model describes it.
    pub fn meaning_of(&self, value: &str) -> Option<&str> {
        self.enums
            .iter()
            .find(|e| &*e.value == value)
            .map(|e| &*e.meaning)
            .filter(|m| !m.is_empty())
    }
}

/// `2.17` → (2, 17); `Device:2.17` → (2, 17).
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let v = s.rsplit(':').next()?.trim();
    let mut it = v.split('.');
    let major = it.next()?.trim().parse().ok()?;
    let minor = it.next().map_or(Some(0), |m| m.trim().parse().ok())?;
    Some((major, minor))
}

/// Resolves a relative parameter reference (TR-106 Annex A, `targetParam`) against the name of the
/// parameter that makes it: `X` is in the same object, each leading `#` goes up one object (a table
/// row counts as one), and a leading `.` starts at the model's root object. Works on normalised and
/// on concrete names alike.
pub fn resolve_relative(param: &str, target: &str) -> String {
    let object = match param.rfind('.') {
        Some(i) => &param[..=i],
        None => "",
    };
    if let Some(rest) = target.strip_prefix('.') {
        // The root object: `Device.` or, for a service, `VoiceService.{i}.`.
        let mut segs = object.split('.').filter(|s| !s.is_empty());
        let first = segs.next().unwrap_or("");
        let root = match segs.next() {
            Some(i)
                if i == "{i}" || i.bytes().all(|b| b.is_ascii_digit()) || i.starts_with('[') =>
            {
                format!("{first}.{i}.")
            }
            _ => format!("{first}."),
        };
        return format!("{root}{rest}");
    }
    let ups = target.bytes().take_while(|&b| b == b'#').count();
    let rest = target[ups..].trim_start_matches('.');
    let mut segs: Vec<&str> = object.split('.').filter(|s| !s.is_empty()).collect();
    for _ in 0..ups {
        let popped = segs.pop();
        let instance = popped.is_some_and(|p| {
            p == "{i}" || p.bytes().all(|b| b.is_ascii_digit()) || p.starts_with('[')
        });
        if instance {
            segs.pop();
        }
    }
    let mut out = segs.join(".");
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(rest);
    out
}
