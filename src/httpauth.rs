// SPDX-License-Identifier: GPL-2.0-or-later
//! HTTP authentication and session cookies of CWMP connections, followed across the messages of a
//! connection (TR-069 Amendment 6, 3.4.4 for sessions, 3.2.2 for TCP connection requests, 3.4.2 for
//! cookies).
//!
//! PURE. Part of the session layer: [`crate::session::Tracker`] owns an [`AuthState`] and calls it for
//! every HTTP message of a CWMP connection and of a TCP connection request, on the first pass only.
//! The state per connection is the last `WWW-Authenticate` challenge (and its frame), the run of
//! challenges without a success, and the ACS's session cookie. The checks themselves are
//! [`crate::auth`]'s.
//!
//! Passwords come in through [`Credentials`] and never leave it: no record, note or debug output
//! carries one. A user without a record gets no verdict and no warning.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::net::IpAddr;

use crate::auth::{self, Authorization, Challenge, RequestLine, Scheme, Verdict};
use crate::fields::Expert;
use crate::session::{At, Note};

/// The header values of one HTTP message that the checks read (`None` where absent, or where the
/// shim did not read them because no check is on).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpHeaders {
    /// The request URI as sent (requests).
    pub uri: Option<String>,
    pub authorization: Option<String>,
    pub www_authenticate: Option<String>,
    pub cookie: Option<String>,
    pub set_cookie: Option<String>,
}

/// The `cwmp_credentials` table: (username, password) records.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    records: Vec<(String, String)>,
}

impl std::fmt::Debug for Credentials {
    /// User names only: a password never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.records.iter().map(|(u, _)| u))
            .finish()
    }
}

impl Credentials {
    /// The table from its records; records without a user name are dropped.
    pub fn new(records: impl IntoIterator<Item = (String, String)>) -> Credentials {
        Credentials {
            records: records.into_iter().filter(|(u, _)| !u.is_empty()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The password of `user`, for the HMAC checks of UDP connection requests and lightweight
    /// notifications.
    pub fn password(&self, user: &str) -> Option<&str> {
        self.records
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, p)| p.as_str())
    }

    /// The record whose user sent `a` (by name, or by Digest's userhash).
    fn find(&self, a: &Authorization) -> Option<(&str, &str)> {
        self.records
            .iter()
            .find(|(u, _)| auth::username_matches(a, u))
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }
}

/// What the checks may do for one frame.
#[derive(Debug, Clone, Copy)]
pub struct Checks<'a> {
    /// The credentials table: verdicts only when it is not empty.
    pub creds: &'a Credentials,
    /// Cookie and cleartext-Basic checks (preference `cwmp.http_checks`, or credentials configured).
    pub http_checks: bool,
    /// The frame came over TLS.
    pub tls: bool,
}

/// What the checks found about one HTTP message (`cwmp.auth.*`, `cwmp.cookie`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthRecord {
    pub scheme: Option<Scheme>,
    pub username: Option<String>,
    pub realm: Option<String>,
    /// Only for users with a record.
    pub verdict: Option<Verdict>,
    /// The 401 whose nonce the answer uses.
    pub challenge_in: Option<u32>,
    /// The name of the session cookie the message sets or returns.
    pub cookie: Option<String>,
    pub notes: Vec<Note>,
}

impl AuthRecord {
    fn is_empty(&self) -> bool {
        *self == AuthRecord::default()
    }
}

/// Who sent a message, as the session layer knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A POST from the CPE on a CWMP connection.
    CpeRequest,
    /// The ACS's answer on a CWMP connection.
    AcsResponse,
    /// A TCP connection request (GET from the ACS).
    ConnReqGet,
    /// The CPE's answer to a connection request.
    ConnReqAnswer,
}

/// One HTTP message to check.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub role: Role,
    pub method: &'a str,
    /// Status code of responses.
    pub code: u16,
    /// The body is empty (so `qop=auth-int` can be checked over it).
    pub empty_body: bool,
    /// The CWMP session of the connection, for the cookie rule.
    pub session: Option<u32>,
}

#[derive(Debug, Clone)]
struct LastChallenge {
    challenges: Vec<Challenge>,
    frame: u32,
}

#[derive(Debug, Clone)]
struct SessionCookie {
    session: Option<u32>,
    name: String,
    value: String,
    frame: u32,
}

/// Where a client talks to a server: the connection, and the address pair (a client often retries
/// on a new connection after a 401).
type Pair = (IpAddr, IpAddr);

/// The authentication and cookie state of one capture file.
#[derive(Debug, Default)]
pub struct AuthState {
    by_stream: HashMap<u32, LastChallenge>,
    by_pair: HashMap<Pair, LastChallenge>,
    /// Challenges in a row without a success, by address pair (or by connection without addresses).
    run: HashMap<(Option<Pair>, u32), u32>,
    cookies: HashMap<u32, SessionCookie>,
}

/// The name and value of a `Set-Cookie` header (its first pair).
fn set_cookie_pair(v: &str) -> Option<(String, String)> {
    let first = v.split(';').next()?;
    let (name, value) = first.split_once('=')?;
    let name = name.trim();
    (!name.is_empty()).then(|| (name.to_owned(), value.trim().to_owned()))
}

