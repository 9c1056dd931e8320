//! Feedback pages for customers: the member's `/me/feedback` (the form, their feedback and
//! cases, replies), the invitation to rate a visit, and the public `/feedback/<slug>`. Plain
//! forms posting to server functions. The console's side is in `inbox.rs`.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::{
    api::{
        CaseDetail, CaseEvent, FormView, MyFeedback, ReplyOnCase, SubmitFeedback, feedback_form,
        feedback_of_mine,
    },
    timeline::{Timeline, category_label, status_label},
    types::{CaseStatus, Category},
};
use crate::{
    error::AppError,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, error_view, last_error, last_result},
};

/// A row of radio buttons for a score, with its error.
#[component]
fn ScoreField(
    name: &'static str,
    legend: String,
    low: i64,
    high: i64,
    hint: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let shown = move || {
        error
            .get()
            .and_then(|e| e.field_message(name))
            .map(crate::ui::error_text)
    };
    let error_id = format!("{name}-error");
    let described = error_id.clone();
    view! {
        <fieldset class="score" aria-describedby=described>
            <legend>{legend}</legend>
            <p class="hint">{hint}</p>
            <div class="score-options">
                {(low..=high).map(|n| {
                    let id = format!("{name}-{n}");
                    view! {
                        <input type="radio" id=id.clone() name=name value=n.to_string() />
                        <label for=id>{n}</label>
                    }
                }).collect_view()}
            </div>
            <p class="field-error" id=error_id>{shown}</p>
        </fieldset>
    }
    .into_any()
}

/// The form's own choice question: one radio button per option, answered by its number.
#[component]
fn ChoiceField(
    question: String,
    options: Vec<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let shown = move || {
        error
            .get()
            .and_then(|e| e.field_message("choice"))
            .map(crate::ui::error_text)
    };
    view! {
        <fieldset class="choice" aria-describedby="choice-error">
            <legend>{question}</legend>
            {options.into_iter().enumerate().map(|(i, option)| {
                let (id, label_for) = (format!("choice-{i}"), format!("choice-{i}"));
                view! {
                    <label class="check" for=label_for>
                        <input type="radio" id=id name="choice" value=i.to_string() />
                        {option}
                    </label>
                }
            }).collect_view()}
            <p class="field-error" id="choice-error">{shown}</p>
        </fieldset>
    }
    .into_any()
}

/// A feedback form: scores asked, category, text; visitors also leave contact details.
#[component]
pub fn FeedbackForm(
    form: FormView,
    #[prop(default = None)] purchase_id: Option<i64>,
    #[prop(optional)] public: bool,
    action: ServerAction<SubmitFeedback>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(action);
    let asks = form.asks;
    let mut categories = vec![(String::new(), t_string!(i18n, feedback.cat_none).to_owned())];
    categories.extend(
        Category::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), category_label(*c).to_owned())),
    );
    let result = last_result(action);
    let sent = move || result.get().and_then(Result::ok);
    // Sent: empty the form, so the next answer starts fresh (and is not the last one again).
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_)))
            && let Some(form) = form_ref.get_untracked()
        {
            form.reset();
        }
    });
    view! {
        <section class="card" aria-labelledby="feedback-form-title">
            <h2 id="feedback-form-title">{form.texts.title.clone()}</h2>
            {(!form.texts.intro.is_empty()).then(|| view! { <p>{form.texts.intro.clone()}</p> })}
            {move || sent().map(|s| view! {
                <div class="notice" role="status">
                    <p>{t!(i18n, feedback.thanks)}</p>
                    {s.case_id.map(|_| view! { <p>{t!(i18n, feedback.thanks_case)}</p> })}
                </div>
            })}
            <ActionForm action node_ref=form_ref attr:novalidate=true attr:class="stack feedback-form">
                <FormError error />
                <input type="hidden" name="form_id" value=form.id />
                {purchase_id.map(|p| view! { <input type="hidden" name="purchase_id" value=p /> })}
                {asks.nps.then(|| view! {
                    <ScoreField name="nps" legend=t_string!(i18n, feedback.nps_question).to_owned() low=0 high=10
                        hint=t_string!(i18n, feedback.nps_scale).to_owned() error />
                })}
                {asks.csat.then(|| view! {
                    <ScoreField name="csat" legend=t_string!(i18n, feedback.csat_question).to_owned() low=1 high=5
                        hint=t_string!(i18n, feedback.csat_scale).to_owned() error />
                })}
                {(!form.texts.choice_options.is_empty()).then(|| view! {
                    <ChoiceField question=form.texts.choice_question.clone() options=form.texts.choice_options.clone() error />
                })}
                {asks.category.then(|| view! {
                    <crate::ui::SelectField name="category" id="feedback-category" options=categories error>
                        {t!(i18n, feedback.category_label)}
                    </crate::ui::SelectField>
                })}
                {asks.text.then(|| view! {
                    <div class="field">
                        <label for="feedback-body">{t!(i18n, feedback.body_label)}</label>
                        <textarea id="feedback-body" name="body" rows="4" maxlength="4000"></textarea>
                        <p class="field-error">{move || error.get().and_then(|e| e.field_message("body")).map(crate::ui::error_text)}</p>
                    </div>
                })}
                {public.then(|| view! {
                    <Field name="contact_name" id="feedback-contact-name" autocomplete="name" error>{t!(i18n, feedback.contact_name)}</Field>
                    <Field name="contact_email" id="feedback-contact-email" kind="email" autocomplete="email" error
                        hint=ViewFn::from(move || t!(i18n, feedback.contact_hint))>{t!(i18n, feedback.contact_email)}</Field>
                })}
                // Never shown to people; bots fill it in.
                <div class="trap" aria-hidden="true">
                    <label for="feedback-website">"Website"</label>
                    <input id="feedback-website" name="website" type="text" tabindex="-1" autocomplete="off" />
                </div>
                <button type="submit" class="button primary">{t!(i18n, feedback.submit)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// `/me/feedback`: the shop's form (rating a visit with `?purchase=ID`) and the member's own
/// feedback, with the case each opened, its replies, and a reply form.
#[component]
pub fn MemberFeedbackPage() -> impl IntoView {
    let i18n = use_i18n();
    let purchase =
        use_query_map().with_untracked(|q| q.get("purchase").and_then(|p| p.parse::<i64>().ok()));
    let submit = ServerAction::<SubmitFeedback>::new();
    let reply = ServerAction::<ReplyOnCase>::new();
    // The form's texts follow the language switcher (which has saved the choice by then).
    let form = Resource::new(move || i18n.get_locale(), |_| feedback_form(None));
    let mine = Resource::new(
        move || (submit.version().get(), reply.version().get()),
        |_| feedback_of_mine(),
    );
    view! {
        <PageTitle>{t!(i18n, feedback.title)}</PageTitle>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let form = form.await;
                let mine = mine.await;
                view! {
                    {match form {
                        Ok(f) => view! { <FeedbackForm form=f purchase_id=purchase action=submit /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }}
                    {mine.ok().map(|list| view! { <MyFeedbackList list reply /> })}
                }
                .into_any()
            })}
        </Transition>
    }
}

