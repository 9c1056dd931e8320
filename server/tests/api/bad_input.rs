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
                        required: !ty.starts_with("Option<"),
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
fn integer_edges() -> Vec<String> {
    let mut v: Vec<i128> = vec![0, 1, -1];
    for bits in [8u32, 16, 32, 64] {
        let (min, max, umax) = (
            -(1i128 << (bits - 1)),
            (1i128 << (bits - 1)) - 1,
            (1i128 << bits) - 1,
        );
        v.extend([min - 1, min, max, max + 1, umax, umax + 1]);
    }
    v.sort_unstable();
    v.dedup();
    let mut out: Vec<String> = v.iter().map(i128::to_string).collect();
    out.push("9".repeat(40));
    out.push(format!("-{}", "9".repeat(40)));
    out
}

/// Hostile values that are not integers (or not plainly).
fn other_values() -> Vec<(&'static str, String, bool)> {
    vec![
        ("empty", String::new(), false),
        ("blank", "   ".into(), false),
        ("fraction", "1.5".into(), false),
        ("exponent", "1e3".into(), false),
        ("hex", "0x10".into(), false),
        ("plus sign", "+7".into(), false),
        ("padded", " 7 ".into(), false),
        ("not a number", "NaN".into(), false),
        ("infinity", "inf".into(), false),
        ("arabic digit", "\u{663}".into(), false),
        ("word", "abc".into(), false),
        ("bool word", "true".into(), false),
        ("bool-ish", "yes".into(), false),
        ("long text", "x".repeat(100_000), true),
        ("long number", "9".repeat(100_000), true),
        // Names collapse control characters away (as a person's name does), so this may be
        // accepted; that none is ever stored is checked after the sweep.
        ("control chars", "\u{0}\u{1}\u{1b}[31m\u{7f}".into(), false),
        ("sql", "'; DROP TABLE users; --".into(), false),
        ("markup", "<script>alert(1)</script>".into(), false),
        ("header injection", "a\r\nSet-Cookie: x=y".into(), false),
        ("bidi and bom", "\u{202e}\u{feff}\u{1f9fe}".into(), false),
    ]
}

/// A value that cannot name an existing row (ids start at 1 and the demo has few rows).
fn never_an_id(v: &str) -> bool {
    v.trim()
        .parse::<i64>()
        .is_ok_and(|n| n <= 0 || n > 1_000_000)
}

fn is_int(v: &str) -> bool {
    v.trim().parse::<i64>().is_ok()
}

/// Every argument of `f` set to `v`.
fn every_arg<'a>(f: &'a ServerFn, v: &'a str) -> Vec<(&'a str, &'a str)> {
    f.args.iter().map(|a| (a.name.as_str(), v)).collect()
}

