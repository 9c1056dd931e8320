//! What composing a campaign's message reads. Most of it is the same for every recipient — the
//! messages per language, the brand, the shop's zone, the chosen offer and reward, the short
//! links — and is read once per campaign for each batch a worker claims ([`Cache`]); what is
//! the recipient's own (the campaign still sending, their consent, their values) is one query
//! per message ([`Member`]), so a pause or a withdrawn consent is still seen before each send.

use std::{collections::HashMap, sync::Arc};

use sqlx::SqliteConnection;

use super::{Claimed, compose::Skip};
use crate::{
    brand::{Brand, db::brand},
    campaigns::{
        db::{default_language, shop_tz},
        links,
        template::{Linked, Vars},
    },
    db::{Stamp, local_day},
};

/// A campaign's message in one language.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Message {
    /// Its language.
    pub language: String,
    /// Subject (email).
    pub subject: String,
    /// Preheader (email).
    pub preheader: String,
    /// The text staff wrote.
    pub body: String,
}

/// What every message of one campaign shares.
#[derive(Debug, Clone)]
pub struct Shared {
    default_language: String,
    messages: Vec<Message>,
    /// The shop's brand.
    pub brand: Brand,
    tz: String,
    offer: Option<Linked>,
    reward: Option<Linked>,
    links: Vec<(String, String)>,
}

/// Where members read about offer `id`.
pub(super) fn offer_url(base_url: &str, id: i64) -> String {
    format!("{base_url}/#offer-{id}")
}

