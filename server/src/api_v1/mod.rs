//! The JSON API for the shop's other systems (`/api/v1`): a till or a web shop finds members,
//! records purchases and refunds and uses reward codes with an API key the owner made in the
//! console. Keys travel as `Authorization: Bearer rgl_…`, never touch browser sessions and
//! are exempt from the cross-site check (a browser cannot send one by itself). Errors are RFC
//! 9457 problem documents. The OpenAPI 3.1 description is generated from these handlers and
//! served at `/api/v1/openapi.json`.

mod auth;
mod codes;
mod members;
mod partners;
mod problem;
mod sales;

use app::server::AppState;
use axum::{Json, Router, response::IntoResponse, routing::get};
use std::sync::Arc;
use utoipa::OpenApi as _;
use utoipa_axum::{router::OpenApiRouter, routes};

pub use auth::Buckets;
pub use problem::Problem;

/// What every handler gets: the app's state and the keys' request buckets.
#[derive(Clone)]
pub struct ApiState {
    /// The app's state (database, clock).
    pub app: AppState,
    /// Requests left per key.
    pub buckets: Arc<Buckets>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Regulars API",
        version = "1",
        description = "Find members, record purchases and refunds, and use reward codes from a \
                       till or web shop; partner retailers let members earn and pay with points \
                       (`/partner/…`, with a partner's key). Authenticate with `Authorization: Bearer <API key>`; \
                       keys are made by the shop's owner under Console → Integrations. Errors \
                       are RFC 9457 problem documents (`application/problem+json`)."
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("api_key" = []))
)]
struct Doc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API key made in the console (`rgl_` and 64 hex digits).",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

/// The routes and their description, built together so neither can list a route the other
/// lacks.
pub fn routes_and_doc() -> (Router<ApiState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(Doc::openapi())
        .routes(routes!(members::find_member))
        .routes(routes!(members::member))
        .routes(routes!(members::member_offers))
        .routes(routes!(sales::record_purchase))
        .routes(routes!(sales::record_refund))
        .routes(routes!(codes::use_code))
        .routes(routes!(partners::partner_member))
        .routes(routes!(partners::partner_earn))
        .routes(routes!(partners::partner_redeem))
        .split_for_parts()
}

/// `/api/v1`: the API, its description, and a problem document for any other path.
pub fn router(app: AppState) -> Router {
    let (routes, doc) = routes_and_doc();
    let doc = Arc::new(doc);
    let state = ApiState {
        app,
        buckets: Arc::new(Buckets::default()),
    };
    routes
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()).into_response() }
            }),
        )
        .fallback(|| async { Problem::not_found_route() })
        .with_state(state)
}
