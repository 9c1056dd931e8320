//! `/console/integrations/partners`: owners add partner retailers with their rates, make each
//! one's API key (shown once), end a partnership, and read a month's settlement (with CSV).
//! For members, [`MemberPartners`]: where else their points work, at what rates.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_query_map;

use super::{
    api::{
        CreatePartner, CreatePartnerKey, EndPartner, Partners, Settlement, list_partners,
        member_partners, month_settlement,
    },
    types::{Partner, Rates},
};
use crate::{
    i18n::LocaleExt as _,
    i18n::{format, t, t_string, use_i18n},
    loyalty::rules::Currency,
    ui::{Field, FormError, Loading, PageTitle, ShownOnce, error_view, last_error},
};

/// "2 points per €1" or "No points", and "100 points = €1.50", in the viewer's language.
fn rate_texts(rates: Rates, currency: Currency) -> (String, String) {
    let i18n = use_i18n();
    let locale = i18n.get_locale();
    let money = |minor| format::money(locale.as_str(), minor, currency);
    let earn = if rates.points_per_unit == 0 {
        t_string!(i18n, partners.no_points).to_owned()
    } else {
        let n = rates.points_per_unit;
        let word = match format::plural(locale.as_str(), n) {
            format::Plural::One => t_string!(i18n, partners.point_sg),
            format::Plural::Zero => t_string!(i18n, partners.point_pl0),
            format::Plural::Other => t_string!(i18n, partners.point_pl),
        };
        let points = format!("{} {word}", format::number(locale.as_str(), n));
        t_string!(i18n, partners.points_per)
            .replace("{points}", &points)
            .replace("{unit}", &money(100))
    };
    let worth = t_string!(i18n, partners.worth).replace("{value}", &money(rates.value_of_100));
    (earn, worth)
}

/// The partner page.
#[component]
pub fn PartnersPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreatePartner>::new();
    let end = ServerAction::<EndPartner>::new();
    let make_key = ServerAction::<CreatePartnerKey>::new();
    let data = Resource::new(
        move || (create.version().get(), end.version().get()),
        |_| list_partners(),
    );
    let create_error = last_error(create);
    let list_error = Signal::derive(move || last_error(end).get().or(last_error(make_key).get()));
    let secret = move || {
        make_key
            .value()
            .get()
            .and_then(Result::ok)
            .map(|k| k.secret)
    };
    view! {
        <PageTitle>{t!(i18n, partners.title)}</PageTitle>
        <p class="lead">{t!(i18n, partners.intro)}</p>
        <section class="card">
            <h2>{t!(i18n, partners.new_title)}</h2>
            <ActionForm action=create attr:novalidate=true attr:class="stack integration-form">
                <FormError error=create_error />
                <Field name="name" id="partner-name" error=create_error>{t!(i18n, partners.name)}</Field>
                <Field name="points_per_unit" kind="number" error=create_error
                    hint=ViewFn::from(move || t_string!(i18n, partners.points_hint))>
                    {t!(i18n, partners.points_per_unit)}
                </Field>
                <Field name="value_of_100" error=create_error
                    hint=ViewFn::from(move || t_string!(i18n, partners.value_hint))>
                    {t!(i18n, partners.value_of_100)}
                </Field>
                <label class="check">
                    <input type="checkbox" name="redeem" value="on" />
                    {t!(i18n, partners.redeem)}
                </label>
                <button type="submit" class="button primary">{t!(i18n, partners.create_submit)}</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t!(i18n, partners.list_title)}</h2>
            <ShownOnce secret=Signal::derive(secret)
                made=Signal::derive(move || t_string!(i18n, partners.key_created))
                once=Signal::derive(move || t_string!(i18n, integrations.secret_once)) />
            <FormError error=list_error include_fields=true />
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <PartnerTable data end make_key /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <SettlementCard />
    }
}

