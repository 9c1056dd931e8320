//! Tests of the SMTP settings.

use super::*;

#[test]
fn smtp_urls_name_host_port_security_and_credentials() {
    let c = SmtpConfig::parse(
        "smtp://us%40r:p%3Ass@mail.example:587?tls=starttls",
        "Shop <news@shop.example>",
        None,
        4,
    )
    .expect("a valid test URL");
    assert_eq!(
        (c.host.as_str(), c.port, c.security),
        ("mail.example", 587, Security::StartTls)
    );
    assert_eq!(c.credentials, Some(("us@r".to_owned(), "p:ss".to_owned())));
    assert_eq!(c.from_service, c.from);
    assert_eq!(c.domain(), "shop.example");
    let c = SmtpConfig::parse("smtp://127.0.0.1:2525", "a@b.c", Some("svc@b.c"), 1)
        .expect("a valid test URL");
    assert_eq!(
        (c.port, c.security, c.credentials),
        (2525, Security::None, None)
    );
    assert_eq!(
        SmtpConfig::parse("smtps://mx.example", "a@b.c", None, 1)
            .expect("a valid test URL")
            .port,
        465
    );
    assert!(SmtpConfig::parse("http://x", "a@b.c", None, 1).is_err());
    assert!(SmtpConfig::parse("smtp://x:port", "a@b.c", None, 1).is_err());
    assert!(SmtpConfig::parse("smtp://x", "not an address", None, 1).is_err());
}
