//! The hostile inputs each function gets: integer edges, odd strings, broken bodies, wrong
//! content types and methods, a body over the limit.

use super::*;

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
pub(super) fn inputs(f: &ServerFn) -> Vec<Input> {
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
    // A function without arguments never reads its body: whatever is sent is an ignored
    // body, not malformed input to it, and its call may change what it always changes
    // (starting a two-factor set-up). The statuses expected above still hold.
    if f.args.is_empty() {
        for input in &mut out {
            input.malformed = false;
        }
    }
    out
}
