//! A member's own pages are served as plain HTML, without the WASM, so a form sent from them
//! is a plain form post: it must come back with what a hydrated page shows — the thanks after
//! feedback (from the result the redirect carries) or the mistake (from the error it carries),
//! never an earlier post's result.

use super::shop;
use crate::helpers::TestApp;

/// The page at `path` as `c` gets it.
async fn page(c: &TestApp, path: &str) -> String {
    let res = c.client.get(c.url(path)).send().await.expect("get");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("html").replace("<!>", "")
}

/// Posts `form` to `endpoint` as a browser without scripts does from `from`; the redirect.
async fn post_plain(c: &TestApp, endpoint: &str, from: &str, form: &[(&str, &str)]) -> String {
    let res = c
        .client
        .post(c.url(&format!("/api/{endpoint}")))
        .header("Accept", "text/html")
        .header("Referer", c.url(from))
        .form(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 302, "{endpoint} from {from}");
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

#[tokio::test]
async fn feedback_sent_without_wasm_comes_back_with_its_thanks_or_its_mistake() {
    let (s, form) = shop().await;
    let form = form.to_string();
    let wasm = |html: &str| html.contains(r#"rel="modulepreload""#);
    assert!(
        !wasm(&page(&s.member, "/me/feedback").await),
        "a member's page is plain HTML"
    );
    assert!(!wasm(&page(&s.member, "/").await), "and so is their home");
    assert!(
        wasm(&page(&s.manager, "/console").await),
        "the console hydrates"
    );

    let thanks = "Thank you! We have your feedback.";
    let mistake = "Choose a score on the scale shown.";
    let sorry = "We are sorry it was not better.";
    let wrong = post_plain(
        &s.member,
        "feedback/submit",
        "/me/feedback",
        &[("form_id", &form), ("nps", "11")],
    )
    .await;
    assert!(
        wrong.contains("__err=") && !wrong.contains("__out="),
        "{wrong}"
    );
    let shown = page(&s.member, &wrong).await;
    assert!(
        shown.contains(mistake) && !shown.contains(thanks),
        "{wrong}"
    );

    // Sent again from the page that shows the mistake: the mistake goes, the thanks come.
    let answers = [("form_id", form.as_str()), ("nps", "2"), ("csat", "2")];
    let sent = post_plain(&s.member, "feedback/submit", &wrong, &answers).await;
    assert!(
        sent.starts_with("/me/feedback?__path=%2Fapi%2Ffeedback%2Fsubmit&__out=")
            && !sent.contains("__err"),
        "{sent}"
    );
    let shown = page(&s.member, &sent).await;
    assert!(
        shown.contains(thanks) && shown.contains(sorry),
        "a case was opened: {sent}"
    );
    assert!(!shown.contains(mistake), "{sent}");

    // A result another function returned, or a forged one, is not shown as this one's.
    let other = "/me/feedback?__path=%2Fapi%2Ffeedback%2Freply&__out=%7B%7D";
    assert!(!page(&s.member, other).await.contains(thanks));
    let forged = "/me/feedback?__path=%2Fapi%2Ffeedback%2Fsubmit&__out=not-json";
    assert!(!page(&s.member, forged).await.contains(thanks));
}
