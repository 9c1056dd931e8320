//! The sweep: every function, every caller, every input; what the answers and the database
//! must show.

use super::{absent::absent_objects, inputs::inputs, *};

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
        let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
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

/// The answer to a body over the limit that the server refused before the client had written
/// it (the 413 itself was not read).
const UNREAD: &str = "(unread: the server closed the connection while the body was sent)";

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
    // The server refuses a body over the limit before reading all of it, and then closes the
    // connection (HTTP cannot carry on after an unread body). Said up front, so the client
    // does not put that connection back in its pool and send the next call into a socket the
    // server is closing (which fails as `IncompleteMessage`, seen about once per full run).
    let oversized = input.body.len() > server::BODY_LIMIT;
    if oversized {
        req = req.header("connection", "close");
    }
    let res = match req.send().await {
        Ok(res) => res,
        // The refusal can also come, and the socket close, while the client is still writing
        // the body: then the write fails (a broken pipe or a reset) and the 413 is never read.
        // Only for a body over the limit; the database is still checked for changes.
        Err(e) if oversized && e.is_request() && format!("{e:?}").contains("BodyWrite") => {
            return Ok((413, UNREAD.into()));
        }
        Err(e) => return Err(format!("transport: {e:?}")),
    };
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
        && body != UNREAD
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
           AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
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
