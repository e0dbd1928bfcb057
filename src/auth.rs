// SPDX-License-Identifier: GPL-2.0-or-later
//! HTTP authentication of CWMP sessions and TCP connection requests, checked against known
//! credentials (TR-069 Amendment 6, 3.4.4 and 3.2.2; RFC 7616 Digest, RFC 2617 Digest without qop,
//! RFC 7617 Basic).
//!
//! PURE. Parses a `WWW-Authenticate` challenge and an `Authorization` answer and says whether the
//! answer is right for a given password: the same computation the server does, done again from the
//! capture. Knows nothing of where the password comes from; the caller looks the user up and never
//! shows the password. Hashes come from the `md-5` and `sha2` crates, Base64 from `base64`.
//!
//! Header text is hostile input: parsing is bounded by the header's length, never panics, and keeps
//! the first occurrence of a repeated parameter.
#![forbid(unsafe_code)]

use base64::Engine as _;
use md5::Md5;
use sha2::Sha256;

/// `cwmp.auth.scheme` and `cwmp.auth.verdict` values (kept with the other value tables).
pub use crate::values::{AUTH_SCHEMES as SCHEMES, AUTH_VERDICTS as VERDICTS};

/// The authentication scheme of a challenge or an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Basic = 1,
    Digest = 2,
}

/// The outcome of checking one `Authorization` header (`cwmp.auth.verdict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid = 1,
    WrongPassword = 2,
    RealmDiffers = 3,
    NonceNotFromChallenge = 4,
    UriDiffers = 5,
    UnsupportedAlgorithm = 6,
    /// The answer may be right but cannot be checked from the capture (for example `qop=auth-int`
    /// when the body as sent is not at hand).
    CannotVerify = 7,
    Malformed = 8,
}

impl Verdict {
    pub fn is_valid(self) -> bool {
        self == Verdict::Valid
    }
}

/// A Digest hash algorithm (RFC 7616 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    /// The algorithm a header names; an absent `algorithm` parameter means MD5.
    fn parse(name: Option<&str>) -> Option<Algorithm> {
        let Some(name) = name else {
            return Some(Algorithm::Md5);
        };
        [
            ("MD5", Algorithm::Md5),
            ("MD5-sess", Algorithm::Md5Sess),
            ("SHA-256", Algorithm::Sha256),
            ("SHA-256-sess", Algorithm::Sha256Sess),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, a)| a)
    }

    fn session(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// The lower-case hex digest of the parts joined by `:`.
    fn hash(self, parts: &[&[u8]]) -> String {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> String {
            let mut d = D::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    d.update(b":");
                }
                d.update(p);
            }
            hex(&d.finalize())
        }
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => run::<Md5>(parts),
            Algorithm::Sha256 | Algorithm::Sha256Sess => run::<Sha256>(parts),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// One challenge of a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: Scheme,
    pub realm: Option<String>,
    pub nonce: Option<String>,
    pub opaque: Option<String>,
    pub algorithm: Option<String>,
    /// The `qop` options offered, as written (`auth`, `auth-int`).
    pub qop: Vec<String>,
    pub stale: bool,
}

/// A parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    Basic { username: String, password: String },
    Digest(DigestResponse),
}

impl Authorization {
    pub fn scheme(&self) -> Scheme {
        match self {
            Authorization::Basic { .. } => Scheme::Basic,
            Authorization::Digest(_) => Scheme::Digest,
        }
    }

    /// The user name as sent (for Digest with `userhash=true`, the hash).
    pub fn username(&self) -> &str {
        match self {
            Authorization::Basic { username, .. } => username,
            Authorization::Digest(d) => &d.username,
        }
    }

    pub fn realm(&self) -> Option<&str> {
        match self {
            Authorization::Basic { .. } => None,
            Authorization::Digest(d) => Some(&d.realm),
        }
    }
}

/// The parameters of a Digest `Authorization` header (RFC 7616 3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestResponse {
    pub username: String,
    pub userhash: bool,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Option<String>,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
    pub opaque: Option<String>,
}

/// The request that carried the `Authorization` header.
#[derive(Debug, Clone, Copy)]
pub struct RequestLine<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    /// The entity body as sent, for `qop=auth-int`; `None` where it is not at hand.
    pub body: Option<&'a [u8]>,
}

