//! The console's feedback pages: the inbox `/console/feedback` (open cases, overdue first, or
//! one status) and a case `/console/feedback/<id>` with its timeline and what staff can do.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::{A, Form},
    hooks::{use_params_map, use_query_map},
};

use super::{
    api::{
        ActOnCase, CaseDetail, CaseRow, Directory, Named, case_inbox, feedback_directory, get_case,
    },
    setup_page::options,
    timeline::{Timeline, category_label, status_label},
    types::CaseStatus,
};
use crate::{
    accounts::{Role, use_auth},
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, FormError, Loading, PageTitle, SelectField, error_view, last_error},
};

/// A numeric query parameter, if there is one.
fn query_id(value: Option<String>) -> Option<i64> {
    value.and_then(|v| v.parse().ok())
}

/// `/console/feedback`: cases, overdue first, filtered by status, location and assignee
/// (`?status=&location=&assignee=`; no status: the open ones).
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let filter = move || {
        (
            get("status"),
            query_id(get("location")),
            query_id(get("assignee")),
        )
    };
    let cases = Resource::new(filter, |(s, l, a)| case_inbox(s, l, a));
    let directory = Resource::new(|| (), |_| feedback_directory());
    let manager = move || {
        use_auth()
            .account
            .get()
            .flatten()
            .is_some_and(|u| u.role.at_least(Role::Manager))
    };
    view! {
        <PageTitle>{t!(i18n, feedback.inbox_title)}</PageTitle>
        {move || manager().then(|| view! {
            <nav class="filters" aria-label=move || t_string!(i18n, feedback.more_label)>
                <A href="/console/feedback/quality">{t!(i18n, feedback.quality_title)}</A>
                <A href="/console/feedback/setup">{t!(i18n, feedback.setup_title)}</A>
            </nav>
        })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let (status, location, assignee) = filter();
                let d = directory.await.unwrap_or_default();
                let rows = cases.await;
                view! {
                    <InboxFilter d status=status.clone() location assignee />
                    {match rows {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok(rows) => {
                            let rows: Vec<CaseRow> = if status.is_none() {
                                rows.into_iter().filter(|r| r.status != CaseStatus::Resolved).collect()
                            } else {
                                rows
                            };
                            view! { <CaseTable rows /> }.into_any()
                        }
                    }}
                }
                .into_any()
            })}
        </Transition>
    }
}

/// The inbox's filter: a plain GET form, so a filtered inbox is a link staff can keep.
#[component]
fn InboxFilter(
    d: Directory,
    status: Option<String>,
    location: Option<i64>,
    assignee: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let no_error = Signal::derive(|| None);
    let statuses: Vec<(String, String)> = std::iter::once((
        String::new(),
        t_string!(i18n, feedback.filter_open).to_owned(),
    ))
    .chain(
        CaseStatus::ALL
            .into_iter()
            .map(|s| (s.as_str().to_owned(), status_label(s).to_owned())),
    )
    .collect();
    let locations = options(t_string!(i18n, feedback.any_location), &d.locations);
    let staff = options(t_string!(i18n, feedback.anyone), &d.staff);
    view! {
        <section class="card">
            <Form method="GET" action="/console/feedback" attr:class="inbox-filter" attr:aria-label=move || t_string!(i18n, feedback.filter_label)>
                <SelectField name="status" id="filter-status" options=statuses selected=status.unwrap_or_default() error=no_error>
                    {t!(i18n, feedback.col_status)}
                </SelectField>
                <SelectField name="location" id="filter-location" options=locations
                    selected=location.map(|l| l.to_string()).unwrap_or_default() error=no_error>
                    {t!(i18n, feedback.location_label)}
                </SelectField>
                <SelectField name="assignee" id="filter-assignee" options=staff
                    selected=assignee.map(|a| a.to_string()).unwrap_or_default() error=no_error>
                    {t!(i18n, feedback.assignee_label)}
                </SelectField>
                <button type="submit" class="button">{t!(i18n, feedback.filter_submit)}</button>
            </Form>
        </section>
    }
    .into_any()
}

