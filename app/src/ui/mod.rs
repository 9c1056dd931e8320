//! Generic widgets every page uses: labelled form fields with their error, form-level error
//! text, the language switcher. Translation of server error keys lives here too.

mod chart;
mod errors;
mod fields;
mod lang;
mod notice;

pub use chart::BarChart;
pub use errors::{last_error, last_result};
pub use fields::{Field, SelectField, TextAreaField};
pub use lang::{LanguageField, LanguageSwitcher};
pub use notice::{SavedNotice, ShownOnce};

use leptos::prelude::*;

use crate::{
    error::{AppError, Msg},
    i18n::{t, t_string, use_i18n},
};

/// The text for a server message key, in the current language.
pub fn error_text(msg: Msg) -> &'static str {
    let i18n = use_i18n();
    match msg {
        Msg::EmailInvalid => t_string!(i18n, errors.email_invalid),
        Msg::EmailUnavailable => t_string!(i18n, errors.email_unavailable),
        Msg::PasswordTooShort => t_string!(i18n, errors.password_too_short),
        Msg::PasswordTooLong => t_string!(i18n, errors.password_too_long),
        Msg::CurrentPasswordWrong => t_string!(i18n, errors.current_password_wrong),
        Msg::NameRequired => t_string!(i18n, errors.name_required),
        Msg::NameTooLong => t_string!(i18n, errors.name_too_long),
        Msg::LanguageInvalid => t_string!(i18n, errors.language_invalid),
        Msg::RoleInvalid => t_string!(i18n, errors.role_invalid),
        Msg::CannotDisableSelf => t_string!(i18n, errors.cannot_disable_self),
        Msg::CodeInvalid => t_string!(i18n, errors.code_invalid),
        Msg::SignInAgain => t_string!(i18n, errors.sign_in_again),
        Msg::TwoFactorRequired => t_string!(i18n, errors.two_factor_required),
        Msg::TwoFactorEnableFirst => t_string!(i18n, errors.two_factor_enable_first),
        Msg::TwoFactorAlreadyOn => t_string!(i18n, errors.two_factor_already_on),
        Msg::PointsInvalid => t_string!(i18n, errors.points_invalid),
        Msg::InsufficientPoints => t_string!(i18n, errors.insufficient_points),
        Msg::ReasonRequired => t_string!(i18n, errors.reason_required),
        Msg::ReasonTooLong => t_string!(i18n, errors.reason_too_long),
        Msg::IdempotencyKeyInvalid => t_string!(i18n, errors.generic),
        Msg::IdempotencyKeyReused => t_string!(i18n, errors.idempotency_key_reused),
        Msg::MemberRequired => t_string!(i18n, errors.member_required),
        Msg::AmountInvalid => t_string!(i18n, errors.amount_invalid),
        Msg::CurrencyMismatch => t_string!(i18n, errors.currency_mismatch),
        Msg::CurrencyInvalid => t_string!(i18n, errors.currency_invalid),
        Msg::LocationRequired => t_string!(i18n, errors.location_required),
        Msg::ReceiptTooLong => t_string!(i18n, errors.receipt_too_long),
        Msg::RefundTooLarge => t_string!(i18n, errors.refund_too_large),
        Msg::NameTaken => t_string!(i18n, errors.name_taken),
        Msg::RateInvalid => t_string!(i18n, errors.rate_invalid),
        Msg::MultiplierInvalid => t_string!(i18n, errors.multiplier_invalid),
        Msg::MonthsInvalid => t_string!(i18n, errors.months_invalid),
        Msg::DateInvalid => t_string!(i18n, errors.date_invalid),
        Msg::PhoneInvalid => t_string!(i18n, errors.phone_invalid),
        Msg::PhoneUnavailable => t_string!(i18n, errors.phone_unavailable),
        Msg::PhoneNeededForSms => t_string!(i18n, errors.phone_needed_for_sms),
        Msg::TimeZoneInvalid => t_string!(i18n, errors.time_zone_invalid),
        Msg::AddressInvalid => t_string!(i18n, errors.address_invalid),
        Msg::PosterPersonal => t_string!(i18n, errors.poster_personal),
        Msg::CountryInvalid => t_string!(i18n, errors.country_invalid),
        Msg::RewardUnavailable => t_string!(i18n, errors.reward_unavailable),
        Msg::RewardTierTooLow => t_string!(i18n, errors.reward_tier_too_low),
        Msg::RewardOutOfStock => t_string!(i18n, errors.reward_out_of_stock),
        Msg::CodeUnknown => t_string!(i18n, errors.code_unknown),
        Msg::CodeExpired => t_string!(i18n, errors.code_expired),
        Msg::StockInvalid => t_string!(i18n, errors.stock_invalid),
        Msg::DaysInvalid => t_string!(i18n, errors.days_invalid),
        Msg::OfferUnavailable => t_string!(i18n, errors.offer_unavailable),
        Msg::OfferLimitReached => t_string!(i18n, errors.offer_limit_reached),
        Msg::OfferUsedUp => t_string!(i18n, errors.offer_used_up),
        Msg::DiscountTooLarge => t_string!(i18n, errors.discount_too_large),
        Msg::CouponUsed => t_string!(i18n, errors.coupon_used),
        Msg::CouponNotYet => t_string!(i18n, errors.coupon_not_yet),
        Msg::CouponExpired => t_string!(i18n, errors.coupon_expired),
        Msg::CouponMinPurchase => t_string!(i18n, errors.coupon_min_purchase),
        Msg::CouponFullPriceOnly => t_string!(i18n, errors.coupon_full_price_only),
        Msg::PercentInvalid => t_string!(i18n, errors.percent_invalid),
        Msg::HoldoutInvalid => t_string!(i18n, errors.holdout_invalid),
        Msg::ShareInvalid => t_string!(i18n, errors.share_invalid),
        Msg::AbHoursInvalid => t_string!(i18n, errors.ab_hours_invalid),
        Msg::VariantNotReady => t_string!(i18n, errors.variant_not_ready),
        Msg::WaitInvalid => t_string!(i18n, errors.wait_invalid),
        Msg::HourInvalid => t_string!(i18n, errors.hour_invalid),
        Msg::CapInvalid => t_string!(i18n, errors.cap_invalid),
        Msg::ValueInvalid => t_string!(i18n, errors.value_invalid),
        Msg::LimitInvalid => t_string!(i18n, errors.limit_invalid),
        Msg::StampsInvalid => t_string!(i18n, errors.stamps_invalid),
        Msg::ItemsInvalid => t_string!(i18n, errors.items_invalid),
        Msg::ApiKeyName => t_string!(i18n, errors.api_key_name),
        Msg::ApiKeyScopes => t_string!(i18n, errors.api_key_scopes),
        Msg::ApiKeyRate => t_string!(i18n, errors.api_key_rate),
        Msg::WebhookUrl => t_string!(i18n, errors.webhook_url),
        Msg::WebhookPrivate => t_string!(i18n, errors.webhook_private),
        Msg::WebhookEvents => t_string!(i18n, errors.webhook_events),
        Msg::PartnerName => t_string!(i18n, errors.partner_name),
        Msg::PartnerTaken => t_string!(i18n, errors.partner_taken),
        Msg::PartnerPoints => t_string!(i18n, errors.partner_points),
        Msg::PartnerValue => t_string!(i18n, errors.partner_value),
        Msg::PartnerNothing => t_string!(i18n, errors.partner_nothing),
        Msg::MonthInvalid => t_string!(i18n, errors.month_invalid),
        Msg::YesNoInvalid => t_string!(i18n, errors.yes_no_invalid),
        Msg::ImportColumn => t_string!(i18n, errors.import_column),
        Msg::ImportHasErrors => t_string!(i18n, errors.import_has_errors),
        Msg::ImportRunning => t_string!(i18n, errors.import_running),
        Msg::ImportEmailStaff => t_string!(i18n, errors.import_email_staff),
        Msg::ImportPhoneTaken => t_string!(i18n, errors.import_phone_taken),
        Msg::ReferralUnknown => t_string!(i18n, errors.referral_unknown),
        Msg::ReferralSelf => t_string!(i18n, errors.referral_self),
        Msg::ReferralTaken => t_string!(i18n, errors.referral_taken),
        Msg::MemberUnknown => t_string!(i18n, errors.member_unknown),
        Msg::ScoreRequired => t_string!(i18n, errors.score_required),
        Msg::ScoreInvalid => t_string!(i18n, errors.score_invalid),
        Msg::CategoryInvalid => t_string!(i18n, errors.category_invalid),
        Msg::ChoiceInvalid => t_string!(i18n, errors.choice_invalid),
        Msg::ChoicesInvalid => t_string!(i18n, errors.choices_invalid),
        Msg::TextTooLong => t_string!(i18n, errors.text_too_long),
        Msg::CampaignLocked => t_string!(i18n, errors.campaign_locked),
        Msg::CampaignProblems => t_string!(i18n, errors.campaign_problems),
        Msg::SegmentRequired => t_string!(i18n, errors.segment_required),
        Msg::MessageMissing => t_string!(i18n, errors.message_missing),
        Msg::ContestClosed => t_string!(i18n, errors.contest_closed),
        Msg::ContestNotOver => t_string!(i18n, errors.contest_not_over),
        Msg::ContestWaysRequired => t_string!(i18n, errors.contest_ways_required),
        Msg::WinnersInvalid => t_string!(i18n, errors.winners_invalid),
        Msg::EndsBeforeStart => t_string!(i18n, errors.ends_before_start),
        Msg::PrizeRequired => t_string!(i18n, errors.prize_required),
        Msg::StepsFull => t_string!(i18n, errors.steps_full),
        Msg::StepReached => t_string!(i18n, errors.step_reached),
        Msg::TagInvalid => t_string!(i18n, errors.tag_invalid),
        Msg::BirthdayInvalid => t_string!(i18n, errors.birthday_invalid),
        Msg::ColourInvalid => t_string!(i18n, errors.colour_invalid),
        Msg::ColourTooLight => t_string!(i18n, errors.colour_too_light),
        Msg::TextRequired => t_string!(i18n, errors.text_required),
        Msg::FeedbackEmpty => t_string!(i18n, errors.feedback_empty),
        Msg::AlreadyRated => t_string!(i18n, errors.already_rated),
        Msg::GoodwillNeedsMember => t_string!(i18n, errors.goodwill_needs_member),
        Msg::GoodwillOverCap => t_string!(i18n, errors.goodwill_over_cap),
        Msg::CaseResolved => t_string!(i18n, errors.case_resolved),
        Msg::HoursInvalid => t_string!(i18n, errors.hours_invalid),
        Msg::FeedbackRepeated => t_string!(i18n, errors.feedback_repeated),
        Msg::OfferTitleRequired => t_string!(i18n, errors.offer_title_required),
        Msg::TierNameRequired => t_string!(i18n, errors.tier_name_required),
        Msg::BonusNameRequired => t_string!(i18n, errors.bonus_name_required),
        Msg::LocationNameRequired => t_string!(i18n, errors.location_name_required),
        Msg::RewardNameRequired => t_string!(i18n, errors.reward_name_required),
        Msg::CardNameRequired => t_string!(i18n, errors.card_name_required),
        Msg::FormNameRequired => t_string!(i18n, errors.form_name_required),
        Msg::DescriptionTooLong => t_string!(i18n, errors.description_too_long),
        Msg::RewardRequired => t_string!(i18n, errors.reward_required),
        Msg::FormAsksNothing => t_string!(i18n, errors.form_asks_nothing),
        Msg::FormTitleRequired => t_string!(i18n, errors.form_title_required),
    }
}

