//! `/console/feedback/setup` (managers and owners): the shop's feedback forms with their public
//! links and QR codes, an editor for one form in all five languages (missing translations
//! flagged), and the rule that opens cases.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_query_map},
};

use super::api::{
    FormEdit, FormTexts, Named, SaveFeedbackSettings, SaveForm, feedback_directory,
    load_feedback_setup,
};
use crate::{
    error::AppError,
    i18n::{language_name_of as language_name, t, t_string, use_i18n},
    ui::{
        Field, FormError, Loading, PageTitle, SavedNotice, SelectField, TextAreaField, error_text,
        error_view, last_error,
    },
};

/// The editor's field names in each language: title, intro, choice question, options.
const FIELDS: [(&str, [&str; 4]); 5] = [
    (
        "en",
        [
            "title_en",
            "intro_en",
            "choice_question_en",
            "choice_options_en",
        ],
    ),
    (
        "sv",
        [
            "title_sv",
            "intro_sv",
            "choice_question_sv",
            "choice_options_sv",
        ],
    ),
    (
        "nb",
        [
            "title_nb",
            "intro_nb",
            "choice_question_nb",
            "choice_options_nb",
        ],
    ),
    (
        "lv",
        [
            "title_lv",
            "intro_lv",
            "choice_question_lv",
            "choice_options_lv",
        ],
    ),
    (
        "pt",
        [
            "title_pt",
            "intro_pt",
            "choice_question_pt",
            "choice_options_pt",
        ],
    ),
];

/// A language's own name (`Svenska`), or the code.
/// `(value, label)` options: `none` first (empty value), then `named`.
pub(super) fn options(none: &str, named: &[Named]) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.to_owned()))
        .chain(named.iter().map(|n| (n.id.to_string(), n.name.clone())))
        .collect()
}

