//! A journey's steps after its first message: the table on the journey's page (what each
//! step does and did, a form to add one, removing the last), and
//! `/console/journeys/:trigger/steps/:position` — one step's settings, what it did, and its
//! messages per language with a preview and a test send.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    Journey, RemoveStep, SaveStep, Trigger, get_step,
    page::name,
    steps::{Action, Condition, MAX_STEPS, Step},
};
use crate::{
    campaigns::{Channel, MessagesSection, PreviewSection, ResultsView, SaveMessage},
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, SavedNotice, SelectField, error_view, last_error},
};

fn condition_name(c: Condition) -> &'static str {
    let i18n = use_i18n();
    match c {
        Condition::Always => t_string!(i18n, journeys.cond_always),
        Condition::NoPurchase => t_string!(i18n, journeys.cond_no_purchase),
        Condition::NotClicked => t_string!(i18n, journeys.cond_not_clicked),
        Condition::Clicked => t_string!(i18n, journeys.cond_clicked),
        Condition::NotOpened => t_string!(i18n, journeys.cond_not_opened),
        Condition::Opened => t_string!(i18n, journeys.cond_opened),
    }
}

fn action_words(a: &Action) -> String {
    let i18n = use_i18n();
    match a {
        Action::Send => t_string!(i18n, journeys.action_send).to_owned(),
        Action::Tag(tag) => format!("{} “{tag}”", t_string!(i18n, journeys.action_tag)),
    }
}

/// A select's options: `(value, label)`.
type Options = Vec<(String, String)>;

/// The form's conditions and actions.
fn choices() -> (Options, Options) {
    let i18n = use_i18n();
    let conditions = Condition::ALL
        .into_iter()
        .map(|c| (c.as_str().to_owned(), condition_name(c).to_owned()))
        .collect();
    let actions = vec![
        (
            "send".to_owned(),
            t_string!(i18n, journeys.action_send).to_owned(),
        ),
        (
            "tag".to_owned(),
            t_string!(i18n, journeys.action_tag).to_owned(),
        ),
    ];
    (conditions, actions)
}

fn step_title(n: i64) -> String {
    let i18n = use_i18n();
    t_string!(i18n, journeys.step_n).replace("{n}", &(n + 1).to_string())
}