/// Every input sent to `f`.
fn inputs(f: &ServerFn) -> Vec<Input> {
    let mut out = Vec::new();
    let required = f.args.iter().any(|a| a.required);

    // Missing fields: an empty body, and each required argument left out in turn.
    out.push(Input::form(
        "empty body",
        Vec::new(),
        if required {
            Expect::Status(400)
        } else {
            Expect::Any
        },
        false,
    ));
    for missing in f.args.iter().filter(|a| a.required) {
        let pairs: Vec<(&str, &str)> = f
            .args
            .iter()
            .filter(|a| a.name != missing.name)
            .map(|a| (a.name.as_str(), "1"))
            .collect();
        out.push(Input::form(
            format!("without {}", missing.name),
            form(&pairs),
            Expect::Status(400),
            false,
        ));
    }

    // Every argument set to the same hostile value.
    for v in integer_edges() {
        // Not an integer where one is asked for, or an id no row can have.
        let expect =
            if (f.has(Kind::Int) && !is_int(&v)) || (f.requires(Kind::Int) && never_an_id(&v)) {
                Expect::Refused
            } else {
                Expect::Any
            };
        out.push(Input::form(
            format!("all = {v}"),
            form(&every_arg(f, &v)),
            expect,
            false,
        ));
    }
    for (label, v, malformed) in other_values() {
        let expect = if f.has(Kind::Int) && !v.trim().is_empty() && !is_int(&v) {
            Expect::Refused
        } else {
            Expect::Any
        };
        out.push(Input::form(
            format!("all = {label}"),
            form(&every_arg(f, &v)),
            expect,
            malformed,
        ));
    }
    // Ids that do not exist, everything else plain.
    let absent: Vec<(&str, &str)> = f
        .args
        .iter()
        .map(|a| {
            let v = match a.kind {
                Kind::Int => "999999",
                Kind::Bool => "true",
                Kind::Text => "x",
            };
            (a.name.as_str(), v)
        })
        .collect();
    out.push(Input::form(
        "ids that do not exist",
        form(&absent),
        if f.requires(Kind::Int) {
            Expect::Refused
        } else {
            Expect::Any
        },
        false,
    ));
    // An extra field next to the others, and a repeated one.
    let mut extra = absent.clone();
    extra.push(("unexpected_field", "1"));
    out.push(Input::form(
        "extra field",
        form(&extra),
        if f.requires(Kind::Int) {
            Expect::Refused
        } else {
            Expect::Any
        },
        false,
    ));
    let mut twice = absent.clone();
    twice.extend(absent.iter().copied());
    out.push(Input::form(
        "every field twice",
        form(&twice),
        Expect::Any,
        false,
    ));

    // Bytes that are not UTF-8: raw, and percent-encoded.
    out.push(Input::form(
        "raw invalid UTF-8",
        raw_form(f, b"\xFF\xFE\xC0"),
        Expect::Status(400),
        true,
    ));
    out.push(Input::form(
        "percent-encoded invalid UTF-8",
        raw_form(f, b"%FF%FE%C0"),
        Expect::Status(400),
        true,
    ));
    out.push(Input::form(
        "broken percent escape",
        raw_form(f, b"%Z%"),
        Expect::Status(400),
        true,
    ));
    // Structures where scalars belong.
    let nested: Vec<String> = f
        .args
        .iter()
        .map(|a| format!("{}[a][b][c][d][e][f][g]=1", a.name))
        .collect();
    out.push(Input::form(
        "deeply nested",
        nested.join("&").into_bytes(),
        Expect::Any,
        true,
    ));
    let arrays: Vec<String> = f
        .args
        .iter()
        .map(|a| format!("{0}[]=1&{0}[]=2", a.name))
        .collect();
    out.push(Input::form(
        "arrays",
        arrays.join("&").into_bytes(),
        Expect::Any,
        true,
    ));

    // Wrong content types.
    for (ctype, body) in [
        (Some("application/json"), &b"{\"id\": [1, {\"x\": "[..]),
        (Some("application/json"), &b"{\"id\": 999999}"[..]),
        (Some("text/plain"), &b"hello"[..]),
        (Some("multipart/form-data"), &b"--x\r\n\r\n"[..]),
        (Some("application/cbor"), &b"\xA1\x61\x78\x01"[..]),
        (None, &b"id=999999"[..]),
    ] {
        out.push(Input {
            label: format!("content type {ctype:?}"),
            method: Method::POST,
            content_type: ctype,
            accept_html: false,
            body: body.to_vec(),
            expect: Expect::Any,
            malformed: true,
        });
    }
    // A plain form post from a browser that sends no Referer (privacy settings).
    out.push(Input {
        label: "html form post without referer".into(),
        method: Method::POST,
        content_type: Some("application/x-www-form-urlencoded"),
        accept_html: true,
        body: form(&every_arg(f, "abc")),
        expect: Expect::Any,
        malformed: false,
    });

    // Wrong methods: only the registered one is routed.
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        if method != f.method {
            out.push(Input {
                label: format!("method {method}"),
                method,
                content_type: Some("application/x-www-form-urlencoded"),
                accept_html: false,
                body: form(&absent),
                expect: Expect::Status(405),
                malformed: false,
            });
        }
    }
    // A body one byte over the limit.
    let mut big = raw_form(f, b"");
    big.resize(BODY_LIMIT + 1, b'x');
    out.push(Input::form(
        "body over the limit",
        big,
        Expect::Status(413),
        true,
    ));
    out
}

