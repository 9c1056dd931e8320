//! The win-back journey's steps: a second message a week after the first to members who
//! clicked nothing in it, and a tag a week after that (the journey stays off: the owner
//! decides).

use app::{
    db::Stamp,
    journeys::{
        Trigger,
        steps::{Action, Condition, StepSettings},
    },
};

use super::DemoError;

/// The second message: language, subject, text.
const SECOND: [(&str, &str, &str); 5] = [
    (
        "en",
        "Still there, {{ preferred_name }}?",
        "Your {{ points }} points are still here at {{ shop }}. See what they buy: {{ portal_url }}",
    ),
    (
        "sv",
        "Finns du kvar, {{ preferred_name }}?",
        "Dina {{ points }} poäng väntar fortfarande hos {{ shop }}. Se vad de räcker till: {{ portal_url }}",
    ),
    (
        "nb",
        "Er du der fortsatt, {{ preferred_name }}?",
        "De {{ points }} poengene dine venter fortsatt hos {{ shop }}. Se hva de rekker til: {{ portal_url }}",
    ),
    (
        "lv",
        "Vai tu vēl esi šeit, {{ preferred_name }}?",
        "Tavi {{ points }} punkti joprojām gaida {{ shop }}. Apskati, ko ar tiem var iegūt: {{ portal_url }}",
    ),
    (
        "pt",
        "Ainda está aí, {{ preferred_name }}?",
        "Seus {{ points }} pontos continuam esperando na {{ shop }}. Veja o que eles compram: {{ portal_url }}",
    ),
];

/// Adds the win-back journey's two steps and the second message's texts.
pub(super) async fn load(conn: &mut sqlx::SqliteConnection, at: Stamp) -> Result<(), DemoError> {
    let second = StepSettings {
        wait_days: 7,
        condition: Condition::NotClicked,
        action: Action::Send,
    };
    app::journeys::db::save_step(conn, Trigger::WinBack, None, &second, at).await?;
    let tag = StepSettings {
        wait_days: 7,
        condition: Condition::Always,
        action: Action::Tag("lapsed".into()),
    };
    app::journeys::db::save_step(conn, Trigger::WinBack, None, &tag, at).await?;
    let (step, _) = app::journeys::db::step(conn, Trigger::WinBack, 1).await?;
    super::journeys::save_messages(conn, step.campaign_id, &SECOND, at).await
}