/// The value of cookie `name` in a `Cookie` header.
fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|p| {
        let (n, v) = p.split_once('=')?;
        (n.trim() == name).then(|| v.trim())
    })
}

impl AuthState {
    /// Checks one HTTP message and updates the connection's state. `at.src`/`at.dst` are the
    /// frame's addresses. Returns `None` when there is nothing to show.
    pub fn on_message(
        &mut self,
        at: At,
        m: Message<'_>,
        h: Option<&HttpHeaders>,
        checks: Checks<'_>,
    ) -> Option<AuthRecord> {
        let mut rec = AuthRecord::default();
        let is_request = matches!(m.role, Role::CpeRequest | Role::ConnReqGet);
        let pair = match (is_request, at.src, at.dst) {
            (true, Some(s), Some(d)) => Some((s, d)),
            (false, Some(s), Some(d)) => Some((d, s)),
            _ => None,
        };
        let run_key = (pair, if pair.is_some() { 0 } else { at.stream });
        let empty = HttpHeaders::default();
        let h = h.unwrap_or(&empty);
        if is_request {
            if let Some(value) = h.authorization.as_deref() {
                self.check_answer(at, m, h, value, pair, checks, &mut rec);
            }
        } else if m.code == 401 {
            let count = self.run.entry(run_key).or_default();
            *count += 1;
            if *count >= 3 {
                rec.notes.push(Note {
                    expert: Expert::AuthLoop,
                    text: format!(
                        "Authentication challenge {} in a row without success",
                        count
                    ),
                });
            }
            if let Some(v) = h.www_authenticate.as_deref() {
                let challenges = auth::parse_challenges(v);
                if !challenges.is_empty() {
                    let last = LastChallenge {
                        challenges,
                        frame: at.frame,
                    };
                    if let Some(p) = pair {
                        self.by_pair.insert(p, last.clone());
                    }
                    self.by_stream.insert(at.stream, last);
                }
            }
        } else if m.code != 0 {
            self.run.remove(&run_key);
        }
        if checks.http_checks && m.role == Role::AcsResponse {
            if let Some((name, value)) = h.set_cookie.as_deref().and_then(set_cookie_pair) {
                rec.cookie = Some(name.clone());
                self.cookies.insert(
                    at.stream,
                    SessionCookie {
                        session: m.session,
                        name,
                        value,
                        frame: at.frame,
                    },
                );
            }
        }
        if checks.http_checks && m.role == Role::CpeRequest {
            self.check_cookie(at, m, h, &mut rec);
        }
        (!rec.is_empty()).then_some(rec)
    }

    #[allow(clippy::too_many_arguments)]
    fn check_answer(
        &mut self,
        at: At,
        m: Message<'_>,
        h: &HttpHeaders,
        value: &str,
        pair: Option<Pair>,
        checks: Checks<'_>,
        rec: &mut AuthRecord,
    ) {
        let parsed = auth::parse_authorization(value);
        let a = match parsed {
            Ok(Some(a)) => a,
            Ok(None) => return,
            Err(auth::Malformed) => {
                // No user can be told apart in a header that does not parse: a verdict only when
                // the header names a user of the table.
                if let Some(user) = checks
                    .creds
                    .records
                    .iter()
                    .map(|(u, _)| u.as_str())
                    .find(|u| value.contains(&format!("username=\"{u}\"")))
                {
                    rec.username = Some(user.to_owned());
                    rec.verdict = Some(Verdict::Malformed);
                    rec.notes.push(Note {
                        expert: Expert::AuthFailed,
                        text: format!("Authentication of {user} failed: malformed header"),
                    });
                }
                return;
            }
        };
        rec.scheme = Some(a.scheme());
        rec.username = Some(a.username().to_owned());
        rec.realm = a.realm().map(str::to_owned);
        if checks.http_checks && a.scheme() == Scheme::Basic && !checks.tls {
            rec.notes.push(Note {
                expert: Expert::BasicCleartext,
                text: format!("Basic credentials of {} over plain HTTP", a.username()),
            });
        }
        let last = self
            .by_stream
            .get(&at.stream)
            .or_else(|| pair.and_then(|p| self.by_pair.get(&p)));
        let challenge = last.and_then(|l| {
            l.challenges
                .iter()
                .find(|c| c.scheme == a.scheme())
                .map(|c| (c, l.frame))
        });
        if let (Authorization::Digest(d), Some((c, frame))) = (&a, challenge) {
            if c.nonce.as_deref() == Some(d.nonce.as_str()) {
                rec.challenge_in = Some(frame);
            }
        }
        let Some((user, password)) = checks.creds.find(&a) else {
            return;
        };
        let uri = h.uri.as_deref().unwrap_or_else(|| match &a {
            Authorization::Digest(d) => &d.uri,
            Authorization::Basic { .. } => "",
        });
        let body: Option<&[u8]> = if m.empty_body { Some(b"") } else { None };
        let verdict = auth::verify_for_user(
            &a,
            user,
            challenge.map(|(c, _)| c),
            RequestLine {
                method: m.method,
                uri,
                body,
            },
            password,
        );
        rec.verdict = Some(verdict);
        if !verdict.is_valid() {
            let why = crate::values::AUTH_VERDICTS
                .iter()
                .find(|(k, _)| *k == verdict as u32)
                .map_or("", |(_, s)| s);
            rec.notes.push(Note {
                expert: Expert::AuthFailed,
                text: format!("Authentication of {user} failed: {}", why.to_lowercase()),
            });
        }
    }

