//! `spawn_app()`: a running server with its own database, and a cookie-keeping client.

use app::db::Durability;
use reqwest::{Client, Response, cookie::Jar, redirect::Policy};
use server::{Application, Config, demo};
use std::{path::PathBuf, sync::Arc};

mod shop;

pub use crate::temp_dir::TempDir;
pub(crate) use shop::local_demo_shop;
pub use shop::{
    DemoShop, bought, demo_shop, harbour_form, purchase, refunded, saved_reward, set_program_zone,
};
use tokio::{sync::oneshot, task::JoinHandle};

/// A running test server.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub jar: Arc<Jar>,
    pub dir: Arc<TempDir>,
    pub config: Config,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
}

pub fn test_config(dir: &TempDir) -> Config {
    let url = format!("sqlite://{}/regulars.db", dir.path().display());
    let mut config = Config::local(url, PathBuf::from("../target/site"));
    // Tests need not survive power loss; fsync per commit would only slow them.
    config.durability = Durability::Normal;
    config.read_connections = 2;
    config
}

pub fn client() -> (Client, Arc<Jar>) {
    client_at(None)
}

/// A client whose connections come from `local` (any 127.x.y.z address reaches the server,
/// so tests can play clients at different addresses).
fn client_at(local: Option<std::net::IpAddr>) -> (Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = Client::builder()
        .local_address(local)
        .cookie_provider(jar.clone())
        .redirect(Policy::none())
        // A request that hangs fails its test with its name instead of holding up the run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    (client, jar)
}

/// A server on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// A server on a fresh database, with `tweak` applied to its configuration.
pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = Arc::new(TempDir::new());
    let mut config = test_config(&dir);
    tweak(&mut config);
    start(config, dir, client()).await
}

async fn start(config: Config, dir: Arc<TempDir>, (client, jar): (Client, Arc<Jar>)) -> TestApp {
    let app = Application::build(&config).await.expect("server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (tx, rx) = oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until_stopped(async move {
        let _ = rx.await;
    }));
    TestApp {
        address,
        client,
        jar,
        dir,
        config,
        stop: Some(tx),
        handle: Some(handle),
    }
}

impl TestApp {
    /// Stops this server gracefully and starts a new one on the same database file, keeping the
    /// client (and its cookies).
    pub async fn restart(mut self) -> TestApp {
        self.stop().await;
        let (config, dir) = (self.config.clone(), self.dir.clone());
        start(config, dir, (self.client.clone(), self.jar.clone())).await
    }

    /// Stops the server and waits until it has closed the database.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }

    /// Loads the demo shop into this server's database.
    pub async fn with_demo(self) -> TestApp {
        let db = server::open_database(&self.config).await.expect("db");
        assert!(
            demo::load_if_empty(&db, &app::accounts::Hasher::new(1))
                .await
                .expect("demo")
        );
        db.close().await;
        self
    }

    /// The demo shop's accounts and program (two locations, three tiers, the Tuesday rule,
    /// Stockholm time) on an empty database: no purchases, perks, rewards or feedback, which
    /// each test builds itself.
    pub async fn with_shop(self) -> TestApp {
        let db = server::open_database(&self.config).await.expect("db");
        let hasher = app::accounts::Hasher::new(1);
        assert!(
            demo::load_parts_if_empty(&db, &hasher, demo::Parts::SHOP_ONLY)
                .await
                .expect("shop")
        );
        db.close().await;
        self
    }

    /// A new browser on this server, signed in as a demo account.
    pub async fn signed_in_as(&self, email: &str) -> TestApp {
        let c = self.other_client();
        let status = c.sign_in(email, demo::DEMO_PASSWORD).await.status();
        assert_eq!(status, 200, "sign in as {email}");
        c
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A second browser: same server, no cookies.
    pub fn other_client(&self) -> TestApp {
        self.client_from(None)
    }

    /// Another browser at the loopback address `local` (`127.0.0.2`, …).
    pub fn other_client_at(&self, local: &str) -> TestApp {
        self.client_from(Some(local.parse().expect("address")))
    }

    fn client_from(&self, local: Option<std::net::IpAddr>) -> TestApp {
        let (client, jar) = client_at(local);
        TestApp {
            address: self.address.clone(),
            client,
            jar,
            dir: self.dir.clone(),
            config: self.config.clone(),
            stop: None,
            handle: None,
        }
    }

    /// Another handle on this client: same cookies (session), usable from another task.
    pub fn other_client_sharing_session(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client: self.client.clone(),
            jar: self.jar.clone(),
            dir: self.dir.clone(),
            config: self.config.clone(),
            stop: None,
            handle: None,
        }
    }

