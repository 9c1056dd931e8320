//! 32 clients earning and redeeming at once, with replays: every invariant holds.

use super::*;

/// A small deterministic generator: tests must be repeatable.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_clients_earning_and_redeeming_at_once_keep_every_invariant() {
    let (app, owner, ids) = setup().await;
    let members: Vec<i64> = ["anna@example.com", "ola@example.com", "liga@example.com"]
        .iter()
        .map(|e| ids[*e])
        .collect();
    let location: i64 = sqlx::query_scalar("SELECT min(id) FROM locations")
        .fetch_one(&app.db().await)
        .await
        .expect("a location");
    let location = location.to_string();
    let mut tasks = Vec::new();
    for client in 0..32u64 {
        let owner = owner.other_client_sharing_session();
        let members = members.clone();
        let location = location.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (client + 1));
            let mut sent: Vec<(String, &'static str, i64, String, Value)> = Vec::new();
            let (mut ok, mut refused, mut server_errors) = (0u32, 0u32, 0u32);
            for op in 0..30 {
                let replay = !sent.is_empty() && rng.next(10) == 0;
                let (key, endpoint, member, points) = if replay {
                    let (k, e, m, p, _) = &sent[rng.next(sent.len() as u64) as usize];
                    (k.clone(), *e, *m, p.clone())
                } else {
                    let member = members[rng.next(members.len() as u64) as usize];
                    let earn = rng.next(2) == 0;
                    let amount = 1 + rng.next(60);
                    // Earning is a real purchase (amount in euros, points per the rules).
                    let endpoint = if earn {
                        "loyalty/purchase"
                    } else {
                        "loyalty/redeem"
                    };
                    (
                        format!("c{client}-op{op}"),
                        endpoint,
                        member,
                        amount.to_string(),
                    )
                };
                let member_id = member.to_string();
                let form: Vec<(&str, &str)> = if endpoint == "loyalty/purchase" {
                    vec![
                        ("member_id", &member_id),
                        ("amount", &points),
                        ("currency", "EUR"),
                        ("confirm", "true"),
                        ("location_id", &location),
                        ("idempotency_key", &key),
                    ]
                } else {
                    vec![
                        ("member_id", &member_id),
                        ("points", &points),
                        ("reason", "load"),
                        ("idempotency_key", &key),
                    ]
                };
                let res = owner.call(endpoint, &form).await;
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap_or(Value::Null);
                match status {
                    200 => {
                        ok += 1;
                        if replay {
                            let first = sent.iter().find(|s| s.0 == key).map(|s| &s.4);
                            assert_eq!(first, Some(&body), "a replay returns the first result");
                        } else {
                            sent.push((key, endpoint, member, points, body));
                        }
                    }
                    422 if !replay => refused += 1,
                    422 => {}
                    s if s >= 500 => server_errors += 1,
                    other => panic!("unexpected {other}: {body}"),
                }
            }
            (sent.len(), ok, refused, server_errors)
        }));
    }
    let mut acknowledged = 0;
    for t in tasks {
        let (acked, _ok, _refused, server_errors) = t.await.expect("task");
        assert_eq!(
            server_errors, 0,
            "no SQLITE_BUSY (or anything else) reached a client"
        );
        acknowledged += acked;
    }
    let db = app.db().await;
    let movements: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM point_movements")
        .fetch_one(&db)
        .await
        .expect("n");
    assert_eq!(
        movements as usize, acknowledged,
        "every acknowledged change once, no replay twice"
    );
    for member in members {
        let (cached, sum, negative, lots): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(balance), 0) FROM member_balances WHERE member_id = $1),
                    (SELECT COALESCE(SUM(amount), 0) FROM point_movements WHERE member_id = $1),
                    (SELECT COUNT(*) FROM point_movements WHERE member_id = $1 AND balance_after < 0),
                    (SELECT COALESCE(SUM(remaining), 0) FROM point_lots WHERE member_id = $1)",
        )
        .bind(member)
        .fetch_one(&db)
        .await
        .expect("invariants");
        assert_eq!(
            cached, sum,
            "cached balance equals the sum of movements for {member}"
        );
        assert!(cached >= 0);
        assert_eq!(negative, 0);
        assert_eq!(lots, cached, "open lots hold exactly the balance");
        // Replaying the ledger in order gives every row's balance_after.
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT amount, balance_after FROM point_movements WHERE member_id = $1 ORDER BY id",
        )
        .bind(member)
        .fetch_all(&db)
        .await
        .expect("rows");
        let mut running = 0;
        for (amount, after) in rows {
            running += amount;
            assert_eq!(running, after);
        }
    }
}
