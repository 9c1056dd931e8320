//! Malformed input to every server function. The functions are enumerated from Leptos'
//! registry (what the router actually serves), their arguments read from their `#[server]`
//! signatures in `app/src`, so a new function is swept without anyone remembering to add it.
//! Each is called as a visitor, a member, staff, a manager and the owner with hostile forms,
//! broken bodies, wrong content types and methods and a body over the limit. No answer may be
//! 5xx, every refusal is an `AppError` the browser can show in the user's language, and a
//! refused call changes nothing in the database.

use crate::helpers::{TestApp, spawn_with};
use app::error::AppError;
use reqwest::Method;
use server::BODY_LIMIT;
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    time::{Duration, Instant},
};

/// The database table the test's triggers write every change into.
const LOG: &str = "_bad_input_changes";

/// Tables not watched, with why: `tower_sessions` is the session store, written by every
/// signed-in request (the idle deadline slides) and by signing in and out; it holds no
/// shop data. `_bad_input_changes` is this test's own log.
const UNWATCHED: &[&str] = &["tower_sessions", LOG];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Int,
    Bool,
    Text,
}

#[derive(Clone, Debug)]
struct Arg {
    name: String,
    kind: Kind,
    required: bool,
}

/// A registered server function and its arguments.
#[derive(Debug)]
struct ServerFn {
    path: String,
    method: Method,
    args: Vec<Arg>,
}

impl ServerFn {
    fn has(&self, kind: Kind) -> bool {
        self.args.iter().any(|a| a.kind == kind)
    }

    fn requires(&self, kind: Kind) -> bool {
        self.args.iter().any(|a| a.kind == kind && a.required)
    }
}

/// The arguments of every `#[server]` function in `app/src`, by path.
fn signatures() -> BTreeMap<String, Vec<Arg>> {
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("app/src readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    fn quoted(attr: &str, key: &str) -> Option<String> {
        let at = attr.find(&format!("{key} = \""))? + key.len() + 4;
        Some(attr[at..].split('"').next()?.to_owned())
    }
    let mut paths = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut paths,
    );
    let mut found = BTreeMap::new();
    for file in paths {
        let text = std::fs::read_to_string(&file).expect("source");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[server(") {
            rest = &rest[at..];
            let attr = &rest[..rest.find(")]").expect("attribute ends")];
            // An argument's own attribute, not a function's.
            if attr == "#[server(default" {
                rest = &rest[1..];
                continue;
            }
            let path = format!(
                "{}/{}",
                quoted(attr, "prefix").unwrap_or_else(|| "/api".into()),
                quoted(attr, "endpoint").unwrap_or_default()
            );
            let sig = &rest[rest.find("fn ").expect("fn after #[server]")..];
            // Doc comments between arguments may hold parentheses and commas.
            let params: String = sig[sig.find('(').expect("(") + 1..]
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let (mut depth, mut args, mut current) = (0i32, Vec::new(), String::new());
            for c in params.chars() {
                match c {
                    '(' | '<' | '[' => depth += 1,
                    ')' if depth == 0 => break,
                    ')' | '>' | ']' => depth -= 1,
                    ',' if depth == 0 => {
                        args.push(std::mem::take(&mut current));
                        continue;
                    }
                    _ => {}
                }
                current.push(c);
            }
            args.push(current);
            let args = args
                .iter()
                .filter_map(|a| a.split_once(':'))
                .map(|(name, ty)| {
                    // `#[server(default)]`: the argument may be left out.
                    let (name, defaulted) = match name.trim().strip_prefix("#[server(default)]") {
                        Some(name) => (name, true),
                        None => (name, false),
                    };
                    let ty: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
                    let inner = ty
                        .strip_prefix("Option<")
                        .and_then(|t| t.strip_suffix('>'))
                        .unwrap_or(&ty);
                    Arg {
                        name: name.trim().trim_start_matches("mut ").to_owned(),
                        kind: match inner {
                            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
                                Kind::Int
                            }
                            "bool" => Kind::Bool,
                            _ => Kind::Text,
                        },
                        required: !defaulted && !ty.starts_with("Option<"),
                    }
                })
                .collect();
            found.insert(path, args);
            rest = &rest[1..];
        }
    }
    found
}

/// Every server function the router serves (Leptos' registry), with its arguments.
fn registered_functions() -> Vec<ServerFn> {
    let sources = signatures();
    let mut fns: Vec<ServerFn> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| ServerFn {
            path: path.to_owned(),
            method: Method::from_bytes(method.as_str().as_bytes()).expect("method"),
            args: sources
                .get(path)
                .unwrap_or_else(|| panic!("{path} is registered but its signature was not found"))
                .clone(),
        })
        .collect();
    fns.sort_by(|a, b| a.path.cmp(&b.path));
    fns
}

/// `application/x-www-form-urlencoded` encoding.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Pairs `name=<raw>` for every argument (or one unknown name when there are none), with `raw`
/// already encoded.
fn raw_form(f: &ServerFn, raw: &[u8]) -> Vec<u8> {
    let names: Vec<&str> = if f.args.is_empty() {
        vec!["x"]
    } else {
        f.args.iter().map(|a| a.name.as_str()).collect()
    };
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(enc(name).as_bytes());
        out.push(b'=');
        out.extend_from_slice(raw);
    }
    out
}

/// What an answer to one input must be.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Any answer below 500.
    Any,
    /// A 4xx: the input cannot be a valid call of this function.
    Refused,
    /// Exactly this status.
    Status(u16),
    /// One of these statuses.
    OneOf(&'static [u16]),
}

struct Input {
    label: String,
    method: Method,
    content_type: Option<&'static str>,
    /// A plain HTML form post (no WASM), which Leptos answers with a redirect when it can.
    accept_html: bool,
    body: Vec<u8>,
    expect: Expect,
    /// Input no rule can make valid: a 2xx that changes the database is a failure, not merely
    /// listed.
    malformed: bool,
}

impl Input {
    fn form(label: impl Into<String>, body: Vec<u8>, expect: Expect, malformed: bool) -> Self {
        Self {
            label: label.into(),
            method: Method::POST,
            content_type: Some("application/x-www-form-urlencoded"),
            accept_html: false,
            body,
            expect,
            malformed,
        }
    }
}

/// Integers at the edges of every width (signed and unsigned 8–64 bits, one past each, and far
/// past all), and zero and one.
mod absent;
mod inputs;
mod sweep;
