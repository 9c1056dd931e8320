//! The Regulars server: builds the router (pages, server functions, static files, middleware),
//! opens the database, and runs until told to stop.

pub mod api_v1;
mod background;
pub mod backup;
mod brand;
pub mod cli;
pub mod config;
pub mod demo;
mod exports;
mod form_posts;
mod imports;
pub mod mail;
mod message_links;
mod middleware;
mod pacer;
mod qr;
mod routes;
pub mod seed;
pub mod sender;
pub mod sms;
pub mod webhooks;

use app::{
    accounts::{Hasher, Limits},
    db::{Db, connect_options},
    server::AppState,
};
use axum::Router;
use leptos::prelude::*;
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};
use tower_sessions_sqlx_store::SqliteStore;

pub use config::Config;
pub use routes::{BODY_LIMIT, route_list, router};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error("cannot open the database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed; the server does not start on a half-migrated database.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A startup write (phone numbers kept from before E.164) failed.
    #[error("cannot update the database: {0}")]
    Write(#[from] app::error::AppError),
    /// The address could not be bound.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the database named in `config` (creating its directory) and migrates it.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    if let Some(dir) = config.database_dir() {
        std::fs::create_dir_all(dir)?;
    }
    let db = Db::connect(
        &config.database_url,
        config.durability,
        config.read_connections,
    )
    .await?;
    db.migrate().await?;
    // Phone numbers kept from before they were stored in one form (E.164).
    let changed = db
        .write(|tx| Box::pin(async move { Ok(app::members::db::normalise_phones(tx).await?) }))
        .await?;
    if changed > 0 {
        tracing::info!(changed, "phone numbers rewritten in E.164 form");
    }
    // The roll-ups in shop time, filled for the shop's time zone (after the migration that
    // adds them, or a zone set outside the app).
    let rebuilt = db
        .write(|tx| Box::pin(async move { Ok(app::analytics::shop_time::sync(tx).await?) }))
        .await?;
    if rebuilt {
        tracing::info!("roll-ups in shop time rebuilt for the shop's time zone");
    }
    Ok(db)
}

fn leptos_options(config: &Config, addr: SocketAddr) -> LeptosOptions {
    // cargo-leptos writes the asset hashes next to the binary it builds; other binaries (tests)
    // have none, and Leptos panics when told to hash without the file.
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").exists()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name("regulars")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashed)
        .build()
}

/// A built server: bound to its port, database open, not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    sessions_pool: sqlx::SqlitePool,
    sweeper: tokio::task::JoinHandle<()>,
    points_sweeper: tokio::task::JoinHandle<()>,
    checkpointer: tokio::task::JoinHandle<()>,
    /// Outbox workers, the campaign scheduler and scheduled backups.
    senders: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// The database this server writes to (the benchmark reads its write statistics).
    pub fn db(&self) -> Db {
        self.db.clone()
    }

    /// Opens the database, migrates it, binds the address and builds the router.
    pub async fn build(config: &Config) -> Result<Self, StartError> {
        let db = open_database(config).await?;
        let sessions_pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(connect_options(&config.database_url, config.durability)?)
            .await?;
        let store = SqliteStore::new(sessions_pool.clone());
        store.migrate().await?;
        let sweeper = background::session_sweeper(store.clone());
        // Expiry and tier reviews: at start (catching up on downtime), then at intervals.
        let points_sweeper =
            background::points_sweeper(db.clone(), config.clock.clone(), config.sweep_interval);
        // WAL checkpoints off the write path (the writer connection does not run them).
        let checkpointer = background::checkpointer(sessions_pool.clone(), "PASSIVE");
        let mut jobs = Vec::new();
        if let Some(schedule) = &config.backup {
            jobs.push(background::backup_scheduler(
                config.database_url.clone(),
                schedule.clone(),
                config.clock.clone(),
            ));
        }
        let idle = tower_sessions::cookie::time::Duration::seconds(
            i64::try_from(config.session_idle.as_secs()).unwrap_or(i64::MAX),
        );
        let sessions = SessionManagerLayer::new(store)
            .with_name("regulars_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.secure_cookies)
            .with_expiry(Expiry::OnInactivity(idle));

        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let state = AppState {
            leptos_options: leptos_options(config, addr),
            db: db.clone(),
            hasher: Hasher::new(cores),
            limits: Arc::new(Limits::new(
                config.sign_in_limit_account,
                config.sign_in_limit_ip,
                config.sign_up_limit_ip,
            )),
            session_absolute: config.session_absolute,
            // Once a minute, or twice per idle period when that is shorter.
            session_touch: (config.session_idle / 2).min(Duration::from_secs(60)),
            secure_cookies: config.secure_cookies,
            // A throwaway server asked for port 0: its address is the one it got.
            base_url: if config.base_url.ends_with(":0") {
                format!("http://{addr}").into()
            } else {
                config.base_url.as_str().into()
            },
            clock: config.clock.clone(),
            proxies: Arc::new(config.trusted_proxies.clone()),
            webhooks_allow_private: config.webhooks_allow_private,
        };
        // One server per database: no worker holds a lease yet, so rows a killed process had
        // claimed go back to the queue now rather than when their lease runs out.
        let recovered = db
            .write(|tx| Box::pin(async move { Ok(app::outbox::recover(tx).await?) }))
            .await?;
        if recovered > 0 {
            tracing::info!(messages = recovered, "queued again after a restart");
        }
        let mut senders = match config.mail.clone() {
            Some(mail) => mail::start(
                db.clone(),
                config.clock.clone(),
                mail,
                state.base_url.clone(),
            ),
            None => {
                tracing::warn!("REGULARS_SMTP_URL is not set: messages wait in the outbox");
                Vec::new()
            }
        };
        // Scheduled campaigns start when their time comes (checked every few seconds).
        senders.push(background::campaign_scheduler(
            db.clone(),
            config.clock.clone(),
            state.base_url.clone(),
            config.journey_interval,
        ));
        senders.append(&mut jobs);
        senders.push(webhooks::worker(
            db.clone(),
            config.clock.clone(),
            config.webhooks_allow_private,
        ));
        let sms_hooks = match config.sms.clone() {
            Some(sms) => {
                let hooks = sms::hooks::routes(
                    db.clone(),
                    config.clock.clone(),
                    &sms.token,
                    state.base_url.clone(),
                );
                senders.extend(sms::start(
                    &db,
                    &config.clock,
                    Arc::new(sms),
                    state.base_url.clone(),
                ));
                Some(hooks)
            }
            None => None,
        };
        let router = router(state, sessions, &config.base_url, sms_hooks);
        Ok(Self {
            listener,
            router,
            db,
            sessions_pool,
            sweeper,
            points_sweeper,
            checkpointer,
            senders,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets requests in flight
    /// finish, and closes the database.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        self.sweeper.abort();
        self.points_sweeper.abort();
        self.checkpointer.abort();
        for sender in &self.senders {
            sender.abort();
        }
        self.sessions_pool.close().await;
        self.db.close().await;
        tracing::info!("stopped");
        served
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested: finishing requests in flight");
}
