//! The text-message parts of the campaign page: the counter under each body (live while
//! staff type, with the opt-out line included) and the preview of a text.

use leptos::prelude::*;

use super::sms::{Encoding, count};
use crate::i18n::{Locale, parse_locale, t_string, td_string, use_i18n};

/// The opt-out line added to every marketing text in `language`.
pub fn stop_line(language: &str) -> &'static str {
    td_string!(
        parse_locale(language).unwrap_or(Locale::en),
        campaigns.sms_stop_line
    )
}

/// What `text` costs as a text message: characters, parts, what is left, and why it is
/// Unicode when it is.
#[component]
pub fn SmsCounter(
    /// The text as it will go.
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = Memo::new(move |_| text.with(|t| count(t)));
    let summary = move || {
        c.with(|c| {
            t_string!(i18n, campaigns.sms_counter)
                .replace("{units}", &c.units.to_string())
                .replace("{parts}", &c.parts.to_string())
                .replace("{left}", &c.left.to_string())
        })
    };
    let why = move || {
        c.with(|c| match c.encoding {
            Encoding::Gsm7 => t_string!(i18n, campaigns.sms_gsm).to_owned(),
            Encoding::Ucs2 => {
                let chars = c
                    .wide
                    .iter()
                    .map(|w| format!("“{w}”"))
                    .collect::<Vec<_>>()
                    .join(" ");
                t_string!(i18n, campaigns.sms_unicode).replace("{chars}", &chars)
            }
        })
    };
    view! {
        <div class="sms-counter" aria-live="polite">
            <p><strong>{summary}</strong></p>
            <p class="hint">{why}</p>
        </div>
    }
}

/// A message body as the member's phone shows it: the text, and the opt-out line.
pub fn with_stop_line(body: &str, language: &str) -> String {
    format!("{}\n{}", body.trim(), stop_line(language))
}

/// A rendered text as the phone shows it, with its cost.
#[component]
pub fn SmsPreview(text: String, language: String) -> impl IntoView {
    let shown = text.clone();
    view! {
        <div class="sms-preview" lang=language>
            <p class="sms-bubble">{shown}</p>
            <SmsCounter text=Signal::stored(text) />
        </div>
    }
}
