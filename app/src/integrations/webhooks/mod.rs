//! Webhooks: the shop's other systems told what happens here by a signed HTTPS POST. The
//! events are written as deliveries by database triggers in the same transaction as the change
//! (an outbox: nothing is lost on a crash); the server's worker sends them, signs each with
//! HMAC-SHA256 over `timestamp.body`, and retries with growing pauses for a day. A URL may not
//! point at loopback, private or link-local addresses unless the server allows it (checked
//! here for addresses and names written in the URL, and by the worker after DNS resolution,
//! on every delivery).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

use crate::error::Msg;

/// What a webhook can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Event {
    /// A member joined.
    MemberJoined,
    /// A purchase was recorded (at the counter or by a till).
    PurchaseRecorded,
    /// A member moved to another tier.
    TierChanged,
    /// A member took a reward for points.
    RewardRedeemed,
    /// Feedback arrived.
    FeedbackReceived,
    /// A service case was opened.
    CaseOpened,
    /// A service case was resolved.
    CaseResolved,
    /// A member withdrew a marketing consent.
    MemberUnsubscribed,
}

impl Event {
    /// Every event, in the order the console lists them.
    pub const ALL: [Event; 8] = [
        Event::MemberJoined,
        Event::PurchaseRecorded,
        Event::TierChanged,
        Event::RewardRedeemed,
        Event::FeedbackReceived,
        Event::CaseOpened,
        Event::CaseResolved,
        Event::MemberUnsubscribed,
    ];

    /// The event's name in deliveries (`type`) and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MemberJoined => "member.joined",
            Self::PurchaseRecorded => "purchase.recorded",
            Self::TierChanged => "tier.changed",
            Self::RewardRedeemed => "reward.redeemed",
            Self::FeedbackReceived => "feedback.received",
            Self::CaseOpened => "case.opened",
            Self::CaseResolved => "case.resolved",
            Self::MemberUnsubscribed => "member.unsubscribed",
        }
    }

    /// The form field of its box (`member_joined`).
    pub fn field(self) -> String {
        self.as_str().replace('.', "_")
    }

    /// Events from a space-separated list (unknown names are left out).
    pub fn list(text: &str) -> Vec<Self> {
        text.split_whitespace()
            .filter_map(|n| Self::ALL.into_iter().find(|e| e.as_str() == n))
            .collect()
    }
}

/// A webhook as the console lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInfo {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// What it is told about.
    pub events: Vec<Event>,
    /// When it was made (shop time).
    pub created_at: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Not yet accepted; tried again at `next_attempt_at`.
    Pending,
    /// Accepted (2xx).
    Delivered,
    /// Given up after a day of tries.
    Failed,
}

/// One event sent (or being sent) to one webhook: a row of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryInfo {
    /// Its id.
    pub id: i64,
    /// The webhook's URL.
    pub url: String,
    /// The event's name.
    pub event: String,
    /// When the event happened (shop time).
    pub created_at: String,
    /// Tries so far.
    pub attempts: i64,
    /// The HTTP status of the last try, if it got one.
    pub last_status: Option<i64>,
    /// Why the last try failed without a status (refused address, timeout, connection).
    pub last_error: Option<String>,
    /// Where it stands.
    pub state: DeliveryState,
}

/// A webhook just made: the only time its signing secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    /// Its id.
    pub id: i64,
    /// The HMAC-SHA256 key deliveries are signed with.
    pub secret: String,
}

/// Whether deliveries to `ip` are refused (unless the server allows private addresses):
/// loopback, private, link-local, carrier-grade NAT, unspecified, multicast, broadcast and
/// reserved addresses, IPv6 unique-local and link-local, and IPv4 addresses written as IPv6.
pub fn forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// A webhook URL as typed: `https://host[:port]/path` (http too when private addresses are
/// allowed, for tests and local receivers), no user or password, at most 500 characters, and
/// unless allowed no loopback, private or link-local address or `localhost` name in it.
pub fn check_url(raw: &str, allow_private: bool) -> Result<String, Msg> {
    let url = raw.trim();
    let rest = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => rest,
        (None, Some(rest)) if allow_private => rest,
        _ => return Err(Msg::WebhookUrl),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if url.len() > 500 || authority.is_empty() || authority.contains('@') || url.contains(' ') {
        return Err(Msg::WebhookUrl);
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.is_empty() {
        return Err(Msg::WebhookUrl);
    }
    let host = host.to_ascii_lowercase();
    if !allow_private {
        let named_local = host == "localhost" || host.ends_with(".localhost");
        if named_local || host.parse::<IpAddr>().is_ok_and(forbidden_ip) {
            return Err(Msg::WebhookPrivate);
        }
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(forbidden_ip(ip.parse().expect(ip)), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "2606:2800:220:1::1",
            "100.128.0.1",
            "172.32.0.1",
        ] {
            assert!(!forbidden_ip(ip.parse().expect(ip)), "{ip}");
        }
    }

    #[test]
    fn urls_must_be_https_and_name_no_private_host_unless_allowed() {
        assert_eq!(
            check_url(" https://crm.example/hooks/regulars ", false),
            Ok("https://crm.example/hooks/regulars".to_owned())
        );
        assert_eq!(
            check_url("http://crm.example/h", false),
            Err(Msg::WebhookUrl)
        );
        assert_eq!(check_url("ftp://crm.example/h", true), Err(Msg::WebhookUrl));
        assert_eq!(
            check_url("https://user:pw@crm.example/", false),
            Err(Msg::WebhookUrl)
        );
        assert_eq!(check_url("https:///path", false), Err(Msg::WebhookUrl));
        for private in [
            "https://127.0.0.1:8443/h",
            "https://localhost/h",
            "https://api.localhost/h",
            "https://[::1]/h",
            "https://169.254.169.254/latest/meta-data",
        ] {
            assert_eq!(
                check_url(private, false),
                Err(Msg::WebhookPrivate),
                "{private}"
            );
        }
        assert!(check_url("http://127.0.0.1:9000/h", true).is_ok());
    }

    #[test]
    fn events_have_stable_names() {
        assert_eq!(
            Event::list("purchase.recorded nonsense case.resolved"),
            [Event::PurchaseRecorded, Event::CaseResolved]
        );
        assert_eq!(Event::MemberUnsubscribed.field(), "member_unsubscribed");
    }
}
