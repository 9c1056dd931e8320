//! `/console/programs/texts`: every member-facing name and description in each language, with
//! the missing ones flagged the way feedback forms flag them.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::A;

use super::{ItemTexts, Kind, SaveTexts, field_names, program_texts};
use crate::{
    i18n::{LANGUAGES, language_name_of as language_name, t, t_string, use_i18n},
    ui::{
        Field, FormError, Loading, PageTitle, SavedNotice, TextAreaField, error_view, last_error,
    },
};

/// The page.
#[component]
pub fn TextsPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveTexts>::new();
    // The item forms share one action; what it answers shows in the one sent.
    let sent = RwSignal::new(String::new());
    let texts = Resource::new(move || action.version().get(), |_| program_texts());
    view! {
        <PageTitle>{t!(i18n, texts.title)}</PageTitle>
        <p class="lede">{t!(i18n, texts.lede)}</p>
        <p><A href="/console/programs">{t!(i18n, texts.back)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match texts.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(all) => {
                        let default = all.default_language.clone();
                        Kind::ALL
                            .into_iter()
                            .map(|kind| {
                                let items: Vec<ItemTexts> = all.items.iter().filter(|i| i.kind == kind).cloned().collect();
                                let default = default.clone();
                                view! { <KindSection kind items default action sent /> }
                            })
                            .collect_view()
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn KindSection(
    kind: Kind,
    items: Vec<ItemTexts>,
    default: String,
    action: ServerAction<SaveTexts>,
    sent: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = match kind {
        Kind::Offer => t_string!(i18n, texts.offers),
        Kind::Reward => t_string!(i18n, texts.rewards),
        Kind::Tier => t_string!(i18n, texts.tiers),
        Kind::PunchCard => t_string!(i18n, texts.punch_cards),
    };
    let id = format!("texts-{}", kind.as_str());
    let labelled_by = id.clone();
    view! {
        <section class="card texts" aria-labelledby=labelled_by>
            <h2 id=id>{title}</h2>
            {if items.is_empty() {
                view! { <p class="hint">{t!(i18n, texts.none)}</p> }.into_any()
            } else {
                items.into_iter().map(|item| {
                    let default = default.clone();
                    view! { <ItemEditor item default action sent /> }
                }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn ItemEditor(
    item: ItemTexts,
    default: String,
    action: ServerAction<SaveTexts>,
    sent: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = format!("{}-{}", item.kind.as_str(), item.id);
    let mine = {
        let me = me.clone();
        Signal::derive(move || sent.with(|s| *s == me))
    };
    let any_error = last_error(action);
    let error = Signal::derive(move || any_error.get().filter(|_| mine.get()));
    let missing = item
        .missing
        .iter()
        .map(|l| language_name(l))
        .collect::<Vec<_>>()
        .join(", ");
    let key = format!("{}-{}", item.kind.as_str(), item.id);
    let languages = LANGUAGES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| *code != default)
        .map(|code| {
            let text = item.translations.iter().find(|t| t.language == code).cloned();
            let (name_field, description_field) = field_names(code);
            let notice = t_string!(i18n, feedback.missing_notice)
                .replace("{language}", language_name(code))
                .replace("{fallback}", language_name(&default));
            let (name, description) = text.map(|t| (t.name, t.description)).unwrap_or_default();
            let is_missing = name.is_empty();
            view! {
                <fieldset class="language" class:missing=is_missing lang=code>
                    <legend>{language_name(code)}</legend>
                    {is_missing.then(|| view! { <p class="missing-note">{notice}</p> })}
                    <Field name=name_field id=format!("{key}-{name_field}") value=name error>
                        {t!(i18n, texts.name)}
                    </Field>
                    {item.kind.described().then(|| view! {
                        <TextAreaField name=description_field id=format!("{key}-{description_field}") value=description rows=2 error>
                            {t!(i18n, texts.description)}
                        </TextAreaField>
                    })}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <details class="item-texts">
            <summary>
                <strong>{item.name.clone()}</strong>
                {(!item.missing.is_empty()).then(|| view! {
                    " " <span class="missing-badge">{t!(i18n, feedback.missing_languages)} ": " {missing.clone()}</span>
                })}
            </summary>
            <p class="hint">{language_name(&default)} ": " {item.name.clone()}
                {(!item.description.is_empty()).then(|| format!(" — {}", item.description))}</p>
            <ActionForm action attr:novalidate=true attr:class="stack" on:submit=move |_| sent.set(me.clone())>
                <FormError error />
                <input type="hidden" name="kind" value=item.kind.as_str() />
                <input type="hidden" name="item_id" value=item.id />
                <div class="languages">{languages}</div>
                <button type="submit" class="button primary">{t!(i18n, common.save)}</button>
                <SavedNotice action mine>{t!(i18n, common.saved)}</SavedNotice>
            </ActionForm>
        </details>
    }
}
