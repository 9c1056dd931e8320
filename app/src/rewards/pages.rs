//! `/me/rewards`: what a member can take for their points and the codes they hold; the
//! counter's "use a reward code" form. Plain forms, so both work before the WASM loads.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_query_map};

use super::{
    api::{RedeemReward, UseCode, my_rewards, reward_catalog},
    types::{CodeStatus, Offered, RewardCode, icon_svg, show_code},
};
use crate::{
    error::{AppError, Msg},
    i18n::{
        LocaleExt as _,
        format::{self, Plural, plural},
        t, use_i18n,
    },
    ui::{Field, FormError, Loading, PageTitle, error_text, error_view, last_error},
};

/// A reward's icon, decorative (the reward's name is always written next to it).
#[component]
pub fn RewardIcon(key: String, #[prop(optional)] big: bool) -> impl IntoView {
    view! {
        <svg
            class=if big { "reward-icon big" } else { "reward-icon" }
            viewBox="0 0 24 24"
            aria-hidden="true"
            inner_html=icon_svg(&key)
        ></svg>
    }
}

/// The member's rewards page.
#[component]
pub fn RewardsPage() -> impl IntoView {
    let i18n = use_i18n();
    let redeem = ServerAction::<RedeemReward>::new();
    let data = Resource::new(
        move || redeem.version().get(),
        |_| async { Ok::<_, AppError>((reward_catalog().await?, my_rewards().await?)) },
    );
    view! {
        <section class="rewards">
            <PageTitle>{t!(i18n, rewards.title)}</PageTitle>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <p class="form-error" role="alert">{error_view(&e, true)}</p> }.into_any(),
                        Ok((catalog, codes)) => {
                            // A double tap replays the first redemption; a new one gets a new key.
                            let latest = codes.first().map_or(0, |c| c.id);
                            view! {
                                <section class="card" aria-labelledby="my-rewards">
                                    <h2 id="my-rewards">{t!(i18n, rewards.mine_title)}</h2>
                                    <CodeList codes />
                                </section>
                                <section class="card" aria-labelledby="catalog">
                                    <h2 id="catalog">{t!(i18n, rewards.catalog_title)}</h2>
                                    <Catalog catalog redeem latest />
                                </section>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
            <crate::integrations::partners::pages::MemberPartners />
        </section>
    }
}

#[component]
fn Catalog(
    catalog: Vec<Offered>,
    redeem: ServerAction<RedeemReward>,
    latest: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    if catalog.is_empty() {
        return view! { <p class="hint">{t!(i18n, rewards.none_offered)}</p> }.into_any();
    }
    view! {
        <ul class="reward-list">
            {catalog.into_iter().map(|Offered { reward, blocked, missing }| view! { <RewardItem reward blocked missing redeem latest /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn RewardItem(
    reward: super::types::Reward,
    blocked: Option<Msg>,
    missing: i64,
    redeem: ServerAction<RedeemReward>,
    latest: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let cost = reward.cost;
    let label = format!("reward-title-{}", reward.id);
    let key = format!("reward-{}-{latest}", reward.id);
    let stock = reward.stock;
    let tier = reward.min_tier.clone().map(|(_, name)| name);
    let ends = reward.ends_on.clone();
    let days = reward.valid_days;
    view! {
        <li class="reward" id=format!("reward-{}", reward.id)>
            <RewardIcon key=reward.icon.clone() big=true />
            <div class="reward-body">
                <h3 id=label.clone()>{reward.name.clone()}</h3>
                {(!reward.description.is_empty()).then(|| view! { <p>{reward.description.clone()}</p> })}
                <p class="reward-cost">
                    {move || {
                        let n = format::number(locale(), cost);
                        match plural(locale(), cost) {
                            Plural::One => t!(i18n, rewards.cost_sg, points = move || n.clone()).into_any(),
                            Plural::Zero => t!(i18n, rewards.cost_pl0, points = move || n.clone()).into_any(),
                            Plural::Other => t!(i18n, rewards.cost_pl, points = move || n.clone()).into_any(),
                        }
                    }}
                </p>
                <p class="hint">
                    {t!(i18n, rewards.valid_days, days = move || days)}
                    {stock.map(|n| view! { " " {t!(i18n, rewards.stock_left, count = move || format::number(locale(), n))} })}
                    {tier.map(|name| view! { " " {t!(i18n, rewards.min_tier, tier = move || name.clone())} })}
                    {ends.map(|d| view! { " " {t!(i18n, rewards.until, date = move || format::date(locale(), &d))} })}
                </p>
                <p class="hint">
                    {if reward.refund_if_unused {
                        t!(i18n, rewards.rule_returns).into_any()
                    } else {
                        t!(i18n, rewards.rule_no_return).into_any()
                    }}
                </p>
                {match blocked {
                    // Said to the member, with the number the server counted.
                    Some(Msg::InsufficientPoints) if missing > 0 => view! {
                        <p class="notice-plain">{error_view(&AppError::PointsShort { missing }, true)}</p>
                    }.into_any(),
                    Some(why) => view! { <p class="notice-plain">{move || error_text(why)}</p> }.into_any(),
                    None => view! {
                        <TakeReward id=reward.id name=reward.name.clone() cost days redeem key label />
                    }.into_any(),
                }}
            </div>
        </li>
    }
    .into_any()
}

/// Taking a reward spends points, so it asks first: "Take it" is a link (it works before the
/// WASM loads, and changes nothing) to this page with `?take=ID`, which shows what it costs,
/// how long the code lasts, and the button that takes it (or cancel).
#[component]
fn TakeReward(
    id: i64,
    name: String,
    cost: i64,
    days: i64,
    redeem: ServerAction<RedeemReward>,
    key: String,
    label: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let asking = move || query.with(|q| q.get_str("take") == Some(id.to_string().as_str()));
    let error = last_error(redeem);
    let title_id = format!("take-title-{id}");
    let heading = NodeRef::<leptos::html::P>::new();
    // Moves focus to the question when it appears, so keyboards and screen readers follow: the
    // browser does it on a page load (`autofocus`; this page is plain HTML — and the link has
    // no `#fragment`, which would make the browser skip autofocus), the effect when the
    // question appears in a page the WASM runs.
    Effect::new(move |_| {
        if let Some(el) = heading.get() {
            _ = el.focus();
        }
    });
    move || {
        if !asking() {
            return view! {
                <A href=format!("/me/rewards?take={id}") attr:class="button primary">
                    {t!(i18n, rewards.redeem_submit)}
                </A>
            }
            .into_any();
        }
        let (name, title_id, labelled_by) = (name.clone(), title_id.clone(), title_id.clone());
        let (key, label) = (key.clone(), label.clone());
        let cost_text = move || {
            let locale = i18n.get_locale().as_str();
            let n = format::number(locale, cost);
            let points = move || n.clone();
            match plural(locale, cost) {
                Plural::One => t!(i18n, rewards.cost_sg, points = points).into_any(),
                Plural::Zero => t!(i18n, rewards.cost_pl0, points = points).into_any(),
                Plural::Other => t!(i18n, rewards.cost_pl, points = points).into_any(),
            }
        };
        view! {
            <div class="take-confirm" role="group" aria-labelledby=labelled_by>
                <p class="take-title" id=title_id tabindex="-1" autofocus=true node_ref=heading>
                    <strong>{t!(i18n, rewards.confirm_title)}</strong>
                </p>
                <p>{t!(i18n, rewards.confirm_text, cost = cost_text, reward = move || name.clone(), days = move || days)}</p>
                <FormError error include_fields=true />
                <ActionForm action=redeem attr:class="inline-form" attr:aria-labelledby=label>
                    <input type="hidden" name="reward_id" value=id />
                    <input type="hidden" name="idempotency_key" value=key />
                    <button type="submit" class="button primary">{t!(i18n, rewards.confirm_submit)}</button>
                    <A href=format!("/me/rewards#reward-{id}") attr:class="button">{t!(i18n, rewards.confirm_cancel)}</A>
                </ActionForm>
            </div>
        }
        .into_any()
    }
}

/// The member's codes: active ones with the code as text and QR, then used and expired ones.
#[component]
fn CodeList(codes: Vec<RewardCode>) -> impl IntoView {
    let i18n = use_i18n();
    if codes.is_empty() {
        return view! { <p class="hint">{t!(i18n, rewards.none_yet)}</p> }.into_any();
    }
    view! {
        <ul class="code-list">
            {codes.into_iter().map(|c| view! { <CodeItem c /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn CodeItem(c: RewardCode) -> impl IntoView {
    let i18n = use_i18n();
    let locale = move || i18n.get_locale().as_str();
    let shown = show_code(&c.code);
    let qr = format!("/me/rewards/{}.svg", c.code);
    let (expires, used_at) = (c.expires_at.clone(), c.used_at.clone().unwrap_or_default());
    let location = c.used_location.clone().unwrap_or_default();
    let status = c.status;
    let class = match status {
        CodeStatus::Active => "code active",
        CodeStatus::Used => "code used",
        CodeStatus::Expired => "code expired",
    };
    view! {
        <li class=class>
            <p class="code-reward"><RewardIcon key=c.icon.clone() /> " " {c.reward.clone()}</p>
            {match status {
                CodeStatus::Active => view! {
                    <img src=qr width="148" height="148" alt=move || crate::i18n::t_string!(i18n, rewards.qr_alt) />
                    <p class="code-text">{shown}</p>
                    <p class="hint">
                        {t!(i18n, rewards.show_at_counter)} " "
                        {t!(i18n, rewards.valid_until, date = move || format::date(locale(), &expires))}
                    </p>
                    <p class="hint">
                        {if c.refund_if_unused {
                            t!(i18n, rewards.rule_returns).into_any()
                        } else {
                            t!(i18n, rewards.rule_no_return).into_any()
                        }}
                    </p>
                }.into_any(),
                CodeStatus::Used => view! {
                    <p class="code-text">{shown}</p>
                    <p class="status">{t!(i18n, rewards.used_on, date = move || format::date(locale(), &used_at), location = move || location.clone())}</p>
                }.into_any(),
                CodeStatus::Expired => view! {
                    <p class="code-text">{shown}</p>
                    <p class="status">{t!(i18n, rewards.expired_on, date = move || format::date(locale(), &expires))}</p>
                }.into_any(),
            }}
        </li>
    }
    .into_any()
}

/// The counter's form for a member's reward code (typed or scanned), used where the staff
/// member works the counter (the counter's one location choice, remembered by the server).
#[component]
pub fn UseCodeForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<UseCode>::new();
    let error = last_error(action);
    // A key per form shown, renewed after each success: a double submit replays, the next
    // code gets its own.
    let key = Memo::new(move |_| {
        action.version().track();
        crate::ui::fresh_key()
    });
    view! {
        <section class="card" aria-labelledby="use-code-title">
            <h2 id="use-code-title">{t!(i18n, rewards.use_title)}</h2>
            <ActionForm action attr:novalidate=true attr:class="use-code">
                <FormError error />
                <input type="hidden" name="idempotency_key" value=key />
                <Field name="code" id="use-code" error hint=ViewFn::from(move || t!(i18n, rewards.code_hint))>
                    {t!(i18n, rewards.code_label)}
                </Field>
                <button type="submit" class="button primary">{t!(i18n, rewards.use_submit)}</button>
                <crate::loyalty::counter_page::ScanButton target="use-code" />
            </ActionForm>
            <div role="status">
                {move || action.value().get().and_then(Result::ok).map(|c| {
                    let name = c.reward.clone();
                    view! { <p class="notice">{t!(i18n, rewards.used_ok, reward = move || name.clone())}</p> }
                })}
            </div>
        </section>
    }
}
