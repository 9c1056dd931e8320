//! `/console/segments` (the segment editor with its live count and sample) and
//! `/console/campaigns` (the list and a new draft). One campaign's page is `campaign_page.rs`.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    CreateCampaign, Preview, RuleForm, SaveSegment, SegmentEditor, Status, campaigns, load_segments,
};
use crate::{
    i18n::{LANGUAGES, LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, SelectField, error_view, last_error},
};

pub use super::campaign_page::CampaignPage;

/// A status in words.
pub fn status_text(status: Status) -> String {
    let i18n = use_i18n();
    match status {
        Status::Draft => t_string!(i18n, campaigns.status_draft),
        Status::Scheduled => t_string!(i18n, campaigns.status_scheduled),
        Status::Sending => t_string!(i18n, campaigns.status_sending),
        Status::Paused => t_string!(i18n, campaigns.status_paused),
        Status::Cancelled => t_string!(i18n, campaigns.status_cancelled),
        Status::Finished => t_string!(i18n, campaigns.status_finished),
    }
    .to_owned()
}

/// The segment editor.
#[component]
pub fn SegmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveSegment>::new();
    // Live counts: an action of the page's, so reloading the editor after a save does not
    // drop one on the way.
    let live = ServerAction::<SaveSegment>::new();
    let editor = Resource::new(move || action.version().get(), |_| load_segments());
    let editing =
        use_query_map().with_untracked(|q| q.get("id").and_then(|v| v.parse::<i64>().ok()));
    view! {
        <PageTitle>{t!(i18n, campaigns.segments_title)}</PageTitle>
        <p class="lede">{t!(i18n, campaigns.segments_lede)}</p>
        <p><A href="/console/campaigns">{t!(i18n, campaigns.to_campaigns)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match editor.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(ed) => view! { <SegmentForm ed editing action live /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SegmentForm(
    ed: SegmentEditor,
    editing: Option<i64>,
    action: ServerAction<SaveSegment>,
    live: ServerAction<SaveSegment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let current = editing.and_then(|id| ed.segments.iter().find(|s| s.id == id).cloned());
    let form = current
        .as_ref()
        .map(|s| RuleForm::from_rules(&s.rules))
        .unwrap_or_default();
    let name = current.as_ref().map(|s| s.name.clone());
    let match_all = current.as_ref().is_none_or(|s| s.match_all);
    let any = t_string!(i18n, campaigns.any).to_owned();
    let mut tiers = vec![
        (String::new(), any.clone()),
        (
            "none".to_owned(),
            t_string!(i18n, campaigns.no_tier).to_owned(),
        ),
    ];
    tiers.extend(ed.tiers.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let mut locations = vec![(String::new(), any.clone())];
    locations.extend(
        ed.locations
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone())),
    );
    let mut languages = vec![(String::new(), any.clone())];
    languages.extend(
        LANGUAGES
            .iter()
            .map(|(c, n)| ((*c).to_owned(), (*n).to_owned())),
    );
    let mut months = vec![(String::new(), any.clone())];
    months.extend((1..=12).map(|m| (m.to_string(), format!("{m:02}"))));
    let nps = vec![
        (String::new(), any.clone()),
        (
            "promoter".to_owned(),
            t_string!(i18n, campaigns.nps_promoter).to_owned(),
        ),
        (
            "passive".to_owned(),
            t_string!(i18n, campaigns.nps_passive).to_owned(),
        ),
        (
            "detractor".to_owned(),
            t_string!(i18n, campaigns.nps_detractor).to_owned(),
        ),
    ];
    let mut rfm = vec![(String::new(), any.clone())];
    rfm.extend(crate::analytics::rfm::Group::ALL.map(|g| {
        (
            g.as_str().to_owned(),
            crate::analytics::group_name(i18n, g).to_owned(),
        )
    }));
    let consent = vec![
        (String::new(), any),
        (
            "email".to_owned(),
            t_string!(i18n, campaigns.channel_email).to_owned(),
        ),
        (
            "sms".to_owned(),
            t_string!(i18n, campaigns.channel_sms).to_owned(),
        ),
    ];
    let saved_list = ed.segments.clone();
    // Built apart (as an `AnyView`) so the form's view type stays shallow enough to compile.
    let grid = view! {
                <div class="rule-grid">
            <SelectField name="tier" id="rule-tier" options=tiers selected=form.tier.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_tier)}</SelectField>
            <Field name="inactive_days" kind="number" error value=form.inactive_days.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_inactive)}</Field>
            <Field name="active_days" kind="number" error value=form.active_days.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_active)}</Field>
            <Field name="joined_from" kind="date" error value=form.joined_from.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_joined_from)}</Field>
            <Field name="joined_before" kind="date" error value=form.joined_before.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_joined_before)}</Field>
            <Field name="purchases_min" kind="number" error value=form.purchases_min.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_purchases)}</Field>
            <Field name="purchases_days" kind="number" error value=form.purchases_days.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_in_days)}</Field>
            <Field name="spend_min" error value=form.spend_min.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_spend)}</Field>
            <Field name="spend_days" kind="number" error value=form.spend_days.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_in_days)}</Field>
            <Field name="balance_min" kind="number" error value=form.balance_min.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_balance_min)}</Field>
            <Field name="balance_below" kind="number" error value=form.balance_below.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_balance_below)}</Field>
            <Field name="expiring_days" kind="number" error value=form.expiring_days.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_expiring)}</Field>
            <SelectField name="nps" id="rule-nps" options=nps selected=form.nps.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_nps)}</SelectField>
            <SelectField name="rfm" id="rule-rfm" options=rfm selected=form.rfm.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_rfm)}</SelectField>
            <SelectField name="location" id="rule-location" options=locations selected=form.location.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_location)}</SelectField>
            <SelectField name="language" id="rule-language" options=languages selected=form.language.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_language)}</SelectField>
            <SelectField name="birthday_month" id="rule-birthday" options=months selected=form.birthday_month.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_birthday)}</SelectField>
            <Field name="tag" error value=form.tag.clone().unwrap_or_default()>{t!(i18n, campaigns.rule_tag)}</Field>
            <SelectField name="consent" id="rule-consent" options=consent selected=form.consent.clone().unwrap_or_default() error>{t!(i18n, campaigns.rule_consent)}</SelectField>
        </div>
        <label class="check"><input type="checkbox" name="unused_reward" value="on" checked=form.unused_reward.is_some() />" " {t!(i18n, campaigns.rule_unused_reward)}</label>
        <label class="check"><input type="checkbox" name="unused_coupon" value="on" checked=form.unused_coupon.is_some() />" " {t!(i18n, campaigns.rule_unused_coupon)}</label>
    }
    .into_any();
    let saved = view! {
        <section class="card" aria-labelledby="segments-saved">
            <h2 id="segments-saved">{t!(i18n, campaigns.saved_segments)}</h2>
            {if saved_list.is_empty() {
                view! { <p class="hint">{t!(i18n, campaigns.no_segments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {saved_list.into_iter().map(|s| view! {
                            <li><a href=format!("/console/segments?id={}", s.id) rel="external">{s.name}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any();
    // The count follows the rules as they change (a moment after the last change), through
    // an action of its own so the editor is not reloaded; the buttons work without it.
    let on_change = move |ev: leptos::ev::Event| live_count(&ev, live);
    // Whichever answered last shows.
    let shown = RwSignal::new(None::<Preview>);
    for from in [live, action] {
        Effect::new(move |_| {
            if let Some(Ok(answer)) = from.value().get() {
                shown.set(Some(answer.preview));
            }
        });
    }
    view! {
        <section class="card" aria-labelledby="segment-edit">
            <h2 id="segment-edit">
                {name.clone().unwrap_or_else(|| t_string!(i18n, campaigns.new_segment).to_owned())}
            </h2>
            <div on:input=on_change on:change=on_change>
            <ActionForm action attr:novalidate=true attr:class="stack segment-form">
                <FormError error />
                {editing.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <Field name="name" error value=name.clone().unwrap_or_default()>{t!(i18n, campaigns.segment_name)}</Field>
                <fieldset class="choice">
                    <legend>{t!(i18n, campaigns.combine)}</legend>
                    <label><input type="radio" name="match_all" value="all" checked=match_all />" " {t!(i18n, campaigns.match_all)}</label>
                    <label><input type="radio" name="match_all" value="any" checked=!match_all />" " {t!(i18n, campaigns.match_any)}</label>
                </fieldset>
                {grid}
                // The count in view while the rules further up change (phones); the status
                // region below says it to screen readers.
                {move || shown.get().map(|p| {
                    let count = p.count;
                    view! {
                        <p class="live-count" aria-hidden="true">
                            {move || t!(i18n, campaigns.members_match, count = move || format::number(i18n.get_locale().as_str(), count))}
                        </p>
                    }
                })}
                <div class="actions">
                    <button type="submit" name="intent" value="count" class="button">{t!(i18n, campaigns.count)}</button>
                    <button type="submit" name="intent" value="save" class="button primary">{t!(i18n, campaigns.save_segment)}</button>
                </div>
            </ActionForm>
            </div>
            {move || action.value().get().and_then(Result::ok).and_then(|saved| saved.id).map(|_| view! {
                <p class="notice" role="status">{t!(i18n, common.saved)}</p>
            })}
            {move || shown.get().map(|preview| view! { <PreviewView preview /> }.into_any())}
        </section>
        {saved}
    }
}

/// Counts the rules in the form around `ev`'s target half a second after the last change.
fn live_count(ev: &leptos::ev::Event, live: ServerAction<SaveSegment>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{form::FromFormData as _, wasm_bindgen::JsCast as _, web_sys};
        thread_local! {
            static TIMER: std::cell::Cell<Option<leptos::prelude::TimeoutHandle>> =
                const { std::cell::Cell::new(None) };
        }
        let Some(form) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|div| div.query_selector("form").ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        if let Some(old) = TIMER.with(std::cell::Cell::take) {
            old.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // Gone meanwhile (a save re-rendered the editor, or another page is open).
                if !form.is_connected() {
                    return;
                }
                let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                    return;
                };
                let _ = data.set_with_str("intent", "count");
                if let Ok(args) = SaveSegment::from_form_data(&data) {
                    live.dispatch(args);
                }
            },
            std::time::Duration::from_millis(500),
        );
        TIMER.with(|t| t.set(handle.ok()));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, live);
}

/// A segment's count and sample.
#[component]
fn PreviewView(preview: Preview) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let (count, reachable) = (preview.count, preview.email_reachable);
    view! {
        <div class="segment-preview" role="status">
            <p class="big-number">{move || t!(i18n, campaigns.members_match, count = move || format::number(locale(), count))}</p>
            <p class="hint">{move || t!(i18n, campaigns.email_reachable, count = move || format::number(locale(), reachable))}</p>
            {(!preview.sample.is_empty()).then(|| view! {
                <table class="table">
                    <caption>{t!(i18n, campaigns.sample)}</caption>
                    <thead><tr><th scope="col">{t!(i18n, campaigns.col_name)}</th><th scope="col">{t!(i18n, campaigns.col_email)}</th><th scope="col">{t!(i18n, campaigns.rule_language)}</th></tr></thead>
                    <tbody>
                        {preview.sample.into_iter().map(|m| view! {
                            <tr><td><A href=format!("/console/members/{}", m.id)>{m.name}</A></td><td>{m.email}</td><td>{crate::i18n::language_name_of(&m.language)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
}

/// The campaigns and a form for a new one.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCampaign>::new();
    let error = last_error(create);
    let list = Resource::new(move || create.version().get(), |_| campaigns());
    let editor = Resource::new(|| (), |_| load_segments());
    let channels = vec![
        (
            "email".to_owned(),
            t_string!(i18n, campaigns.channel_email).to_owned(),
        ),
        (
            "sms".to_owned(),
            t_string!(i18n, campaigns.channel_sms).to_owned(),
        ),
    ];
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/console/campaigns/{id}"), Default::default());
        }
    });
    view! {
        <PageTitle>{t!(i18n, campaigns.title)}</PageTitle>
        <p class="lede">{t!(i18n, campaigns.lede)}</p>
        <p><A href="/console/segments">{t!(i18n, campaigns.to_segments)}</A></p>
        <section class="card" aria-labelledby="campaign-new">
            <h2 id="campaign-new">{t!(i18n, campaigns.new_campaign)}</h2>
            <ActionForm action=create attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field name="name" error>{t!(i18n, campaigns.campaign_name)}</Field>
                <SelectField name="channel" id="new-channel" options=channels error>{t!(i18n, campaigns.channel)}</SelectField>
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        let segments = editor.await.map(|e| e.segments).unwrap_or_default();
                        let mut options = vec![(String::new(), t_string!(i18n, campaigns.choose_later).to_owned())];
                        options.extend(segments.into_iter().map(|s| (s.id.to_string(), s.name)));
                        view! { <SelectField name="segment_id" id="new-segment" options error>{t!(i18n, campaigns.segment)}</SelectField> }
                    })}
                </Transition>
                <button type="submit" class="button primary">{t!(i18n, campaigns.create)}</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="campaign-list">
            <h2 id="campaign-list">{t!(i18n, campaigns.all)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="hint">{t!(i18n, campaigns.none)}</p> }.into_any(),
                        Ok(items) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, campaigns.campaign_name)}</th>
                                    <th scope="col">{t!(i18n, campaigns.status)}</th>
                                    <th scope="col">{t!(i18n, campaigns.sent)}</th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|c| view! {
                                        <tr>
                                            <td><A href=format!("/console/campaigns/{}", c.id)>{c.name}</A></td>
                                            <td>{status_text(c.status)}</td>
                                            <td>{format!("{} / {}", c.progress.sent, c.progress.total())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
