//! The checkout: a purchase or a refund at the counter, recorded by calling each domain in
//! turn inside the caller's write transaction. A purchase is priced with perks (an offer or a
//! next-visit discount), earns points by the program's rules, is appended to the ledger, sets
//! off stamps, coupons and the referral bonus, and may move the member up a tier; a refund
//! takes points back, undoes what the purchase set off and decides the tier again. The domain
//! engines below do not call each other; only this module knows the order.

#[cfg(test)]
mod layering;

use crate::db::Stamp;
use sqlx::SqliteConnection;

use crate::{
    error::AppError,
    loyalty::{
        db as ledger,
        engine::{self as loyalty, Discount, RefundInput, Sale},
        rules::BonusRule,
        types::{PurchaseReceipt, RefundReceipt},
    },
    perks::{
        engine::{self as perks, Apply, Refunded},
        types::OfferKind,
    },
};

/// A purchase as the counter records it: the sale, and what perks it asks for.
#[derive(Debug)]
pub struct PurchaseInput<'a> {
    /// Member, amount, currency, receipt, location, staff and key.
    pub sale: Sale<'a>,
    /// An offer or next-visit discount to apply.
    pub apply: Apply,
    /// Items bought, for punch cards that stamp per item.
    pub items: i64,
}

/// Records a purchase, the points it earns and what it sets off. Run inside a write
/// transaction.
pub async fn purchase(
    conn: &mut SqliteConnection,
    p: &PurchaseInput<'_>,
    now: Stamp,
) -> Result<PurchaseReceipt, AppError> {
    let sale = p.sale;
    let counter = loyalty::counter(conn, &sale, now).await?;
    // An offer or next-visit discount: the member pays less and earns on what they pay; a
    // points offer counts as one more bonus multiplier (the highest applies).
    let before = perks::before_purchase(
        conn,
        p.apply,
        sale.member_id,
        counter.tier,
        counter.day,
        sale.amount_minor,
        sale.full_price,
    )
    .await?;
    let discount = Discount {
        minor: before.discount_minor,
        offer_id: before.offer.as_ref().map(|o| o.id),
        coupon_id: before.coupon.as_ref().map(|c| c.id),
        bonus: before
            .offer
            .as_ref()
            .filter(|o| o.kind == OfferKind::Points)
            .map(|o| BonusRule::once(&o.title, o.value)),
    };
    let recorded = loyalty::record(conn, &counter, &sale, &discount, now).await?;
    let purchase = recorded.purchase;
    let perks = perks::after_purchase(
        conn,
        &before,
        sale.member_id,
        purchase.id,
        purchase.amount_minor,
        p.items,
        sale.key,
        now,
    )
    .await?;
    let earned = counter.earned_before + recorded.earning.total;
    let new_tier = loyalty::on_earned(
        conn,
        sale.member_id,
        counter.record,
        earned,
        &counter.settings,
        &counter.tiers,
        now,
    )
    .await?;
    // What the member leaves with, in the tier they are in now.
    let tier = match &new_tier {
        Some(name) => counter.tiers.iter().find(|t| &t.name == name).map(|t| t.id),
        None => counter.tier,
    };
    perks::record_held(conn, sale.member_id, purchase.id, tier, counter.day).await?;
    // The referral bonus may have paid the member too: then the balance is read again.
    let balance = match recorded.balance {
        Some(b) if perks.referral_bonus == 0 => b,
        _ => ledger::balance(conn, sale.member_id).await?,
    };
    Ok(PurchaseReceipt {
        purchase,
        earning: recorded.earning,
        balance,
        new_tier,
        perks,
    })
}

/// Refunds part or all of a purchase: the points that share earned come back as far as the
/// balance allows, what the purchase set off is undone, the refund is audited and the tier
/// decided again. Run inside a write transaction.
pub async fn refund(
    conn: &mut SqliteConnection,
    r: &RefundInput<'_>,
    now: Stamp,
) -> Result<RefundReceipt, AppError> {
    let taken = loyalty::take_back(conn, r, now).await?;
    let p = &taken.purchase;
    let undone = perks::after_refund(
        conn,
        &Refunded {
            refund_id: taken.refund_id,
            purchase_id: r.purchase_id,
            member_id: p.member_id,
            net_minor: p.amount_minor - p.refunded_minor - r.amount_minor,
            by: r.by,
            key: r.key,
        },
        now,
    )
    .await?;
    let mut detail = format!(
        "{} {} (minor units) of user:{}'s purchase, {} of {} points back",
        r.amount_minor, p.currency, p.member_id, taken.reversed, taken.due
    );
    // Staff are the log's actor; a till's key is named in the text.
    if r.by.staff().is_none() {
        detail = format!("{detail}, by {}", r.by.describe());
    }
    crate::audit::db::record(
        conn,
        r.by.staff(),
        "purchase.refund",
        &format!("purchase:{}", r.purchase_id),
        &detail,
    )
    .await?;
    let bought_at: Stamp = p
        .created_at
        .parse()
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    loyalty::retier(conn, p.member_id, bought_at, now).await?;
    Ok(RefundReceipt {
        refund_id: taken.refund_id,
        purchase_id: r.purchase_id,
        amount_minor: r.amount_minor,
        points_due: taken.due,
        points_reversed: taken.reversed,
        shortfall: taken.due - taken.reversed,
        balance: ledger::balance(conn, p.member_id).await?,
        undone,
    })
}
