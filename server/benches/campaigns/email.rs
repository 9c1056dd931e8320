//! Email: a campaign through the outbox to a real SMTP server on loopback, per server and
//! number of connections.

use server::mail::SmtpConfig;
use std::{
    path::Path,
    process::Child,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use super::{call, campaign, env_number, serve, shop, signed_in};

/// An SMTP server on loopback that accepts every message.
enum Sink {
    /// Debian's aiosmtpd in its own Python process, discarding what it accepts.
    Aiosmtpd(Child),
    /// mailin on a thread pool in this process, counting the messages it accepted.
    Mailin(Arc<AtomicU64>),
}

/// mailin's session handler: counts each message whose data ended.
#[derive(Clone)]
struct Counter(Arc<AtomicU64>);

impl mailin_embedded::Handler for Counter {
    fn data_end(&mut self) -> mailin_embedded::Response {
        self.0.fetch_add(1, Ordering::Relaxed);
        mailin_embedded::response::OK
    }
}

impl Sink {
    /// Starts the server `name` on a free port; returns it and its port.
    async fn start(name: &str) -> (Sink, u16) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let port = listener.local_addr().expect("port").port();
        let sink = if name == "mailin" {
            let received = Arc::new(AtomicU64::new(0));
            let mut server = mailin_embedded::Server::new(Counter(received.clone()));
            server
                .with_name("sink.example")
                .with_ssl(mailin_embedded::SslConfig::None)
                .expect("no TLS")
                .with_num_threads(16)
                .with_tcp_listener(listener);
            // It serves until the benchmark's process ends.
            std::thread::spawn(move || {
                if let Err(e) = server.serve() {
                    eprintln!("mailin: {e}");
                }
            });
            Sink::Mailin(received)
        } else {
            drop(listener);
            let child = std::process::Command::new("/usr/bin/python3")
                .args([
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-l",
                    &format!("127.0.0.1:{port}"),
                    "-c",
                    "aiosmtpd.handlers.Sink",
                ])
                .spawn()
                .expect("aiosmtpd (python3-aiosmtpd)");
            Sink::Aiosmtpd(child)
        };
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (sink, port)
    }

    /// Messages it counted, where it counts them.
    fn received(&self) -> Option<u64> {
        match self {
            Sink::Mailin(n) => Some(n.load(Ordering::Relaxed)),
            Sink::Aiosmtpd(_) => None,
        }
    }

    fn stop(self) {
        if let Sink::Aiosmtpd(mut child) = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends one campaign to `n` members through `port` with `connections`; the messages sent
/// and the seconds from the send until the campaign finished.
async fn send(dir: &Path, name: &str, n: u64, port: u16, connections: usize) -> (i64, i64, f64) {
    let mut config = shop(dir, name, n, 0).await;
    // Everyone takes email, so the campaign has `n` recipients.
    let db = server::open_database(&config).await.expect("db");
    db.write(|tx| Box::pin(async move {
        sqlx::query("UPDATE users SET email_marketing = 1 WHERE role = 'member' AND password_hash NOT LIKE '$argon2%'").execute(&mut *tx).await?;
        Ok(())
    })).await.expect("consent");
    db.close().await;
    config.mail = Some(
        SmtpConfig::parse(
            &format!("smtp://127.0.0.1:{port}"),
            "Bench <news@shop.example>",
            None,
            connections,
        )
        .expect("smtp"),
    );
    let (base, stop, handle) = serve(&config).await;
    let client = signed_in(&base).await;
    let id = campaign(&client, &base).await;
    let started = Instant::now();
    let sent = call(&client, &base, "campaigns/send", &[("id", &id)]).await;
    let total = sent["progress"]["queued"].as_i64().unwrap_or(0);
    let mut done = 0;
    while started.elapsed() < Duration::from_secs(600) {
        let c = call(&client, &base, "campaigns/get", &[("id", &id)]).await;
        done = c["progress"]["sent"].as_i64().unwrap_or(0);
        if c["status"] == "finished" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = handle.await;
    (done, total, secs)
}

pub async fn run(dir: &Path) -> Vec<String> {
    let n = env_number("BENCH_EMAILS", 5_000);
    let mut lines = Vec::new();
    for server in ["aiosmtpd", "mailin"] {
        println!("\nemail: {n} messages of ≈ 6 KB per run through {server} on loopback");
        println!(
            "{:>12} {:>10} {:>10} {:>10}",
            "connections", "seconds", "msgs/s", "vs 1"
        );
        let mut baseline = 0.0;
        for connections in [1usize, 4, 8] {
            let (sink, port) = Sink::start(server).await;
            let name = format!("email-{server}-{connections}");
            let (done, total, secs) = send(dir, &name, n, port, connections).await;
            // What the server counted agrees with what the outbox marked sent.
            if let Some(received) = sink.received() {
                assert_eq!(received, done as u64, "{server} received");
            }
            sink.stop();
            let rate = done as f64 / secs;
            if connections == 1 {
                baseline = rate.max(f64::MIN_POSITIVE);
            }
            println!(
                "{connections:>12} {secs:>10.2} {rate:>10.0} {:>9.2}x",
                rate / baseline
            );
            lines.push(format!(
                "bench email server={server} messages={done} queued={total} connections={connections} seconds={secs:.2} msgs_per_s={rate:.0} vs_one={:.2}",
                rate / baseline
            ));
        }
    }
    lines
}
