//! Demo data for a first look: a shop with an owner, a manager, a counter worker and members in
//! each language. Loaded only into an empty database, never over real data.

mod contests;
mod feedback;
mod journey_steps;
mod journeys;
mod perks;

use app::{
    accounts::{
        Email, Hasher, Password, PreferredName, Role,
        db::{NewUser, count_users, insert_user},
    },
    db::{Db, Stamp},
    error::AppError,
};

/// One demo account.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    /// Sign-in email.
    pub email: &'static str,
    /// Preferred name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Language code.
    pub language: &'static str,
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "regulars-demo";

/// The demo accounts.
pub const DEMO_LOGINS: [DemoLogin; 8] = [
    DemoLogin {
        email: "owner@example.com",
        name: "Olivia",
        role: Role::Owner,
        language: "en",
    },
    DemoLogin {
        email: "manager@example.com",
        name: "Mateus",
        role: Role::Manager,
        language: "pt",
    },
    DemoLogin {
        email: "staff@example.com",
        name: "Sanna",
        role: Role::Staff,
        language: "sv",
    },
    DemoLogin {
        email: "anna@example.com",
        name: "Anna",
        role: Role::Member,
        language: "sv",
    },
    DemoLogin {
        email: "ola@example.com",
        name: "Ola",
        role: Role::Member,
        language: "nb",
    },
    DemoLogin {
        email: "liga@example.com",
        name: "Līga",
        role: Role::Member,
        language: "lv",
    },
    DemoLogin {
        email: "joao@example.com",
        name: "João",
        role: Role::Member,
        language: "pt",
    },
    DemoLogin {
        email: "sam@example.com",
        name: "Sam",
        role: Role::Member,
        language: "en",
    },
];

/// Why demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A demo value failed to parse or hash (a bug in this file).
    #[error("demo data is invalid: {0}")]
    Invalid(String),
}

impl From<AppError> for DemoError {
    fn from(e: AppError) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// Which parts of the demo shop to load besides its accounts and program (locations, tiers,
/// the Tuesday rule, the shop's time zone, phones): `make run` takes all; tests take none and
/// build what each needs on that empty ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// The reward, punch card, offers, next-visit discount and referral bonus.
    pub perks: bool,
    /// The feedback form and its answered history.
    pub feedback: bool,
    /// Yesterday's purchases (balances, lots, tiers) and sales without a member.
    pub purchases: bool,
}

impl Parts {
    /// The whole demo shop.
    pub const ALL: Self = Self {
        perks: true,
        feedback: true,
        purchases: true,
    };
    /// What a seeded history (`server seed`) uses: all but the demo members' purchases.
    pub const FOR_SEEDING: Self = Self {
        perks: true,
        feedback: true,
        purchases: false,
    };
    /// Accounts and program only: an empty ledger.
    pub const SHOP_ONLY: Self = Self {
        perks: false,
        feedback: false,
        purchases: false,
    };
}

/// Loads the demo shop if the database has no accounts at all. Returns whether it did.
pub async fn load_if_empty(db: &Db, hasher: &Hasher) -> Result<bool, DemoError> {
    load_parts_if_empty(db, hasher, Parts::ALL).await
}

/// Loads the demo shop's accounts, program and `parts` if the database has no accounts at all.
/// Returns whether it did.
pub async fn load_parts_if_empty(
    db: &Db,
    hasher: &Hasher,
    parts: Parts,
) -> Result<bool, DemoError> {
    if count_users(&mut *db.reader.acquire().await?).await? > 0 {
        return Ok(false);
    }
    let password = Password::parse(DEMO_PASSWORD).map_err(|e| DemoError::Invalid(e.to_string()))?;
    let hash = hasher.hash(&password).await?;
    // One job on the write queue: all of the demo shop or none of it.
    let loaded = db
        .write(move |tx| {
            Box::pin(async move {
                load(tx, &hash, parts).await.map_err(|e| {
                    tracing::error!(error = %e, "the demo shop could not be loaded");
                    AppError::Internal
                })
            })
        })
        .await?;
    Ok(loaded)
}