/// A call: who makes it, the function's path, the form.
type Call = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

/// Calls that name an object that does not exist, with everything else valid: 404 (or a field
/// error on the id), never 2xx or 5xx.
fn absent_objects() -> Vec<Call> {
    let key = ("idempotency_key", "bad-input-absent-0001");
    vec![
        ("manager", "/api/feedback/case", vec![("case_id", "999999")]),
        (
            "manager",
            "/api/feedback/act",
            vec![("case_id", "999999"), ("action", "note"), ("body", "x")],
        ),
        (
            "member",
            "/api/feedback/reply",
            vec![("case_id", "999999"), ("body", "hello")],
        ),
        (
            "member",
            "/api/feedback/submit",
            vec![("form_id", "999999"), ("nps", "9")],
        ),
        (
            "staff",
            "/api/loyalty/purchases",
            vec![("member_id", "999999")],
        ),
        (
            "staff",
            "/api/loyalty/points",
            vec![("member_id", "999999")],
        ),
        (
            "staff",
            "/api/loyalty/history",
            vec![("member_id", "999999")],
        ),
        ("staff", "/api/perks/counter", vec![("member_id", "999999")]),
        (
            "staff",
            "/api/loyalty/refund",
            vec![("purchase_id", "999999"), ("amount", "1"), key],
        ),
        (
            "staff",
            "/api/loyalty/purchase",
            vec![
                ("member_id", "999999"),
                ("amount", "10"),
                ("currency", "EUR"),
                key,
            ],
        ),
        (
            "manager",
            "/api/loyalty/adjust",
            vec![
                ("member_id", "999999"),
                ("points", "5"),
                ("reason", "x"),
                key,
            ],
        ),
        (
            "manager",
            "/api/loyalty/redeem",
            vec![
                ("member_id", "999999"),
                ("points", "5"),
                ("reason", "x"),
                key,
            ],
        ),
        (
            "member",
            "/api/rewards/redeem",
            vec![("reward_id", "999999"), key],
        ),
        (
            "staff",
            "/api/loyalty/set_counter_place",
            vec![("location_id", "999999")],
        ),
        (
            "owner",
            "/api/staff/set_disabled",
            vec![("user_id", "999999"), ("disabled", "true")],
        ),
        (
            "manager",
            "/api/program/bonus_active",
            vec![("id", "999999"), ("active", "true")],
        ),
        (
            "manager",
            "/api/program/tier",
            vec![
                ("id", "999999"),
                ("name", "Nowhere"),
                ("threshold", "9000"),
                ("multiplier", "2"),
                ("perks", ""),
            ],
        ),
        (
            "manager",
            "/api/rewards/save",
            vec![
                ("id", "999999"),
                ("name", "Nowhere"),
                ("description", ""),
                ("cost", "150"),
                ("stock", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("icon", "coffee"),
                ("valid_days", "30"),
            ],
        ),
    ]
}

struct Caller {
    name: &'static str,
    email: Option<&'static str>,
    client: TestApp,
}

/// The sweep's findings.
#[derive(Default)]
struct Findings {
    failures: Vec<String>,
    /// 2xx answers to odd (but not malformed) input that changed the database, for review.
    accepted: Vec<String>,
    requests: usize,
    statuses: BTreeMap<u16, usize>,
}

fn shorten(s: &str) -> String {
    let s: String = s.chars().take(160).collect();
    s.replace('\n', " ")
}

/// Changes logged by the triggers since the last call, and the log emptied.
async fn changes(db: &sqlx::SqlitePool) -> Vec<(String, String, i64)> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT tbl, op, COUNT(*) FROM {LOG} GROUP BY tbl, op ORDER BY tbl, op"
    ))
    .fetch_all(db)
    .await
    .expect("change log");
    if !rows.is_empty() {
        sqlx::query(&format!("DELETE FROM {LOG}"))
            .execute(db)
            .await
            .expect("clear log");
    }
    rows
}