/// The offer and reward campaign `id` names, with where members read about them. The
/// offer-starting journey names the offer each member entered for (see [`Member`]); for its
/// previews and test sends, the offer that starts last stands in.
pub(super) async fn chosen(
    conn: &mut SqliteConnection,
    id: i64,
    base_url: &str,
) -> Result<(Option<Linked>, Option<Linked>), sqlx::Error> {
    type Named = (Option<i64>, Option<String>, Option<String>);
    let row: Option<(Named, Named)> = sqlx::query_as(
        "SELECT o.id, o.title, o.description, r.id, r.name, r.description FROM campaigns c
         LEFT JOIN offers o ON o.id = coalesce(c.offer_id, (
             SELECT f.id FROM offers f JOIN journey_campaigns j
               ON j.campaign_id = c.id AND j.trigger = 'offer_starting'
             WHERE f.active = 1 ORDER BY coalesce(f.starts_on, f.created_at) DESC, f.id DESC
             LIMIT 1))
         LEFT JOIN rewards r ON r.id = c.reward_id
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(|(a, b, c, d, e, f)| ((a, b, c), (d, e, f)));
    let linked = |(id, title, description): Named, url: &dyn Fn(i64) -> String| {
        id.map(|id| Linked {
            title: title.unwrap_or_default(),
            description: description.unwrap_or_default(),
            url: url(id),
        })
    };
    Ok(row.map_or((None, None), |(offer, reward)| {
        (
            linked(offer, &|id| offer_url(base_url, id)),
            linked(reward, &|id| format!("{base_url}/me/rewards#reward-{id}")),
        )
    }))
}

impl Shared {
    /// Reads what campaign `id`'s messages share.
    pub async fn load(
        conn: &mut SqliteConnection,
        id: i64,
        base_url: &str,
    ) -> Result<Self, sqlx::Error> {
        let messages = sqlx::query_as(
            "SELECT language, subject, preheader, body FROM campaign_messages
             WHERE campaign_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let (offer, reward) = chosen(conn, id, base_url).await?;
        Ok(Shared {
            default_language: default_language(conn).await?,
            messages,
            brand: brand(conn).await?,
            tz: shop_tz(conn).await?,
            offer,
            reward,
            links: links::of_campaign(conn, id).await?,
        })
    }

    /// The message in `language`, or in the shop's default language when there is none in it.
    pub fn message(&self, language: &str) -> Option<&Message> {
        let find = |l: &str| self.messages.iter().find(|m| m.language == l);
        find(language).or_else(|| find(&self.default_language))
    }

    /// `member`'s values for templates; `token` names the message's preference page.
    pub fn vars(&self, member: &Member, base_url: &str, token: &str) -> Vars {
        let (expiring_points, expiring_on) = match (member.expiring_points, &member.expiring_at) {
            (Some(n), Some(at)) => {
                let day = at
                    .parse::<Stamp>()
                    .map_or(at.clone(), |t| local_day(&self.tz, t).0.to_string());
                (n, day)
            }
            _ => (0, String::new()),
        };
        let entered_for = member.offer_id.map(|id| Linked {
            title: member.offer_title.clone().unwrap_or_default(),
            description: member.offer_description.clone().unwrap_or_default(),
            url: offer_url(base_url, id),
        });
        Vars {
            offer: entered_for.or_else(|| self.offer.clone()),
            reward: self.reward.clone(),
            preferred_name: member.name.clone(),
            points: member.points,
            tier: member.tier.clone().unwrap_or_default(),
            expiring_points,
            expiring_on,
            discount_percent: member.discount_percent.unwrap_or(0),
            discount_until: member.discount_until.clone().unwrap_or_default(),
            shop: self.brand.shown_name().to_owned(),
            portal_url: format!("{base_url}/"),
            preferences_url: format!("{base_url}/u/{token}"),
        }
    }

    /// The values everyone shares (a poster's): the shop's, and the campaign's offer and
    /// reward; none of a member's own.
    pub fn vars_for_everyone(&self, base_url: &str) -> Vars {
        Vars {
            offer: self.offer.clone(),
            reward: self.reward.clone(),
            shop: self.brand.shown_name().to_owned(),
            portal_url: format!("{base_url}/"),
            ..Vars::default()
        }
    }

    /// `text` with the campaign's addresses as short links that count message `outbox_id`'s
    /// clicks (unchanged without one: previews and test sends).
    pub fn shorten(&self, text: String, base_url: &str, outbox_id: Option<i64>) -> String {
        match outbox_id {
            Some(id) => links::shorten(&text, &self.links, base_url, id),
            None => text,
        }
    }
}

/// A recipient as one message of a campaign sees them, read when its worker's batch is
/// composed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    /// The outbox row it was read for.
    row_id: i64,
    /// The campaign's status now (`None`: gone); a journey's campaign is `sending` while the
    /// journey is on.
    status: Option<String>,
    /// Whether they may get marketing at the row's address now: consent, a confirmed address
    /// (email), the address still theirs, not suppressed, the account open.
    reachable: bool,
    /// Whether the member already had as many marketing messages on the channel as its
    /// frequency cap allows (sent within its days, or claimed before this one).
    capped: bool,
    name: String,
    points: i64,
    tier: Option<String>,
    /// The points that expire next …
    expiring_points: Option<i64>,
    /// … and when.
    expiring_at: Option<String>,
    /// The percent off of their unused next-visit discount that ends first (also one that
    /// starts tomorrow) …
    discount_percent: Option<i64>,
    /// … and its last day.
    discount_until: Option<String>,
    /// The offer a message of the offer-starting journey announces (the entry's) …
    offer_id: Option<i64>,
    /// … its title …
    offer_title: Option<String>,
    /// … and description.
    offer_description: Option<String>,
}

/// Who a message goes to: `(outbox row, campaign, member, channel, address)`.
type To<'a> = (i64, i64, i64, &'a str, &'a str);

/// Who campaign row `r` goes to (`None`: no campaign or member).
fn to(r: &Claimed) -> Option<To<'_>> {
    Some((
        r.id,
        r.campaign_id?,
        r.user_id?,
        r.channel.as_str(),
        r.address.as_str(),
    ))
}

