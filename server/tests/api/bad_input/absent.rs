//! Calls naming objects that do not exist.

/// A call: who makes it, the function's path, the form.
pub(super) type Call = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

/// Calls that name an object that does not exist, with everything else valid: 404 (or a field
/// error on the id), never 2xx or 5xx.
pub(super) fn absent_objects() -> Vec<Call> {
    let key = ("idempotency_key", "bad-input-absent-0001");
    vec![
        ("manager", "/api/feedback/case", vec![("case_id", "999999")]),
        (
            "manager",
            "/api/feedback/act",
            vec![("case_id", "999999"), ("action", "note"), ("body", "x")],
        ),
        (
            "member",
            "/api/feedback/reply",
            vec![("case_id", "999999"), ("body", "hello")],
        ),
        (
            "member",
            "/api/feedback/submit",
            vec![("form_id", "999999"), ("nps", "9")],
        ),
        (
            "staff",
            "/api/loyalty/purchases",
            vec![("member_id", "999999")],
        ),
        (
            "staff",
            "/api/loyalty/points",
            vec![("member_id", "999999")],
        ),
        (
            "staff",
            "/api/loyalty/history",
            vec![("member_id", "999999")],
        ),
        ("staff", "/api/perks/counter", vec![("member_id", "999999")]),
        (
            "staff",
            "/api/members/profile",
            vec![("member_id", "999999")],
        ),
        (
            "staff",
            "/api/members/tag",
            vec![("member_id", "999999"), ("tag", "vip")],
        ),
        (
            "staff",
            "/api/members/note",
            vec![("member_id", "999999"), ("body", "x")],
        ),
        (
            "staff",
            "/api/loyalty/refund",
            vec![("purchase_id", "999999"), ("amount", "1"), key],
        ),
        (
            "staff",
            "/api/loyalty/purchase",
            vec![
                ("member_id", "999999"),
                ("amount", "10"),
                ("currency", "EUR"),
                key,
            ],
        ),
        (
            "manager",
            "/api/loyalty/adjust",
            vec![
                ("member_id", "999999"),
                ("points", "5"),
                ("reason", "x"),
                key,
            ],
        ),
        (
            "manager",
            "/api/loyalty/redeem",
            vec![
                ("member_id", "999999"),
                ("points", "5"),
                ("reason", "x"),
                key,
            ],
        ),
        (
            "member",
            "/api/rewards/redeem",
            vec![("reward_id", "999999"), key],
        ),
        (
            "staff",
            "/api/loyalty/set_counter_place",
            vec![("location_id", "999999")],
        ),
        (
            "owner",
            "/api/staff/set_disabled",
            vec![("user_id", "999999"), ("disabled", "true")],
        ),
        (
            "manager",
            "/api/program/bonus_active",
            vec![("id", "999999"), ("active", "true")],
        ),
        (
            "manager",
            "/api/program/tier",
            vec![
                ("id", "999999"),
                ("name", "Nowhere"),
                ("threshold", "9000"),
                ("multiplier", "2"),
                ("perks", ""),
            ],
        ),
        (
            "manager",
            "/api/rewards/save",
            vec![
                ("id", "999999"),
                ("name", "Nowhere"),
                ("description", ""),
                ("cost", "150"),
                ("stock", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("icon", "coffee"),
                ("valid_days", "30"),
            ],
        ),
    ]
}
