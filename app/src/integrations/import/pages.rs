//! `/console/integrations/import`: upload a CSV file of members or past purchases (a plain
//! multipart form, so it works before the page's script has loaded) and the latest uploads;
//! `/console/integrations/import/{id}`: map the file's columns, check it, import it with a
//! progress bar, and see what happened.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    api::{
        ImportFile, RunState, SubmitImport, Submitted, import_state, import_view, recent_imports,
    },
    types::{Field, Kind, Outcome},
};
use crate::{
    i18n::LocaleExt as _,
    i18n::{format, t, t_string, use_i18n},
    ui::{FormError, Loading, PageTitle, error_text, error_view, last_error},
};

fn field_label(f: Field) -> &'static str {
    let i18n = use_i18n();
    match f {
        Field::Email => t_string!(i18n, import.f_email),
        Field::Name => t_string!(i18n, import.f_name),
        Field::Phone => t_string!(i18n, import.f_phone),
        Field::Language => t_string!(i18n, import.f_language),
        Field::Birthday => t_string!(i18n, import.f_birthday),
        Field::Joined => t_string!(i18n, import.f_joined),
        Field::EmailConsent => t_string!(i18n, import.f_email_consent),
        Field::SmsConsent => t_string!(i18n, import.f_sms_consent),
        Field::ConsentSource => t_string!(i18n, import.f_consent_source),
        Field::Member => t_string!(i18n, import.f_member),
        Field::Date => t_string!(i18n, import.f_date),
        Field::Amount => t_string!(i18n, import.f_amount),
        Field::Receipt => t_string!(i18n, import.f_receipt),
        Field::Location => t_string!(i18n, import.f_location),
    }
}

fn kind_label(k: &str) -> &'static str {
    let i18n = use_i18n();
    match k {
        "members" => t_string!(i18n, import.kind_members),
        _ => t_string!(i18n, import.kind_purchases),
    }
}