    fn check_cookie(&mut self, at: At, m: Message<'_>, h: &HttpHeaders, rec: &mut AuthRecord) {
        let Some(c) = self.cookies.get(&at.stream) else {
            return;
        };
        if c.session != m.session {
            // A new session: the old cookie no longer applies.
            self.cookies.remove(&at.stream);
            return;
        }
        match h.cookie.as_deref().and_then(|v| cookie_value(v, &c.name)) {
            Some(v) if v == c.value => rec.cookie = Some(c.name.clone()),
            Some(_) => {
                rec.cookie = Some(c.name.clone());
                rec.notes.push(Note {
                    expert: Expert::CookieNotReturned,
                    text: format!(
                        "The CPE changed the session cookie {} set in frame {}",
                        c.name, c.frame
                    ),
                });
            }
            None => rec.notes.push(Note {
                expert: Expert::CookieNotReturned,
                text: format!(
                    "The CPE did not return the session cookie {} set in frame {}",
                    c.name, c.frame
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Ts;

    fn at(frame: u32, request: bool) -> At {
        let cpe: IpAddr = [192, 0, 2, 10].into();
        let acs: IpAddr = [198, 51, 100, 1].into();
        At {
            frame,
            index: 0,
            stream: 1,
            ts: Ts::default(),
            visited: false,
            src: Some(if request { cpe } else { acs }),
            dst: Some(if request { acs } else { cpe }),
        }
    }

    fn post(session: u32) -> Message<'static> {
        Message {
            role: Role::CpeRequest,
            method: "POST",
            code: 0,
            empty_body: false,
            session: Some(session),
        }
    }

    fn resp(code: u16, session: u32) -> Message<'static> {
        Message {
            role: Role::AcsResponse,
            method: "",
            code,
            empty_body: true,
            session: Some(session),
        }
    }

    #[test]
    fn loop_basic_cookie_and_no_record() {
        let creds = Credentials::new([("cpe".to_owned(), "pw".to_owned())]);
        let checks = Checks {
            creds: &creds,
            http_checks: true,
            tls: false,
        };
        let mut s = AuthState::default();
        for f in 1..=2 {
            assert!(s
                .on_message(at(f, false), resp(401, 1), None, checks)
                .is_none());
        }
        let third = s
            .on_message(at(3, false), resp(401, 1), None, checks)
            .unwrap();
        assert_eq!(third.notes[0].expert, Expert::AuthLoop);
        // Basic "cpe:pw", right, over plain HTTP.
        let h = HttpHeaders {
            authorization: Some("Basic Y3BlOnB3".into()),
            ..Default::default()
        };
        let r = s
            .on_message(at(4, true), post(1), Some(&h), checks)
            .unwrap();
        assert_eq!(r.verdict, Some(Verdict::Valid));
        assert_eq!(r.notes[0].expert, Expert::BasicCleartext);
        // A user without a record: fields, no verdict, no warning but the cleartext note.
        let h = HttpHeaders {
            authorization: Some("Basic b3RoZXI6eA==".into()),
            ..Default::default()
        };
        let r = s
            .on_message(at(5, true), post(1), Some(&h), checks)
            .unwrap();
        assert_eq!(r.verdict, None);
        assert!(r.notes.iter().all(|n| n.expert != Expert::AuthFailed));
        // The cookie set by the ACS must come back.
        let h = HttpHeaders {
            set_cookie: Some("JSESSIONID=abc; Path=/".into()),
            ..Default::default()
        };
        let r = s
            .on_message(at(6, false), resp(200, 1), Some(&h), checks)
            .unwrap();
        assert_eq!(r.cookie.as_deref(), Some("JSESSIONID"));
        let h = HttpHeaders {
            cookie: Some("a=b; JSESSIONID=abc".into()),
            ..Default::default()
        };
        let r = s
            .on_message(at(7, true), post(1), Some(&h), checks)
            .unwrap();
        assert!(r.notes.is_empty());
        let r = s.on_message(at(8, true), post(1), None, checks).unwrap();
        assert_eq!(r.notes[0].expert, Expert::CookieNotReturned);
        // The next session starts without the old cookie.
        assert!(s.on_message(at(9, true), post(2), None, checks).is_none());
    }

    #[test]
    fn debug_never_shows_passwords() {
        let creds = Credentials::new([("cpe".to_owned(), "s3cr3t".to_owned())]);
        assert!(!format!("{creds:?}").contains("s3cr3t"));
    }
}
