//! The demo shop's perks: a reward, a punch card for it, two member offers (one with its
//! texts in every language), a next-visit discount and a referral bonus; and the win-back
//! journey's message.

use super::DemoError;
use app::db::Stamp;

/// A reward, a punch card for it, two member offers, a 15 % next-visit discount and a
/// referral bonus.
pub(super) async fn load_perks(
    conn: &mut sqlx::SqliteConnection,
    at: Stamp,
) -> Result<(), DemoError> {
    use app::{
        perks::{
            engine as perks,
            types::{Audience, Offer, OfferKind, PerkSettings, PunchCard},
        },
        rewards::{db as rewards, types::Reward},
    };
    let coffee = Reward {
        id: 0,
        name: "Free coffee".into(),
        description: "Any coffee from the menu, any size.".into(),
        cost: 150,
        stock: None,
        starts_on: None,
        ends_on: None,
        min_tier: None,
        icon: "coffee".into(),
        valid_days: 30,
        refund_if_unused: false,
        active: true,
    };
    let coffee_id = rewards::save(conn, &coffee, at).await?;
    perks::save_card(
        conn,
        &PunchCard {
            id: 0,
            name: "Coffee card".into(),
            stamps_needed: 10,
            reward_id: coffee_id,
            reward: String::new(),
            per_item: true,
            min_amount: 0,
            active: true,
        },
        at,
    )
    .await?;
    let offer = |title: &str, description: &str, kind, value, audience, tiers: Vec<i64>| Offer {
        id: 0,
        title: title.into(),
        description: description.into(),
        starts_on: None,
        ends_on: None,
        audience,
        tiers,
        members: Vec::new(),
        kind,
        value,
        per_member_limit: Some(1),
        total_limit: None,
        uses: 0,
        active: true,
    };
    let gold: Vec<i64> = sqlx::query_scalar("SELECT id FROM tiers WHERE name = 'Gold'")
        .fetch_all(&mut *conn)
        .await?;
    for o in [
        offer(
            "10 % off coffee beans",
            "A bag of beans for home, once per member.",
            OfferKind::Percent,
            10,
            Audience::All,
            Vec::new(),
        ),
        offer(
            "Double points for Gold",
            "Twice the points on one visit.",
            OfferKind::Points,
            200,
            Audience::Tiers,
            gold,
        ),
    ] {
        let id = perks::save_offer(conn, &o, at).await?;
        // The coffee-bean offer speaks every language; the Gold one only the shop's.
        if o.kind == OfferKind::Percent {
            let text =
                |name: &str, description: &str| Some((name.to_owned(), description.to_owned()));
            let texts = [
                (
                    "sv",
                    text(
                        "10 % på kaffebönor",
                        "En påse bönor till hemmet, en gång per medlem.",
                    ),
                ),
                (
                    "nb",
                    text(
                        "10 % på kaffebønner",
                        "En pose bønner til hjemmet, én gang per medlem.",
                    ),
                ),
                (
                    "lv",
                    text(
                        "10 % atlaide kafijas pupiņām",
                        "Paka pupiņu mājām, vienreiz katram dalībniekam.",
                    ),
                ),
                (
                    "pt",
                    text(
                        "10 % de desconto em café em grãos",
                        "Um pacote de grãos para casa, uma vez por membro.",
                    ),
                ),
            ];
            app::texts::db::save(conn, app::texts::Kind::Offer, id, &texts).await?;
        }
    }
    let settings = PerkSettings {
        return_percent: Some(15),
        return_min_purchase: 2_000,
        return_days: 14,
        return_min_next: 1_000,
        referral_points: 100,
        referral_min_purchase: 1_000,
    };
    perks::save_settings(conn, &settings, at).await?;
    Ok(())
}
