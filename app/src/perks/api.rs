//! Perk server functions: a member's perks (offers, next-visit discounts, punch cards, referral
//! code), entering who referred you, the counter's choices for a member, and the console's
//! settings (managers and owners, audited). Offers and coupons are used through
//! `loyalty/purchase` (`apply`), in the same transaction as the purchase.
#![expect(
    clippy::too_many_arguments,
    reason = "a server function takes one argument per form field"
)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::types::{CounterPerks, MemberPerks, Offer, PerkSettings, PunchCard};
use crate::error::AppError;

pub use super::settings_api::{
    SavePerkSettings, SavePunchCard, save_perk_settings, save_punch_card,
};

/// The console's view of every perk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerksAdmin {
    /// Offers, newest first.
    pub offers: Vec<Offer>,
    /// The next-visit discount rule and referral bonus.
    pub settings: PerkSettings,
    /// Punch cards.
    pub cards: Vec<PunchCard>,
    /// Referrals per member: name, email, joined with their code, of whom rewarded.
    pub referrals: Vec<(String, String, i64, i64)>,
    /// Tiers as (id, name), lowest first.
    pub tiers: Vec<(i64, String)>,
    /// Rewards as (id, name), for punch cards.
    pub rewards: Vec<(i64, String)>,
    /// The shop's currency.
    pub currency: crate::loyalty::rules::Currency,
    /// The caller may change them.
    pub can_edit: bool,
}

/// The signed-in member's perks.
#[server(prefix = "/api", endpoint = "perks/mine")]
pub async fn my_perks() -> Result<MemberPerks, AppError> {
    use crate::server::*;
    let me = require_member()?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let mut perks =
        super::engine::member_perks(&mut conn, me.id, st.clock.now(), &st.base_url).await?;
    // Names and descriptions in the member's language.
    use crate::texts::{Kind, db::Localised};
    let texts = Localised::for_caller(&mut conn).await?;
    for o in &mut perks.offers {
        texts.both(
            Kind::Offer,
            o.offer.id,
            &mut o.offer.title,
            &mut o.offer.description,
        );
    }
    for c in &mut perks.cards {
        texts.name(Kind::PunchCard, c.card.id, &mut c.card.name);
        texts.name(Kind::Reward, c.card.reward_id, &mut c.card.reward);
    }
    Ok(perks)
}

/// What the counter may apply to `member_id`'s purchase (staff).
#[server(prefix = "/api", endpoint = "perks/counter")]
pub async fn counter_choices(member_id: i64) -> Result<CounterPerks, AppError> {
    use crate::{accounts::Role, server::*};
    require(Role::Staff)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    if !crate::loyalty::db::is_member(&mut conn, member_id).await? {
        return Err(AppError::NotFound);
    }
    super::engine::counter_perks(&mut conn, member_id, st.clock.now()).await
}

/// The signed-in member says who referred them (their code): once, before a first purchase,
/// and never themselves. Returns the referrer's name.
#[server(prefix = "/api", endpoint = "perks/refer")]
pub async fn enter_referral(code: String) -> Result<String, AppError> {
    use crate::server::*;
    let me = require_member()?;
    let st = state()?;
    st.db
        .write(move |tx| {
            Box::pin(async move { super::engine::set_referrer(tx, me.id, &code).await })
        })
        .await
}

/// Everything the console's offers page shows (any staff; `can_edit` for managers and owners).
#[server(prefix = "/api", endpoint = "perks/admin")]
pub async fn perks_console() -> Result<PerksAdmin, AppError> {
    use crate::{accounts::Role, loyalty::db::program as pdb, server::*};
    let me = require(Role::Staff)?;
    let st = state()?;
    let mut conn = st.db.reader.acquire().await?;
    let e = super::engine::offers(&mut conn).await?;
    let rewards = crate::rewards::db::list(&mut conn, false).await?;
    Ok(PerksAdmin {
        offers: e,
        settings: super::engine::settings(&mut conn).await?,
        cards: super::engine::cards(&mut conn, false).await?,
        referrals: super::engine::referral_counts(&mut conn).await?,
        tiers: pdb::tiers(&mut conn)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
        rewards: rewards.into_iter().map(|(r, _)| (r.id, r.name)).collect(),
        currency: pdb::settings(&mut conn).await?.currency,
        can_edit: me.role.at_least(Role::Manager),
    })
}

#[cfg(feature = "ssr")]
pub(super) mod imp {
    use crate::{
        error::{AppError, Msg},
        loyalty::rules::parse_amount,
    };

    /// An amount in the shop's currency; empty is zero.
    pub fn amount(field: &str, raw: &str) -> Result<i64, AppError> {
        if raw.trim().is_empty() {
            return Ok(0);
        }
        parse_amount(raw).map_err(|m| AppError::field(field, m))
    }