impl Member {
    /// The recipients of several messages in one query (an account that no longer exists is
    /// left out).
    pub async fn load_many(
        conn: &mut SqliteConnection,
        to: &[To<'_>],
        now: Stamp,
    ) -> Result<Vec<Self>, sqlx::Error> {
        let list = serde_json::to_string(to).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        // Discounts run by the shop's calendar.
        let today = local_day(&shop_tz(&mut *conn).await?, now).0.to_string();
        sqlx::query_as(
            "WITH r AS (SELECT value ->> 0 AS row_id, value ->> 1 AS campaign_id,
                     value ->> 2 AS user_id, value ->> 3 AS channel, value ->> 4 AS address
                 FROM json_each($1))
             SELECT r.row_id,
                 -- A journey's messages go while the journey is on.
                 (SELECT CASE WHEN j.journey_id IS NULL THEN c.status
                              WHEN j.enabled = 1 THEN 'sending' ELSE 'cancelled' END
                  FROM campaigns c LEFT JOIN journey_campaigns j ON j.campaign_id = c.id
                  WHERE c.id = r.campaign_id) AS status,
                 (u.closed_at IS NULL AND u.disabled_at IS NULL
                  AND CASE r.channel
                      WHEN 'sms' THEN u.phone IS r.address AND u.sms_marketing = 1
                      ELSE u.email = r.address AND u.email_marketing = 1
                           AND u.email_confirmed_at IS NOT NULL END
                  AND NOT EXISTS (SELECT 1 FROM suppressions s
                                  WHERE s.channel = r.channel AND s.address = r.address))
                   AS reachable,
                 coalesce((SELECT (SELECT count(*) FROM outbox o
                                   WHERE o.user_id = u.id AND o.channel = r.channel
                                     AND o.kind IN ('campaign', 'journey')
                                     AND ((o.status = 'sent' AND o.sent_at > strftime(
                                               '%Y-%m-%dT%H:%M:%SZ', $2, '-' || sr.cap_days || ' days'))
                                          OR (o.status = 'sending' AND o.id < r.row_id))) >= sr.cap
                           FROM sending_rules sr WHERE sr.channel = r.channel), 0) AS capped,
                 u.preferred_name AS name, coalesce(b.balance, 0) AS points, t.name AS tier,
                 (SELECT sum(remaining) FROM point_lots p
                  WHERE p.member_id = u.id AND p.remaining > 0 AND p.expires_at =
                      (SELECT min(expires_at) FROM point_lots q
                       WHERE q.member_id = u.id AND q.remaining > 0 AND q.expires_at > $2))
                   AS expiring_points,
                 (SELECT min(expires_at) FROM point_lots q
                  WHERE q.member_id = u.id AND q.remaining > 0 AND q.expires_at > $2)
                   AS expiring_at,
                 d.percent AS discount_percent, d.valid_until AS discount_until,
                 f.id AS offer_id, f.title AS offer_title, f.description AS offer_description
             FROM r JOIN users u ON u.id = r.user_id
             -- A journey message's entry (its dedupe key, `journey:<entry>` or
             -- `journey:<entry>:<step>`, names it), when the journey is the offer-starting
             -- one: the offer is its key.
             LEFT JOIN outbox ob ON ob.id = r.row_id AND ob.kind = 'journey'
             LEFT JOIN journey_entries je ON je.id = CAST(substr(ob.dedupe_key, 9) AS INTEGER)
                 AND je.user_id = ob.user_id
             LEFT JOIN journeys jj ON jj.id = je.journey_id AND jj.trigger = 'offer_starting'
             LEFT JOIN offers f ON jj.id IS NOT NULL AND f.id = CAST(je.entry_key AS INTEGER)
             LEFT JOIN coupons d ON d.id = (
                 SELECT k.id FROM coupons k WHERE k.member_id = u.id AND k.used_purchase_id IS NULL
                   AND k.valid_until >= $3
                 ORDER BY k.valid_until, k.id LIMIT 1)
             LEFT JOIN member_balances b ON b.member_id = u.id
             LEFT JOIN member_tiers mt ON mt.member_id = u.id LEFT JOIN tiers t ON t.id = mt.tier_id",
        )
        .bind(list)
        .bind(now)
        .bind(today)
        .fetch_all(conn)
        .await
    }

    /// The number of the row it was read for.
    pub fn row_id(&self) -> i64 {
        self.row_id
    }

    /// The member's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why a campaign message is not sent now (its campaign paused or stopped, the member no
    /// longer reachable); `None` when it goes.
    pub fn gate(&self) -> Option<Skip> {
        match self.status.as_deref() {
            Some("sending") if !self.reachable => Some(Skip::Suppressed),
            Some("sending") => self.capped.then_some(Skip::Capped),
            Some("paused") => Some(Skip::Held),
            _ => Some(Skip::Cancelled),
        }
    }
}

