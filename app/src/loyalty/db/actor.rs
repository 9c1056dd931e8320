//! Who moved the points: the actor every ledger movement records.

/// Who moved the points.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    /// A staff account.
    Staff(i64),
    /// The member themselves.
    Member(i64),
    /// A background job.
    System,
    /// Another system of the shop's (a till, a web shop) calling with an API key.
    ApiKey(i64),
}

impl Actor {
    /// The staff account that acted, if a person at the counter did.
    pub fn staff(self) -> Option<i64> {
        match self {
            Self::Staff(id) => Some(id),
            _ => None,
        }
    }

    /// The API key that acted, if another system did.
    pub fn api_key(self) -> Option<i64> {
        match self {
            Self::ApiKey(id) => Some(id),
            _ => None,
        }
    }

    /// Who, in words for the audit log: `api key 3`, `user 7`, `system`.
    pub fn describe(self) -> String {
        match self {
            Self::Staff(id) | Self::Member(id) => format!("user {id}"),
            Self::ApiKey(id) => format!("api key {id}"),
            Self::System => "system".to_owned(),
        }
    }
}
