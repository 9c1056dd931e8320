//! The one-click unsubscribe address of every marketing email (`POST /u/<token>`).

/// Answers a one-click unsubscribe (RFC 8058): a `POST` to a message's `/u/<token>` withdraws
/// email consent at once and answers 200 — no cookie, no sign-in, no redirect.
pub async fn one_click(
    axum::extract::State(state): axum::extract::State<app::server::AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> (axum::http::StatusCode, &'static str) {
    use axum::http::StatusCode;
    let now = state.clock.now();
    let proof = app::campaigns::prefs::RequestProof {
        ip: None,
        user_agent: headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(400).collect()),
    };
    let done = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                app::campaigns::prefs::set(
                    tx,
                    &token,
                    Some(false),
                    None,
                    "unsubscribe_link",
                    &proof,
                    now,
                )
                .await
            })
        })
        .await;
    match done {
        Ok(Some(_)) => (StatusCode::OK, "unsubscribed\n"),
        Ok(None) => (StatusCode::NOT_FOUND, "unknown link\n"),
        Err(e) => {
            tracing::warn!(error = %e, "one-click unsubscribe failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again\n")
        }
    }
}
