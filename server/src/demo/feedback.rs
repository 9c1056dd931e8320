//! The demo shop's feedback: an "After a visit" form in five languages and six weeks of
//! answers to it, submitted and worked through the same engine staff and members use.

use super::DemoError;
use app::db::Stamp;

/// The shop's feedback form, in all five languages.
pub(super) async fn load_form(
    conn: &mut sqlx::SqliteConnection,
    at: Stamp,
) -> Result<(), DemoError> {
    use app::feedback::{api::FormTexts, engine, types::Asks};
    let texts = [
        (
            "en",
            "How was your visit?",
            "Two taps: a score, then Send. Words are welcome too.",
        ),
        (
            "sv",
            "Hur var ditt besök?",
            "Två tryck: ett betyg och sedan Skicka. Ord är också välkomna.",
        ),
        (
            "nb",
            "Hvordan var besøket ditt?",
            "To trykk: en poengsum og så Send. Ord er også velkomne.",
        ),
        (
            "lv",
            "Kā jums patika apmeklējums?",
            "Divi pieskārieni: vērtējums un Nosūtīt. Vārdi arī ir gaidīti.",
        ),
        (
            "pt",
            "Como foi sua visita?",
            "Dois toques: uma nota e depois Enviar. Palavras também são bem-vindas.",
        ),
    ]
    .map(|(language, title, intro)| FormTexts {
        language: language.into(),
        title: title.into(),
        intro: intro.into(),
        choice_question: String::new(),
        choice_options: Vec::new(),
    });
    let asks = Asks {
        nps: true,
        csat: false,
        text: true,
        category: true,
        choices: 0,
    };
    let head = engine::FormHead {
        name: "After a visit",
        slug: "after-a-visit",
        asks,
        location_id: None,
        active: true,
    };
    engine::save_form(conn, None, &head, &texts, at).await?;
    Ok(())
}

/// Six weeks of answers to the demo form: days ago, member, NPS, category, words, location
/// index. Low scores open cases; the older ones were answered and resolved, one recent one is
/// past its deadline and the newest is waiting in the inbox.
type DemoAnswer = (
    i64,
    &'static str,
    i64,
    Option<&'static str>,
    &'static str,
    usize,
);
const DEMO_FEEDBACK: [DemoAnswer; 12] = [
    (
        40,
        "anna@example.com",
        10,
        Some("product"),
        "The cardamom buns are the best in town.",
        0,
    ),
    (33, "ola@example.com", 9, None, "", 1),
    (30, "joao@example.com", 7, Some("service"), "", 0),
    (26, "anna@example.com", 9, None, "", 1),
    (
        22,
        "liga@example.com",
        4,
        Some("delivery"),
        "My online order came a day late.",
        0,
    ),
    (18, "sam@example.com", 10, None, "Lovely staff.", 1),
    (15, "joao@example.com", 8, None, "", 0),
    (
        11,
        "ola@example.com",
        6,
        Some("service"),
        "Long queue at lunch.",
        1,
    ),
    (8, "anna@example.com", 10, None, "", 0),
    (5, "liga@example.com", 9, None, "", 1),
    (
        3,
        "sam@example.com",
        3,
        Some("staff"),
        "Nobody greeted me at the counter.",
        0,
    ),
    (
        0,
        "joao@example.com",
        5,
        Some("product"),
        "The bread was dry.",
        0,
    ),
];

/// The demo form's answers (see [`DEMO_FEEDBACK`]), through the same code members use, with
/// the two oldest cases replied to and resolved by staff.
pub(super) async fn load_history(
    conn: &mut sqlx::SqliteConnection,
    id_of: &(dyn Fn(&str) -> Option<i64> + Sync),
    locations: &[i64],
    now: Stamp,
) -> Result<(), DemoError> {
    use app::feedback::{
        engine::{self, Act, Submitter},
        types::{Answers, Category},
    };
    let staff = id_of("staff@example.com").ok_or_else(|| DemoError::Invalid("staff".into()))?;
    let form = engine::form_view(conn, ("slug", "after-a-visit"), "en")
        .await?
        .ok_or_else(|| DemoError::Invalid("feedback form".into()))?;
    let mut resolved = 0;
    for (days, email, nps, category, body, location) in DEMO_FEEDBACK {
        let member = id_of(email).ok_or_else(|| DemoError::Invalid(email.into()))?;
        let at = now - app::db::days(days) - app::db::hours(2);
        let who = Submitter {
            member_id: Some(member),
            language: "en".into(),
            ..Submitter::default()
        };
        let answers = Answers {
            nps: Some(nps),
            category: category.and_then(Category::parse),
            body: body.into(),
            ..Answers::default()
        };
        // As if rated at that shop's counter: the form at that location.
        let here = app::feedback::api::FormView {
            location_id: Some(locations[location]),
            ..form.clone()
        };
        let (_, case) = engine::submit(conn, &here, &who, &answers, at).await?;
        if let Some(case) = case
            && days > 7
        {
            resolved += 1;
            let reply = "Thank you for telling us. We are on it.";
            let later = at + app::db::hours(3 * resolved);
            engine::act(conn, case, staff, Act::Reply(reply.into()), later).await?;
            let resolve = Act::Resolve {
                resolution: "Talked it through with the team; fixed.".into(),
                goodwill: 0,
                reward_id: None,
                above_cap: true,
            };
            engine::act(conn, case, staff, resolve, later + app::db::hours(20)).await?;
        }
    }
    Ok(())
}
