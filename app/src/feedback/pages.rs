//! Feedback pages: the member's `/me/feedback` (the form, their feedback and cases, replies),
//! the public `/feedback/<slug>`, and the console's inbox `/console/feedback` and case page
//! `/console/feedback/<id>`. Plain forms posting to server functions.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::{
    api::{
        ActOnCase, CaseDetail, CaseEvent, CaseRow, FormView, MyFeedback, ReplyOnCase,
        SubmitFeedback, case_inbox, feedback_form, feedback_of_mine, get_case,
    },
    types::{CaseStatus, Category},
};
use crate::{
    error::AppError,
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, error_view, last_error},
};

fn status_label(status: CaseStatus) -> &'static str {
    let i18n = use_i18n();
    match status {
        CaseStatus::New => t_string!(i18n, feedback.status_new),
        CaseStatus::InProgress => t_string!(i18n, feedback.status_in_progress),
        CaseStatus::Waiting => t_string!(i18n, feedback.status_waiting),
        CaseStatus::Resolved => t_string!(i18n, feedback.status_resolved),
    }
}

fn category_label(c: Category) -> &'static str {
    let i18n = use_i18n();
    match c {
        Category::Product => t_string!(i18n, feedback.cat_product),
        Category::Service => t_string!(i18n, feedback.cat_service),
        Category::Staff => t_string!(i18n, feedback.cat_staff),
        Category::Delivery => t_string!(i18n, feedback.cat_delivery),
        Category::Other => t_string!(i18n, feedback.cat_other),
    }
}

