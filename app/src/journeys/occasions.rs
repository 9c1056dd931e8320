//! When each trigger fires: who crossed its moment between two bounds, and the bounds of a
//! run — from where the journey last looked to the trigger's moment now.

use sqlx::SqliteConnection;

use super::Trigger;
use crate::{
    campaigns::Channel,
    db::{Stamp, days, local_day},
};

/// Who crossed `trigger` (on `channel`) between its two bounds (`$4` exclusive, `$5`
/// inclusive; see [`bounds`]): `(user_id, entry_key)`, the key naming the occasion.
pub fn crossed(trigger: Trigger, channel: Channel) -> &'static str {
    match (trigger, channel) {
        (Trigger::WinBack, _) => {
            "SELECT s.member_id AS user_id, s.last_purchase_at AS entry_key FROM member_stats s
             WHERE s.last_purchase_at <= $5 AND ($4 IS NULL OR s.last_purchase_at > $4)"
        }
        // Email: welcome once the address is confirmed (it cannot be sent before).
        (Trigger::Welcome, Channel::Email) => {
            "SELECT id AS user_id, email_confirmed_at AS entry_key FROM users
             WHERE email_confirmed_at IS NOT NULL AND email_confirmed_at <= $5
               AND email_confirmed_at > $4"
        }
        (Trigger::Welcome, Channel::Sms) => {
            "SELECT id AS user_id, created_at AS entry_key FROM users
             WHERE role = 'member' AND created_at <= $5 AND created_at > $4"
        }
        // One entry per member and day on which some of their points expire.
        (Trigger::PointsExpiring, _) => {
            "SELECT member_id AS user_id, substr(expires_at, 1, 10) AS entry_key FROM point_lots
             WHERE remaining > 0 AND expires_at <= $5 AND expires_at > $4"
        }
        // Upgrades to a tier above the first that the member still holds; the key is the
        // change.
        (Trigger::TierReached, _) => {
            "SELECT c.member_id AS user_id, CAST(c.id AS TEXT) AS entry_key FROM tier_changes c
             JOIN tiers t ON t.id = c.to_tier_id AND t.threshold > 0
             JOIN member_tiers mt ON mt.member_id = c.member_id AND mt.tier_id = c.to_tier_id
             WHERE c.reason = 'upgrade' AND c.created_at <= $5 AND c.created_at > $4"
        }
        // Reviews in the window of members in a tier above the first whose points earned in
        // the period so far (purchases less refunds, as the review counts them) are below
        // their tier's threshold; the key is the review. The period starts the qualification
        // months before the review, on the same day or the month's last (as the review does).
        (Trigger::TierAtRisk, _) => {
            "WITH months(n) AS (SELECT '-' || qualification_months || ' months'
                                FROM program_settings WHERE id = 1)
             SELECT mt.member_id AS user_id, mt.review_at AS entry_key
             FROM member_tiers mt JOIN months JOIN tiers t ON t.id = mt.tier_id AND t.threshold > 0
             WHERE mt.review_at <= $5 AND mt.review_at > $4
               AND (SELECT coalesce(sum(p.points - p.points_refunded), 0) FROM purchases p
                    WHERE p.member_id = mt.member_id AND p.created_at <= mt.review_at
                      AND p.created_at > min(
                          strftime('%Y-%m-%dT%H:%M:%SZ', mt.review_at, months.n),
                          strftime('%Y-%m-%d', mt.review_at, 'start of month', months.n,
                                   '+1 month', '-1 day') || substr(mt.review_at, 11)))
                   < t.threshold"
        }
        // Discounts given in the window and not used yet; the key is the discount.
        (Trigger::CouponIssued, _) => {
            "SELECT member_id AS user_id, CAST(id AS TEXT) AS entry_key FROM coupons
             WHERE used_purchase_id IS NULL AND created_at <= $5 AND created_at > $4"
        }
        // Unused discounts whose last day is between today and the day `wait` ahead (both
        // shop-calendar days, inclusive): one that is shorter than the wait is still caught.
        (Trigger::CouponEnding, _) => {
            "SELECT member_id AS user_id, CAST(id AS TEXT) AS entry_key FROM coupons
             WHERE used_purchase_id IS NULL AND valid_until >= $4 AND valid_until <= $5"
        }
        // Earnings that took the balance from below a reward's price to at least it, for
        // members who still hold that many; the key is the earning. The price is that of the
        // journey's own reward, or else of the cheapest reward on offer.
        (Trigger::RewardInReach, _) => {
            "WITH price(cost) AS (SELECT coalesce(
                 (SELECT r.cost FROM journeys j JOIN campaigns c ON c.id = j.campaign_id
                  JOIN rewards r ON r.id = c.reward_id WHERE j.trigger = 'reward_in_reach'),
                 (SELECT min(cost) FROM rewards WHERE active = 1)))
             SELECT m.member_id AS user_id, CAST(m.id AS TEXT) AS entry_key
             FROM point_movements m JOIN price p JOIN member_balances b ON b.member_id = m.member_id
             WHERE m.amount > 0 AND m.created_at <= $5 AND m.created_at > $4
               AND m.balance_after >= p.cost AND m.balance_after - m.amount < p.cost
               AND b.balance >= p.cost"
        }
        // Staff's replies to a member's case and its resolution; the key is the event.
        (Trigger::CaseAnswered, _) => {
            "SELECT c.member_id AS user_id, CAST(e.id AS TEXT) AS entry_key FROM case_events e
             JOIN cases c ON c.id = e.case_id
             WHERE e.kind IN ('reply', 'resolved') AND c.member_id IS NOT NULL
               AND e.created_at <= $5 AND e.created_at > $4"
        }
        // Active offers under their total limit that start between today ($4) and the day
        // `wait` ahead ($5), shop-calendar days (one without a start date starts on the day it
        // was made), and that no run has announced yet ($1 is the journey), with the members
        // they are for: everyone, members in the offer's tiers, or the members picked. The
        // key is the offer.
        (Trigger::OfferStarting, _) => {
            "WITH o AS (
                 SELECT f.id, f.audience FROM (
                     SELECT id, audience, active, total_limit, uses,
                            coalesce(starts_on, date(created_at, (
                                SELECT s.offset_s FROM shop_offsets s
                                WHERE s.from_utc <= offers.created_at
                                ORDER BY s.from_utc DESC LIMIT 1) || ' seconds')) AS day
                     FROM offers) f
                 WHERE f.active = 1 AND (f.total_limit IS NULL OR f.uses < f.total_limit)
                   AND f.day >= $4 AND f.day <= $5
                   AND NOT EXISTS (SELECT 1 FROM journey_entries e
                                   WHERE e.journey_id = $1 AND e.entry_key = CAST(f.id AS TEXT)))
             SELECT u.id AS user_id, CAST(o.id AS TEXT) AS entry_key FROM o
             JOIN users u ON u.role = 'member'
             WHERE o.audience = 'all'
                OR (o.audience = 'tiers' AND EXISTS (
                      SELECT 1 FROM member_tiers mt JOIN offer_tiers t ON t.tier_id = mt.tier_id
                      WHERE t.offer_id = o.id AND mt.member_id = u.id))
                OR (o.audience = 'picked' AND EXISTS (
                      SELECT 1 FROM offer_members m WHERE m.offer_id = o.id AND m.member_id = u.id))"
        }
        // Each zone's calendar days from its first to its last ($4: `[[zone, first, last],
        // …]`) with the members who live by that zone (their own, else the shop's, $5); a
        // 29 February birthday falls on the 28th in other years. The key is the day.
        (Trigger::Birthday, _) => {
            "WITH RECURSIVE zones(zone, lo, hi) AS (
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
                        json_extract(value, '$[2]') FROM json_each($4)),
             days(zone, day, hi) AS (
                 SELECT zone, lo, hi FROM zones WHERE lo <= hi
                 UNION ALL SELECT zone, date(day, '+1 day'), hi FROM days WHERE day < hi),
             mds(zone, md, day) AS (
                 SELECT zone, substr(day, 6), day FROM days
                 UNION ALL SELECT zone, '02-29', day FROM days WHERE substr(day, 6) = '02-28'
                   AND substr(date(substr(day, 1, 4) || '-03-01', '-1 day'), 9) <> '29')
             SELECT u.id AS user_id, m.day AS entry_key FROM mds m
             JOIN users u ON u.birthday IS NOT NULL AND substr(u.birthday, 6) = m.md
                 AND coalesce(u.time_zone, $5) = m.zone"
        }
    }
}

