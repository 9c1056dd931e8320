//! Members as a till sees them: found by card number, email or phone; their points, tier and
//! the offers and next-visit discounts they can use today. Scope `members:read`.

use app::{
    accounts::types::Email,
    integrations::Scope,
    loyalty::rules::{member_number, parse_member_number},
    members::phone::Phone,
};
use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiState,
    auth::Key,
    problem::{ApiResult, Path, Problem, ProblemDoc, Query},
};

/// A member, with their standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    /// The member's id.
    pub id: i64,
    /// The number on their card (eight digits, the last a check digit).
    pub card_number: String,
    /// The name they go by.
    pub name: String,
    /// Points they can spend.
    pub balance: i64,
    /// Their tier, if the program has tiers.
    pub tier: Option<String>,
    /// The next tier and the points still missing for it.
    pub next_tier: Option<NextTier>,
    /// The next points to expire.
    pub next_expiry: Option<Expiry>,
}

/// The next tier up.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextTier {
    /// Its name.
    pub name: String,
    /// Points still to earn in the qualification period.
    pub points_missing: i64,
}

/// Points that expire.
#[derive(Debug, Serialize, ToSchema)]
pub struct Expiry {
    /// How many.
    pub points: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
}

/// Members found.
#[derive(Debug, Serialize, ToSchema)]
pub struct Members {
    /// Everyone who matched (at most eight; none is an empty list).
    pub members: Vec<Member>,
}

/// What to look a member up by: exactly one of these.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Find {
    /// The card number (spaces and dashes allowed).
    pub card: Option<String>,
    /// The email address.
    pub email: Option<String>,
    /// The phone number (national numbers in the shop's country, or with `+`).
    pub phone: Option<String>,
}

/// Finds members by card number, email or phone.
#[utoipa::path(
    get, path = "/members", params(Find),
    responses(
        (status = 200, description = "Members found (maybe none)", body = Members),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks members:read", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Not exactly one of card, email, phone, or one that cannot be a card number, email or phone", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn find_member(
    State(st): State<ApiState>,
    key: Key,
    Query(find): Query<Find>,
) -> ApiResult<Json<Members>> {
    key.require(Scope::MembersRead)?;
    let mut conn = st.app.db.reader.acquire().await?;
    let found = match (given(&find.card), given(&find.email), given(&find.phone)) {
        (Some(card), None, None) => {
            let id = parse_member_number(card)
                .ok_or_else(|| Problem::field("card", "member_unknown"))?;
            app::members::db::exact(&mut conn, None, Some(id), None).await?
        }
        (None, Some(email), None) => {
            let email =
                Email::parse(email).map_err(|_| Problem::field("email", "email_invalid"))?;
            app::members::db::exact(&mut conn, Some(email.as_str()), None, None).await?
        }
        (None, None, Some(phone)) => {
            let country = app::members::db::shop_country(&mut conn).await?;
            let phone = Phone::parse(phone, country.as_deref())
                .map_err(|_| Problem::field("phone", "phone_invalid"))?;
            app::members::db::exact(&mut conn, None, None, Some(phone.as_str())).await?
        }
        _ => return Err(Problem::field("card", "one_of_card_email_phone")),
    };
    let now = st.app.clock.now();
    let mut members = Vec::with_capacity(found.len());
    for card in found {
        members.push(standing(&mut conn, card.id, card.name, now).await?);
    }
    Ok(Json(Members { members }))
}

/// A query parameter's value, if it has one.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A member's standing, by id.
async fn standing(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    name: String,
    now: app::db::Stamp,
) -> Result<Member, Problem> {
    let s = app::loyalty::engine::standing(conn, id, now).await?;
    Ok(Member {
        id,
        card_number: member_number(id),
        name,
        balance: s.balance,
        tier: s.tier.map(|t| t.name),
        next_tier: s.next_tier.map(|(t, missing)| NextTier {
            name: t.name,
            points_missing: missing,
        }),
        next_expiry: s.next_expiry.map(|(points, at)| Expiry { points, at }),
    })
}

/// The member with card number `card`, or 404.
async fn by_card(
    conn: &mut sqlx::SqliteConnection,
    card: &str,
) -> Result<app::members::MemberCard, Problem> {
    let id = parse_member_number(card).ok_or(app::error::AppError::NotFound)?;
    app::members::db::exact(conn, None, Some(id), None)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| app::error::AppError::NotFound.into())
}