/// The steps on a journey's page.
#[component]
pub(super) fn StepsSection(
    j: Journey,
    save: ServerAction<SaveStep>,
    remove: ServerAction<RemoveStep>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked().as_str();
    let n = move |v: i64| format::number(l, v);
    let Journey {
        trigger,
        steps,
        results: first,
        currency,
        ..
    } = j;
    let trigger = trigger.as_str();
    let error = last_error(save);
    let remove_error = last_error(remove);
    let full = steps.len() as i64 >= MAX_STEPS;
    let has_steps = !steps.is_empty();
    let money = move |v: i64| format::money(l, v, currency);
    let rows = steps.into_iter().map(|s: Step| {
        let r = s.results;
        let does = action_words(&s.settings.action);
        let waits = t_string!(i18n, journeys.after_days).replace("{days}", &s.settings.wait_days.to_string());
        view! {
            <tr>
                <th scope="row">
                    <A href=format!("/console/journeys/{trigger}/steps/{}", s.position)>{step_title(s.position)}</A>
                    {(!s.ready && s.settings.action == Action::Send).then(|| view! { " " <span class="missing-badge">{t!(i18n, journeys.not_ready)}</span> })}
                    <span class="step-does">{waits} ", " {condition_name(s.settings.condition)} ": " {does}</span>
                </th>
                <td>{n(r.entered)}</td>
                <td>{n(s.stopped)}</td>
                <td>{n(r.left)}</td>
                <td>{n(r.sent)}{(s.tagged > 0).then(|| format!(" / {}", n(s.tagged)))}</td>
                <td>{n(r.clicked)}</td>
                <td>{n(r.bought)}</td>
                <td>{money(r.revenue_minor)}</td>
            </tr>
        }
        .into_any()
    }).collect_view();
    let (conditions, actions) = choices();
    view! {
        <section class="card" aria-labelledby="steps">
            <h2 id="steps">{t!(i18n, journeys.steps)}</h2>
            <p class="hint">{t!(i18n, journeys.steps_hint)}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, journeys.steps_table)>
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, journeys.step)} " · " {t!(i18n, journeys.step_does)}</th>
                        <th scope="col">{t!(i18n, journeys.reached)}</th>
                        <th scope="col">{t!(i18n, journeys.stopped)}</th>
                        <th scope="col">{t!(i18n, journeys.left_short)}</th>
                        <th scope="col">{t!(i18n, journeys.sent_or_tagged)}</th>
                        <th scope="col">{t!(i18n, journeys.clicked)}</th>
                        <th scope="col">{t!(i18n, journeys.bought)}</th>
                        <th scope="col">{t!(i18n, journeys.revenue)}</th>
                    </tr></thead>
                    <tbody>
                        <tr>
                            <th scope="row">{step_title(0)} <span class="step-does">{t!(i18n, journeys.first_message)}</span></th>
                            <td>{n(first.entered - first.held_out)}</td>
                            <td>"—"</td>
                            <td>{n(first.left)}</td>
                            <td>{n(first.sent)}</td>
                            <td>{n(first.clicked)}</td>
                            <td>{n(first.bought)}</td>
                            <td>{money(first.revenue_minor)}</td>
                        </tr>
                        {rows}
                    </tbody>
                </table>
            </div>
            {(!full).then(|| view! {
                <h3>{t!(i18n, journeys.add_step)}</h3>
                <ActionForm action=save attr:novalidate=true attr:class="stack">
                    <FormError error />
                    <input type="hidden" name="trigger" value=trigger />
                    <input type="hidden" name="position" value="" />
                    <Field name="wait_days" id="step-wait_days" kind="number" error value="7"
                        hint=ViewFn::from(move || t_string!(i18n, journeys.step_wait_hint))>{t!(i18n, journeys.step_wait)}</Field>
                    <SelectField name="condition" id="step-condition" options=conditions error>{t!(i18n, journeys.condition)}</SelectField>
                    <SelectField name="action" id="step-action" options=actions error>{t!(i18n, journeys.action)}</SelectField>
                    <Field name="tag" id="step-tag" error
                        hint=ViewFn::from(move || t_string!(i18n, journeys.tag_hint))>{t!(i18n, journeys.tag)}</Field>
                    <button type="submit" class="button">{t!(i18n, journeys.add_step)}</button>
                </ActionForm>
            })}
            {has_steps.then(|| view! {
                <ActionForm action=remove>
                    <FormError error=remove_error />
                    <input type="hidden" name="trigger" value=trigger />
                    <button type="submit" class="button link">{t!(i18n, journeys.remove_step)}</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

/// One step of a journey.
#[component]
pub fn StepPage() -> impl IntoView {
    let i18n = use_i18n();
    let (trigger, position) = use_params_map().with_untracked(|p| {
        (
            p.get("trigger").unwrap_or_default(),
            p.get("position")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0),
        )
    });
    let save = ServerAction::<SaveStep>::new();
    let message = ServerAction::<SaveMessage>::new();
    let back = format!("/console/journeys/{trigger}");
    let data = Resource::new(
        move || (save.version().get(), message.version().get()),
        move |_| get_step(trigger.clone(), position),
    );
    view! {
        <p><A href=back.clone()>{t!(i18n, journeys.back_to_journey)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <PageTitle>{t!(i18n, journeys.title)}</PageTitle><p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok((step, campaign)) => view! { <StepView step campaign save message /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StepView(
    step: Step,
    campaign: crate::campaigns::Campaign,
    save: ServerAction<SaveStep>,
    message: ServerAction<SaveMessage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(save);
    let trigger = use_params_map()
        .with_untracked(|p| p.get("trigger").and_then(|t| Trigger::parse(&t)))
        .unwrap_or(Trigger::WinBack);
    let s = step.settings.clone();
    let id = campaign.id;
    let sms = campaign.channel == Channel::Sms;
    let (conditions, actions) = choices();
    let (action, tag) = match &s.action {
        Action::Send => ("send", String::new()),
        Action::Tag(t) => ("tag", t.clone()),
    };
    let sends = action == "send";
    let currency = campaign.currency;
    let window = step.window_days;
    let settings = view! {
        <section class="card" aria-labelledby="step-settings">
            <h2 id="step-settings">{t!(i18n, journeys.settings)}</h2>
            <ActionForm action=save attr:novalidate=true attr:class="stack">
                <FormError error />
                <input type="hidden" name="trigger" value=trigger.as_str() />
                <input type="hidden" name="position" value=step.position />
                <Field name="wait_days" kind="number" error value=s.wait_days.to_string()
                    hint=ViewFn::from(move || t_string!(i18n, journeys.step_wait_hint))>{t!(i18n, journeys.step_wait)}</Field>
                <SelectField name="condition" id="condition" options=conditions selected=s.condition.as_str() error>{t!(i18n, journeys.condition)}</SelectField>
                <SelectField name="action" id="action" options=actions selected=action error>{t!(i18n, journeys.action)}</SelectField>
                <Field name="tag" error value=tag
                    hint=ViewFn::from(move || t_string!(i18n, journeys.tag_hint))>{t!(i18n, journeys.tag)}</Field>
                <button type="submit" class="button primary">{t!(i18n, common.save)}</button>
                <SavedNotice action=save>{move || t_string!(i18n, journeys.saved)}</SavedNotice>
            </ActionForm>
        </section>
    }
    .into_any();
    let messages = sends.then(|| {
        view! {
            {(!step.ready).then(|| view! { <p class="hint">{t!(i18n, journeys.not_ready_hint)}</p> })}
            <MessagesSection c=campaign.clone() message editable=true
                names_offer={trigger == Trigger::OfferStarting} />
            <PreviewSection id sms />
        }
        .into_any()
    });
    view! {
        <PageTitle>{format!("{} — {}", name(trigger), step_title(step.position))}</PageTitle>
        {settings}
        <ResultsView r=step.results currency window journey=true step=true
            csv=format!("/console/campaigns/{id}/results.csv") />
        {messages}
    }
    .into_any()
}
