//! The translation keys of the messages the server sends, and the field parser that answers
//! with one of them.

use serde::{Deserialize, Serialize};

use super::AppError;

/// Translation keys for messages the server sends. Each has a text in every locale
/// (`errors.<snake_case name>`), rendered by [`crate::ui::error_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Msg {
    /// Not a usable email address.
    EmailInvalid,
    /// Sign-up refused for this address (kept vague on purpose: no account enumeration).
    EmailUnavailable,
    /// Password shorter than the minimum.
    PasswordTooShort,
    /// Password longer than the maximum.
    PasswordTooLong,
    /// The current password given when changing it is wrong.
    CurrentPasswordWrong,
    /// A name is required.
    NameRequired,
    /// The name is too long.
    NameTooLong,
    /// Unknown language code.
    LanguageInvalid,
    /// Unknown or not-allowed role.
    RoleInvalid,
    /// An owner cannot disable their own account.
    CannotDisableSelf,
    /// A second-factor code that is wrong, already used, or not a code at all.
    CodeInvalid,
    /// The password step of a sign-in timed out (or the account changed): start again.
    SignInAgain,
    /// The shop requires a second factor for this role: it cannot be turned off.
    TwoFactorRequired,
    /// Requiring a second factor needs the owner's own first.
    TwoFactorEnableFirst,
    /// A second factor is on already: turn it off before setting up another.
    TwoFactorAlreadyOn,
    /// Not a whole number of points in the allowed range.
    PointsInvalid,
    /// The member does not have that many points.
    InsufficientPoints,
    /// A reason is required for this change.
    ReasonRequired,
    /// The reason is too long.
    ReasonTooLong,
    /// The idempotency key is malformed.
    IdempotencyKeyInvalid,
    /// The idempotency key was used before for a different request.
    IdempotencyKeyReused,
    /// Staff must say which member.
    MemberRequired,
    /// Not an amount of money in the allowed range.
    AmountInvalid,
    /// The purchase is in another currency than the shop's.
    CurrencyMismatch,
    /// Not a supported currency.
    CurrencyInvalid,
    /// A location must be chosen (or the one chosen does not exist).
    LocationRequired,
    /// The receipt reference is too long.
    ReceiptTooLong,
    /// More than what is left of the purchase to refund.
    RefundTooLarge,
    /// Another item already has this name.
    NameTaken,
    /// Not a rate in the allowed range.
    RateInvalid,
    /// Not a multiplier from 1 to 10.
    MultiplierInvalid,
    /// Not a number of months in the allowed range.
    MonthsInvalid,
    /// Not a date (YYYY-MM-DD), or an end before the start.
    DateInvalid,
    /// Not a phone number.
    PhoneInvalid,
    /// Another account has this phone number.
    PhoneUnavailable,
    /// Text messages were asked for without a phone number.
    PhoneNeededForSms,
    /// Not a time zone this server knows.
    TimeZoneInvalid,
    /// A postal address of too few or too many lines, or a line too long.
    AddressInvalid,
    /// A campaign's subject or preheader names a member's own values: no poster.
    PosterPersonal,
    /// Not a country this app reads phone numbers for.
    CountryInvalid,
    /// The reward is not offered now (switched off, or outside its dates).
    RewardUnavailable,
    /// The reward needs a higher tier.
    RewardTierTooLow,
    /// None of the reward left.
    RewardOutOfStock,
    /// No such code.
    CodeUnknown,
    /// The code's time ran out.
    CodeExpired,
    /// Not a stock number in the allowed range.
    StockInvalid,
    /// Not a number of days in the allowed range.
    DaysInvalid,
    /// Not a control-group share from 0 to 50 %.
    HoldoutInvalid,
    /// Not a journey's wait in the range its trigger allows.
    WaitInvalid,
    /// Not a whole hour from 0 to 23 (or one end of quiet hours without the other).
    HourInvalid,
    /// Not a frequency cap (1 to 50 messages in 1 to 90 days).
    CapInvalid,
    /// Not an A/B test share from 0 to 25 % per variant.
    ShareInvalid,
    /// Not an A/B test wait from 1 to 168 hours.
    AbHoursInvalid,
    /// An A/B test's variant B has no message in the shop's language, or one with problems.
    VariantNotReady,
    /// The offer is not open to this member now (switched off, outside its dates, or for others).
    OfferUnavailable,
    /// The member used the offer as often as it allows.
    OfferLimitReached,
    /// The offer's total uses are gone.
    OfferUsedUp,
    /// The discount would leave nothing to pay.
    DiscountTooLarge,
    /// The next-visit discount was used already.
    CouponUsed,
    /// The next-visit discount starts on a later day.
    CouponNotYet,
    /// The next-visit discount's last day has passed.
    CouponExpired,
    /// The purchase is below the coupon's minimum.
    CouponMinPurchase,
    /// The coupon applies to full-price purchases only.
    CouponFullPriceOnly,
    /// Not a percentage in the allowed range.
    PercentInvalid,
    /// Not a value that fits the offer's kind.
    ValueInvalid,
    /// Not a usage limit in the allowed range.
    LimitInvalid,
    /// Not a number of stamps in the allowed range.
    StampsInvalid,
    /// Not a number of items in the allowed range.
    ItemsInvalid,
    /// An API key's name is empty or too long.
    ApiKeyName,
    /// An API key needs at least one known scope.
    ApiKeyScopes,
    /// Not a number of requests per minute in the allowed range.
    ApiKeyRate,
    /// Not an https URL a webhook can be sent to.
    WebhookUrl,
    /// A webhook URL that points at this machine or a private network.
    WebhookPrivate,
    /// A webhook needs at least one event.
    WebhookEvents,
    /// A partner's name must be 1 to 80 characters.
    PartnerName,
    /// A live partner already has this name.
    PartnerTaken,
    /// Not a number of points per unit from 0 to 1,000.
    PartnerPoints,
    /// Not a worth of 100 points from 0.01 to 1,000.
    PartnerValue,
    /// A partner must give points, take them, or both.
    PartnerNothing,
    /// Not a month (`YYYY-MM`).
    MonthInvalid,
    /// Not yes or no.
    YesNoInvalid,
    /// A field an import needs has no column, or names one the file lacks.
    ImportColumn,
    /// All or nothing, and some rows break a rule.
    ImportHasErrors,
    /// The file is being imported already.
    ImportRunning,
    /// An imported member's email belongs to a staff account.
    ImportEmailStaff,
    /// An imported member's phone number is another member's (in the program or the file).
    ImportPhoneTaken,
    /// No member has this referral code.
    ReferralUnknown,
    /// A member cannot refer themselves.
    ReferralSelf,
    /// The member already has a referrer or has bought already.
    ReferralTaken,
    /// No member with this email or member number.
    MemberUnknown,
    /// A score the form asks for is missing.
    ScoreRequired,
    /// A score outside its scale.
    ScoreInvalid,
    /// Not one of the categories.
    CategoryInvalid,
    /// Not one of the options.
    ChoiceInvalid,
    /// Text longer than allowed.
    TextTooLong,
    /// A tag that is empty, too long or has control characters.
    TagInvalid,
    /// A birthday that is not a date between 1900 and today.
    BirthdayInvalid,
    /// Not a colour (`#rrggbb`).
    ColourInvalid,
    /// White text on this colour would be hard to read.
    ColourTooLight,
    /// A text that is required is empty.
    TextRequired,
    /// Nothing was answered.
    FeedbackEmpty,
    /// This purchase was rated already.
    AlreadyRated,
    /// Goodwill points need a member.
    GoodwillNeedsMember,
    /// Goodwill above the shop's per-case cap needs a manager.
    GoodwillOverCap,
    /// The case is resolved: its status no longer changes.
    CaseResolved,
    /// Not a number of hours in the allowed range.
    HoursInvalid,
    /// A choice question needs 2–10 options, the same number in every language.
    ChoicesInvalid,
    /// The member sent the same answers a few minutes ago.
    FeedbackRepeated,
    /// An offer needs a title.
    OfferTitleRequired,
    /// A tier needs a name.
    TierNameRequired,
    /// A bonus rule needs a name.
    BonusNameRequired,
    /// A location needs a name.
    LocationNameRequired,
    /// A reward needs a name.
    RewardNameRequired,
    /// A punch card needs a name.
    CardNameRequired,
    /// A feedback form needs a name.
    FormNameRequired,
    /// A description (or a tier's perks) is longer than 300 characters.
    DescriptionTooLong,
    /// A punch card needs the reward it gives, chosen from the list.
    RewardRequired,
    /// A feedback form must ask at least one question (a score, satisfaction or a comment).
    FormAsksNothing,
    /// A feedback form needs a title in the shop's default language.
    FormTitleRequired,
    /// The campaign is sending or done; it can no longer change.
    CampaignLocked,
    /// A message has template errors or no subject.
    CampaignProblems,
    /// The campaign has no segment.
    SegmentRequired,
    /// No message in the shop's default language.
    MessageMissing,
    /// The contest does not take entries now (not open, or not on its page).
    ContestClosed,
    /// A contest is drawn after its last day.
    ContestNotOver,
    /// A contest needs at least one way to enter.
    ContestWaysRequired,
    /// Winners: a whole number from 1 to 100.
    WinnersInvalid,
    /// The last day is before the first.
    EndsBeforeStart,
    /// A contest's prize: points or a reward, one of them.
    PrizeRequired,
    /// A journey has as many steps as it may.
    StepsFull,
    /// Members have reached the step, so it stays (for what it did).
    StepReached,
}

/// A whole number in `range` typed into `field` (spaces around it allowed), or that field's
/// error `msg`.
pub fn whole_number(
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
    msg: Msg,
) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| AppError::field(field, msg))
}