#[component]
fn MyFeedbackList(list: Vec<MyFeedback>, reply: ServerAction<ReplyOnCase>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let error = last_error(reply);
    (!list.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="my-feedback-title">
            <h2 id="my-feedback-title">{t!(i18n, feedback.mine_title)}</h2>
            <FormError error include_fields=true />
            <ul class="perk-list">
                {list.into_iter().map(|f| {
                    let at = f.created_at.clone();
                    let scores = [f.nps.map(|n| format!("{n}/10")), f.csat.map(|c| format!("{c}/5"))]
                        .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                    view! {
                        <li class="perk my-feedback">
                            <p class="hint">{move || format::date(locale(), &at)} {(!scores.is_empty()).then(|| format!(" · {scores}"))}</p>
                            {(!f.body.is_empty()).then(|| view! { <p>{f.body.clone()}</p> })}
                            {f.case.map(|c| view! { <MemberCase detail=c reply /> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }.into_any())
}

#[component]
fn MemberCase(detail: CaseDetail, reply: ServerAction<ReplyOnCase>) -> impl IntoView {
    let i18n = use_i18n();
    let status = detail.case.status;
    let id = detail.case.id;
    let field_id = format!("reply-{id}");
    let answerable = may_answer(status, &detail.timeline);
    view! {
        <p class="case-status">
            {t!(i18n, feedback.case_label)} " " <strong class=format!("status-{}", status.as_str())>{status_label(status)}</strong>
        </p>
        <Timeline events=detail.timeline />
        {answerable.then(|| view! {
            <ActionForm action=reply attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="case_id" value=id />
                <label for=field_id.clone()>{t!(i18n, feedback.reply_label)}</label>
                <textarea id=field_id name="body" rows="2" maxlength="4000"></textarea>
                <button type="submit" class="button">{t!(i18n, feedback.reply_submit)}</button>
            </ActionForm>
        })}
    }
    .into_any()
}

/// Whether the member gets a box to answer on their case: once the shop has replied (before
/// that there is nothing to answer), and until the case is resolved.
fn may_answer(status: CaseStatus, timeline: &[CaseEvent]) -> bool {
    status != CaseStatus::Resolved && timeline.iter().any(|e| e.kind == "reply")
}

/// `/feedback/<slug>`: the public form (a link or QR code on a receipt).
#[component]
pub fn PublicFeedbackPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let submit = ServerAction::<SubmitFeedback>::new();
    let form = Resource::new(
        move || (slug(), i18n.get_locale()),
        |(s, _)| feedback_form(Some(s)),
    );
    view! {
        <crate::social::SocialMeta what="feedback" slug=slug() />
        <PageTitle>{t!(i18n, feedback.public_title)}</PageTitle>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(f) => view! { <FeedbackForm form=f public=true action=submit /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// On the member's home: an invitation to rate their latest visit.
#[component]
pub fn VisitInvite() -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let visit = Resource::new(|| (), |_| super::api::visit_to_rate());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                visit.await.ok().flatten().map(|(id, location, at)| view! {
                    <section class="card invite" aria-labelledby="invite-title">
                        <h2 id="invite-title">{move || t_string!(i18n, feedback.invite)
                            .replace("{location}", &location)
                            .replace("{date}", &format::date(locale(), &at))}</h2>
                        <A href=format!("/me/feedback?purchase={id}") attr:class="button primary">{t!(i18n, feedback.invite_button)}</A>
                    </section>
                }.into_any())
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str) -> CaseEvent {
        CaseEvent {
            kind: kind.to_owned(),
            who: None,
            body: String::new(),
            at: "2027-01-06 12:00".to_owned(),
        }
    }

    #[test]
    fn a_member_answers_only_once_the_shop_has_replied_and_until_the_case_is_resolved() {
        let opened = [event("opened")];
        let replied = [event("opened"), event("reply")];
        assert!(!may_answer(CaseStatus::New, &opened));
        assert!(!may_answer(CaseStatus::InProgress, &opened));
        assert!(may_answer(CaseStatus::Waiting, &replied));
        assert!(!may_answer(CaseStatus::Resolved, &replied));
    }
}
