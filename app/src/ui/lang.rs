//! The language switcher in the top bar. Without WASM it is a form with a button; once
//! hydrated, choosing a language switches at once (and the button hides). On the pages served
//! without the WASM, `/plain.js` does the same for selects marked `data-submit-on-change`.

use leptos::{form::ActionForm, prelude::*};

use crate::{
    accounts::SetLanguage,
    i18n::LocaleExt as _,
    i18n::{LANGUAGES, parse_locale, t, use_i18n},
};

/// A select of the five languages that posts to `set_language`.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLanguage>::new();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    Effect::new(move |_| {
        if let Some(Ok(code)) = action.value().get()
            && let Some(locale) = parse_locale(&code)
        {
            i18n.set_locale(locale);
        }
    });
    let on_change = move |ev: leptos::ev::Event| {
        action.dispatch(SetLanguage {
            language: event_target_value(&ev),
        });
    };
    view! {
        <ActionForm action=action attr:class="lang-switcher">
            <label for="language-select" class="visually-hidden">{t!(i18n, nav.language)}</label>
            <select id="language-select" name="language" data-submit-on-change="" on:change=on_change>
                {LANGUAGES
                    .into_iter()
                    .map(|(code, label)| {
                        view! {
                            <option value=code lang=code selected=move || i18n.get_locale().as_str() == code>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button small" class:visually-hidden=move || hydrated.get()>
                {t!(i18n, nav.change_language)}
            </button>
        </ActionForm>
    }
}

/// A form's language field (`language`): the five languages, each named in itself, with
/// `selected` chosen (default: the page's language).
#[component]
pub fn LanguageField(
    /// The language chosen at first.
    #[prop(optional)]
    selected: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = move || selected.unwrap_or_else(|| i18n.get_locale().as_str());
    view! {
        <div class="field">
            <label for="language">{t!(i18n, account.language)}</label>
            <select id="language" name="language">
                {LANGUAGES
                    .into_iter()
                    .map(|(code, label)| view! {
                        <option value=code lang=code selected=move || chosen() == code>{label}</option>
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