/// A member's points, tier and next expiry.
#[utoipa::path(
    get, path = "/members/{card}",
    params(("card" = String, Path, description = "The member's card number")),
    responses(
        (status = 200, description = "The member", body = Member),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks members:read", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn member(
    State(st): State<ApiState>,
    key: Key,
    Path(card): Path<String>,
) -> ApiResult<Json<Member>> {
    key.require(Scope::MembersRead)?;
    let mut conn = st.app.db.reader.acquire().await?;
    let found = by_card(&mut conn, &card).await?;
    Ok(Json(
        standing(&mut conn, found.id, found.name, st.app.clock.now()).await?,
    ))
}

/// An offer as a till applies it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    /// Send as `offer_id` with a purchase to apply it.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// `percent` (value: percent off), `fixed` (minor units off), `points` (points
    /// multiplier in percent) or `item` (a free item named in the title).
    pub kind: String,
    /// The value, by kind.
    pub value: i64,
    /// Whether it can be used today; if not, `blocked` says why.
    pub usable: bool,
    /// Why it cannot be used now (a message code), if it cannot.
    pub blocked: Option<String>,
}

/// A next-visit discount.
#[derive(Debug, Serialize, ToSchema)]
pub struct Coupon {
    /// Send as `coupon_id` with a purchase to apply it.
    pub id: i64,
    /// Percent off.
    pub percent: i64,
    /// First and last day it can be used (shop calendar, `YYYY-MM-DD`).
    pub valid_from: String,
    /// Last day.
    pub valid_until: String,
    /// The least purchase it applies to, minor units.
    pub min_purchase_minor: i64,
    /// `upcoming`, `usable`, `used` or `expired`.
    pub status: String,
}

/// What a member can use on a purchase today.
#[derive(Debug, Serialize, ToSchema)]
pub struct Offers {
    /// Offers they can see.
    pub offers: Vec<Offer>,
    /// Their unused next-visit discounts.
    pub coupons: Vec<Coupon>,
}

fn wire<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The offers and next-visit discounts a member can use.
#[utoipa::path(
    get, path = "/members/{card}/offers",
    params(("card" = String, Path, description = "The member's card number")),
    responses(
        (status = 200, description = "What the member can use", body = Offers),
        (status = 401, description = "No live API key", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks members:read", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = ProblemDoc, content_type = "application/problem+json"),
    )
)]
pub async fn member_offers(
    State(st): State<ApiState>,
    key: Key,
    Path(card): Path<String>,
) -> ApiResult<Json<Offers>> {
    key.require(Scope::MembersRead)?;
    let mut conn = st.app.db.reader.acquire().await?;
    let id = by_card(&mut conn, &card).await?.id;
    let perks = app::perks::engine::counter_perks(&mut conn, id, st.app.clock.now()).await?;
    Ok(Json(Offers {
        offers: perks
            .offers
            .into_iter()
            .map(|o| Offer {
                id: o.offer.id,
                title: o.offer.title,
                kind: wire(o.offer.kind),
                value: o.offer.value,
                usable: o.blocked.is_none(),
                blocked: o.blocked.map(wire),
            })
            .collect(),
        coupons: perks
            .coupons
            .into_iter()
            .map(|c| Coupon {
                id: c.id,
                percent: c.percent,
                valid_from: c.valid_from,
                valid_until: c.valid_until,
                min_purchase_minor: c.min_purchase,
                status: wire(c.status),
            })
            .collect(),
    }))
}
