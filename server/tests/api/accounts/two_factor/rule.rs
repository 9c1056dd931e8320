//! The owner's side of two-factor sign-in: requiring it of owners and managers, and removing
//! a staff account's second factor after a lost phone.

use super::*;

#[tokio::test]
async fn an_owner_requires_it_and_a_manager_sets_it_up_to_finish_signing_in() {
    let app = shop().await;
    let owner = app.signed_in_as("owner@example.com").await;
    let manager = app.signed_in_as("manager@example.com").await;
    let counter = app.signed_in_as("staff@example.com").await;

    // Only an owner decides, and only with their own second factor on.
    let res = manager
        .call("staff/set_two_factor_required", &[("required", "true")])
        .await;
    assert_eq!(res.status(), 403);
    let res = owner
        .call("staff/set_two_factor_required", &[("required", "true")])
        .await;
    assert_eq!(
        error_json(res).await,
        field_error("required", "two_factor_enable_first")
    );
    turn_on(&app, &owner, "owner@example.com").await;
    let res = owner
        .call("staff/set_two_factor_required", &[("required", "true")])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_of(&owner, "staff/two_factor_required", &[]).await,
        true
    );

    // The manager's session ends; counter staff stay on passwords and stay signed in.
    assert_eq!(manager.me().await, serde_json::Value::Null);
    assert_eq!(counter.me().await["email"], "staff@example.com");
    let till = app.other_client();
    let res = till.sign_in("staff@example.com", demo::DEMO_PASSWORD).await;
    assert_eq!(location(&res).as_deref(), Some("/console/counter"));

    // The manager's password leads to setting one up, not into the console.
    let res = manager
        .sign_in("manager@example.com", demo::DEMO_PASSWORD)
        .await;
    assert_eq!(location(&res).as_deref(), Some("/account/two-factor"));
    assert_eq!(manager.me().await, serde_json::Value::Null);
    assert_eq!(manager.call("feedback/inbox", &[]).await.status(), 401);
    let res = manager
        .call("accounts/sign_in_code", &[("code", "123456")])
        .await;
    assert_eq!(error_json(res).await, field_error("code", "sign_in_again"));
    let status = json_of(&manager, "accounts/two_factor", &[]).await;
    assert_eq!(
        (&status["signing_in"], &status["required"]),
        (&true.into(), &true.into())
    );
    let codes = turn_on(&app, &manager, "manager@example.com").await;
    assert_eq!(codes.len(), 10);
    assert_eq!(manager.me().await["email"], "manager@example.com");

    // Required: it cannot be turned off, but recovery codes can be renewed (old ones die).
    let res = with_password(&manager, "accounts/two_factor_off", demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), 409);
    let res = with_password(&manager, "accounts/recovery_codes", "wrong password").await;
    assert_eq!(
        error_json(res).await,
        field_error("password", "current_password_wrong")
    );
    let res = with_password(&manager, "accounts/recovery_codes", demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let status = json_of(&manager, "accounts/two_factor", &[]).await;
    let renewed: Vec<String> =
        serde_json::from_value(status["fresh_codes"].clone()).expect("codes");
    assert_ne!(renewed, codes);
    let c = app.other_client();
    c.sign_in("manager@example.com", demo::DEMO_PASSWORD).await;
    let res = c
        .call("accounts/sign_in_code", &[("code", &codes[1])])
        .await;
    assert_eq!(error_json(res).await, field_error("code", "code_invalid"));
    let res = c
        .call("accounts/sign_in_code", &[("code", &renewed[1])])
        .await;
    assert_eq!(location(&res).as_deref(), Some("/console"));

    // Counter staff cannot set one up; members neither.
    assert_eq!(
        counter
            .call("accounts/two_factor_start", &[])
            .await
            .status(),
        403
    );

    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"setting.two_factor".to_owned()));
    assert!(actions.contains(&"account.recovery_codes".to_owned()));
}

#[tokio::test]
async fn an_owner_resets_a_lost_phone_and_turning_it_off_needs_the_password() {
    let app = shop().await;
    let owner = app.signed_in_as("owner@example.com").await;
    let manager = app.signed_in_as("manager@example.com").await;
    let manager_id = user_id(&app, "manager@example.com").await;
    let owner_id = user_id(&app, "owner@example.com").await;
    turn_on(&app, &manager, "manager@example.com").await;

    let row = |list: &serde_json::Value, id: i64| {
        list.as_array()
            .and_then(|a| a.iter().find(|m| m["id"] == id).cloned())
            .expect("row")
    };
    let list = json_of(&owner, "staff/list", &[]).await;
    assert_eq!(row(&list, manager_id)["two_factor"], true);
    assert_eq!(row(&list, owner_id)["two_factor"], false);

    // Not the manager's own to reset, not the owner's own, not an unknown account.
    let id = manager_id.to_string();
    assert_eq!(
        manager
            .call("staff/reset_two_factor", &[("user_id", &id)])
            .await
            .status(),
        403
    );
    let own = owner_id.to_string();
    assert_eq!(
        owner
            .call("staff/reset_two_factor", &[("user_id", &own)])
            .await
            .status(),
        403
    );
    assert_eq!(
        owner
            .call("staff/reset_two_factor", &[("user_id", "999999")])
            .await
            .status(),
        404
    );
    let res = owner
        .call("staff/reset_two_factor", &[("user_id", &id)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(manager.me().await, serde_json::Value::Null);
    let list = json_of(&owner, "staff/list", &[]).await;
    assert_eq!(row(&list, manager_id)["two_factor"], false);
    assert!(
        audit_actions(&app)
            .await
            .contains(&"staff.two_factor_reset".to_owned())
    );

    // Back to the password alone; on again, then off with the password.
    let res = manager
        .sign_in("manager@example.com", demo::DEMO_PASSWORD)
        .await;
    assert_eq!(location(&res).as_deref(), Some("/console"));
    pass(&app, 30);
    turn_on(&app, &manager, "manager@example.com").await;
    let res = manager.call("accounts/two_factor_start", &[]).await;
    assert_eq!(
        res.status(),
        409,
        "a second authenticator does not replace the first"
    );
    let res = with_password(&manager, "accounts/two_factor_off", "not it at all").await;
    assert_eq!(
        error_json(res).await,
        field_error("password", "current_password_wrong")
    );
    let res = with_password(&manager, "accounts/two_factor_off", demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let c = app.other_client();
    let res = c.sign_in("manager@example.com", demo::DEMO_PASSWORD).await;
    assert_eq!(location(&res).as_deref(), Some("/console"));
    assert!(
        audit_actions(&app)
            .await
            .contains(&"account.two_factor_off".to_owned())
    );
}
