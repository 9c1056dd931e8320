//! Who a campaign's send reaches: the reachable members of its segment, placed in the
//! campaign's fixed pattern of member ids (control group, A/B test shares, the rest), and
//! writing their outbox rows.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{Channel, Segment, results::MIN_HOLDOUT_AUDIENCE, sql};
use crate::db::Stamp;

/// The members a campaign goes to: the reachable members of its segment at `now`.
pub(super) struct Audience<'a> {
    pub(super) id: i64,
    pub(super) segment: &'a Segment,
    pub(super) channel: Channel,
    pub(super) when: &'a sql::When,
    pub(super) now: Stamp,
}

impl Audience<'_> {
    /// Pushes ` FROM … WHERE …` selecting them.
    fn push_from<'q>(&'q self, q: &mut QueryBuilder<'q, Sqlite>) {
        sql::push_from(q, &self.segment.rules, self.segment.match_all, self.when);
        sql::push_reachable(q, self.channel);
    }

    /// Pushes ` AND` a member's place in the campaign's fixed pattern of ids being in
    /// `lo..hi` (0–100). The pattern is shifted per campaign (7,919 is prime to 100, so every
    /// hundred consecutive ids take each place once): the control group is the lowest
    /// places, then each tested variant's share, then the rest, and one campaign's groups
    /// are not the next one's.
    fn push_places<'q>(&self, q: &mut QueryBuilder<'q, Sqlite>, lo: i64, hi: i64) {
        q.push(" AND ((u.id + ")
            .push_bind(self.id)
            .push(" * 37) * 7919) % 100 >= ")
            .push_bind(lo)
            .push(" AND ((u.id + ")
            .push_bind(self.id)
            .push(" * 37) * 7919) % 100 < ")
            .push_bind(hi);
    }

    /// How many there are.
    pub(super) async fn reachable(&self, tx: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
        let mut q = QueryBuilder::<Sqlite>::new("SELECT count(*)");
        self.push_from(&mut q);
        q.build_query_scalar().fetch_one(tx).await
    }

    /// Writes an outbox row for each of them in places `lo..hi` not held back (with variant
    /// `from`'s messages, or the campaign's own). How many were new.
    pub(super) async fn write(
        &self,
        tx: &mut SqliteConnection,
        from: Option<i64>,
        lo: i64,
        hi: i64,
    ) -> Result<i64, sqlx::Error> {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO outbox (kind, campaign_id, user_id, channel, address, language,
                 dedupe_key, token, status, next_attempt_at, created_at, message_from)
             SELECT 'campaign', ",
        );
        let address = match self.channel {
            Channel::Email => "u.email",
            Channel::Sms => "u.phone",
        };
        q.push_bind(self.id)
            .push(", u.id, ")
            .push_bind(self.channel.as_str())
            .push(format!(", {address}, u.language, 'campaign:' || "))
            .push_bind(self.id)
            .push(" || ':' || u.id, lower(hex(randomblob(16))), 'queued', ")
            .push_bind(self.now)
            .push(", ")
            .push_bind(self.now)
            .push(", ")
            .push_bind(from);
        self.push_from(&mut q);
        self.push_places(&mut q, lo, hi);
        q.push(" AND NOT EXISTS (SELECT 1 FROM campaign_holdouts h WHERE h.campaign_id = ")
            .push_bind(self.id)
            .push(" AND h.user_id = u.id)");
        // In member order: the covering index yields members in language order, and rows
        // written in that order land all over the outbox's indexes (twice the time at
        // 100,000).
        q.push(" ORDER BY u.id");
        Ok(i64::try_from(q.build().execute(tx).await?.rows_affected()).unwrap_or(i64::MAX))
    }
}

/// Keeps campaign's control group out of its send: its share of the reachable members, when
/// they number at least [`MIN_HOLDOUT_AUDIENCE`] (the lowest places of its pattern). The
/// share kept, in percent (0: none).
pub(super) async fn hold_out(
    tx: &mut SqliteConnection,
    audience: &Audience<'_>,
    reachable: i64,
) -> Result<i64, sqlx::Error> {
    let pct: i64 = sqlx::query_scalar("SELECT holdout_pct FROM campaigns WHERE id = $1")
        .bind(audience.id)
        .fetch_one(&mut *tx)
        .await?;
    if pct == 0 || reachable < MIN_HOLDOUT_AUDIENCE {
        return Ok(0);
    }
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT OR IGNORE INTO campaign_holdouts (campaign_id, user_id, held_at) SELECT ",
    );
    q.push_bind(audience.id)
        .push(", u.id, ")
        .push_bind(audience.now);
    audience.push_from(&mut q);
    audience.push_places(&mut q, 0, pct);
    q.push(" ORDER BY u.id");
    q.build().execute(tx).await?;
    Ok(pct)
}
