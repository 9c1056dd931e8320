//! `/console/campaigns/:id`: the segment, a message per language (missing ones flagged, template
//! problems listed), a preview as any member, a test send, send now or at a time, pause,
//! resume, cancel, and the progress while it sends (refreshed every two seconds).

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};

use super::sms_parts::{SmsCounter, SmsPreview, with_stop_line};
use super::{
    Campaign, Channel, ControlCampaign, Message, PreviewMessage, Problem, ResultsView, SaveMessage,
    SendCampaign, Status, TestSend, UpdateCampaign, VARIABLES,
    ab_card::{AbCard, AbFields},
    get_campaign, load_segments,
    pages::status_text,
};
use crate::{
    i18n::{LANGUAGES, language_name_of, t, t_string, use_i18n},
    ui::{
        Field, FormError, Loading, PageTitle, SelectField, TextAreaField, error_view, last_error,
    },
};

/// The page.
#[component]
pub fn CampaignPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let update = ServerAction::<UpdateCampaign>::new();
    let message = ServerAction::<SaveMessage>::new();
    let send = ServerAction::<SendCampaign>::new();
    let control = ServerAction::<ControlCampaign>::new();
    let tick = RwSignal::new(0_u32);
    let data = Resource::new(
        move || {
            (
                update.version().get(),
                message.version().get(),
                send.version().get(),
                control.version().get(),
                tick.get(),
            )
        },
        move |_| async move {
            match id {
                Some(id) => get_campaign(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    // While it sends, the progress refreshes itself.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let sending = data
                    .get_untracked()
                    .and_then(Result::ok)
                    .is_some_and(|c| c.status == Status::Sending);
                if sending {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p><A href="/console/campaigns">{t!(i18n, campaigns.back)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <PageTitle>{t!(i18n, campaigns.title)}</PageTitle><p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(c) if c.variant_of.is_some() => view! { <VariantView c message /> }.into_any(),
                    Ok(c) => view! { <CampaignView c update message send control /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CampaignView(
    c: Campaign,
    update: ServerAction<UpdateCampaign>,
    message: ServerAction<SaveMessage>,
    send: ServerAction<SendCampaign>,
    control: ServerAction<ControlCampaign>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editable = c.status.editable();
    let sms = c.channel == Channel::Sms;
    let p = c.progress;
    let done = p.sent + p.failed + p.suppressed + p.cancelled;
    let send_error = last_error(send);
    let control_error = last_error(control);
    let id = c.id;
    let name = c.name.clone();
    let missing = c
        .missing
        .iter()
        .map(|l| language_name_of(l))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <PageTitle>{name}</PageTitle>
        <p class="lede">
            <span class="badge">{status_text(c.status)}</span>
            {c.send_at.clone().map(|at| view! { " " {t!(i18n, campaigns.scheduled_for)} " " {at} })}
        </p>
        {(p.total() > 0).then(|| view! {
            <section class="card" aria-labelledby="progress">
                <h2 id="progress">{t!(i18n, campaigns.progress)}</h2>
                <progress max=p.total() value=done aria-labelledby="progress"></progress>
                <p role="status">
                    {t!(i18n, campaigns.sent)} ": " {p.sent} " · " {t!(i18n, campaigns.queued)} ": " {p.queued}
                    " · " {t!(i18n, campaigns.failed)} ": " {p.failed} " · " {t!(i18n, campaigns.suppressed)} ": " {p.suppressed}
                    " · " {t!(i18n, campaigns.clicked)} ": " {p.clicked}
                    {sms.then(|| view! { " · " {t!(i18n, campaigns.delivered)} ": " {p.delivered} })}
                </p>
            </section>
        }.into_any())}
        {(!editable && (c.ab.decide_at.is_some() || c.ab.winner.is_some())).then(|| view! { <AbCard test=c.ab.clone() /> }.into_any())}
        {(!editable).then(|| view! {
            <ResultsView r=c.results currency=c.currency window=c.window_days journey=false
                csv=format!("/console/campaigns/{id}/results.csv") />
        }.into_any())}
        {editable.then(|| view! { <SettingsForm c=c.clone() update /> }.into_any())}
        {(!c.missing.is_empty()).then(|| view! {
            <p class="missing-note">{t!(i18n, feedback.missing_languages)} ": " {missing.clone()}
                " — " {t_string!(i18n, campaigns.fallback_note).replace("{language}", language_name_of(&c.default_language))}</p>
        }.into_any())}
        <MessagesSection c=c.clone() message editable />
        <PreviewSection id sms />
        <section class="card" aria-labelledby="print">
            <h2 id="print">{t!(i18n, campaigns.print_title)}</h2>
            <p>{t!(i18n, campaigns.letters_about)}</p>
            <p><a href=format!("/print/letters/{id}")>{t!(i18n, campaigns.letters_link)}</a></p>
            <p>{t!(i18n, campaigns.poster_about)}</p>
            <p><a href=format!("/print/campaign/{id}")>{t!(i18n, campaigns.poster_link)}</a></p>
        </section>
        <section class="card" aria-labelledby="send">
            <h2 id="send">{t!(i18n, campaigns.send_title)}</h2>
            {editable.then(|| view! {
                <ActionForm action=send attr:novalidate=true attr:class="stack">
                    <FormError error=send_error />
                    <input type="hidden" name="id" value=id />
                    <Field name="at" kind="datetime-local" error=send_error hint=ViewFn::from(move || t_string!(i18n, campaigns.at_hint))>{t!(i18n, campaigns.at)}</Field>
                    <button type="submit" class="button primary">{t!(i18n, campaigns.send_now)}</button>
                </ActionForm>
            })}
            <ActionForm action=control attr:class="actions">
                <FormError error=control_error />
                <input type="hidden" name="id" value=id />
                {matches!(c.status, Status::Sending | Status::Scheduled).then(|| view! {
                    <button type="submit" name="action" value="pause" class="button">{t!(i18n, campaigns.pause)}</button>
                })}
                {(c.status == Status::Paused).then(|| view! {
                    <button type="submit" name="action" value="resume" class="button">{t!(i18n, campaigns.resume)}</button>
                })}
                {matches!(c.status, Status::Draft | Status::Scheduled | Status::Sending | Status::Paused).then(|| view! {
                    <button type="submit" name="action" value="cancel" class="button danger">{t!(i18n, campaigns.cancel)}</button>
                })}
            </ActionForm>
        </section>
    }
}

/// An A/B test's variant B: its messages and preview, and the way back to its campaign.
#[component]
fn VariantView(c: Campaign, message: ServerAction<SaveMessage>) -> impl IntoView {
    let i18n = use_i18n();
    let (of, of_name) = c.variant_of.clone().unwrap_or_default();
    let editable = c.status.editable();
    let (id, sms, name) = (c.id, c.channel == Channel::Sms, c.name.clone());
    view! {
        <PageTitle>{name}</PageTitle>
        <p class="lede">
            {t_string!(i18n, campaigns.ab_variant_of).replace("{name}", &of_name)} " "
            <A href=format!("/console/campaigns/{of}")>{t!(i18n, campaigns.ab_back)}</A>
        </p>
        <MessagesSection c=c.clone() message editable />
        <PreviewSection id sms />
    }
}

#[component]
fn SettingsForm(c: Campaign, update: ServerAction<UpdateCampaign>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(update);
    let segments = Resource::new(|| (), |_| load_segments());
    let selected = c.segment_id.map(|s| s.to_string()).unwrap_or_default();
    let choices = |list: &[(i64, String)]| {
        let mut options = vec![(
            String::new(),
            t_string!(i18n, campaigns.none_chosen).to_owned(),
        )];
        options.extend(list.iter().map(|(id, name)| (id.to_string(), name.clone())));
        options
    };
    let (offers, rewards) = (choices(&c.offers), choices(&c.rewards));
    let id_of = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let (offer, reward) = (id_of(c.offer_id), id_of(c.reward_id));
    let links_hint = ViewFn::from(move || t_string!(i18n, campaigns.links_hint));
    view! {
        <section class="card" aria-labelledby="settings">
            <h2 id="settings">{t!(i18n, campaigns.settings)}</h2>
            <ActionForm action=update attr:novalidate=true attr:class="stack">
                <FormError error />
                <input type="hidden" name="id" value=c.id />
                <Field name="name" error value=c.name.clone()>{t!(i18n, campaigns.campaign_name)}</Field>
                <Transition fallback=Loading>
                    {move || {
                        let selected = selected.clone();
                        Suspend::new(async move {
                            let list = segments.await.map(|e| e.segments).unwrap_or_default();
                            let mut options = vec![(String::new(), t_string!(i18n, campaigns.choose_later).to_owned())];
                            options.extend(list.into_iter().map(|s| (s.id.to_string(), s.name)));
                            view! { <SelectField name="segment_id" id="campaign-segment" options selected error>{t!(i18n, campaigns.segment)}</SelectField> }
                        })
                    }}
                </Transition>
                <SelectField name="offer_id" id="campaign-offer" options=offers selected=offer error hint=links_hint>{t!(i18n, campaigns.offer)}</SelectField>
                <SelectField name="reward_id" id="campaign-reward" options=rewards selected=reward error>{t!(i18n, campaigns.reward)}</SelectField>
                <AbFields test=c.ab.clone() error />
                <Field name="holdout_pct" kind="number" error value=c.holdout_pct.to_string()
                    hint=ViewFn::from(move || t_string!(i18n, campaigns.holdout_hint))>{t!(i18n, journeys.holdout_pct)}</Field>
                <Field name="window_days" kind="number" error value=c.window_days.to_string()
                    hint=ViewFn::from(move || t_string!(i18n, journeys.window_hint))>{t!(i18n, journeys.window_days)}</Field>
                <button type="submit" class="button">{t!(i18n, common.save)}</button>
            </ActionForm>
        </section>
    }
}

fn problem_text(field: &str, p: &Problem) -> String {
    let i18n = use_i18n();
    let what = match p {
        Problem::Unknown { name } => {
            t_string!(i18n, campaigns.problem_unknown).replace("{name}", name)
        }
        Problem::Syntax { detail } | Problem::Render { detail } => {
            format!("{} ({detail})", t_string!(i18n, campaigns.problem_syntax))
        }
    };
    format!("{field}: {what}")
}

/// The messages per language (shared with journeys, whose messages are a campaign too);
/// `names_offer`: the messages name an offer that is not the campaign's (the offer-starting
/// journey's, each member's own).
#[component]
pub(crate) fn MessagesSection(
    c: Campaign,
    message: ServerAction<SaveMessage>,
    editable: bool,
    #[prop(optional)] names_offer: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let sms = c.channel == Channel::Sms;
    let sent = RwSignal::new(String::new());
    let any_error = last_error(message);
    // The offer's and reward's fields, once chosen.
    let (offer, reward) = (c.offer_id.is_some() || names_offer, c.reward_id.is_some());
    let vars = VARIABLES
        .iter()
        .flat_map(|v| match *v {
            "offer" | "reward" if !(if *v == "offer" { offer } else { reward }) => vec![],
            "offer" | "reward" => vec![
                format!("{v}.title"),
                format!("{v}.description"),
                format!("{v}.url"),
            ],
            v => vec![v.to_owned()],
        })
        .map(|v| format!("{{{{ {v} }}}}"))
        .collect::<Vec<_>>()
        .join("  ");
    let forms = LANGUAGES
        .iter()
        .map(|(code, _)| {
            let code = *code;
            let m = c.messages.iter().find(|m| m.language == code).cloned().unwrap_or(Message {
                language: code.to_owned(),
                subject: String::new(),
                preheader: String::new(),
                body: String::new(),
                problems: vec![],
            });
            let mine = Signal::derive(move || sent.with(|s| s == code));
            let error = Signal::derive(move || any_error.get().filter(|_| mine.get()));
            let is_missing = m.body.is_empty();
            let problems = m.problems.iter().map(|(f, p)| problem_text(f, p)).collect::<Vec<_>>();
            let has_problems = !problems.is_empty();
            // What the phone gets, counted live as staff type (texts only).
            let typed = RwSignal::new(m.body.clone());
            let as_sent = Signal::derive(move || typed.with(|b| with_stop_line(b, code)));
            let email_fields = (!sms).then(|| view! {
                <Field name="subject" id=format!("subject-{code}") error value=m.subject.clone()>{t!(i18n, campaigns.subject)}</Field>
                <Field name="preheader" id=format!("preheader-{code}") error value=m.preheader.clone() hint=ViewFn::from(move || t_string!(i18n, campaigns.preheader_hint))>{t!(i18n, campaigns.preheader)}</Field>
            });
            view! {
                <details class="language-message" open=has_problems lang=code>
                    <summary>
                        <strong>{language_name_of(code)}</strong>
                        {is_missing.then(|| view! { " " <span class="missing-badge">{t!(i18n, campaigns.not_written)}</span> })}
                        {has_problems.then(|| view! { " " <span class="missing-badge">{t!(i18n, campaigns.has_problems)}</span> })}
                    </summary>
                    {has_problems.then(|| view! {
                        <ul class="form-error" role="alert">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    })}
                    <ActionForm action=message attr:novalidate=true attr:class="stack" on:submit=move |_| sent.set(code.to_owned())>
                        <FormError error />
                        <input type="hidden" name="id" value=c.id />
                        <input type="hidden" name="language" value=code />
                        {email_fields}
                        <div on:input=move |ev| typed.set(event_target_value(&ev))>
                            <TextAreaField name="body" id=format!("body-{code}") rows=if sms { 4 } else { 8 } error value=m.body.clone()>{t!(i18n, campaigns.body)}</TextAreaField>
                        </div>
                        {sms.then(|| view! { <SmsCounter text=as_sent /> })}
                        {editable.then(|| view! { <button type="submit" class="button">{t!(i18n, common.save)}</button> })}
                    </ActionForm>
                </details>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="messages">
            <h2 id="messages">{t!(i18n, campaigns.messages)}</h2>
            {sms.then(|| view! { <p class="hint">{t!(i18n, campaigns.sms_hint)}</p> })}
            <p class="hint">{t!(i18n, campaigns.variables)} " " <code>{vars}</code></p>
            {forms}
        </section>
    }
}

/// A preview as any member, and a test send.
#[component]
pub(crate) fn PreviewSection(id: i64, sms: bool) -> impl IntoView {
    let i18n = use_i18n();
    let preview = ServerAction::<PreviewMessage>::new();
    let test = ServerAction::<TestSend>::new();
    let error = last_error(preview);
    let test_error = last_error(test);
    let languages: Vec<(String, String)> = LANGUAGES
        .iter()
        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned()))
        .collect();
    let test_languages = languages.clone();
    view! {
        <section class="card" aria-labelledby="preview">
            <h2 id="preview">{t!(i18n, campaigns.preview)}</h2>
            <ActionForm action=preview attr:novalidate=true attr:class="stack">
                <FormError error />
                <input type="hidden" name="id" value=id />
                <SelectField name="language" id="preview-language" options=languages error>{t!(i18n, campaigns.language)}</SelectField>
                <Field name="member" id="preview-member" kind="email" error hint=ViewFn::from(move || t_string!(i18n, campaigns.member_hint))>{t!(i18n, campaigns.as_member)}</Field>
                <button type="submit" class="button">{t!(i18n, campaigns.show_preview)}</button>
            </ActionForm>
            {move || preview.value().get().and_then(Result::ok).map(|r| if sms {
                view! { <SmsPreview text=r.text language=r.language /> }.into_any()
            } else {
                view! {
                    <div class="email-preview" lang=r.language.clone()>
                        <p><strong>{t!(i18n, campaigns.subject)} ": "</strong> {r.subject.clone()}</p>
                        <p><strong>{t!(i18n, campaigns.preheader)} ": "</strong> {r.preheader.clone()}</p>
                        <iframe title=t_string!(i18n, campaigns.preview) srcdoc=r.html.clone() sandbox="" class="email-frame"></iframe>
                    </div>
                }.into_any()
            })}
            <ActionForm action=test attr:novalidate=true attr:class="stack">
                <FormError error=test_error />
                <input type="hidden" name="id" value=id />
                <SelectField name="language" id="test-language" options=test_languages error=test_error>{t!(i18n, campaigns.language)}</SelectField>
                <button type="submit" class="button">{t!(i18n, campaigns.test_send)}</button>
                {move || matches!(test.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="notice" role="status">{if sms { t_string!(i18n, campaigns.test_sent_sms) } else { t_string!(i18n, campaigns.test_sent) }}</p>
                })}
            </ActionForm>
        </section>
    }
}
