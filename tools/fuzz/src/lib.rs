// SPDX-License-Identifier: GPL-2.0-or-later
//! Fuzzing helpers for the CWMP dissector: an XML-aware mutator of CWMP bodies ([`mutate`]), built-in
//! seed messages ([`seeds`]), captures that wrap each mutant in valid HTTP framing ([`framing`]), and a
//! reader of Valgrind reports ([`vgreport`]). `scripts/fuzz.sh` drives them through the `cwmp-fuzz`
//! binary; the property tests of the parser use the mutator directly. See `docs/fuzzing.md`.
#![forbid(unsafe_code)]

pub mod framing;
pub mod mutate;
pub mod rng;
pub mod seeds;
pub mod vgreport;

pub use mutate::{mutate, Config, Op, ALL_OPS};
pub use rng::Rng;
