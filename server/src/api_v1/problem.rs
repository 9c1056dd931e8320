//! Errors as RFC 9457 problem documents: `type` names the problem (a URN: nothing to fetch),
//! `title` the HTTP status, `status` repeats it, `detail` says what went wrong in English, and
//! `code` and `field` let a program react without parsing text.

use app::error::AppError;
use axum::{
    Json,
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::{Serialize, de::DeserializeOwned};

/// A problem document (RFC 9457), boxed: handlers pass it around in `Result`s.
#[derive(Debug, Clone)]
pub struct Problem(pub Box<ProblemDoc>);

/// A problem document's fields (RFC 9457, with `code`, `field` and `retry_after` added).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    /// The problem's kind, as a URN: `urn:regulars:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status in words.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for a person reading logs.
    pub detail: String,
    /// What went wrong, for a program: `not_found`, `amount_invalid`, `idempotency_key_reused`, …
    pub code: String,
    /// The request field at fault, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait, for 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem with `status`, `code` and `detail`.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self(Box::new(ProblemDoc {
            kind: format!("urn:regulars:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            field: None,
            retry_after: None,
        }))
    }

    /// A request field that breaks a rule.
    pub fn field(field: &str, code: &str) -> Self {
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            format!("{field}: {code}"),
        );
        p.0.field = Some(field.to_owned());
        p
    }

    /// A path the API does not have.
    pub fn not_found_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no_such_route",
            "no such route in /api/v1",
        )
    }
}

/// A message key's wire name (`amount_invalid`).
fn code_of(msg: app::error::Msg) -> String {
    serde_json::to_value(msg)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "invalid".to_owned())
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match e {
            AppError::Validation { field, message_key } => {
                Self::field(&field, &code_of(message_key))
            }
            AppError::Fields { errors } => match errors.into_iter().next() {
                Some((field, msg)) => Self::field(&field, &code_of(msg)),
                None => Self::new(status, "invalid", "invalid request"),
            },
            AppError::Conflict { message_key } => {
                let code = code_of(message_key);
                Self::new(status, &code, format!("conflict: {code}"))
            }
            AppError::CodeUsed { used_at, location } => Self::new(
                status,
                "code_used",
                format!("the code was used at {used_at} UTC in {location}"),
            ),
            AppError::PointsShort { missing } => {
                Self::new(status, "points_short", format!("{missing} points short"))
            }
            AppError::RateLimited { retry_after_secs } => {
                let mut p = Self::new(
                    status,
                    "rate_limited",
                    format!("too many requests; retry after {retry_after_secs} s"),
                );
                p.0.retry_after = Some(retry_after_secs);
                p
            }
            AppError::NeedsConfirmation(_) => {
                Self::new(status, "needs_confirmation", e.to_string())
            }
            AppError::BadRequest => {
                Self::new(status, "bad_request", "the request could not be read")
            }
            AppError::TooLarge => Self::new(status, "too_large", "the request body is too large"),
            AppError::Unauthorized | AppError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send a live API key as 'Authorization: Bearer <key>'",
            ),
            AppError::Forbidden => Self::new(status, "forbidden", "this key may not do that"),
            AppError::NotFound => Self::new(status, "not_found", "no such object"),
            AppError::Internal => {
                Self::new(status, "internal", "internal error; see the server's log")
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let doc = self.0;
        let status = StatusCode::from_u16(doc.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, Json(&doc)).into_response();
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = doc.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl From<sqlx::Error> for Problem {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "api v1 database error");
        AppError::Internal.into()
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<T, Problem>;

/// A JSON body, refused as a problem document (axum's own answer is plain text).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| Self(j.0))
            .map_err(|rej| Problem::new(rej.status(), "bad_request", rej.body_text()))
    }
}

/// A query string, refused as a problem document.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|rej| Problem::new(rej.status(), "bad_request", rej.body_text()))
    }
}

/// Path parameters, refused as a problem document.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|rej| Problem::new(rej.status(), "bad_request", rej.body_text()))
    }
}
