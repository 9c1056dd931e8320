//! The HTTP surface: the server's own routes (health, downloads, images, form posts, links),
//! the app's pages and server functions, the static files, and the layers around them.

use app::{App, server::AppState, shell};
use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Request, State},
    handler::HandlerWithoutStateExt,
    response::IntoResponse,
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::{compression::CompressionLayer, services::ServeDir};
use tower_sessions::SessionManagerLayer;
use tower_sessions_sqlx_store::SqliteStore;

use crate::{brand, exports, form_posts, imports, message_links, middleware, qr};

/// The largest request body a server function reads (axum's default, which Leptos applied
/// implicitly before, answering 500 when it was exceeded; now 413).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.db.reader)
        .await
    {
        Ok(_) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        ),
    }
}

/// The app's routes, listed once per process. Listing them runs the app with resource loads
/// suppressed by a flag that leptos keeps for the whole process, and a resource first polled
/// while it is up never loads: a page rendering in another server of this process (the tests
/// run many) would wait forever if every server listed the routes again.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole HTTP surface for `state`, with sessions stored in `sessions` (and the SMS
/// gateway's callbacks under `/sms/` when a gateway is configured).
pub fn router(
    state: AppState,
    sessions: SessionManagerLayer<SqliteStore>,
    base_url: &str,
    sms_hooks: Option<Router>,
) -> Router {
    let routes = route_list();
    let render_state = state.clone();
    let not_found = move |req: Request<Body>| {
        let state = render_state.clone();
        async move {
            let options = state.leptos_options.clone();
            let render = leptos_axum::render_app_to_stream_with_context(
                move || provide_context(state.clone()),
                move || shell(options.clone()),
            );
            render(req).await.into_response()
        }
    };
    // `cargo leptos build -P` writes brotli (quality 11) and gzip files beside the bundle:
    // served as they are, rather than compressed on the fly at a low level for each request.
    let files = ServeDir::new(state.leptos_options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found.into_service());
    let base: Arc<str> = base_url.into();
    let context_state = state.clone();
    // The JSON API stands outside sessions and the cross-site check: a key, not a cookie,
    // says who calls.
    let api = crate::api_v1::router(state.clone())
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(middleware::request_log));
    let mut routes_in = Router::new();
    if let Some(hooks) = sms_hooks {
        routes_in = routes_in.nest_service("/sms", hooks);
    }
    routes_in
        .route(
            "/api/{*fn_name}",
            post(form_posts::server_fn_handler).get(form_posts::server_fn_handler),
        )
        .route("/health", get(health))
        .route("/me/card.svg", get(qr::member_card))
        .route("/account/two-factor.svg", get(qr::two_factor_qr))
        .route("/console/audit.csv", get(exports::audit_csv))
        .route("/console/export/{file}", get(exports::data_csv))
        .route(
            "/console/integrations/partners/settlement.csv",
            get(exports::settlement_csv),
        )
        .route("/console/analytics/{file}", get(exports::analytics_csv))
        .route(
            "/console/campaigns/{id}/results.csv",
            get(exports::campaign_results_csv),
        )
        .route("/brand/logo", get(brand::logo))
        .route("/brand.css", get(brand::stylesheet))
        .route("/console/settings/logo", post(brand::upload_logo))
        .route(
            "/console/integrations/import",
            post(imports::upload)
                .layer(DefaultBodyLimit::max(app::integrations::import::MAX_BYTES)),
        )
        .route("/console/settings/logo/remove", post(brand::remove_logo))
        .route("/u/{token}", post(message_links::one_click))
        .route("/o/{code}", get(message_links::short_link))
        .route("/o/p/{token}", get(message_links::open_pixel))
        .route("/me/rewards/{file}", get(qr::reward_code_qr))
        .route("/qr/feedback/{file}", get(qr::feedback_qr))
        .route("/qr/join.svg", get(qr::join_qr))
        .route("/qr/contest/{file}", get(qr::contest_qr))
        .route("/qr/offer/{file}", get(qr::offer_qr))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback_service(files)
        .layer(axum::middleware::from_fn(form_posts::carry_result))
        .layer(axum::middleware::from_fn(middleware::server_fn_body))
        // Read by `server_fn_body` (the extractors' limit, so an oversized body is told apart).
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(middleware::console_gate))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            message_links::token_language,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_user,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            base,
            middleware::same_origin_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(middleware::request_log))
        .with_state(state)
        .nest_service("/api/v1", api)
}