/// The setup page: forms, the editor (`?form=ID`, or a new form), the case rule.
#[component]
pub fn FeedbackSetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let selected = move || query.with(|q| q.get("form").and_then(|f| f.parse::<i64>().ok()));
    let save_form = ServerAction::<SaveForm>::new();
    let save_settings = ServerAction::<SaveFeedbackSettings>::new();
    let setup = Resource::new(
        move || (save_form.version().get(), save_settings.version().get()),
        |_| load_feedback_setup(),
    );
    let directory = Resource::new(|| (), |_| feedback_directory());
    // A form saved for the first time opens in the editor, so the next save edits it.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(f)) = save_form.value().get()
            && query.with_untracked(|q| q.get("form")) != Some(f.id.to_string())
        {
            navigate(
                &format!("/console/feedback/setup?form={}", f.id),
                NavigateOptions::default(),
            );
        }
    });
    view! {
        <PageTitle>{t!(i18n, feedback.setup_title)}</PageTitle>
        <nav class="filters" aria-label=move || t_string!(i18n, feedback.more_label)>
            <A href="/console/feedback" exact=true>{t!(i18n, feedback.inbox_title)}</A>
            <A href="/console/feedback/quality">{t!(i18n, feedback.quality_title)}</A>
        </nav>
        <Transition fallback=Loading>
            {move || {
                let chosen = selected();
                Suspend::new(async move {
                    let d = directory.await.unwrap_or_default();
                    match setup.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(s) => {
                            let editing = chosen.and_then(|id| s.forms.iter().find(|f| f.id == id).cloned());
                            let fallback = s.settings.default_language.clone();
                            view! {
                                <FormsCard forms=s.forms base=s.base_url.clone() />
                                <FormEditor form=editing base=s.base_url locations=d.locations
                                    fallback action=save_form />
                                <super::rules_card::RulesCard settings=s.settings staff=d.staff action=save_settings />
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// The forms, each with its link, the languages it still lacks, and an edit link.
#[component]
fn FormsCard(forms: Vec<FormEdit>, base: String) -> impl IntoView {
    let i18n = use_i18n();
    let rows = forms
        .into_iter()
        .map(|f| view! { <FormRow f base=base.clone() /> })
        .collect_view()
        .into_any();
    let head = view! {
        <tr>
            <th scope="col">{t!(i18n, feedback.form_name)}</th>
            <th scope="col">{t!(i18n, feedback.public_link)}</th>
            <th scope="col">{t!(i18n, feedback.missing_languages)}</th>
            <th scope="col"><span class="visually-hidden">{t!(i18n, feedback.edit_form)}</span></th>
        </tr>
    }
    .into_any();
    let new_link =
        view! { <A href="/console/feedback/setup?form=new">{t!(i18n, feedback.new_form)}</A> }
            .into_any();
    view! {
        <section class="card" aria-labelledby="forms-title">
            <h2 id="forms-title">{t!(i18n, feedback.forms_title)}</h2>
            <div class="table-wrap" tabindex="0" role="group" aria-labelledby="forms-title">
                <table>
                    <thead>{head}</thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p>{new_link}</p>
        </section>
    }
    .into_any()
}

#[component]
fn FormRow(f: FormEdit, base: String) -> impl IntoView {
    let i18n = use_i18n();
    let link = format!("{base}/feedback/{}", f.slug);
    let missing = f
        .missing
        .iter()
        .map(|l| language_name(l))
        .collect::<Vec<_>>()
        .join(", ");
    let missing = if missing.is_empty() {
        t_string!(i18n, feedback.all_languages).to_owned()
    } else {
        missing
    };
    let name = view! {
        {f.name.clone()}
        {(!f.active).then(|| view! { " " <span class="reason">{t!(i18n, feedback.form_closed)}</span> })}
    }
    .into_any();
    let edit = view! { <A href=format!("/console/feedback/setup?form={}", f.id)>{t!(i18n, feedback.edit_form)}</A> }.into_any();
    view! {
        <tr>
            <td class="wrap">{name}</td>
            <td class="wrap"><a href=link.clone()>{link.clone()}</a></td>
            <td class="wrap">{missing}</td>
            <td>{edit}</td>
        </tr>
    }
    .into_any()
}

/// One form's editor (a new one when `form` is `None`).
#[component]
fn FormEditor(
    form: Option<FormEdit>,
    base: String,
    locations: Vec<Named>,
    fallback: String,
    action: ServerAction<SaveForm>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let asks = form.as_ref().map(|f| f.asks);
    let asked =
        move |pick: fn(&super::types::Asks) -> bool, new: bool| asks.as_ref().map_or(new, pick);
    let places = options(t_string!(i18n, feedback.any_location), &locations);
    let place = form
        .as_ref()
        .and_then(|f| f.location_id)
        .map(|l| l.to_string());
    let open = [
        (
            "on".to_owned(),
            t_string!(i18n, feedback.form_open).to_owned(),
        ),
        (
            "off".to_owned(),
            t_string!(i18n, feedback.form_closed).to_owned(),
        ),
    ];
    let active = if form.as_ref().is_none_or(|f| f.active) {
        "on"
    } else {
        "off"
    };
    let heading = form.as_ref().map(|f| f.name.clone());
    let asks_fields = view! {
        <fieldset>
            <legend>{t!(i18n, feedback.asks_legend)}</legend>
            <Ask name="ask_nps" checked=asked(|a| a.nps, true)>{t!(i18n, feedback.ask_nps)}</Ask>
            <Ask name="ask_csat" checked=asked(|a| a.csat, false)>{t!(i18n, feedback.ask_csat)}</Ask>
            <Ask name="ask_text" checked=asked(|a| a.text, true)>{t!(i18n, feedback.ask_text)}</Ask>
            <Ask name="ask_category" checked=asked(|a| a.category, true)>{t!(i18n, feedback.ask_category)}</Ask>
            {move || error.get().and_then(|e| e.field_message("ask_nps")).map(|m| view! { <p class="field-error">{error_text(m)}</p> })}
        </fieldset>
    }
    .into_any();
    let qr = form.as_ref().filter(|f| f.active).map(|f| {
        let link = format!("{base}/feedback/{}", f.slug);
        let image = format!("/qr/feedback/{}.svg", f.slug);
        view! {
            <div class="form-link">
                <img src=image.clone() width="120" height="120" alt=move || t_string!(i18n, feedback.qr_alt) />
                <p>
                    {t!(i18n, feedback.qr_hint)} <br />
                    <a href=link.clone()>{link.clone()}</a> <br />
                    <a href=image download="">{t!(i18n, feedback.qr_download)}</a> <br />
                    <a href=format!("/print/feedback/{}", f.slug)>{t!(i18n, social.print_link)}</a>
                </p>
            </div>
        }
        .into_any()
    });
    let languages = FIELDS
        .into_iter()
        .map(|(lang, names)| {
            let texts = form
                .as_ref()
                .and_then(|f| f.texts.iter().find(|t| t.language == lang).cloned());
            let missing = form
                .as_ref()
                .is_some_and(|f| f.missing.iter().any(|m| m == lang));
            view! { <LanguageFields lang names texts missing fallback=fallback.clone() error /> }
        })
        .collect_view()
        .into_any();
    view! {
        <section class="card" aria-labelledby="form-editor-title">
            <h2 id="form-editor-title">
                {match heading {
                    Some(name) => t_string!(i18n, feedback.editing).replace("{name}", &name),
                    None => t_string!(i18n, feedback.new_form).to_owned(),
                }}
            </h2>
            {qr}
            <ActionForm action attr:novalidate=true attr:class="stack form-editor">
                <FormError error />
                {form.as_ref().map(|f| view! { <input type="hidden" name="form_id" value=f.id /> })}
                <Field name="name" id="form-name" value=form.as_ref().map(|f| f.name.clone()).unwrap_or_default() error
                    hint=ViewFn::from(move || t!(i18n, feedback.form_name_hint))>{t!(i18n, feedback.form_name)}</Field>
                {asks_fields}
                <SelectField name="location_id" id="form-location" options=places selected=place.unwrap_or_default() error>
                    {t!(i18n, feedback.location_label)}
                </SelectField>
                <SelectField name="active" id="form-active" options=open.to_vec() selected=active.to_owned() error>
                    {t!(i18n, feedback.form_state)}
                </SelectField>
                <div class="languages">{languages}</div>
                <button type="submit" class="button primary">{t!(i18n, feedback.save_form)}</button>
                <SavedNotice action>{t!(i18n, common.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// A checkbox for one thing the form asks.
#[component]
fn Ask(name: &'static str, checked: bool, children: Children) -> impl IntoView {
    view! {
        <div class="check">
            <input type="checkbox" id=name name=name value="on" checked=checked />
            <label for=name>{children()}</label>
        </div>
    }
}

/// One language's texts; a missing translation says which language shows instead.
#[component]
fn LanguageFields(
    lang: &'static str,
    names: [&'static str; 4],
    texts: Option<FormTexts>,
    missing: bool,
    fallback: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = texts.unwrap_or_else(|| FormTexts {
        language: lang.to_owned(),
        title: String::new(),
        intro: String::new(),
        choice_question: String::new(),
        choice_options: Vec::new(),
    });
    let notice = t_string!(i18n, feedback.missing_notice)
        .replace("{language}", language_name(lang))
        .replace("{fallback}", language_name(&fallback));
    view! {
        <fieldset class="language" class:missing=missing>
            <legend>{language_name(lang)}</legend>
            {missing.then(|| view! { <p class="missing-note">{notice}</p> })}
            <Field name=names[0] id=names[0] value=t.title error>{t!(i18n, feedback.form_title)}</Field>
            <TextAreaField name=names[1] id=names[1] value=t.intro rows=2 error>{t!(i18n, feedback.form_intro)}</TextAreaField>
            <Field name=names[2] id=names[2] value=t.choice_question error>{t!(i18n, feedback.choice_question)}</Field>
            <TextAreaField name=names[3] id=names[3] value=t.choice_options.join("\n") rows=4 error
                hint=ViewFn::from(move || t!(i18n, feedback.choice_options_hint))>{t!(i18n, feedback.choice_options)}</TextAreaField>
        </fieldset>
    }
    .into_any()
}
