//! `/console/audit`: the audit log for owners and managers: filter by person, kind and shop
//! days (a plain GET form, so a filtered log is a link), newest first, 50 at a time, and the
//! same filter as a CSV download.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use super::api::{AuditEntry, AuditSlice, audit_log};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{Field, Loading, PageTitle, SelectField, error_view},
};

/// The filter as query parameters: person, kind, from, to.
type Query = (Option<i64>, Option<String>, Option<String>, Option<String>);

/// `?actor=&kind=&from=&to=` for links that keep the filter.
fn query_string(q: &Query) -> String {
    let (actor, kind, from, to) = q;
    let pairs = [
        ("actor", actor.map(|a| a.to_string())),
        ("kind", kind.clone()),
        ("from", from.clone()),
        ("to", to.clone()),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", urlencoding(&v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (dates, kinds and ids need little, but be safe).
fn urlencoding(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/console/audit`.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    let filter = move || -> Query {
        (
            get("actor").and_then(|v| v.parse().ok()),
            get("kind"),
            get("from"),
            get("to"),
        )
    };
    let before = move || get("before").and_then(|v| v.parse::<i64>().ok());
    let slice = Resource::new(
        move || (filter(), before()),
        |((actor, kind, from, to), before)| audit_log(actor, kind, from, to, before),
    );
    view! {
        <PageTitle>{t!(i18n, audit.title)}</PageTitle>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let q = filter();
                match slice.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(s) => view! { <AuditView s q /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AuditView(s: AuditSlice, q: Query) -> impl IntoView {
    let i18n = use_i18n();
    let no_error = Signal::derive(|| None);
    let people: Vec<(String, String)> =
        std::iter::once((String::new(), t_string!(i18n, audit.anyone).to_owned()))
            .chain(
                s.people
                    .iter()
                    .map(|(id, name)| (id.to_string(), name.clone())),
            )
            .collect();
    let kinds: Vec<(String, String)> =
        std::iter::once((String::new(), t_string!(i18n, audit.any_kind).to_owned()))
            .chain(s.kinds.iter().map(|k| (k.clone(), k.clone())))
            .collect();
    let params = query_string(&q);
    let csv = format!("/console/audit.csv?{params}");
    let older = s.older.map(|b| {
        format!(
            "/console/audit?{params}{}before={b}",
            if params.is_empty() { "" } else { "&" }
        )
    });
    let (actor, kind, from, to) = q;
    view! {
        <section class="card">
            <Form method="GET" action="/console/audit" attr:class="inbox-filter" attr:aria-label=move || t_string!(i18n, audit.filter_label)>
                <SelectField name="actor" id="audit-actor" options=people
                    selected=actor.map(|a| a.to_string()).unwrap_or_default() error=no_error>
                    {t!(i18n, audit.who)}
                </SelectField>
                <SelectField name="kind" id="audit-kind" options=kinds selected=kind.unwrap_or_default() error=no_error>
                    {t!(i18n, audit.kind)}
                </SelectField>
                <Field name="from" id="audit-from" kind="date" value=from.unwrap_or_default() error=no_error>
                    {t!(i18n, audit.from)}
                </Field>
                <Field name="to" id="audit-to" kind="date" value=to.unwrap_or_default() error=no_error>
                    {t!(i18n, audit.to)}
                </Field>
                <button type="submit" class="button">{t!(i18n, audit.filter_submit)}</button>
            </Form>
            <p><a href=csv download="audit-log.csv" rel="external">{t!(i18n, audit.csv)}</a></p>
        </section>
        <AuditTable entries=s.entries />
        {older.map(|href| view! { <p><A href=href>{t!(i18n, audit.older)}</A></p> })}
    }
    .into_any()
}

#[component]
fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    if entries.is_empty() {
        return view! { <section class="card"><p class="hint">{t!(i18n, audit.none)}</p></section> }.into_any();
    }
    // On a phone the rows become cards (style.css: .case-table), each cell labelled.
    view! {
        <section class="card">
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || t_string!(i18n, audit.title)>
                <table class="case-table" role="table">
                    <thead role="rowgroup"><tr role="row">
                        <th scope="col" role="columnheader">{t!(i18n, audit.when)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, audit.who)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, audit.what)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, audit.subject)}</th>
                        <th scope="col" role="columnheader">{t!(i18n, audit.detail)}</th>
                    </tr></thead>
                    <tbody role="rowgroup">
                        {entries.into_iter().map(|e| {
                            let at = e.at.clone();
                            let who = if e.who.is_empty() { t_string!(i18n, audit.system).to_owned() } else { e.who.clone() };
                            view! {
                                <tr role="row">
                                    <td role="cell" data-label=move || t_string!(i18n, audit.when)>{move || format::date_time(locale(), &at)}</td>
                                    <td role="cell" data-label=move || t_string!(i18n, audit.who)>{who}</td>
                                    <td role="cell" data-label=move || t_string!(i18n, audit.what)><code>{e.action}</code></td>
                                    <td role="cell" data-label=move || t_string!(i18n, audit.subject)><code>{e.subject}</code></td>
                                    <td role="cell" class="wrap" data-label=move || t_string!(i18n, audit.detail)>{e.detail}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