/// Why an `Authorization` header could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

// ------------------------------------------------------------------ parsing ----

/// One `name=value` parameter, or a bare token (a scheme name, or Basic's token68).
#[derive(Debug, PartialEq, Eq)]
enum Item {
    Token(String),
    Param(String, String),
}

/// Splits a header value into scheme tokens and auth-params (RFC 7235 2.1), in order. Quoted strings
/// are unescaped. Returns `None` on an unterminated quoted string.
fn items(text: &str) -> Option<Vec<Item>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t' || b[*i] == b',') {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= b.len() {
            return Some(out);
        }
        let start = i;
        while i < b.len() && !matches!(b[i], b' ' | b'\t' | b',' | b'=') {
            i += 1;
        }
        let name = &text[start..i];
        // Look past spaces for '='; a token68 may itself end in '=' padding.
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' {
            // A token68 (Basic's credentials) right after a scheme may end in '=' padding.
            let mut k = j;
            while k < b.len() && b[k] == b'=' {
                k += 1;
            }
            let after_scheme = matches!(out.last(), Some(Item::Token(_)));
            if after_scheme && j == i && (k >= b.len() || matches!(b[k], b',' | b' ' | b'\t')) {
                out.push(Item::Token(text[start..k].to_owned()));
                i = k;
                continue;
            }
            i = j + 1;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let value = if i < b.len() && b[i] == b'"' {
                i += 1;
                let mut v = String::new();
                let mut closed = false;
                while i < b.len() {
                    let c = b[i];
                    if c == b'\\' && i + 1 < b.len() {
                        let ch = text[i + 1..].chars().next()?;
                        v.push(ch);
                        i += 1 + ch.len_utf8();
                    } else if c == b'"' {
                        i += 1;
                        closed = true;
                        break;
                    } else {
                        let ch = text[i..].chars().next()?;
                        v.push(ch);
                        i += ch.len_utf8();
                    }
                }
                if !closed {
                    return None;
                }
                v
            } else {
                let vs = i;
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b',') {
                    i += 1;
                }
                text[vs..i].to_owned()
            };
            out.push(Item::Param(name.to_ascii_lowercase(), value));
        } else {
            out.push(Item::Token(name.to_owned()));
            i = j;
        }
    }
}

fn scheme_of(token: &str) -> Option<Scheme> {
    if token.eq_ignore_ascii_case("Basic") {
        Some(Scheme::Basic)
    } else if token.eq_ignore_ascii_case("Digest") {
        Some(Scheme::Digest)
    } else {
        None
    }
}

/// The Basic and Digest challenges of one `WWW-Authenticate` header value (a header may offer
/// several); other schemes are skipped.
pub fn parse_challenges(value: &str) -> Vec<Challenge> {
    let Some(items) = items(value) else {
        return Vec::new();
    };
    let mut out: Vec<Challenge> = Vec::new();
    let mut current: Option<Challenge> = None;
    for item in items {
        match item {
            Item::Token(t) => {
                if let Some(c) = current.take() {
                    out.push(c);
                }
                current = scheme_of(&t).map(|scheme| Challenge {
                    scheme,
                    realm: None,
                    nonce: None,
                    opaque: None,
                    algorithm: None,
                    qop: Vec::new(),
                    stale: false,
                });
            }
            Item::Param(name, v) => {
                let Some(c) = current.as_mut() else {
                    continue;
                };
                match name.as_str() {
                    "realm" if c.realm.is_none() => c.realm = Some(v),
                    "nonce" if c.nonce.is_none() => c.nonce = Some(v),
                    "opaque" if c.opaque.is_none() => c.opaque = Some(v),
                    "algorithm" if c.algorithm.is_none() => c.algorithm = Some(v),
                    "qop" if c.qop.is_empty() => {
                        c.qop = v
                            .split(',')
                            .map(str::trim)
                            .filter(|q| !q.is_empty())
                            .map(str::to_owned)
                            .collect();
                    }
                    "stale" => c.stale = v.eq_ignore_ascii_case("true"),
                    _ => {}
                }
            }
        }
    }
    out.extend(current);
    out
}

