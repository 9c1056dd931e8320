//! Unit tests for the parent module.

use super::*;

#[test]
fn every_variant_maps_to_a_client_or_server_status() {
    let cases = [
        (AppError::BadRequest, 400),
        (AppError::TooLarge, 413),
        (AppError::InvalidCredentials, 401),
        (AppError::Forbidden, 403),
        (AppError::field("email", Msg::EmailInvalid), 422),
        (
            AppError::RateLimited {
                retry_after_secs: 3,
            },
            429,
        ),
        (AppError::Internal, 500),
    ];
    for (err, status) in cases {
        assert_eq!(err.status(), status, "{err:?}");
    }
}

#[test]
fn several_field_errors_give_each_field_its_own_message() {
    assert_eq!(AppError::from_fields(Vec::new()), None);
    assert_eq!(
        AppError::from_fields(vec![("email", Msg::EmailInvalid)]),
        Some(AppError::field("email", Msg::EmailInvalid))
    );
    let err = AppError::from_fields(vec![
        ("email", Msg::EmailInvalid),
        ("password", Msg::PasswordTooShort),
    ])
    .expect("errors");
    assert_eq!(err.status(), 422);
    assert_eq!(err.field_message("email"), Some(Msg::EmailInvalid));
    assert_eq!(err.field_message("password"), Some(Msg::PasswordTooShort));
    assert_eq!(err.field_message("phone"), None);
}

#[test]
fn malformed_arguments_become_bad_request_not_internal() {
    let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
    assert_eq!(err, AppError::BadRequest);
    let err = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization("utf-8".into()));
    assert_eq!(err, AppError::BadRequest);
}

#[test]
fn errors_round_trip_through_json() {
    let err = AppError::field("password", Msg::PasswordTooShort);
    let json = serde_json::to_string(&err).expect("serialise");
    assert!(json.contains("password_too_short"), "{json}");
    assert_eq!(serde_json::from_str::<AppError>(&json).expect("parse"), err);
}