/// The message for an error, in the current language. Field errors (shown next to their
/// field by [`Field`]) give `None` unless `include_fields`.
pub fn error_view(err: &AppError, include_fields: bool) -> Option<AnyView> {
    let i18n = use_i18n();
    let view = match err {
        AppError::Validation { message_key, .. } => {
            let key = *message_key;
            return include_fields.then(|| (move || error_text(key)).into_any());
        }
        AppError::Fields { errors } => {
            let keys: Vec<Msg> = errors.iter().map(|(_, m)| *m).collect();
            let text = move || {
                keys.iter()
                    .map(|k| error_text(*k))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            return include_fields.then(|| text.into_any());
        }
        AppError::PointsShort { missing } => errors::points_short(*missing),
        AppError::InvalidCredentials => t!(i18n, errors.invalid_credentials).into_any(),
        AppError::RateLimited { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60);
            t!(i18n, errors.rate_limited, minutes = move || minutes).into_any()
        }
        AppError::Unauthorized => t!(i18n, errors.unauthorized).into_any(),
        AppError::Forbidden => t!(i18n, errors.forbidden).into_any(),
        AppError::NotFound => t!(i18n, errors.not_found).into_any(),
        AppError::CodeUsed { used_at, location } => {
            let (used_at, location) = (used_at.clone(), location.clone());
            let locale = move || crate::i18n::LocaleExt::as_str(i18n.get_locale());
            t!(
                i18n,
                errors.code_used,
                date = move || crate::i18n::format::date(locale(), &used_at),
                location = move || location.clone()
            )
            .into_any()
        }
        // A conflict says what it is: "something went wrong" would hide a real state.
        AppError::Conflict { message_key } => {
            let key = *message_key;
            (move || error_text(key)).into_any()
        }
        AppError::NeedsConfirmation(what) => confirm_text(what.clone()),
        AppError::BadRequest | AppError::TooLarge | AppError::Internal => {
            t!(i18n, errors.generic).into_any()
        }
    };
    Some(view)
}