/// Parses an `Authorization` header value. `Ok(None)` for a scheme other than Basic or Digest.
pub fn parse_authorization(value: &str) -> Result<Option<Authorization>, Malformed> {
    let items = items(value).ok_or(Malformed)?;
    let mut it = items.into_iter();
    let Some(Item::Token(scheme)) = it.next() else {
        return Err(Malformed);
    };
    match scheme_of(&scheme) {
        None => Ok(None),
        Some(Scheme::Basic) => {
            let Some(Item::Token(token)) = it.next() else {
                return Err(Malformed);
            };
            let raw = base64::engine::general_purpose::STANDARD
                .decode(token.trim())
                .map_err(|_| Malformed)?;
            let text = String::from_utf8(raw).map_err(|_| Malformed)?;
            let (user, pass) = text.split_once(':').ok_or(Malformed)?;
            Ok(Some(Authorization::Basic {
                username: user.to_owned(),
                password: pass.to_owned(),
            }))
        }
        Some(Scheme::Digest) => {
            let mut d = DigestResponse::default();
            let mut seen = [false; 5];
            for item in it {
                let Item::Param(name, v) = item else {
                    return Err(Malformed);
                };
                let slot = |k: usize, seen: &mut [bool; 5]| std::mem::replace(&mut seen[k], true);
                match name.as_str() {
                    "username" if !slot(0, &mut seen) => d.username = v,
                    "realm" if !slot(1, &mut seen) => d.realm = v,
                    "nonce" if !slot(2, &mut seen) => d.nonce = v,
                    "uri" if !slot(3, &mut seen) => d.uri = v,
                    "response" if !slot(4, &mut seen) => d.response = v,
                    "userhash" => d.userhash = v.eq_ignore_ascii_case("true"),
                    "algorithm" => d.algorithm = d.algorithm.take().or(Some(v)),
                    "qop" => d.qop = d.qop.take().or(Some(v)),
                    "nc" => d.nc = d.nc.take().or(Some(v)),
                    "cnonce" => d.cnonce = d.cnonce.take().or(Some(v)),
                    "opaque" => d.opaque = d.opaque.take().or(Some(v)),
                    _ => {}
                }
            }
            // username, realm, nonce, uri and response are required (RFC 7616 3.4).
            if !seen.iter().all(|s| *s) {
                return Err(Malformed);
            }
            if d.qop.is_some() && (d.nc.is_none() || d.cnonce.is_none()) {
                return Err(Malformed);
            }
            Ok(Some(Authorization::Digest(d)))
        }
    }
}

// ----------------------------------------------------------------- checking ----

/// Whether the user name sent matches `user` (directly, or as the `userhash` of RFC 7616 3.4.4).
pub fn username_matches(auth: &Authorization, user: &str) -> bool {
    match auth {
        Authorization::Basic { username, .. } => username == user,
        Authorization::Digest(d) if d.userhash => Algorithm::parse(d.algorithm.as_deref())
            .is_some_and(|alg| {
                alg.hash(&[user.as_bytes(), d.realm.as_bytes()])
                    .eq_ignore_ascii_case(&d.username)
            }),
        Authorization::Digest(d) => d.username == user,
    }
}

/// The request-target's path and query: `http://h:p/a?b` → `/a?b`; a path stays as it is.
fn origin_form(uri: &str) -> &str {
    match uri.find("://") {
        Some(p) => {
            let rest = &uri[p + 3..];
            rest.find('/').map_or("/", |s| &rest[s..])
        }
        None => uri,
    }
}

/// Checks an answer against the password of its user, the challenge it answers (where the capture
/// has it) and the request that carries it.
pub fn verify(
    auth: &Authorization,
    challenge: Option<&Challenge>,
    request: RequestLine<'_>,
    password: &str,
) -> Verdict {
    match auth {
        Authorization::Basic { password: sent, .. } => {
            if sent == password {
                Verdict::Valid
            } else {
                Verdict::WrongPassword
            }
        }
        Authorization::Digest(d) => verify_digest(d, challenge, request, password),
    }
}

