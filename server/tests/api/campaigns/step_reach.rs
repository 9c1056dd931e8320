//! Whom a journey step reaches, over HTTP with a real SMTP server on loopback and a clock
//! the test moves: a step made later takes only entries from its wait before it was made,
//! and a step for members who opened takes a loaded image or a click as an open.

use super::{
    click,
    steps::{figures, settled, step},
    triggers::{Counter, counter, member, run, switch_on_saying},
};
use crate::helpers::bought;
use app::db::Stamp;

#[tokio::test]
async fn a_new_step_takes_entries_from_its_wait_before_it_was_made_not_the_journeys_past() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2026, 2, 15, 12, 0, 0)).await;
    let confirmed = Some("2026-01-01T00:00:00Z");
    // Ann lapses on 17 March; Bo, who bought on 13 March, on 12 April.
    let ann = member(&pool, "Ann", None, confirmed, true).await;
    bought(&staff, ann, "10", main, &[]).await;
    app.config.clock.set(Stamp::utc(2026, 3, 13, 12, 0, 0));
    let bo = member(&pool, "Bo", None, confirmed, true).await;
    bought(&staff, bo, "10", main, &[]).await;
    app.config.clock.set(Stamp::utc(2026, 3, 20, 12, 0, 0));
    switch_on_saying(&manager, "win_back", "30", "", "Come back soon.").await;
    smtp.wait_for(1).await;
    settled(&pool).await;
    // A tag step a week after the first message, made on 10 April: Ann's went 21 days
    // before it was made, so it is not hers.
    app.config.clock.set(Stamp::utc(2026, 4, 10, 12, 0, 0));
    assert_eq!(
        step(&manager, "", "7", "always", "tag", "late")
            .await
            .status(),
        200
    );
    run(&app, Stamp::utc(2026, 4, 12, 12, 0, 0)).await;
    smtp.wait_for(2).await;
    settled(&pool).await;
    run(&app, Stamp::utc(2026, 4, 20, 12, 0, 0)).await;
    let tagged: Vec<String> = sqlx::query_scalar(
        "SELECT u.preferred_name FROM member_tags t JOIN users u ON u.id = t.member_id
         WHERE t.tag = 'late'",
    )
    .fetch_all(&pool)
    .await
    .expect("tags");
    assert_eq!(tagged, ["Bo"]);
    assert_eq!(figures(&manager).await, [[1, 0, 0, 0, 1, 0]]);
}

#[tokio::test]
async fn a_step_for_members_who_opened_takes_a_loaded_image_or_a_click_as_an_open() {
    let Counter {
        smtp,
        app,
        pool,
        manager,
        staff,
        main,
    } = counter(Stamp::utc(2026, 2, 15, 12, 0, 0)).await;
    let confirmed = Some("2026-01-01T00:00:00Z");
    for name in ["Ann", "Bo", "Cy"] {
        let id = member(&pool, name, None, confirmed, true).await;
        bought(&staff, id, "10", main, &[]).await;
    }
    app.config.clock.set(Stamp::utc(2026, 3, 20, 12, 0, 0));
    let body = "Come back soon: https://example.net/back";
    switch_on_saying(&manager, "win_back", "30", "", body).await;
    let mails = smtp.wait_for(3).await;
    settled(&pool).await;
    let step = step(&manager, "", "7", "opened", "tag", "opened").await;
    assert_eq!(step.status(), 200);
    let mail = |name: &str| {
        mails
            .iter()
            .find(|m| m.subject == format!("win_back for {name}"))
            .unwrap_or_else(|| panic!("{name}'s mail"))
    };
    // Ann's mail app loads the image, and again an hour later (the first open is kept); Bo's
    // blocks images but he clicks; Cy does neither.
    let html = &mail("Ann").html;
    let at = html.find("/o/p/").expect("an image that records the open");
    let path = &html[at..at + html[at..].find('"').expect("its end")];
    for hour in [12, 13] {
        app.config.clock.set(Stamp::utc(2026, 3, 20, hour, 0, 0));
        let res = app.client.get(app.url(path)).send().await.expect("image");
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/gif");
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert_eq!(res.bytes().await.expect("gif").len(), 43);
    }
    click(&app, mail("Bo")).await;
    // An unknown image answers the same and records nothing.
    let res = app
        .client
        .get(app.url("/o/p/0123abcd"))
        .send()
        .await
        .expect("image");
    assert_eq!(res.status(), 200);
    let opened: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.preferred_name, o.opened_at FROM outbox o JOIN users u ON u.id = o.user_id
         WHERE o.opened_at IS NOT NULL",
    )
    .fetch_all(&pool)
    .await
    .expect("opens");
    assert_eq!(
        opened,
        [("Ann".to_owned(), "2026-03-20T12:00:00Z".to_owned())]
    );
    run(&app, Stamp::utc(2026, 3, 28, 12, 0, 0)).await;
    let tagged: Vec<String> = sqlx::query_scalar(
        "SELECT u.preferred_name FROM member_tags t JOIN users u ON u.id = t.member_id
         WHERE t.tag = 'opened' ORDER BY u.id",
    )
    .fetch_all(&pool)
    .await
    .expect("tags");
    assert_eq!(tagged, ["Ann", "Bo"]);
    assert_eq!(figures(&manager).await, [[3, 1, 0, 0, 2, 0]]);
}
