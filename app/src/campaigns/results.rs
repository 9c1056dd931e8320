//! What a campaign's or a journey's messages brought: where they went (sent, bounced,
//! clicked, unsubscribed) and, by last touch within the shop's window, the members who
//! bought, their purchases, revenue and points — beside a control group that got nothing, so
//! the lift says whether the message worked.

use serde::{Deserialize, Serialize};

use crate::analytics::cohorts::percent;

/// Fewest reachable members a campaign keeps a control group from: below it a tenth is a
/// handful of people, which says nothing and costs them the message.
pub const MIN_HOLDOUT_AUDIENCE: i64 = 100;

/// What a campaign or journey brought.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    /// Members it picked (a journey's entries; a campaign's recipients and control group).
    pub entered: i64,
    /// Of those, kept as the control group.
    pub held_out: i64,
    /// Messages waiting to be sent.
    pub queued: i64,
    /// Messages accepted by the mail server or gateway.
    pub sent: i64,
    /// Messages not sent (failed, consent gone by sending time, dropped when cancelled).
    pub not_sent: i64,
    /// Journey entries that left on reaching the goal before their message went.
    pub left: i64,
    /// Messages whose address was refused for good (and is now suppressed).
    pub bounced: i64,
    /// Messages whose member withdrew consent through the message's own link.
    pub unsubscribed: i64,
    /// Sent messages whose short links were clicked.
    pub clicked: i64,
    /// Sent messages followed, within the window, by a purchase with no later message
    /// (campaign or journey) to the member before it: last touch.
    pub bought: i64,
    /// Those purchases.
    pub purchases: i64,
    /// Their amount less what was refunded of them, in minor units.
    pub revenue_minor: i64,
    /// Points they earned (less what their refunds took back).
    pub points: i64,
    /// Points the same members redeemed within the window, by last touch.
    pub redeemed: i64,
    /// Control-group members who bought within the window after being held out.
    pub held_out_bought: i64,
}

impl Results {
    /// Share of sent messages followed by an attributed purchase, in whole percent.
    pub fn bought_rate(&self) -> Option<i64> {
        percent(self.bought, self.sent)
    }

    /// Share of the control group that bought within the window, in whole percent.
    pub fn held_out_rate(&self) -> Option<i64> {
        percent(self.held_out_bought, self.held_out)
    }

    /// What the message changed: the messaged members' rate less the control group's, in
    /// percentage points (none until both have members).
    pub fn lift(&self) -> Option<i64> {
        Some(self.bought_rate()? - self.held_out_rate()?)
    }

    /// Each figure by its CSV name (`left` only for a journey).
    pub fn figures(&self, journey: bool) -> Vec<(&'static str, Option<i64>)> {
        let mut out = vec![
            ("entered", Some(self.entered)),
            ("held_out", Some(self.held_out)),
            ("queued", Some(self.queued)),
            ("sent", Some(self.sent)),
            ("not_sent", Some(self.not_sent)),
        ];
        if journey {
            out.push(("left", Some(self.left)));
        }
        out.extend([
            ("bounced", Some(self.bounced)),
            ("unsubscribed", Some(self.unsubscribed)),
            ("clicked", Some(self.clicked)),
            ("bought", Some(self.bought)),
            ("bought_rate_percent", self.bought_rate()),
            ("purchases", Some(self.purchases)),
            ("revenue_minor", Some(self.revenue_minor)),
            ("points_earned", Some(self.points)),
            ("points_redeemed", Some(self.redeemed)),
            ("held_out_bought", Some(self.held_out_bought)),
            ("held_out_rate_percent", self.held_out_rate()),
            ("lift_points", self.lift()),
        ]);
        out
    }
}

/// The results as CSV, a line per figure (`figure,value`; empty where there is no figure
/// yet, such as a rate of nobody).
pub fn csv(r: &Results, journey: bool) -> String {
    let mut out = String::from("figure,value\n");
    for (name, value) in r.figures(journey) {
        out.push_str(name);
        out.push(',');
        if let Some(v) = value {
            out.push_str(&v.to_string());
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lift_is_the_messaged_rate_less_the_control_groups() {
        let r = Results {
            sent: 40,
            bought: 10,
            held_out: 5,
            held_out_bought: 1,
            ..Results::default()
        };
        assert_eq!(r.bought_rate(), Some(25));
        assert_eq!(r.held_out_rate(), Some(20));
        assert_eq!(r.lift(), Some(5));
        let none = Results {
            sent: 3,
            bought: 1,
            ..Results::default()
        };
        assert_eq!(none.held_out_rate(), None);
        assert_eq!(none.lift(), None);
        assert_eq!(Results::default().bought_rate(), None);
    }

    #[test]
    fn csv_has_a_line_per_figure_and_blanks_a_rate_of_nobody() {
        let r = Results {
            entered: 11,
            held_out: 1,
            sent: 10,
            bought: 3,
            purchases: 4,
            revenue_minor: 12_345,
            redeemed: 200,
            left: 7,
            ..Results::default()
        };
        let campaign = csv(&r, false);
        assert!(campaign.starts_with("figure,value\nentered,11\nheld_out,1\n"));
        assert!(campaign.contains("\nbought_rate_percent,30\n"));
        assert!(campaign.contains("\nrevenue_minor,12345\n"));
        assert!(campaign.contains("\npoints_redeemed,200\n"));
        assert!(campaign.contains("\nheld_out_rate_percent,0\n"));
        assert!(campaign.ends_with("\nlift_points,30\n"));
        assert!(!campaign.contains("left"));
        assert_eq!(campaign.lines().count(), 18);
        let journey = csv(&r, true);
        assert!(journey.contains("\nnot_sent,0\nleft,7\nbounced,0\n"));
        let nobody = csv(&Results::default(), false);
        assert!(nobody.contains("\nbought_rate_percent,\n"));
        assert!(nobody.ends_with("\nlift_points,\n"));
    }
}