#[component]
fn CaseTable(rows: Vec<CaseRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <section class="card"><p class="hint">{t!(i18n, feedback.no_cases)}</p></section> }.into_any();
    }
    // On a phone the rows become cards (style.css: .case-table), each cell labelled by
    // `data-label`; the roles keep it a table for screen readers whatever its display.
    view! {
        <section class="card">
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, feedback.inbox_title)>
                <table class="case-table" role="table">
                    <thead role="rowgroup"><tr role="row">
                        <th scope="col" role="columnheader">{t!(i18n, feedback.col_case)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, feedback.col_status)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, feedback.col_customer)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, feedback.col_scores)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, feedback.col_due)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, feedback.assignee_label)}</th>
                    </tr></thead>
                    <tbody role="rowgroup">
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
    let due = r.due_local.clone();
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
        {r.priority_service.then(|| view! { " " <span class="badge priority">{t!(i18n, program.priority_service)}</span> })}
    }
    .into_any();
    let due_cell = view! {
        {move || format::date_time(locale(), &due)}
        {r.overdue.then(|| view! { " " <span class="badge overdue">{t!(i18n, feedback.overdue)}</span> })}
    }
    .into_any();
    view! {
        <tr class:overdue=r.overdue role="row">
            <td role="cell" data-label=move || t_string!(i18n, feedback.col_case)>{link}</td>
            <td role="cell" data-label=move || t_string!(i18n, feedback.col_status)>{status_label(r.status)}</td>
            <td role="cell" class="wrap" data-label=move || t_string!(i18n, feedback.col_customer)>
                {r.customer.clone().unwrap_or_default()} " " <span class="reason">{r.location.clone().unwrap_or_default()}</span>
            </td>
            <td role="cell" data-label=move || t_string!(i18n, feedback.col_scores)>{scores}</td>
            <td role="cell" data-label=move || t_string!(i18n, feedback.col_due)>{due_cell}</td>
            <td role="cell" data-label=move || t_string!(i18n, feedback.assignee_label)>{r.assignee.clone().unwrap_or_default()}</td>
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
    let directory = Resource::new(|| (), |_| feedback_directory());
    view! {
        <PageTitle>{move || t_string!(i18n, feedback.case_title).replace("{id}", &id().to_string())}</PageTitle>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let directory = directory.await.unwrap_or_default();
                match detail.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(d) => view! { <CaseView detail=d directory act /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CaseView(
    detail: CaseDetail,
    directory: Directory,
    act: ServerAction<ActOnCase>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let error = last_error(act);
    let c = detail.case;
    let id = c.id;
    let due = c.due_local.clone();
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
                {c.priority_service.then(|| view! { " " <span class="badge priority">{t!(i18n, program.priority_service)}</span> })}
                {c.overdue.then(|| view! { " " <span class="badge overdue">{t!(i18n, feedback.overdue)}</span> })}
            </p>
            <p>{move || t_string!(i18n, feedback.due).replace("{date}", &format::date_time(locale(), &due))}</p>
            <p>{c.customer.clone().unwrap_or_default()} " " <span class="reason">{c.email.clone().unwrap_or_default()}</span></p>
            {c.assignee.clone().map(|a| view! { <p>{t!(i18n, feedback.assignee_label)} ": " {a}</p> })}
            <p>{scores} {c.category.map(|cat| format!(" · {}", category_label(cat)))} {c.location.clone().map(|l| format!(" · {l}"))}</p>
            {(!c.body.is_empty()).then(|| view! { <blockquote>{c.body.clone()}</blockquote> })}
            {c.resolution.clone().map(|r| view! { <p><strong>{t!(i18n, feedback.resolution_label)}</strong> " " {r}</p> })}
            <h2>{t!(i18n, feedback.timeline)}</h2>
            <Timeline events=detail.timeline />
        </section>
        {(!resolved).then(|| view! {
            <section class="card">
                <FormError error include_fields=true />
                <CaseControls act id status=c.status assignee=c.assignee_id staff=directory.staff.clone() />
                <div class="counter-forms">
                    <CaseForm act id kind="reply" primary=true
                        title=t_string!(i18n, feedback.reply_title) label=t_string!(i18n, feedback.reply_hint)
                        submit=t_string!(i18n, feedback.send_reply) />
                    <CaseForm act id kind="note"
                        title=t_string!(i18n, feedback.note_title) label=t_string!(i18n, feedback.note_hint)
                        submit=t_string!(i18n, feedback.add_note) />
                    <CaseForm act id kind="resolve" primary=true
                        title=t_string!(i18n, feedback.resolve_title) label=t_string!(i18n, feedback.resolution_label)
                        submit=t_string!(i18n, feedback.resolve_submit)>
                        {c.member_id.is_some().then(|| view! {
                            <Field name="goodwill" id="case-goodwill" kind="number" error
                                hint=ViewFn::from(move || t!(i18n, feedback.goodwill_hint))>{t!(i18n, feedback.goodwill_label)}</Field>
                            <SelectField name="reward_id" id="case-reward" error
                                options=options(t_string!(i18n, feedback.no_reward), &directory.rewards)>
                                {t!(i18n, feedback.reward_label)}
                            </SelectField>
                        })}
                    </CaseForm>
                </div>
            </section>
        })}
    }
    .into_any()
}

/// Who has the case and where it stands: two small forms with a select each.
#[component]
fn CaseControls(
    act: ServerAction<ActOnCase>,
    id: i64,
    status: CaseStatus,
    assignee: Option<i64>,
    staff: Vec<Named>,
) -> impl IntoView {
    let i18n = use_i18n();
    let no_error = Signal::derive(|| None);
    let staff = options(t_string!(i18n, feedback.nobody), &staff);
    let statuses: Vec<(String, String)> = CaseStatus::ALL
        .into_iter()
        .filter(|s| *s != CaseStatus::Resolved)
        .map(|s| (s.as_str().to_owned(), status_label(s).to_owned()))
        .collect();
    view! {
        <div class="case-controls">
            <ActionForm action=act attr:class="inline-form">
                <input type="hidden" name="case_id" value=id />
                <input type="hidden" name="action" value="assign" />
                <SelectField name="assignee_id" id="case-assignee" options=staff
                    selected=assignee.map(|a| a.to_string()).unwrap_or_default() error=no_error>
                    {t!(i18n, feedback.assignee_label)}
                </SelectField>
                <button type="submit" class="button">{t!(i18n, feedback.assign_submit)}</button>
            </ActionForm>
            <ActionForm action=act attr:class="inline-form">
                <input type="hidden" name="case_id" value=id />
                <input type="hidden" name="action" value="status" />
                <SelectField name="status" id="case-status" options=statuses
                    selected=status.as_str().to_owned() error=no_error>
                    {t!(i18n, feedback.col_status)}
                </SelectField>
                <button type="submit" class="button">{t!(i18n, feedback.status_submit)}</button>
            </ActionForm>
        </div>
    }
    .into_any()
}

/// One thing staff do to a case (`kind`: reply, note, resolve): a text and a button, and any
/// extra fields as children.
#[component]
fn CaseForm(
    act: ServerAction<ActOnCase>,
    id: i64,
    kind: &'static str,
    title: &'static str,
    label: &'static str,
    submit: &'static str,
    #[prop(optional)] primary: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let (title_id, text_id) = (format!("{kind}-title"), format!("case-{kind}"));
    let (labelled_by, text_for) = (title_id.clone(), text_id.clone());
    view! {
        <ActionForm action=act attr:novalidate=true attr:aria-labelledby=labelled_by>
            <h3 id=title_id>{title}</h3>
            <input type="hidden" name="case_id" value=id />
            <input type="hidden" name="action" value=kind />
            <label for=text_for>{label}</label>
            <textarea id=text_id name="body" rows="3"></textarea>
            {children.map(|c| c())}
            <button type="submit" class=if primary { "button primary" } else { "button" }>{submit}</button>
        </ActionForm>
    }
    .into_any()
}