    pub use crate::error::whole_number as number;

    /// An optional limit: empty is none.
    pub fn limit(field: &str, raw: &str) -> Result<Option<i64>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            s => number(field, s, 1..=10_000_000, Msg::LimitInvalid).map(Some),
        }
    }

    /// A checkbox.
    pub fn checked(v: Option<&str>) -> bool {
        v.is_some_and(|v| v == "true" || v == "on")
    }
}

/// Adds (`id` empty) or changes an offer (managers and owners). `audience`: `all`, `picked`
/// (then `members` lists emails or member numbers) or `tier:ID` (that tier and every higher
/// one). `value`: percent (1–90), an amount, or a points multiplier (e.g. 2 = double).
#[server(prefix = "/api", endpoint = "perks/save_offer")]
pub async fn save_offer(
    id: Option<i64>,
    title: String,
    description: String,
    starts_on: String,
    ends_on: String,
    audience: String,
    members: Option<String>,
    kind: String,
    value: String,
    per_member_limit: String,
    total_limit: String,
    active: Option<String>,
) -> Result<Offer, AppError> {
    use super::types::{Audience, OfferKind};
    use crate::{
        error::Msg,
        loyalty::{
            program_api::imp::{audited, description_and_window, name as valid_name},
            rules::{parse_hundredths, parse_member_number},
        },
    };
    let title = valid_name("title", &title, Msg::OfferTitleRequired)?;
    let (description, starts_on, ends_on) =
        description_and_window(&description, &starts_on, &ends_on)?;
    let kind = OfferKind::parse(kind.trim()).ok_or(AppError::BadRequest)?;
    let value = match kind {
        OfferKind::Percent => imp::number("value", &value, 1..=90, Msg::PercentInvalid)?,
        OfferKind::Fixed => Some(imp::amount("value", &value)?)
            .filter(|v| *v > 0)
            .ok_or_else(|| AppError::field("value", Msg::ValueInvalid))?,
        OfferKind::Points => parse_hundredths(&value, 101, 1000)
            .ok_or_else(|| AppError::field("value", Msg::ValueInvalid))?,
        OfferKind::Item => 0,
    };
    let mut offer = Offer {
        id: id.unwrap_or(0),
        title,
        description,
        starts_on,
        ends_on,
        audience: Audience::All,
        tiers: Vec::new(),
        members: Vec::new(),
        kind,
        value,
        per_member_limit: imp::limit("per_member_limit", &per_member_limit)?,
        total_limit: imp::limit("total_limit", &total_limit)?,
        uses: 0,
        active: active.as_deref().is_none_or(|v| imp::checked(Some(v))),
    };
    crate::server::write_as(crate::accounts::Role::Manager, move |tx, me, now| {
        Box::pin(async move {
            let audience = audience.trim();
            if audience == "picked" {
                offer.audience = Audience::Picked;
                for word in members
                    .unwrap_or_default()
                    .split([',', '\n', ';'])
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                {
                    let found: Option<i64> = if word.contains('@') {
                        sqlx::query_scalar(
                            "SELECT id FROM users WHERE email = lower($1) AND role = 'member' AND closed_at IS NULL",
                        )
                        .bind(word)
                        .fetch_optional(&mut *tx)
                        .await?
                    } else {
                        match parse_member_number(word) {
                            Some(id) => {
                                sqlx::query_scalar(
                                    "SELECT id FROM users WHERE id = $1 AND role = 'member' AND closed_at IS NULL",
                                )
                                .bind(id)
                                .fetch_optional(&mut *tx)
                                .await?
                            }
                            None => None,
                        }
                    };
                    let id = found.ok_or_else(|| AppError::field("members", Msg::MemberUnknown))?;
                    if !offer.members.contains(&id) {
                        offer.members.push(id);
                    }
                }
                if offer.members.is_empty() {
                    return Err(AppError::field("members", Msg::MemberUnknown));
                }
            } else if let Some(tier) = audience.strip_prefix("tier:") {
                offer.audience = Audience::Tiers;
                let tier: i64 = tier.parse().map_err(|_| AppError::BadRequest)?;
                offer.tiers = sqlx::query_scalar(
            "SELECT id FROM tiers WHERE threshold >= (SELECT threshold FROM tiers WHERE id = $1)
             ORDER BY threshold",
        )
        .bind(tier)
        .fetch_all(&mut *tx)
        .await?;
                if offer.tiers.is_empty() {
                    return Err(AppError::BadRequest);
                }
            } else if audience != "all" {
                return Err(AppError::BadRequest);
            }
            offer.id = super::engine::save_offer(&mut *tx, &offer, now).await?;
            let target = format!("offer:{}", offer.id);
            audited(&mut *tx, &me, "perks.save_offer", &target, offer).await
        })
    })
    .await
}