/// The upload page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let refused = move || {
        query.with(|q| q.get("error")).map(|e| match e.as_str() {
            "not_utf8" => t_string!(i18n, import.err_not_utf8),
            "empty" => t_string!(i18n, import.err_empty),
            "quote" => t_string!(i18n, import.err_quote),
            "too_many_rows" => t_string!(i18n, import.err_too_many_rows),
            "too_large" => t_string!(i18n, import.err_too_large),
            _ => t_string!(i18n, import.err_no_file),
        })
    };
    let recent = Resource::new(|| (), |_| recent_imports());
    view! {
        <PageTitle>{t!(i18n, import.title)}</PageTitle>
        <p class="lead">{t!(i18n, import.intro)}</p>
        <section class="card">
            <h2>{t!(i18n, import.upload_title)}</h2>
            {move || refused().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            <form method="post" action="/console/integrations/import" enctype="multipart/form-data" class="stack integration-form">
                <label for="import-kind">{t!(i18n, import.kind)}</label>
                <select id="import-kind" name="kind">
                    <option value="members">{t!(i18n, import.kind_members)}</option>
                    <option value="purchases">{t!(i18n, import.kind_purchases)}</option>
                </select>
                <label for="import-file">{t!(i18n, import.file)}</label>
                <input type="file" id="import-file" name="file" accept=".csv,text/csv" required />
                <p class="hint">{t!(i18n, import.file_hint)}</p>
                <button type="submit" class="button primary">{t!(i18n, import.upload)}</button>
            </form>
        </section>
        <section class="card">
            <h2>{t!(i18n, import.recent_title)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match recent.await {
                        Ok(list) if list.is_empty() => view! { <p>{t!(i18n, import.none_yet)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="import-list">
                                {list.into_iter().map(|(id, kind, file, rows, status, _)| view! {
                                    <li>
                                        <a href=format!("/console/integrations/import/{id}")>{file}</a>
                                        " · " {move || kind_label(&kind)}
                                        " · " {move || t_string!(i18n, import.rows_n).replace("{n}", &format::number(i18n.get_locale().as_str(), rows))}
                                        " · " {status}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One upload: mapping, check, run. The form's action and the run's state live here, outside
/// the part that waits for the upload, so the browser takes them over as the server built them.
#[component]
pub fn ImportRunPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => import_view(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    let submit = ServerAction::<SubmitImport>::new();
    let tick = RwSignal::new(0u32);
    let state = Resource::new(
        move || (id(), submit.version().get(), tick.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => import_state(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    // While it runs, the progress refreshes itself.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let running = state
                    .get_untracked()
                    .and_then(Result::ok)
                    .is_some_and(|s| s.status == "running");
                if running {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_millis(500),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p><a href="/console/integrations/import">{t!(i18n, import.back)}</a></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Mapping v submit /> }.into_any(),
                    Err(e) => view! { <PageTitle>{t!(i18n, import.title)}</PageTitle><p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                state.await.ok().map(|s| view! { <RunView s /> })
            })}
        </Transition>
    }
}

#[component]
fn Mapping(v: ImportFile, submit: ServerAction<SubmitImport>) -> impl IntoView {
    let i18n = use_i18n();
    let error = last_error(submit);
    let id = v.id;
    let checked = move || match submit.value().get() {
        Some(Ok(Submitted::Checked(o))) => Some(o),
        _ => None,
    };
    let options = std::iter::once((String::new(), t_string!(i18n, import.no_column).to_owned()))
        .chain(
            v.header
                .iter()
                .enumerate()
                .map(|(i, h)| (i.to_string(), h.clone())),
        )
        .collect::<Vec<_>>();
    let kind = v.kind;
    view! {
        <PageTitle>{v.file_name.clone()}</PageTitle>
        <p class="lead">
            {move || kind_label(kind.as_str())} " · "
            {move || t_string!(i18n, import.rows_n).replace("{n}", &format::number(i18n.get_locale().as_str(), v.rows as i64))}
        </p>
        <section class="card">
            <h2>{t!(i18n, import.mapping_title)}</h2>
            <p class="hint">{t!(i18n, import.mapping_hint)}</p>
            <ActionForm action=submit attr:novalidate=true attr:class="stack integration-form">
                <FormError error />
                <input type="hidden" name="id" value=id />
                {v.guessed.iter().map(|&(field, column)| {
                    let options = options.clone();
                    let name = format!("setup[columns][{}]", field.key());
                    let input_id = format!("map-{}", field.key());
                    let chosen = column.map(|c| c.to_string()).unwrap_or_default();
                    view! {
                        <div class="field">
                            <label for=input_id.clone()>
                                {move || field_label(field)}
                                {field.required().then_some(" *")}
                            </label>
                            <select id=input_id name=name>
                                {options.into_iter().map(|(value, text)| {
                                    let selected = value == chosen;
                                    view! { <option value=value selected=selected>{text}</option> }
                                }).collect_view()}
                            </select>
                            {move || error.get().and_then(|e| e.field_message(field.key())).map(|m| view! {
                                <p class="field-error" role="alert">{error_text(m)}</p>
                            })}
                        </div>
                    }
                }).collect_view()}
                {match kind {
                    Kind::Members => view! {
                        <div class="field">
                            <label for="import-source">{t!(i18n, import.default_source)}</label>
                            <input id="import-source" name="setup[source]" value="import" />
                        </div>
                    }.into_any(),
                    Kind::Purchases => view! {
                        <div class="field">
                            <label for="import-location">{t!(i18n, import.default_location)}</label>
                            <select id="import-location" name="setup[location]">
                                <option value="">{t!(i18n, import.no_column)}</option>
                                {v.locations.iter().map(|(lid, name)| view! { <option value=lid.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }.into_any(),
                }}
                <fieldset>
                    <legend>{t!(i18n, import.mode)}</legend>
                    <label class="check"><input type="radio" name="setup[mode]" value="all" checked /> {t!(i18n, import.mode_all)}</label>
                    <label class="check"><input type="radio" name="setup[mode]" value="skip_bad" /> {t!(i18n, import.mode_skip)}</label>
                    {move || error.get().and_then(|e| e.field_message("mode")).map(|m| view! {
                        <p class="field-error" role="alert">{error_text(m)}</p>
                    })}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button">{t!(i18n, import.check)}</button>
                    <button type="submit" name="run" value="1" class="button primary">{t!(i18n, import.run)}</button>
                </div>
            </ActionForm>
        </section>
        {move || checked().map(|o| view! {
            <section class="card" aria-labelledby="check-title">
                <h2 id="check-title">{t!(i18n, import.check_title)}</h2>
                <OutcomeView o labelled="check-title" />
            </section>
        })}
    }
}

#[component]
fn RunView(s: RunState) -> impl IntoView {
    let i18n = use_i18n();
    let number = move |n: usize| format::number(i18n.get_locale().as_str(), n as i64);
    match s.status.as_str() {
        "running" => view! {
            <section class="card" aria-labelledby="run-title">
                <h2 id="run-title">{t!(i18n, import.running)}</h2>
                <progress max=s.total.to_string() value=s.done.to_string() aria-labelledby="run-title"></progress>
                <p role="status">{move || t_string!(i18n, import.progress).replace("{done}", &number(s.done)).replace("{total}", &number(s.total))}</p>
            </section>
        }.into_any(),
        "done" | "failed" => {
            let failed = s.status == "failed";
            view! {
                <section class="card" aria-labelledby="run-title">
                    <h2 id="run-title">
                        {move || if failed { t_string!(i18n, import.failed) } else { t_string!(i18n, import.done) }}
                    </h2>
                    {s.outcome.map(|o| view! { <OutcomeView o labelled="run-title" /> }.into_any())}
                </section>
            }.into_any()
        }
        _ => ().into_any(),
    }
}

#[component]
fn OutcomeView(o: Outcome, labelled: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let number = move |n: usize| format::number(i18n.get_locale().as_str(), n as i64);
    let counts = [
        (o.new, t_string!(i18n, import.count_new)),
        (o.already, t_string!(i18n, import.count_already)),
        (o.bad, t_string!(i18n, import.count_bad)),
    ];
    view! {
        <dl class="import-counts">
            {counts.into_iter().map(|(n, label)| view! { <dt>{label}</dt><dd>{move || number(n)}</dd> }).collect_view()}
        </dl>
        {(!o.errors.is_empty()).then(|| view! {
            <div class="table-wrap" tabindex="0" role="group" aria-labelledby=labelled>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, import.col_line)}</th>
                            <th scope="col">{t!(i18n, import.col_field)}</th>
                            <th scope="col">{t!(i18n, import.col_problem)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {o.errors.into_iter().map(|e| view! {
                            <tr>
                                <td>{e.line}</td>
                                <td>{move || field_label(e.field)}</td>
                                <td>{move || error_text(e.msg)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any())}
    }
    .into_any()
}