fn verify_digest(
    d: &DigestResponse,
    challenge: Option<&Challenge>,
    request: RequestLine<'_>,
    password: &str,
) -> Verdict {
    let Some(alg) = Algorithm::parse(d.algorithm.as_deref()) else {
        return Verdict::UnsupportedAlgorithm;
    };
    if let Some(c) = challenge.filter(|c| c.scheme == Scheme::Digest) {
        if c.realm.as_deref().is_some_and(|r| r != d.realm) {
            return Verdict::RealmDiffers;
        }
        if c.nonce.as_deref().is_some_and(|n| n != d.nonce) {
            return Verdict::NonceNotFromChallenge;
        }
    }
    if d.uri != request.uri && origin_form(&d.uri) != origin_form(request.uri) {
        return Verdict::UriDiffers;
    }
    let qop = d.qop.as_deref().map(str::to_ascii_lowercase);
    let body_hash = match qop.as_deref() {
        None | Some("auth") => None,
        Some("auth-int") => match request.body {
            Some(body) => Some(alg.hash(&[body])),
            None => return Verdict::CannotVerify,
        },
        Some(_) => return Verdict::Malformed,
    };
    // The -sess variants hash the client nonce into HA1, so they cannot do without one.
    if alg.session() && d.cnonce.is_none() {
        return Verdict::Malformed;
    }
    let (cnonce, nc) = (
        d.cnonce.as_deref().unwrap_or(""),
        d.nc.as_deref().unwrap_or(""),
    );
    let mut ha1 = alg.hash(&[
        d.username.as_bytes(),
        d.realm.as_bytes(),
        password.as_bytes(),
    ]);
    if alg.session() {
        ha1 = alg.hash(&[ha1.as_bytes(), d.nonce.as_bytes(), cnonce.as_bytes()]);
    }
    let ha2 = match &body_hash {
        Some(bh) => alg.hash(&[request.method.as_bytes(), d.uri.as_bytes(), bh.as_bytes()]),
        None => alg.hash(&[request.method.as_bytes(), d.uri.as_bytes()]),
    };
    let expected = match qop.as_deref() {
        Some(q) => alg.hash(&[
            ha1.as_bytes(),
            d.nonce.as_bytes(),
            nc.as_bytes(),
            cnonce.as_bytes(),
            q.as_bytes(),
            ha2.as_bytes(),
        ]),
        None => alg.hash(&[ha1.as_bytes(), d.nonce.as_bytes(), ha2.as_bytes()]),
    };
    if expected.eq_ignore_ascii_case(d.response.trim()) {
        Verdict::Valid
    } else {
        Verdict::WrongPassword
    }
}

