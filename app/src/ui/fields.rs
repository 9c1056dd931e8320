//! Labelled form fields: an input, a textarea and a select, each with its hint under the label
//! and its error below, tied to the control by `aria-describedby`.

use leptos::prelude::*;

use super::error_text;
use crate::error::{AppError, Msg};

/// The `aria-describedby` of a field with id `id`: its hint (`{id}-hint`, if it has one) and
/// its error (`{id}-error`, while one is shown).
fn described_by<F: Fn() -> bool + Send + Sync + 'static>(
    id: &str,
    has_hint: bool,
    error_shown: F,
) -> impl Fn() -> Option<String> + Send + Sync + 'static + use<F> {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    move || {
        let ids: Vec<&str> = [
            has_hint.then_some(hint_id.as_str()),
            error_shown().then_some(error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled input with its error below it. The label is the children.
///
/// Errors appear when the form is submitted (the server's verdict, `error`). Once a field shows
/// one, editing it re-runs `check` — the server's own parser — on every keystroke, so the
/// message updates or disappears at once. Errors never appear on blur: that would move the
/// submit button under the pointer and swallow the click.
#[component]
pub fn Field(
    /// The form field name.
    name: &'static str,
    /// The input's id, when the page has two fields of the same name (default: the name).
    #[prop(optional, into)]
    id: Option<String>,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// The autocomplete hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// The last server error for the form this field is in.
    error: Signal<Option<AppError>>,
    /// A browser-side check with the server's rules.
    #[prop(optional)]
    check: Option<fn(&str) -> Option<Msg>>,
    /// A hint shown under the label.
    #[prop(optional, into)]
    hint: Option<ViewFn>,
    /// The initial value.
    #[prop(optional, into)]
    value: Option<String>,
    /// Focus this field when the page loads (the browser does it, with or without WASM).
    #[prop(optional)]
    autofocus: bool,
    /// The label.
    children: Children,
) -> impl IntoView {
    let local = RwSignal::new(None::<Msg>);
    let edited = RwSignal::new(false);
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    let shown = Signal::derive(move || {
        if edited.get() {
            local.get()
        } else {
            error.get().and_then(|e| e.field_message(name))
        }
    });
    let on_input = move |ev: leptos::ev::Event| {
        if edited.get_untracked() || shown.get_untracked().is_some() {
            local.set(check.and_then(|c| c(&event_target_value(&ev))));
            edited.set(true);
        }
    };
    let id = id.unwrap_or_else(|| name.to_owned());
    let (error_id, hint_id) = (format!("{id}-error"), format!("{id}-hint"));
    let described = described_by(&id, hint.is_some(), move || shown.get().is_some());
    let label_for = id.clone();
    view! {
        <div class="field">
            <label for=label_for>{children()}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h.run()}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                autofocus=autofocus
                aria-invalid=move || shown.get().is_some().then_some("true")
                aria-describedby=described
                on:input=on_input
            />
            {move || {
                shown.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{error_text(m)}</p> })
            }}
        </div>
    }
}

/// A labelled `<textarea>` with its hint and error below it. The label is the children.
#[component]
pub fn TextAreaField(
    /// The form field name.
    name: &'static str,
    /// The textarea's id.
    #[prop(into)]
    id: String,
    /// The initial text.
    #[prop(optional, into)]
    value: Option<String>,
    /// A hint shown under the label.
    #[prop(optional, into)]
    hint: Option<ViewFn>,
    /// Visible lines.
    #[prop(default = 3)]
    rows: u32,
    /// The last server error for the form this field is in.
    error: Signal<Option<AppError>>,
    /// The label.
    children: Children,
) -> impl IntoView {
    let shown = move || error.get().and_then(|e| e.field_message(name));
    let (error_id, hint_id) = (format!("{id}-error"), format!("{id}-hint"));
    let described = described_by(&id, hint.is_some(), move || shown().is_some());
    let label_for = id.clone();
    view! {
        <div class="field">
            <label for=label_for>{children()}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h.run()}</p> })}
            <textarea id=id name=name rows=rows aria-invalid=move || shown().map(|_| "true") aria-describedby=described>
                {value.unwrap_or_default()}
            </textarea>
            {move || shown().map(|m| view! { <p class="field-error" id=error_id.clone()>{error_text(m)}</p> })}
        </div>
    }
}

/// A labelled `<select>` with its hint and error below it. `options` are `(value, label)`.
#[component]
pub fn SelectField(
    /// The form field name.
    name: &'static str,
    /// The select's id.
    id: &'static str,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    /// The value selected at first.
    #[prop(optional, into)]
    selected: Option<String>,
    /// A hint shown under the label.
    #[prop(optional, into)]
    hint: Option<ViewFn>,
    /// The last server error for the form this field is in.
    error: Signal<Option<AppError>>,
    /// The label.
    children: Children,
) -> impl IntoView {
    let shown = move || error.get().and_then(|e| e.field_message(name));
    let (error_id, hint_id) = (format!("{id}-error"), format!("{id}-hint"));
    let described = described_by(id, hint.is_some(), move || shown().is_some());
    view! {
        <div class="field">
            <label for=id>{children()}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h.run()}</p> })}
            <select id=id name=name aria-invalid=move || shown().map(|_| "true") aria-describedby=described>
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        let sel = selected.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=sel>{label}</option> }
                    })
                    .collect_view()}
            </select>
            {move || shown().map(|m| view! { <p class="field-error" id=error_id.clone()>{error_text(m)}</p> })}
        </div>
    }
}