/// The question a change that needs confirming asks, in the current language.
fn confirm_text(what: crate::error::Confirm) -> AnyView {
    use crate::{error::Confirm, i18n::format};
    let i18n = use_i18n();
    let locale = move || crate::i18n::LocaleExt::as_str(i18n.get_locale());
    match what {
        Confirm::Refund {
            amount_minor,
            currency,
            points,
            ..
        } => t!(
            i18n,
            counter.confirm_refund,
            amount = move || format::money(locale(), amount_minor, currency),
            points = move || format::number(locale(), points)
        )
        .into_any(),
        Confirm::RepeatPurchase {
            amount_minor,
            currency,
            seconds_ago,
        } => {
            let minutes = (seconds_ago / 60).max(1);
            t!(
                i18n,
                counter.confirm_repeat,
                amount = move || format::money(locale(), amount_minor, currency),
                minutes = move || format::number(locale(), minutes)
            )
            .into_any()
        }
    }
}

/// A new idempotency key for a form, made when the form is shown: random, so no two attempts
/// share one (another page load, another device, the next change after a success), while a
/// double submit of the same form repeats its key and gets the first result back.
pub fn fresh_key() -> String {
    #[cfg(feature = "ssr")]
    {
        use rand::Rng as _;
        format!("k-{:032x}", rand::thread_rng().r#gen::<u128>())
    }
    #[cfg(not(feature = "ssr"))]
    {
        use leptos::web_sys::js_sys::{Date, Math};
        // 2 × 52 random bits and the time: unique enough for keys scoped to one account.
        let bits = || (Math::random() * 4_503_599_627_370_496.0) as u64;
        format!("k-{:013x}{:013x}{:x}", bits(), bits(), Date::now() as u64)
    }
}

/// A form-level error message (announced to screen readers), shown when there is one.
/// `include_fields` also shows field errors, for forms whose fields are hidden inputs.
#[component]
pub fn FormError(
    error: Signal<Option<AppError>>,
    #[prop(optional)] include_fields: bool,
) -> impl IntoView {
    move || {
        error
            .get()
            .and_then(|e| error_view(&e, include_fields))
            .map(|text| {
                view! { <p class="form-error" role="alert">{text}</p> }
            })
    }
}

/// A page heading with the shared layout around a page's content.
#[component]
pub fn PageTitle(children: Children) -> impl IntoView {
    view! { <h1 class="page-title">{children()}</h1> }
}

/// Shown while a page's data loads.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" aria-live="polite">{t!(i18n, common.loading)}</p> }
}
