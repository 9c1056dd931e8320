//! The one error type the UI sees. Server functions return `Result<T, AppError>`; the server
//! sets the HTTP status from the variant, and the browser turns `message_key` into text in the
//! viewer's language. Internal details (SQL, I/O) are logged, never sent.

use leptos::server_fn::{
    ServerFnError,
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

mod msg;
pub use msg::{Msg, whole_number};

/// What went wrong, in terms a client can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read (malformed body, missing argument).
    #[error("bad request")]
    BadRequest,
    /// 413: the request body is larger than the server reads.
    #[error("request too large")]
    TooLarge,
    /// 401: nobody is signed in, and this needs someone who is.
    #[error("sign in required")]
    Unauthorized,
    /// 401: sign-in failed. Deliberately says nothing about which part was wrong.
    #[error("wrong email or password")]
    InvalidCredentials,
    /// 403: signed in, but this account may not do that (or touch that object).
    #[error("forbidden")]
    Forbidden,
    /// 404: no such object (or not one the caller may know about).
    #[error("not found")]
    NotFound,
    /// 409: the request conflicts with the current state (e.g. a reused idempotency key).
    #[error("conflict: {message_key:?}")]
    Conflict {
        /// What conflicted, as a translation key.
        message_key: Msg,
    },
    /// 409: a single-use code was used already (when, UTC, and where).
    #[error("code already used at {used_at} in {location}")]
    CodeUsed {
        /// When it was used.
        used_at: String,
        /// The location's name.
        location: String,
    },
    /// 409: the change needs a second look before it is made (a refund, a purchase that looks
    /// like one just recorded): send it again with `confirm=true`.
    #[error("confirmation needed: {0:?}")]
    NeedsConfirmation(Confirm),
    /// 422: a field's value breaks a rule; `field` is the form field's name.
    #[error("invalid {field}: {message_key:?}")]
    Validation {
        /// The form field name, as in the HTML form.
        field: String,
        /// Why, as a translation key.
        message_key: Msg,
    },
    /// 422: several fields break rules at once (a form checked as a whole, so every field
    /// shows its message after one submit); pairs of form field name and why.
    #[error("invalid fields: {errors:?}")]
    Fields {
        /// `(field, message_key)` pairs, in the form's order.
        errors: Vec<(String, Msg)>,
    },
    /// 422: the member lacks `missing` points for what they asked for (a reward).
    #[error("{missing} points short")]
    PointsShort {
        /// Points still needed.
        missing: i64,
    },
    /// 429: too many attempts; try again after the given number of seconds.
    #[error("rate limited, retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// 500: something failed on the server; the details are in its log.
    #[error("internal error")]
    Internal,
}

/// What a change that needs confirming would do, for the question staff answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirm {
    /// Refunding `amount_minor` of purchase `purchase_id` takes back `points`.
    Refund {
        /// The purchase.
        purchase_id: i64,
        /// The amount to refund, in minor units.
        amount_minor: i64,
        /// The shop's currency.
        currency: crate::loyalty::rules::Currency,
        /// Points the refund takes back (as far as the balance allows).
        points: i64,
    },
    /// The same amount was recorded for the same member `seconds_ago`.
    RepeatPurchase {
        /// The amount, in minor units.
        amount_minor: i64,
        /// The shop's currency.
        currency: crate::loyalty::rules::Currency,
        /// How long ago the earlier purchase was recorded.
        seconds_ago: i64,
    },
}

impl AppError {
    /// A field error.
    pub fn field(field: &str, message_key: Msg) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message_key,
        }
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict { .. } | Self::CodeUsed { .. } | Self::NeedsConfirmation(_) => 409,
            Self::TooLarge => 413,
            Self::Validation { .. } | Self::Fields { .. } | Self::PointsShort { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::Internal => 500,
        }
    }

    /// The message key for an error about `field`, if this is one.
    pub fn field_message(&self, name: &str) -> Option<Msg> {
        match self {
            Self::Validation { field, message_key } if field == name => Some(*message_key),
            Self::Fields { errors } => errors.iter().find(|(f, _)| f == name).map(|(_, m)| *m),
            _ => None,
        }
    }

    /// The error for a form's field errors: `None` when there are none, a single
    /// [`Validation`](Self::Validation) for one, [`Fields`](Self::Fields) for several.
    pub fn from_fields(errors: Vec<(&str, Msg)>) -> Option<Self> {
        match errors.as_slice() {
            [] => None,
            [(field, message_key)] => Some(Self::field(field, *message_key)),
            _ => Some(Self::Fields {
                errors: errors.into_iter().map(|(f, m)| (f.to_owned(), m)).collect(),
            }),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            // `Deserialization` on the server is a request body that could not be read as text
            // (bytes that are not UTF-8): the client's mistake too.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            _ => Self::Internal,
        };
        // The status is the server's error handler's to set, like every other error's.
        err
    }
}

impl From<ServerFnError> for AppError {
    fn from(_: ServerFnError) -> Self {
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        Self::Internal
    }
}

#[cfg(test)]
mod tests;