/// Most birthday days one run catches up on (a server that was off for longer skips the
/// older ones).
const BIRTHDAY_CATCH_UP_DAYS: i64 = 7;

/// The bounds of a journey's run at `now` for [`crossed`] — after the moment it last looked
/// up to (`last`), up to the trigger's moment now — and that moment, to remember. The first
/// run (just switched on) of win-back takes everyone who lapsed; welcome, tier reached, a
/// discount given, a reward in reach and an answered case, only what happens from now on;
/// points expiring and tier at risk, all whose points expire or tier is reviewed within the
/// wait; birthday, today's (or the day `wait` ahead) on each member's own calendar. A discount ending and an offer starting
/// look at every day from today to the day `wait` ahead on each run (an entry per discount
/// keeps it to one message; an offer is announced by the first run that finds it).
pub async fn bounds(
    conn: &mut SqliteConnection,
    trigger: Trigger,
    wait_days: i64,
    last: Option<Stamp>,
    now: Stamp,
) -> Result<(Option<String>, String, Stamp), sqlx::Error> {
    let wait = days(wait_days);
    Ok(match trigger {
        Trigger::WinBack => {
            let moment = now - wait;
            (last.map(|t| t.to_string()), moment.to_string(), moment)
        }
        Trigger::Welcome
        | Trigger::TierReached
        | Trigger::CouponIssued
        | Trigger::RewardInReach
        | Trigger::CaseAnswered => {
            let moment = now - wait;
            let lo = last.unwrap_or(moment);
            (Some(lo.to_string()), moment.to_string(), moment)
        }
        Trigger::PointsExpiring | Trigger::TierAtRisk => {
            let moment = now + wait;
            let lo = last.unwrap_or(now);
            (Some(lo.to_string()), moment.to_string(), moment)
        }
        Trigger::CouponEnding | Trigger::OfferStarting => {
            let moment = now + wait;
            let tz = crate::campaigns::db::shop_tz(conn).await?;
            let (today, hi) = (local_day(&tz, now).0, local_day(&tz, moment).0);
            (Some(today.to_string()), hi.to_string(), moment)
        }
        // Per zone members live by, the days from the last run's up to today (or the day
        // `wait` ahead) there, at most a week back.
        Trigger::Birthday => {
            let moment = now + wait;
            let shop = crate::campaigns::db::shop_tz(conn).await?;
            let zones = super::rules::member_zones(&mut *conn, &shop).await?;
            let days: Vec<(String, String, String)> = zones
                .into_iter()
                .map(|tz| {
                    let hi = local_day(&tz, moment).0;
                    // From the last run's day itself: a member whose zone changed since (or
                    // whose zone runs ahead of the one the last run went by) is not skipped;
                    // an entry per member and day keeps the overlap from entering anyone
                    // twice.
                    let lo = last.map_or(hi, |t| local_day(&tz, t).0);
                    let lo = lo.max(hi.plus_days(1 - BIRTHDAY_CATCH_UP_DAYS));
                    (tz, lo.to_string(), hi.to_string())
                })
                .collect();
            let days =
                serde_json::to_string(&days).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            (Some(days), shop, moment)
        }
    })
}