fn event_label(kind: &str) -> &'static str {
    let i18n = use_i18n();
    match kind {
        "opened" => t_string!(i18n, feedback.ev_opened),
        "note" => t_string!(i18n, feedback.ev_note),
        "reply" => t_string!(i18n, feedback.ev_reply),
        "member_reply" => t_string!(i18n, feedback.ev_member_reply),
        "status" => t_string!(i18n, feedback.ev_status),
        "assigned" => t_string!(i18n, feedback.ev_assigned),
        "resolved" => t_string!(i18n, feedback.ev_resolved),
        _ => t_string!(i18n, feedback.ev_goodwill),
    }
}

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
    let sent = move || action.value().get().and_then(Result::ok);
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
            <ActionForm action attr:novalidate=true attr:class="stack feedback-form">
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
    let form = Resource::new(|| (), |_| feedback_form(None));
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
    view! {
        <p class="case-status">
            {t!(i18n, feedback.case_label)} " " <strong class=format!("status-{}", status.as_str())>{status_label(status)}</strong>
        </p>
        <Timeline events=detail.timeline />
        {(status != CaseStatus::Resolved).then(|| view! {
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

#[component]
fn Timeline(events: Vec<CaseEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    view! {
        <ol class="timeline">
            {events.into_iter().map(|e| {
                let at = e.at.clone();
                let label = event_label(&e.kind);
                let body = match e.kind.as_str() {
                    "status" => CaseStatus::parse(&e.body).map_or(e.body.clone(), |s| status_label(s).to_owned()),
                    "goodwill" => t_string!(i18n, feedback.goodwill_points).replace("{points}", &e.body),
                    _ => e.body.clone(),
                };
                view! {
                    <li class=format!("event event-{}", e.kind)>
                        <p class="hint">
                            {move || format::date(locale(), &at)} " · " {label}
                            {e.who.map(|w| format!(" · {w}"))}
                        </p>
                        {(!body.is_empty()).then(|| view! { <p>{body}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// `/feedback/<slug>`: the public form (a link or QR code on a receipt).
#[component]
pub fn PublicFeedbackPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let submit = ServerAction::<SubmitFeedback>::new();
    let form = Resource::new(slug, |s| feedback_form(Some(s)));
    view! {
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

/// `/console/feedback`: cases, overdue first, filtered by status (`?status=`).
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status"));
    let cases = Resource::new(status, |s| case_inbox(s, None, None));
    view! {
        <PageTitle>{t!(i18n, feedback.inbox_title)}</PageTitle>
        <nav class="filters" aria-label=move || t_string!(i18n, feedback.filter_label)>
            <A href="/console/feedback">{t!(i18n, feedback.filter_open)}</A>
            {CaseStatus::ALL.into_iter().map(|s| view! {
                <A href=format!("/console/feedback?status={}", s.as_str())>{status_label(s)}</A>
            }).collect_view()}
        </nav>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match cases.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(rows) => {
                        let rows: Vec<CaseRow> = if status().is_none() {
                            rows.into_iter().filter(|r| r.status != CaseStatus::Resolved).collect()
                        } else {
                            rows
                        };
                        view! { <CaseTable rows /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn CaseTable(rows: Vec<CaseRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <section class="card"><p class="hint">{t!(i18n, feedback.no_cases)}</p></section> }.into_any();
    }
    view! {
        <section class="card">
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, feedback.inbox_title)>
                <table>
                    <thead><tr>
                        <th scope="col">{t!(i18n, feedback.col_case)}</th>
                        <th scope="col">{t!(i18n, feedback.col_status)}</th>
                        <th scope="col">{t!(i18n, feedback.col_customer)}</th>
                        <th scope="col">{t!(i18n, feedback.col_scores)}</th>
                        <th scope="col">{t!(i18n, feedback.col_due)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! { <CaseTr r /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn CaseTr(r: CaseRow) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let due = r.due_at.clone();
    let scores = [
        r.nps.map(|n| format!("NPS {n}")),
        r.csat.map(|c| format!("CSAT {c}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let link = view! {
        <A href=format!("/console/feedback/{}", r.id)>{format!("#{}", r.id)}</A>
        {r.high.then(|| view! { " " <span class="badge high">{t!(i18n, feedback.high)}</span> })}
    }
    .into_any();
    let due_cell = view! {
        {move || format::date(locale(), &due)}
        {r.overdue.then(|| view! { " " <span class="badge overdue">{t!(i18n, feedback.overdue)}</span> })}
    }
    .into_any();
    view! {
        <tr class:overdue=r.overdue>
            <td>{link}</td>
            <td>{status_label(r.status)}</td>
            <td class="wrap">{r.customer.clone().unwrap_or_default()} " " <span class="reason">{r.location.clone().unwrap_or_default()}</span></td>
            <td>{scores}</td>
            <td>{due_cell}</td>
        </tr>
    }
    .into_any()
}

/// `/console/feedback/<id>`: a case, its timeline, and what staff can do.
#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or(0));
    let act = ServerAction::<ActOnCase>::new();
    let detail = Resource::new(move || (id(), act.version().get()), |(id, _)| get_case(id));
    view! {
        <PageTitle>{move || t_string!(i18n, feedback.case_title).replace("{id}", &id().to_string())}</PageTitle>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(d) => view! { <CaseView detail=d act /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CaseView(detail: CaseDetail, act: ServerAction<ActOnCase>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let error = last_error(act);
    let c = detail.case;
    let id = c.id;
    let due = c.due_at.clone();
    let resolved = c.status == CaseStatus::Resolved;
    let scores = [
        c.nps.map(|n| format!("NPS {n}/10")),
        c.csat.map(|s| format!("CSAT {s}/5")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <section class="card case">
            <p>
                <strong class=format!("status-{}", c.status.as_str())>{status_label(c.status)}</strong>
                {c.high.then(|| view! { " " <span class="badge high">{t!(i18n, feedback.high)}</span> })}
                {c.overdue.then(|| view! { " " <span class="badge overdue">{t!(i18n, feedback.overdue)}</span> })}
            </p>
            <p>{move || t_string!(i18n, feedback.due).replace("{date}", &format::date(locale(), &due))}</p>
            <p>{c.customer.clone().unwrap_or_default()} " " <span class="reason">{c.email.clone().unwrap_or_default()}</span></p>
            <p>{scores} {c.category.map(|cat| format!(" · {}", category_label(cat)))} {c.location.clone().map(|l| format!(" · {l}"))}</p>
            {(!c.body.is_empty()).then(|| view! { <blockquote>{c.body.clone()}</blockquote> })}
            {c.resolution.clone().map(|r| view! { <p><strong>{t!(i18n, feedback.resolution_label)}</strong> " " {r}</p> })}
            <h2>{t!(i18n, feedback.timeline)}</h2>
            <Timeline events=detail.timeline />
        </section>
        {(!resolved).then(|| view! {
            <section class="card">
                <FormError error include_fields=true />
                <div class="counter-forms">
                    <ActionForm action=act attr:novalidate=true attr:aria-labelledby="reply-title">
                        <h3 id="reply-title">{t!(i18n, feedback.reply_title)}</h3>
                        <input type="hidden" name="case_id" value=id />
                        <input type="hidden" name="action" value="reply" />
                        <label for="case-reply">{t!(i18n, feedback.reply_hint)}</label>
                        <textarea id="case-reply" name="body" rows="3"></textarea>
                        <button type="submit" class="button primary">{t!(i18n, feedback.send_reply)}</button>
                    </ActionForm>
                    <ActionForm action=act attr:novalidate=true attr:aria-labelledby="note-title">
                        <h3 id="note-title">{t!(i18n, feedback.note_title)}</h3>
                        <input type="hidden" name="case_id" value=id />
                        <input type="hidden" name="action" value="note" />
                        <label for="case-note">{t!(i18n, feedback.note_hint)}</label>
                        <textarea id="case-note" name="body" rows="3"></textarea>
                        <button type="submit" class="button">{t!(i18n, feedback.add_note)}</button>
                    </ActionForm>
                    <ActionForm action=act attr:novalidate=true attr:aria-labelledby="resolve-title">
                        <h3 id="resolve-title">{t!(i18n, feedback.resolve_title)}</h3>
                        <input type="hidden" name="case_id" value=id />
                        <input type="hidden" name="action" value="resolve" />
                        <label for="case-resolution">{t!(i18n, feedback.resolution_label)}</label>
                        <textarea id="case-resolution" name="body" rows="3"></textarea>
                        {c.member_id.is_some().then(|| view! {
                            <Field name="goodwill" id="case-goodwill" kind="number" error
                                hint=ViewFn::from(move || t!(i18n, feedback.goodwill_hint))>{t!(i18n, feedback.goodwill_label)}</Field>
                        })}
                        <button type="submit" class="button primary">{t!(i18n, feedback.resolve_submit)}</button>
                    </ActionForm>
                </div>
            </section>
        })}
    }
    .into_any()
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