/// Every watched table's rows, as text, in a stable order.
async fn snapshot(db: &sqlx::SqlitePool, tables: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for t in tables {
        let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(t)
            .fetch_all(db)
            .await
            .expect("columns");
        // Type and hex of each value: exact, even for text holding NUL.
        let row = cols
            .iter()
            .map(|c| format!("typeof(\"{c}\")||':'||hex(\"{c}\")"))
            .collect::<Vec<_>>()
            .join("||'|'||");
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT {row} AS r FROM \"{t}\" ORDER BY r"))
                .fetch_all(db)
                .await
                .expect("rows");
        out.insert(t.clone(), rows);
    }
    out
}

/// The first text in a snapshot row holding a control character other than a tab or a line
/// break.
fn stored_control(row: &str) -> Option<String> {
    row.split('|')
        .filter_map(|cell| cell.strip_prefix("text:"))
        .map(|hex| {
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .find(|text| {
            text.chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        })
}

async fn send(c: &TestApp, path: &str, input: &Input) -> Result<(u16, String), String> {
    let mut req = c
        .client
        .request(input.method.clone(), c.url(path))
        .body(input.body.clone());
    if let Some(ct) = input.content_type {
        req = req.header("content-type", ct);
    }
    if input.accept_html {
        req = req.header("accept", "text/html");
    }
    let res = req.send().await.map_err(|e| format!("transport: {e:?}"))?;
    let status = res.status().as_u16();
    let body = res.text().await.map_err(|e| format!("body: {e:?}"))?;
    Ok((status, body))
}

/// Judges one answer; `changed` is what the call changed in the watched tables.
fn judge(
    found: &mut Findings,
    what: &str,
    input: &Input,
    answer: Result<(u16, String), String>,
    changed: &[(String, String, i64)],
) {
    found.requests += 1;
    let (status, body) = match answer {
        Ok(a) => a,
        Err(e) => {
            found.failures.push(format!("{what}: {e}"));
            return;
        }
    };
    *found.statuses.entry(status).or_default() += 1;
    let fail = |found: &mut Findings, why: &str| {
        found
            .failures
            .push(format!("{what}: {status} {why} (body: {})", shorten(&body)));
    };
    let accepted = status < 400;
    if status >= 500 {
        fail(found, "server error");
    }
    match input.expect {
        Expect::Any => {}
        Expect::Refused if accepted => fail(found, "accepted, expected a 4xx"),
        Expect::Refused => {}
        Expect::Status(s) if s != status => fail(found, &format!("expected {s}")),
        Expect::Status(_) => {}
        Expect::OneOf(ss) if !ss.contains(&status) => fail(found, &format!("expected {ss:?}")),
        Expect::OneOf(_) => {}
    }
    // A refusal is an `AppError`, which the browser shows in the user's language. (405 comes
    // from the router, before any server function.)
    if (400..500).contains(&status)
        && status != 405
        && !input.accept_html
        && serde_json::from_str::<AppError>(&body).is_err()
    {
        fail(found, "refusal is not an AppError");
    }
    if !changed.is_empty() {
        let tables = format!("{changed:?}");
        if !accepted {
            fail(found, &format!("refused, but changed {tables}"));
        } else if input.malformed {
            fail(
                found,
                &format!("malformed input accepted, changed {tables}"),
            );
        } else {
            found
                .accepted
                .push(format!("{what}: {status} changed {tables}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_answers_malformed_input_with_a_4xx_and_changes_nothing() {
    let started = Instant::now();
    // No points sweep during the test: it would change the ledger between calls.
    let app = spawn_with(|c| c.sweep_interval = Duration::from_secs(86_400))
        .await
        .with_demo()
        .await;

    let fns = registered_functions();
    assert!(
        fns.len() > 40,
        "the registry lists only {} server functions",
        fns.len()
    );
    let mut callers = vec![Caller {
        name: "visitor",
        email: None,
        client: app.other_client(),
    }];
    for (name, email) in [
        ("member", "anna@example.com"),
        ("staff", "staff@example.com"),
        ("manager", "manager@example.com"),
        ("owner", "owner@example.com"),
    ] {
        callers.push(Caller {
            name,
            email: Some(email),
            client: app.signed_in_as(email).await,
        });
    }

    // Every change to a watched table is logged by a trigger, so each call's effect is known.
    let db = app.db().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )
    .fetch_all(&db)
    .await
    .expect("tables");
    sqlx::query(&format!(
        "CREATE TABLE {LOG} (tbl TEXT NOT NULL, op TEXT NOT NULL)"
    ))
    .execute(&db)
    .await
    .expect("log table");
    let watched: Vec<String> = tables
        .into_iter()
        .filter(|t| !UNWATCHED.contains(&t.as_str()))
        .collect();
    for t in &watched {
        for op in ["INSERT", "UPDATE", "DELETE"] {
            sqlx::query(&format!(
                "CREATE TRIGGER \"_bad_input_{t}_{op}\" AFTER {op} ON \"{t}\"
                 BEGIN INSERT INTO {LOG} (tbl, op) VALUES ('{t}', '{op}'); END"
            ))
            .execute(&db)
            .await
            .expect("trigger");
        }
    }
    let before = snapshot(&db, &watched).await;

    let mut found = Findings::default();
    let mut touched: BTreeSet<String> = BTreeSet::new();
    let mut sign_outs = Vec::new();
    let mut inputs_per_fn = 0;
    for f in &fns {
        let inputs = inputs(f);
        inputs_per_fn = inputs_per_fn.max(inputs.len());
        for caller in &mut callers {
            for input in &inputs {
                let answer = send(&caller.client, &f.path, input).await;
                let changed = changes(&db).await;
                let accepted = answer.as_ref().is_ok_and(|(s, _)| *s < 400);
                if accepted {
                    touched.extend(changed.iter().map(|c| c.0.clone()));
                }
                let what = format!("{} as {} with {}", f.path, caller.name, input.label);
                judge(&mut found, &what, input, answer, &changed);
            }
            // A call that ended the caller's session (signing out): sign in again.
            if let Some(email) = caller.email
                && caller.client.me().await.is_null()
            {
                sign_outs.push(format!("{} ended the {}'s session", f.path, caller.name));
                caller.client = app.signed_in_as(email).await;
                changes(&db).await;
            }
        }
    }

    // Objects that do not exist: 404 (or a field error naming the id).
    for (who, path, pairs) in absent_objects() {
        let caller = callers.iter().find(|c| c.name == who).expect("caller");
        let input = Input::form(
            "an id that does not exist",
            form(&pairs),
            Expect::OneOf(&[404, 422]),
            false,
        );
        let answer = send(&caller.client, path, &input).await;
        let changed = changes(&db).await;
        judge(
            &mut found,
            &format!("{path} as {who} with an absent id"),
            &input,
            answer,
            &changed,
        );
    }

    // Still up, and every table no accepted call touched is as it was.
    let health = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200, "the server still answers");
    let after = snapshot(&db, &watched).await;
    for (t, rows) in &before {
        if !touched.contains(t) && after.get(t) != Some(rows) {
            found.failures.push(format!(
                "table {t} changed ({} rows before, {} after) though no call was accepted",
                rows.len(),
                after.get(t).map_or(0, Vec::len)
            ));
        }
    }

    // Nothing accepted stored a control character.
    for (t, rows) in &after {
        let old: BTreeSet<&String> = before
            .get(t)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        for row in rows.iter().filter(|r| !old.contains(r)) {
            if let Some(text) = stored_control(row) {
                found
                    .failures
                    .push(format!("table {t} stores control characters: {text:?}"));
            }
        }
    }

    println!(
        "bad input: {} functions x {} callers x up to {} inputs = {} requests in {:.1} s; statuses {:?}",
        fns.len(),
        callers.len(),
        inputs_per_fn,
        found.requests,
        started.elapsed().as_secs_f64(),
        found.statuses
    );
    for s in &sign_outs {
        println!("session ended: {s}");
    }
    for a in &found.accepted {
        println!("accepted (odd but valid input): {a}");
    }
    assert!(
        found.failures.is_empty(),
        "{} failures:\n{}",
        found.failures.len(),
        found.failures.join("\n")
    );
}
