//! Pages render to their end while other servers of the same process start. Listing the app's
//! routes runs it with resource loads suppressed by a flag leptos keeps for the whole process;
//! a resource first polled while the flag is up never loads, so the routes are listed once per
//! process, not by every server (the tests start many beside each other).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use crate::helpers::spawn_app;

#[tokio::test]
async fn pages_render_while_other_servers_list_their_routes() {
    let app = spawn_app().await;
    let res = app
        .sign_up("rendering@example.com", "a long password", "Rut", "en")
        .await;
    assert_eq!(res.status(), 200);
    let stop = Arc::new(AtomicBool::new(false));
    let lister = std::thread::spawn({
        let stop = stop.clone();
        move || {
            let mut listed = 0u32;
            while !stop.load(Ordering::Relaxed) {
                assert!(!server::route_list().is_empty());
                listed += 1;
            }
            listed
        }
    });
    for round in 0..100 {
        let page = async {
            let res = app.client.get(app.url("/")).send().await.expect("get");
            assert_eq!(res.status(), 200);
            res.text().await.expect("body")
        };
        let html = tokio::time::timeout(Duration::from_secs(10), page)
            .await
            .unwrap_or_else(|_| panic!("round {round}: the page did not finish in 10 s"));
        assert!(html.contains("Rut"), "round {round}: the member's own page");
    }
    stop.store(true, Ordering::Relaxed);
    assert!(lister.join().expect("lister") > 0);
}
