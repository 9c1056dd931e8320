//! Writes a batch of made-up histories in one transaction, a thousand rows per statement. The
//! purchases go in through the same table triggers as the counter's (the roll-ups stay right);
//! members come in id order, so the triggers touch neighbouring roll-up rows.

use app::db::Stamp;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, query_builder::Separated};

use super::rows::Rows;

/// Rows per statement (the widest, movements, binds 11 values a row: under SQLite's 32,766).
const PER_STATEMENT: usize = 1_000;

async fn insert<'r, T>(
    conn: &mut SqliteConnection,
    head: &str,
    rows: &'r [T],
    mut bind: impl FnMut(&mut Separated<'_, 'r, Sqlite, &'static str>, &'r T),
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(head);
        q.push_values(chunk, |mut b, row| bind(&mut b, row));
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes `rows` (inside the caller's transaction). `currency`: the books' currency code;
/// `seed`: in each movement's idempotency key, so two seeds never clash.
pub async fn rows(
    conn: &mut SqliteConnection,
    rows: &Rows,
    currency: &'static str,
    seed: u64,
) -> Result<(), sqlx::Error> {
    insert(
        conn,
        "INSERT INTO purchases (id, member_id, amount_minor, currency, location_id, full_price,
             points, discount_minor, perks_held, created_at) ",
        &rows.purchases,
        |b, p| {
            b.push_bind(p.id)
                .push_bind(p.member_id)
                .push_bind(p.amount_minor)
                .push_bind(currency)
                .push_bind(p.location_id)
                .push_bind(1)
                .push_bind(p.points)
                .push_bind(p.coupon.map_or(0, |c| c.1))
                .push_bind(p.perks_held)
                .push_bind(p.at);
        },
    )
    .await?;
    // Discounts after the purchases that gave and used them; then the purchases point back.
    insert(
        conn,
        "INSERT INTO coupons (id, member_id, percent, valid_from, valid_until, min_purchase,
             source_purchase_id, used_purchase_id, used_at, created_at) ",
        &rows.coupons,
        |b, c| {
            b.push_bind(c.id)
                .push_bind(c.member_id)
                .push_bind(c.percent)
                .push_bind(&c.valid_from)
                .push_bind(&c.valid_until)
                .push_bind(c.min_purchase)
                .push_bind(c.source_purchase_id)
                .push_bind(c.used.map(|u| u.0))
                .push_bind(c.used.map(|u| u.1))
                .push_bind(c.at);
        },
    )
    .await?;
    if let (Some(first), Some(last)) = (rows.coupons.first(), rows.coupons.last()) {
        sqlx::query(
            "UPDATE purchases SET coupon_id = c.id FROM coupons c
             WHERE c.id BETWEEN $1 AND $2 AND c.used_purchase_id = purchases.id",
        )
        .bind(first.id)
        .bind(last.id)
        .execute(&mut *conn)
        .await?;
    }
    insert(
        conn,
        "INSERT INTO point_movements (id, member_id, amount, kind, reason, actor_kind,
             balance_after, idempotency_key, created_at, location_id, purchase_id) ",
        &rows.movements,
        |b, m| {
            b.push_bind(m.id)
                .push_bind(m.member_id)
                .push_bind(m.amount)
                .push_bind(m.kind)
                .push_bind(&m.reason)
                .push_bind("system")
                .push_bind(m.balance_after)
                .push_bind(format!("seed:{seed}:{:012}", m.id))
                .push_bind(m.at)
                .push_bind(m.location_id)
                .push_bind(m.purchase_id);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO point_lots (movement_id, member_id, remaining, expires_at) ",
        &rows.lots,
        |b, l| {
            b.push_bind(l.movement_id)
                .push_bind(l.member_id)
                .push_bind(l.remaining)
                .push_bind(l.expires_at);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO reward_codes (id, code, reward_id, member_id, points, movement_id, issued_at,
             expires_at, used_at, used_location_id) ",
        &rows.codes,
        |b, c| {
            b.push_bind(c.id)
                .push_bind(format!("S{seed:X}C{:X}", c.id))
                .push_bind(c.reward_id)
                .push_bind(c.member_id)
                .push_bind(c.points)
                .push_bind(c.movement_id)
                .push_bind(c.issued_at)
                .push_bind(c.expires_at)
                .push_bind(c.used.map(|u| u.0))
                .push_bind(c.used.map(|u| u.1));
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO feedback (id, form_id, member_id, purchase_id, location_id, nps, category,
             language, created_at) ",
        &rows.feedback,
        |b, f| {
            b.push_bind(f.id)
                .push_bind(f.form_id)
                .push_bind(f.member_id)
                .push_bind(f.purchase_id)
                .push_bind(f.location_id)
                .push_bind(f.nps)
                .push_bind(if f.nps <= 6 { "service" } else { "product" })
                .push_bind(&f.language)
                .push_bind(f.at);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO cases (id, feedback_id, member_id, status, priority, location_id, due_at,
             first_response_at, resolved_at, created_at) ",
        &rows.cases,
        |b, c| {
            b.push_bind(c.id)
                .push_bind(c.feedback_id)
                .push_bind(c.member_id)
                .push_bind(if c.resolved.is_some() {
                    "resolved"
                } else {
                    "new"
                })
                .push_bind("normal")
                .push_bind(c.location_id)
                .push_bind(c.due_at)
                .push_bind(c.resolved.map(|r| r.0))
                .push_bind(c.resolved.map(|r| r.1))
                .push_bind(c.at);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO tier_changes (member_id, from_tier_id, to_tier_id, reason, qualifying_points,
             created_at) ",
        &rows.tier_changes,
        |b, c| {
            b.push_bind(c.member_id)
                .push_bind(c.from)
                .push_bind(c.to)
                .push_bind(if c.upgrade { "upgrade" } else { "downgrade" })
                .push_bind(c.qualifying)
                .push_bind(c.at);
        },
    )
    .await?;
    insert(
        conn,
        "INSERT INTO member_tiers (member_id, tier_id, review_at, updated_at) ",
        &rows.tiers,
        |b, &(member, tier, review, at): &(i64, Option<i64>, Stamp, Stamp)| {
            b.push_bind(member)
                .push_bind(tier)
                .push_bind(review)
                .push_bind(at);
        },
    )
    .await?;
    for chunk in rows.balances.chunks(PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "UPDATE member_balances SET balance = v.column2, updated_at = v.column3
             FROM (",
        );
        q.push_values(chunk, |mut b, &(member, balance, at)| {
            b.push_bind(member).push_bind(balance).push_bind(at);
        });
        q.push(") AS v WHERE member_balances.member_id = v.column1");
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}
