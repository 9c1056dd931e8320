//! The layering rule, checked on the source: no domain engine names another domain's engine
//! (only the checkout and the jobs call several). Every `crate::…` path in an engine's files,
//! `use` trees included, is flattened and checked.

use std::path::Path;

const DOMAINS: &[&str] = &[
    "accounts", "audit", "feedback", "loyalty", "members", "perks", "rewards", "staff",
];

/// Splits source (comments removed) into identifiers and the punctuation of paths.
fn tokens(src: &str) -> Vec<String> {
    let code: String = src
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            let mut word = c.to_string();
            while let Some(&n) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                word.push(n);
                chars.next();
            }
            out.push(word);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            out.push("::".into());
        } else if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    out
}

/// Parses one use tree at `i` under `prefix`, pushing every full path it names.
fn tree(t: &[String], mut i: usize, mut prefix: Vec<String>, out: &mut Vec<String>) -> usize {
    let at = |i: usize| t.get(i).map_or("", String::as_str);
    if at(i) == "{" {
        i += 1;
        while i < t.len() && at(i) != "}" {
            i = tree(t, i, prefix.clone(), out);
            if at(i) == "," {
                i += 1;
            }
        }
        return i + 1;
    }
    let Some(segment) = t.get(i) else { return i };
    prefix.push(segment.clone());
    i += 1;
    if at(i) == "::" {
        return tree(t, i + 1, prefix, out);
    }
    out.push(prefix.join("::"));
    // `path as name`: the name is not part of the path.
    if at(i) == "as" { i + 2 } else { i }
}

/// Every path below `crate::` that `src` names.
fn crate_paths(src: &str) -> Vec<String> {
    let t = tokens(src);
    let mut out = Vec::new();
    for i in 0..t.len() {
        if t[i] == "crate" && t.get(i + 1).map(String::as_str) == Some("::") {
            let _ = tree(&t, i + 2, Vec::new(), &mut out);
        }
    }
    out
}

/// Paths in `src` (a file of `domain`'s engine) that reach into another domain's engine.
fn crossings(domain: &str, src: &str) -> Vec<String> {
    crate_paths(src)
        .into_iter()
        .filter(|p| {
            let mut parts = p.split("::");
            let (first, second) = (parts.next(), parts.next());
            first.is_some_and(|d| d != domain && DOMAINS.contains(&d)) && second == Some("engine")
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_checker_sees_nested_use_trees_and_full_paths() {
    let src = "use crate::{db::x, perks::{engine as perks, types::Y}};\n\
               // crate::rewards::engine::get in a comment does not count\n\
               let r = crate::rewards::engine::get(conn).await;";
    assert_eq!(
        crossings("loyalty", src),
        ["perks::engine", "rewards::engine::get"]
    );
    assert!(crossings("perks", "use crate::perks::engine::x;").is_empty());
}

#[test]
fn no_domain_engine_calls_another_domains_engine() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut found = Vec::new();
    for domain in DOMAINS {
        let mut files = Vec::new();
        rust_files(&src.join(domain).join("engine"), &mut files);
        let single = src.join(domain).join("engine.rs");
        if single.exists() {
            files.push(single);
        }
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read source");
            checked += 1;
            for path in crossings(domain, &text) {
                found.push(format!("{}: crate::{path}", file.display()));
            }
        }
    }
    assert!(checked >= 10, "engines found: {checked}");
    assert!(
        found.is_empty(),
        "engine reaches into another engine:\n{}",
        found.join("\n")
    );
}
