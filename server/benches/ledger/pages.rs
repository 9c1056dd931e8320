//! Page rendering: a signed-in member's home page over HTTP against `/health` (the same HTTP
//! stack and session layer without a page), at 1 and 32 clients.

use std::time::{Duration, Instant};

use super::{Result, collect, signed_in};

/// `clients` tasks GET `url` for `secs` seconds; a request counts as an error unless it
/// answers 200 with a body holding `expect`.
async fn get_loop(
    client: &reqwest::Client,
    url: &str,
    expect: &'static str,
    clients: usize,
    secs: u64,
) -> Result {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url) = (client.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors) = (Vec::new(), 0usize);
            while Instant::now() < deadline {
                let start = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        r.text().await.is_ok_and(|body| body.contains(expect))
                    }
                    _ => false,
                };
                lat.push(start.elapsed().as_secs_f64() * 1000.0);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, clients, secs).await
}

/// Server-side rendering of a signed-in member's home page, against `/health` (the same HTTP
/// stack and session layer without a page) as the baseline.
pub async fn ssr(base: &str, secs: u64) -> Vec<String> {
    let member = signed_in(base, "anna@example.com").await;
    println!();
    println!("page rendering: {secs} s per run, a signed-in member (Anna), GET over HTTP");
    println!(
        "{:>10} {:>8} {:>9} {:>8} {:>8} {:>7} {:>10}",
        "page", "clients", "req/s", "p50 ms", "p99 ms", "errors", "vs health"
    );
    let mut lines = Vec::new();
    for clients in [1usize, 32] {
        let health = get_loop(&member, &format!("{base}/health"), "ok", clients, secs).await;
        // A page that rendered her data names her.
        let home = get_loop(&member, &format!("{base}/"), "Anna", clients, secs).await;
        for (page, r) in [("/health", &health), ("/", &home)] {
            let ratio = r.tx_per_s / health.tx_per_s.max(f64::MIN_POSITIVE);
            println!(
                "{:>10} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>7} {:>9.2}x",
                page, r.clients, r.tx_per_s, r.p50_ms, r.p99_ms, r.errors, ratio
            );
            let name = if page == "/" { "ssr" } else { "http" };
            lines.push(format!(
                "bench {name} page={page} clients={} req_per_s={:.0} p50_ms={:.2} p99_ms={:.2} errors={} vs_health={ratio:.2}",
                r.clients, r.tx_per_s, r.p50_ms, r.p99_ms, r.errors
            ));
        }
    }
    lines
}