#[component]
fn PartnerTable(
    data: Partners,
    end: ServerAction<EndPartner>,
    make_key: ServerAction<CreatePartnerKey>,
) -> impl IntoView {
    let i18n = use_i18n();
    if data.partners.is_empty() {
        return view! { <p>{t!(i18n, partners.none_yet)}</p> }.into_any();
    }
    let currency = data.currency;
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, partners.name)}</th>
                        <th scope="col">{t!(i18n, partners.col_earn)}</th>
                        <th scope="col">{t!(i18n, partners.col_worth)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, integrations.col_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {data.partners
                        .into_iter()
                        .map(|p| {
                            let rates = p.rates;
                            let (key_name, end_name) = (p.name.clone(), p.name.clone());
                            view! {
                                <tr>
                                    <td>{p.name}</td>
                                    <td>{move || rate_texts(rates, currency).0}</td>
                                    <td>
                                        {move || rate_texts(rates, currency).1}
                                        {(!rates.redeem).then(|| view! { <br /><span class="hint">{t!(i18n, partners.no_paying)}</span> })}
                                    </td>
                                    <td class="actions">
                                        <ActionForm action=make_key attr:class="inline">
                                            <input type="hidden" name="id" value=p.id />
                                            <button type="submit" class="button small"
                                                aria-label=move || format!("{} {}", t_string!(i18n, partners.make_key), key_name)>
                                                {t!(i18n, partners.make_key)}
                                            </button>
                                        </ActionForm>
                                        <ActionForm action=end attr:class="inline">
                                            <input type="hidden" name="id" value=p.id />
                                            <button type="submit" class="button small danger"
                                                aria-label=move || format!("{} {}", t_string!(i18n, partners.end), end_name)>
                                                {t!(i18n, partners.end)}
                                            </button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The month's settlement: a GET form for the month (so the page's address names it), the
/// table and its CSV.
#[component]
fn SettlementCard() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let month = move || query.with(|q| q.get("month").unwrap_or_default());
    let data = Resource::new(month, month_settlement);
    view! {
        <section class="card" aria-labelledby="settlement">
            <h2 id="settlement">{t!(i18n, partners.settlement_title)}</h2>
            <p class="hint">{t!(i18n, partners.settlement_intro)}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(s) => view! { <SettlementTable s /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SettlementTable(s: Settlement) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale();
    let currency = s.currency;
    let money = move |minor: i64| format::money(locale().as_str(), minor, currency);
    let number = move |n: i64| format::number(locale().as_str(), n);
    let csv = format!(
        "/console/integrations/partners/settlement.csv?month={}",
        s.month
    );
    let month = s.month.clone();
    view! {
        <form method="get" class="inline-form">
            <label for="settlement-month">{t!(i18n, partners.month)}</label>
            <input type="month" id="settlement-month" name="month" value=month required />
            <button type="submit" class="button">{t!(i18n, partners.show)}</button>
        </form>
        {if s.lines.is_empty() {
            view! { <p>{t!(i18n, partners.none_yet)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="group" aria-labelledby="settlement">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, partners.name)}</th>
                                <th scope="col" class="num">{t!(i18n, partners.col_earned)}</th>
                                <th scope="col" class="num">{t!(i18n, partners.col_owed_by)}</th>
                                <th scope="col" class="num">{t!(i18n, partners.col_redeemed)}</th>
                                <th scope="col" class="num">{t!(i18n, partners.col_owed_to)}</th>
                                <th scope="col" class="num">{t!(i18n, partners.col_net)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {s.lines
                                .into_iter()
                                .map(|l| {
                                    let net = l.net();
                                    view! {
                                        <tr>
                                            <td>{l.partner.clone()}</td>
                                            <td class="num">{move || number(l.points_earned)}</td>
                                            <td class="num">{move || money(l.owed_by_partner)}</td>
                                            <td class="num">{move || number(l.points_redeemed)}</td>
                                            <td class="num">{move || money(l.owed_to_partner)}</td>
                                            <td class="num">{move || {
                                                if net >= 0 {
                                                    t_string!(i18n, partners.net_to_shop).replace("{amount}", &money(net))
                                                } else {
                                                    t_string!(i18n, partners.net_to_partner).replace("{amount}", &money(-net))
                                                }
                                            }}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <p><a href=csv download>{t!(i18n, partners.download_csv)}</a></p>
    }
}

/// For the portal: the live partners, where members also earn and pay with points. Nothing
/// when there are none.
#[component]
pub fn MemberPartners() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| member_partners());
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) if !d.partners.is_empty() => view! {
                        <section class="card" aria-labelledby="partners">
                            <h2 id="partners">{t!(i18n, partners.portal_title)}</h2>
                            <p class="hint">{t!(i18n, partners.portal_intro)}</p>
                            <ul class="partner-list">
                                {d.partners.into_iter().map(|p| view! { <MemberPartner p currency=d.currency /> }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    Ok(_) => ().into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MemberPartner(p: Partner, currency: Currency) -> impl IntoView {
    let i18n = use_i18n();
    let rates = p.rates;
    view! {
        <li>
            <strong>{p.name}</strong>
            <span>{move || rate_texts(rates, currency).0}</span>
            <span>{move || {
                if rates.redeem {
                    rate_texts(rates, currency).1
                } else {
                    t_string!(i18n, partners.no_paying).to_owned()
                }
            }}</span>
        </li>
    }
}
