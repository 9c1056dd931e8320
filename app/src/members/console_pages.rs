//! `/console/members` (search, tag filter, a page at a time; a plain GET form, so a search is a
//! link) and `/console/members/:id`, a member's profile with tags and staff notes.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Form},
    hooks::{use_params_map, use_query_map},
};

use super::profile::{
    MemberDetail, MemberList, NoteMember, TagMember, list_members, member_profile,
};
use crate::{
    i18n::{LocaleExt as _, format, t, t_string, use_i18n},
    ui::{
        Field, FormError, Loading, PageTitle, SelectField, TextAreaField, error_view, last_error,
    },
};

/// `/console/members`.
#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.trim().is_empty()));
    let filter = move || (get("q"), get("tag"));
    let before = move || get("before").and_then(|v| v.parse::<i64>().ok());
    let list = Resource::new(
        move || (filter(), before()),
        |((q, tag), before)| list_members(q, tag, before),
    );
    view! {
        <PageTitle>{t!(i18n, members.title)}</PageTitle>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let (q, tag) = filter();
                match list.await {
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    Ok(list) => view! { <MemberListView list q tag /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `?q=…&tag=…&` for links that keep the search.
fn search_params(q: &Option<String>, tag: &Option<String>) -> String {
    let enc = |v: &str| {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    [("q", q), ("tag", tag)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}={}&", enc(v))))
        .collect()
}

#[component]
fn MemberListView(list: MemberList, q: Option<String>, tag: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let no_error = Signal::derive(|| None);
    let tags: Vec<(String, String)> =
        std::iter::once((String::new(), t_string!(i18n, members.any_tag).to_owned()))
            .chain(
                list.tags
                    .iter()
                    .map(|(t, n)| (t.clone(), format!("{t} ({n})"))),
            )
            .collect();
    let more = list.members.last().filter(|_| list.more).map(|m| {
        format!(
            "/console/members?{}before={}",
            search_params(&q, &tag),
            m.id
        )
    });
    let empty = list.members.is_empty();
    view! {
        <section class="card">
            <Form method="GET" action="/console/members" attr:class="inbox-filter" attr:role="search"
                attr:aria-label=move || t_string!(i18n, members.search_label)>
                <Field name="q" id="members-q" kind="search" value=q.unwrap_or_default() error=no_error
                    hint=ViewFn::from(move || t!(i18n, members.search_hint))>
                    {t!(i18n, members.search_label)}
                </Field>
                <SelectField name="tag" id="members-tag" options=tags selected=tag.unwrap_or_default() error=no_error>
                    {t!(i18n, members.tag_filter)}
                </SelectField>
                <button type="submit" class="button">{t!(i18n, members.search_submit)}</button>
            </Form>
        </section>
        <section class="card">
            {if empty {
                view! { <p class="hint">{t!(i18n, members.none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="member-list">
                        {list.members.into_iter().map(|m| view! {
                            <li>
                                <A href=format!("/console/members/{}", m.id)>{m.name}</A>
                                <span class="hint">{m.email} " · " {m.member_number}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {more.map(|href| view! { <p><A href=href>{t!(i18n, members.more)}</A></p> })}
        </section>
    }
    .into_any()
}

/// `/console/members/:id`.
#[component]
pub fn MemberProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|i| i.parse::<i64>().ok()).unwrap_or(0));
    let tag = ServerAction::<TagMember>::new();
    let note = ServerAction::<NoteMember>::new();
    let profile = Resource::new(
        move || (id(), tag.version().get(), note.version().get()),
        |(id, _, _)| member_profile(id),
    );
    view! {
        <p><A href="/console/members">{t!(i18n, members.back)}</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match profile.await {
                    Err(e) => view! {
                        <PageTitle>{t!(i18n, members.title)}</PageTitle>
                        <p class="form-error" role="alert">{error_view(&e, true)}</p>
                    }.into_any(),
                    Ok(p) => view! { <ProfileView p tag note /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProfileView(
    p: MemberDetail,
    tag: ServerAction<TagMember>,
    note: ServerAction<NoteMember>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let (tag_error, note_error) = (last_error(tag), last_error(note));
    let h = p.head;
    let id = h.id;
    let joined = h.joined.clone();
    let not_given = move || t_string!(i18n, members.not_given).to_owned();
    let tier = p.summary.tier.as_ref().map(|t| t.name.clone());
    let currency = p.currency;
    view! {
        <PageTitle>{h.name.clone()}</PageTitle>
        <section class="card" aria-labelledby="contact-title">
            <h2 id="contact-title">{t!(i18n, members.contact)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, members.number)}</dt><dd>{p.member_number}</dd>
                <dt>{t!(i18n, account.email)}</dt><dd>{h.email}</dd>
                <dt>{t!(i18n, members.phone)}</dt><dd>{h.phone.unwrap_or_else(not_given)}</dd>
                <dt>{t!(i18n, account.language)}</dt><dd>{crate::i18n::language_name(h.language)}</dd>
                <dt>{t!(i18n, members.birthday)}</dt><dd>{h.birthday.unwrap_or_else(not_given)}</dd>
                <dt>{t!(i18n, my_data.time_zone)}</dt><dd>{h.time_zone.unwrap_or_else(not_given)}</dd>
                <dt>{t!(i18n, members.joined)}</dt><dd>{move || format::date(locale(), &joined)}</dd>
                <dt>{t!(i18n, points.balance)}</dt><dd>{move || format::number(locale(), p.summary.balance)} " " {t!(i18n, points.unit)}</dd>
                <dt>{t!(i18n, points.tier)}</dt><dd>{tier.unwrap_or_else(not_given)}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="tags-title">
            <h2 id="tags-title">{t!(i18n, members.tags_title)}</h2>
            <FormError error=tag_error />
            {if p.tags.is_empty() {
                view! { <p class="hint">{t!(i18n, members.no_tags)}</p> }.into_any()
            } else {
                view! {
                    <ul class="tags">
                        {p.tags.into_iter().map(|t| {
                            let label = t_string!(i18n, members.tag_remove).replace("{tag}", &t);
                            view! {
                                <li class="tag">
                                    <span>{t.clone()}</span>
                                    <ActionForm action=tag attr:class="inline-form">
                                        <input type="hidden" name="member_id" value=id />
                                        <input type="hidden" name="tag" value=t />
                                        <input type="hidden" name="remove" value="true" />
                                        <button type="submit" class="button small" aria-label=label>"×"</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=tag attr:class="inline-form" attr:novalidate=true>
                <input type="hidden" name="member_id" value=id />
                <Field name="tag" id="new-tag" error=tag_error>{t!(i18n, members.tag_label)}</Field>
                <button type="submit" class="button">{t!(i18n, members.tag_add)}</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="notes-title">
            <h2 id="notes-title">{t!(i18n, members.notes_title)}</h2>
            <ActionForm action=note attr:novalidate=true>
                <input type="hidden" name="member_id" value=id />
                <TextAreaField name="body" id="new-note" error=note_error
                    hint=ViewFn::from(move || t!(i18n, feedback.note_hint))>
                    {t!(i18n, members.note_label)}
                </TextAreaField>
                <button type="submit" class="button">{t!(i18n, feedback.add_note)}</button>
            </ActionForm>
            {if p.notes.is_empty() {
                view! { <p class="hint">{t!(i18n, members.no_notes)}</p> }.into_any()
            } else {
                view! {
                    <ul class="notes">
                        {p.notes.into_iter().map(|n| {
                            let at = n.at.clone();
                            view! {
                                <li>
                                    <p class="hint">{n.author.unwrap_or_default()} " · " {move || format::date_time(locale(), &at)}</p>
                                    <p class="wrap">{n.body}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <super::profile_parts::Address member_id=id address=h.postal_address.clone() />
        <super::profile_parts::Activity purchases=p.purchases codes=p.codes feedback=p.feedback currency />
        <super::profile_parts::Consents email=h.email_marketing sms=h.sms_marketing consents=p.consents />
    }
    .into_any()
}