    /// Calls a server function with a form body, as an enhanced (WASM) form would.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Joins as a new member and opens the confirmation link, as they would: the answer to
    /// the confirmation (which signs them in), or the form's answer when it was refused.
    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        name: &str,
        language: &str,
    ) -> Response {
        self.sign_up_with(&[
            ("email", email),
            ("password", password),
            ("preferred_name", name),
            ("language", language),
        ])
        .await
    }

    /// [`Self::sign_up`] with any form.
    pub async fn sign_up_with(&self, form: &[(&str, &str)]) -> Response {
        let res = self.call("accounts/sign_up", form).await;
        if res.status() != 200 {
            return res;
        }
        let email = form.iter().find(|(k, _)| *k == "email").map(|(_, v)| v);
        let email = email.expect("an email").trim().to_lowercase();
        let token = self.confirm_token(&email).await;
        self.call("preferences/confirm", &[("token", &token)]).await
    }

    /// The token of the newest confirmation message to `email` (what its link carries).
    pub async fn confirm_token(&self, email: &str) -> String {
        sqlx::query_scalar(
            "SELECT token FROM outbox WHERE kind = 'confirm_email' AND address = $1
             ORDER BY id DESC LIMIT 1",
        )
        .bind(email)
        .fetch_one(&self.db().await)
        .await
        .expect("a confirmation message")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.call(
            "accounts/sign_in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// The signed-in account as the server sees it (JSON), or `null`.
    pub async fn me(&self) -> serde_json::Value {
        let res = self.call("accounts/me", &[]).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("json")
    }

    /// A SQL query against this server's database file (read-only use).
    pub async fn db(&self) -> sqlx::SqlitePool {
        sqlx::SqlitePool::connect(&self.config.database_url)
            .await
            .expect("db")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// The JSON error body of a failed server function.
pub async fn error_json(res: Response) -> serde_json::Value {
    res.json().await.expect("error body is JSON")
}

/// The id of the account with `email`.
pub async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db().await)
        .await
        .expect("id")
}

/// The JSON body of a field error.
pub fn field_error(field: &str, key: &str) -> serde_json::Value {
    serde_json::json!({"Validation": {"field": field, "message_key": key}})
}

/// A download `path` (with its query) as `c` gets it: its body, after checking it came (200).
pub async fn download(c: &TestApp, path: &str) -> String {
    let res = c.client.get(c.url(path)).send().await.expect("download");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("body")
}

/// Calls a server function that must succeed and returns its JSON.
pub async fn json_of(c: &TestApp, endpoint: &str, form: &[(&str, &str)]) -> serde_json::Value {
    let res = c.call(endpoint, form).await;
    assert_eq!(res.status(), 200, "{endpoint}");
    res.json().await.expect("json")
}

/// A number never handed out before in this test run (for idempotency keys).
pub fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// What the servers in this test binary log at `info` and above, from the first call on (the
/// same global subscriber the server binary installs, writing into memory).
pub fn captured_log() -> String {
    use std::sync::{Mutex, OnceLock};
    #[derive(Clone)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOG: OnceLock<Buffer> = OnceLock::new();
    let log = LOG.get_or_init(|| {
        let buffer = Buffer(Arc::default());
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init()
            .expect("the only subscriber in this test binary");
        buffer
    });
    String::from_utf8_lossy(&log.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

/// What `rollups::check` finds on a test's database.
pub async fn rollup_drift(pool: &sqlx::SqlitePool) -> Vec<app::analytics::rollups::Drift> {
    let mut conn = pool.acquire().await.expect("conn");
    app::analytics::rollups::check(&mut conn)
        .await
        .expect("check")
}