/// The demo shop, unless the database has accounts (checked again inside the transaction).
async fn load(
    tx: &mut sqlx::SqliteConnection,
    hash: &str,
    parts: Parts,
) -> Result<bool, DemoError> {
    if count_users(tx).await? > 0 {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for login in DEMO_LOGINS {
        let email = Email::parse(login.email).map_err(|e| DemoError::Invalid(e.to_string()))?;
        let name =
            PreferredName::parse(login.name).map_err(|e| DemoError::Invalid(e.to_string()))?;
        let language = app::i18n::parse_locale(login.language)
            .ok_or_else(|| DemoError::Invalid(login.language.into()))?;
        let new = NewUser {
            // Demo members agreed to marketing email.
            email_marketing: login.role == Role::Member,
            ..NewUser::new(&email, hash, login.role, &name, language)
        };
        let id = insert_user(tx, &new, "demo", &Default::default(), Stamp::now())
            .await
            .map_err(|e| DemoError::Invalid(e.to_string()))?;
        ids.push((login.email, id));
    }
    // Their addresses count as confirmed (double opt-in), so campaigns reach them.
    sqlx::query("UPDATE users SET email_confirmed_at = created_at WHERE role = 'member'")
        .execute(&mut *tx)
        .await?;
    load_program(tx, &ids, parts).await?;
    Ok(true)
}

/// Phones of the demo members (for finding them at the counter).
pub const DEMO_PHONES: [(&str, &str); 5] = [
    ("anna@example.com", "+46701234567"),
    ("ola@example.com", "+4791234567"),
    ("liga@example.com", "+37120000000"),
    ("joao@example.com", "+5511987654321"),
    ("sam@example.com", "+447700900123"),
];

/// Purchases in the demo: member, amount in cents, location index. Līga and Sam start with
/// none (a new member's view).
const DEMO_PURCHASES: [(&str, i64, usize); 5] = [
    ("anna@example.com", 4_250, 0),
    ("anna@example.com", 18_000, 1),
    ("anna@example.com", 36_500, 0),
    ("ola@example.com", 2_390, 0),
    ("joao@example.com", 7_800, 0),
];

/// Sales without a member (cents, location): €180.00 against members' €689.40.
const DEMO_GUEST_SALES: [(i64, usize); 4] = [(1_950, 0), (3_200, 0), (850, 0), (12_000, 1)];

/// Two locations, three tiers, a bonus rule and, as `parts` says, perks, feedback and a few
/// purchases (through the same code the counter uses, so balances, lots and tiers are real).
async fn load_program(
    conn: &mut sqlx::SqliteConnection,
    ids: &[(&str, i64)],
    parts: Parts,
) -> Result<(), DemoError> {
    use app::{
        checkout::{self, PurchaseInput},
        loyalty::{
            db::program,
            rules::{BonusRule, Tier},
        },
    };
    let now = Stamp::now();
    let at = now;
    let id_of = |email: &str| ids.iter().find(|(e, _)| *e == email).map(|(_, id)| *id);
    let mut locations = Vec::new();
    for name in ["Main Street", "Harbour"] {
        locations.push(program::insert_location(conn, name, at).await?);
    }
    // Gold carries priority service: its members' cases are due within 4 hours.
    let tiers = [
        ("Bronze", 0, 100, "Member prices on coffee beans", None),
        ("Silver", 500, 125, "Free refill on filter coffee", None),
        ("Gold", 1_500, 150, "A free pastry every month", Some(4)),
    ];
    for (name, threshold, multiplier_pct, perks, priority_hours) in tiers {
        let tier = Tier {
            id: 0,
            name: name.into(),
            threshold,
            multiplier_pct,
            perks: perks.into(),
            priority_hours,
        };
        program::save_tier(conn, &tier, at).await?;
    }
    let tuesdays = BonusRule {
        id: 0,
        name: "Double points on Tuesdays".into(),
        multiplier_pct: 200,
        extra_points: 0,
        weekday: Some(2),
        location_id: None,
        starts_on: None,
        ends_on: None,
        active: true,
    };
    program::insert_bonus_rule(conn, &tuesdays, at).await?;
    // A Swedish shop: its Tuesdays are Stockholm's.
    let mut settings = program::settings(conn).await?;
    settings.time_zone = "Europe/Stockholm".into();
    program::save_settings(conn, &settings, at).await?;
    for (email, phone) in DEMO_PHONES {
        sqlx::query("UPDATE users SET phone = $1 WHERE email = $2")
            .bind(phone)
            .bind(email)
            .execute(&mut *conn)
            .await?;
    }
    if parts.perks {
        perks::load_perks(conn, at).await?;
        journeys::load_messages(conn, at).await?;
        journey_steps::load(conn, at).await?;
        contests::load_contests(conn, at).await?;
        // A partner retailer next door: members earn there and pay with points.
        let rates = app::integrations::partners::Rates {
            points_per_unit: 1,
            value_of_100: 100,
            redeem: true,
        };
        app::integrations::partners::db::insert(conn, "Harbour Books", rates, None, at).await?;
    }
    if parts.feedback {
        feedback::load_form(conn, at).await?;
        feedback::load_history(conn, &id_of, &locations, now).await?;
    }
    if !parts.purchases {
        return Ok(());
    }
    // Yesterday's purchases: the next-visit discounts they earned can be used today.
    let yesterday = now - app::db::days(1);
    let staff = id_of("staff@example.com").ok_or_else(|| DemoError::Invalid("staff".into()))?;
    for (n, (email, cents, location)) in DEMO_PURCHASES.into_iter().enumerate() {
        let member = id_of(email).ok_or_else(|| DemoError::Invalid(email.into()))?;
        let key = format!("demo:purchase:{n}");
        let input = PurchaseInput {
            sale: app::loyalty::engine::Sale {
                member_id: member,
                amount_minor: cents,
                currency: app::loyalty::rules::Currency::Eur,
                receipt: None,
                location_id: locations[location],
                full_price: true,
                by: app::loyalty::db::Actor::Staff(staff),
                key: &key,
            },
            apply: app::perks::engine::Apply::Nothing,
            items: 0,
        };
        checkout::purchase(conn, &input, yesterday).await?;
    }
    // And yesterday's sales to customers who are not members (members' share of sales).
    for (cents, location) in DEMO_GUEST_SALES {
        let sale = app::loyalty::api::NewGuestSale {
            amount_minor: cents,
            currency: app::loyalty::rules::Currency::Eur,
            receipt: None,
            location_id: locations[location],
            staff_id: staff,
        };
        app::loyalty::api::insert_guest_sale(conn, &sale, yesterday).await?;
    }
    Ok(())
}