/// What a preview of campaign `campaign_id` for member `user_id` is made of (its campaign
/// and the member, whose consent does not matter here), or why there is none.
pub async fn for_preview(
    conn: &mut SqliteConnection,
    campaign_id: i64,
    user_id: i64,
    base_url: &str,
    now: Stamp,
) -> Result<Result<(Shared, Member), Skip>, sqlx::Error> {
    let to = [(0, campaign_id, user_id, "", "")];
    let Some(member) = Member::load_many(conn, &to, now).await?.pop() else {
        return Ok(Err(no_member()));
    };
    Ok(Ok((
        Shared::load(conn, campaign_id, base_url).await?,
        member,
    )))
}

/// A message for an account that no longer exists.
pub(super) fn no_member() -> Skip {
    Skip::Broken("no such member".into())
}

/// What a worker has read for the batch it claimed: each campaign's shared part, and the
/// recipients of all its rows in one query when the first is composed. Begun again for each
/// batch, so a change to a campaign, the brand, the links, a consent or a suppression reaches
/// the next batch — within a batch's few dozen messages.
#[derive(Debug, Default)]
pub struct Cache {
    campaigns: HashMap<i64, Arc<Shared>>,
    batch: Vec<Claimed>,
    members: Option<HashMap<i64, Member>>,
}

impl Cache {
    /// Forgets everything: `rows` are the new batch.
    pub fn begin(&mut self, rows: &[Claimed]) {
        self.campaigns.clear();
        self.batch = rows.to_vec();
        self.members = None;
    }

    /// The recipient of campaign row `row` (read with the rest of the batch the first time),
    /// `None` when the account is gone.
    pub async fn member(
        &mut self,
        conn: &mut SqliteConnection,
        row: &Claimed,
        now: Stamp,
    ) -> Result<Option<Member>, sqlx::Error> {
        if !self.batch.iter().any(|r| r.id == row.id) {
            // Not of this batch (a caller that composes one row): read it alone.
            let Some(one) = to(row) else { return Ok(None) };
            return Ok(Member::load_many(conn, &[one], now).await?.pop());
        }
        if self.members.is_none() {
            let all: Vec<To<'_>> = self.batch.iter().filter_map(to).collect();
            let read = Member::load_many(conn, &all, now).await?;
            self.members = Some(read.into_iter().map(|m| (m.row_id, m)).collect());
        }
        Ok(self.members.as_mut().and_then(|m| m.remove(&row.id)))
    }

    /// Campaign `id`'s shared part, read when this batch has not read it yet.
    pub async fn shared(
        &mut self,
        conn: &mut SqliteConnection,
        id: i64,
        base_url: &str,
    ) -> Result<Arc<Shared>, sqlx::Error> {
        if let Some(s) = self.campaigns.get(&id) {
            return Ok(s.clone());
        }
        let s = Arc::new(Shared::load(conn, id, base_url).await?);
        self.campaigns.insert(id, s.clone());
        Ok(s)
    }
}