/// [`verify`] for a Digest answer sent with `userhash=true`, where HA1 needs the clear user name of
/// the matching record rather than the hash in the header.
pub fn verify_for_user(
    auth: &Authorization,
    user: &str,
    challenge: Option<&Challenge>,
    request: RequestLine<'_>,
    password: &str,
) -> Verdict {
    match auth {
        Authorization::Digest(d) if d.userhash => {
            let mut clear = d.clone();
            clear.username = user.to_owned();
            clear.userhash = false;
            verify_digest(&clear, challenge, request, password)
        }
        _ => verify(auth, challenge, request, password),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: RequestLine<'static> = RequestLine {
        method: "GET",
        uri: "/dir/index.html",
        body: None,
    };

    /// RFC 2617 3.5: Mufasa, "Circle Of Life", MD5, qop=auth.
    fn rfc2617() -> String {
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, \
         nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", \
         opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
            .to_owned()
    }

    fn rfc2617_challenge() -> Challenge {
        let c = parse_challenges(
            "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        );
        assert_eq!(c.len(), 1);
        c[0].clone()
    }

    #[test]
    fn rfc2617_vector() {
        let a = parse_authorization(&rfc2617()).unwrap().unwrap();
        assert_eq!(a.username(), "Mufasa");
        let ch = rfc2617_challenge();
        assert_eq!(ch.qop, ["auth", "auth-int"]);
        assert_eq!(verify(&a, Some(&ch), GET, "Circle Of Life"), Verdict::Valid);
        assert_eq!(
            verify(&a, Some(&ch), GET, "circle of life"),
            Verdict::WrongPassword
        );
        assert_eq!(verify(&a, None, GET, "Circle Of Life"), Verdict::Valid);
    }

    /// RFC 7616 3.9.1: Mufasa, "Circle of Life", MD5 and SHA-256, qop=auth.
    #[test]
    fn rfc7616_vectors() {
        let req = RequestLine {
            method: "GET",
            uri: "/dir/index.html",
            body: None,
        };
        let md5 = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
            uri=\"/dir/index.html\", algorithm=MD5, \
            nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, \
            cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
            response=\"8ca523f5e9506fed4657c9700eebdbec\", \
            opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        let sha = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
            uri=\"/dir/index.html\", algorithm=SHA-256, \
            nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, \
            cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, \
            response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
            opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        for h in [md5, sha] {
            let a = parse_authorization(h).unwrap().unwrap();
            assert_eq!(
                verify(&a, None, req, "Circle of Life"),
                Verdict::Valid,
                "{h}"
            );
            assert_eq!(
                verify(&a, None, req, "Circle Of Life"),
                Verdict::WrongPassword
            );
        }
    }

    /// Answers computed by the formulas of RFC 7616 3.4.1-3.4.3 (the fixed vectors above pin the hash
    /// plumbing; this covers the -sess and auth-int variants).
    fn digest(alg: Algorithm, qop: Option<&str>, body: &[u8]) -> String {
        let (user, realm, pass, nonce, cnonce, nc) =
            ("cpe-0042", "cwmp", "secret", "n0nce", "c0nce", "00000001");
        let mut ha1 = alg.hash(&[user.as_bytes(), realm.as_bytes(), pass.as_bytes()]);
        if alg.session() {
            ha1 = alg.hash(&[ha1.as_bytes(), nonce.as_bytes(), cnonce.as_bytes()]);
        }
        let ha2 = if qop == Some("auth-int") {
            alg.hash(&[b"POST", b"/acs", alg.hash(&[body]).as_bytes()])
        } else {
            alg.hash(&[b"POST", b"/acs"])
        };
        match qop {
            Some(q) => alg.hash(&[
                ha1.as_bytes(),
                nonce.as_bytes(),
                nc.as_bytes(),
                cnonce.as_bytes(),
                q.as_bytes(),
                ha2.as_bytes(),
            ]),
            None => alg.hash(&[ha1.as_bytes(), nonce.as_bytes(), ha2.as_bytes()]),
        }
    }

    fn header(alg: &str, qop: Option<&str>, response: &str) -> String {
        let q = qop.map_or(String::new(), |q| {
            format!(", qop={q}, nc=00000001, cnonce=\"c0nce\"")
        });
        format!(
            "Digest username=\"cpe-0042\", realm=\"cwmp\", nonce=\"n0nce\", uri=\"/acs\", \
             algorithm={alg}{q}, response=\"{response}\""
        )
    }

    #[test]
    fn every_algorithm_and_qop() {
        let body = b"<soap:Envelope/>";
        let post = RequestLine {
            method: "POST",
            uri: "/acs",
            body: Some(body),
        };
        for (name, alg) in [
            ("MD5", Algorithm::Md5),
            ("MD5-sess", Algorithm::Md5Sess),
            ("SHA-256", Algorithm::Sha256),
            ("sha-256-SESS", Algorithm::Sha256Sess),
        ] {
            for qop in [None, Some("auth"), Some("auth-int")] {
                let h = header(name, qop, &digest(alg, qop, body));
                let a = parse_authorization(&h).unwrap().unwrap();
                if alg.session() && qop.is_none() {
                    assert_eq!(verify(&a, None, post, "secret"), Verdict::Malformed, "{h}");
                    continue;
                }
                assert_eq!(verify(&a, None, post, "secret"), Verdict::Valid, "{h}");
                assert_eq!(verify(&a, None, post, "Secret"), Verdict::WrongPassword);
            }
        }
        // auth-int without the body at hand cannot be checked.
        let h = header(
            "MD5",
            Some("auth-int"),
            &digest(Algorithm::Md5, Some("auth-int"), body),
        );
        let a = parse_authorization(&h).unwrap().unwrap();
        let no_body = RequestLine { body: None, ..post };
        assert_eq!(verify(&a, None, no_body, "secret"), Verdict::CannotVerify);
    }

    /// RFC 2069's example: MD5 without qop (the form RFC 2617 keeps for old clients).
    #[test]
    fn rfc2069_vector_without_qop() {
        let h = "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
            nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", \
            response=\"1949323746fe6a43ef61f9606e7febea\"";
        let a = parse_authorization(h).unwrap().unwrap();
        assert_eq!(verify(&a, None, GET, "CircleOfLife"), Verdict::Valid);
        assert_eq!(
            verify(&a, None, GET, "Circle Of Life"),
            Verdict::WrongPassword
        );
    }

    #[test]
    fn challenge_checks() {
        let a = parse_authorization(&rfc2617()).unwrap().unwrap();
        let mut ch = rfc2617_challenge();
        ch.realm = Some("other".into());
        assert_eq!(verify(&a, Some(&ch), GET, "x"), Verdict::RealmDiffers);
        let mut ch = rfc2617_challenge();
        ch.nonce = Some("fresh".into());
        assert_eq!(
            verify(&a, Some(&ch), GET, "x"),
            Verdict::NonceNotFromChallenge
        );
        let other_uri = RequestLine {
            uri: "/other",
            ..GET
        };
        assert_eq!(verify(&a, None, other_uri, "x"), Verdict::UriDiffers);
        let absolute = RequestLine {
            uri: "http://host.com/dir/index.html",
            ..GET
        };
        assert_eq!(verify(&a, None, absolute, "Circle Of Life"), Verdict::Valid);
        let h = rfc2617().replace("qop=auth,", "algorithm=SHA-512-256, qop=auth,");
        let a = parse_authorization(&h).unwrap().unwrap();
        assert_eq!(verify(&a, None, GET, "x"), Verdict::UnsupportedAlgorithm);
    }

    #[test]
    fn basic() {
        // "Aladdin:open sesame" (RFC 7617 2).
        let a = parse_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
            .unwrap()
            .unwrap();
        assert_eq!(a.scheme(), Scheme::Basic);
        assert_eq!(a.username(), "Aladdin");
        assert_eq!(verify(&a, None, GET, "open sesame"), Verdict::Valid);
        assert_eq!(verify(&a, None, GET, "open"), Verdict::WrongPassword);
        assert_eq!(parse_authorization("Basic !!!"), Err(Malformed));
        assert_eq!(parse_authorization("Basic"), Err(Malformed));
        assert_eq!(parse_authorization("Bearer abc").unwrap(), None);
    }

    #[test]
    fn malformed_and_hostile() {
        assert_eq!(parse_authorization(""), Err(Malformed));
        assert_eq!(parse_authorization("Digest username=\"x"), Err(Malformed));
        assert_eq!(
            parse_authorization("Digest username=x, realm=y"),
            Err(Malformed)
        );
        let no_cnonce = "Digest username=a, realm=b, nonce=c, uri=/, response=d, qop=auth";
        assert_eq!(parse_authorization(no_cnonce), Err(Malformed));
        for s in [
            "\"",
            "=",
            "==,=",
            "Digest ,,,,",
            "Digest a=\"\\",
            "Digest é=\"ü\"",
        ] {
            let _ = parse_authorization(s);
            let _ = parse_challenges(s);
        }
    }

    #[test]
    fn several_challenges_in_one_header() {
        let c = parse_challenges(
            "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", \
             Basic realm=\"simple\", Digest realm=\"cwmp\", nonce=\"abc\", stale=TRUE",
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].scheme, Scheme::Basic);
        assert_eq!(c[0].realm.as_deref(), Some("simple"));
        assert_eq!(c[1].scheme, Scheme::Digest);
        assert_eq!(c[1].nonce.as_deref(), Some("abc"));
        assert!(c[1].stale);
    }

    #[test]
    fn userhash() {
        let alg = Algorithm::Sha256;
        let uh = alg.hash(&[b"cpe-0042", b"cwmp"]);
        let h = header("SHA-256", Some("auth"), &digest(alg, Some("auth"), b"")).replace(
            "username=\"cpe-0042\"",
            &format!("username=\"{uh}\", userhash=true"),
        );
        let a = parse_authorization(&h).unwrap().unwrap();
        assert!(username_matches(&a, "cpe-0042"));
        assert!(!username_matches(&a, "cpe-0043"));
        let post = RequestLine {
            method: "POST",
            uri: "/acs",
            body: None,
        };
        assert_eq!(
            verify_for_user(&a, "cpe-0042", None, post, "secret"),
            Verdict::Valid
        );
    }
}
