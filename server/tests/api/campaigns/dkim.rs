//! DKIM: with a key configured every message is signed, the signature covers the unsubscribe
//! headers (changing a link breaks it), and is checked by an independent verifier (Debian's
//! `python3-dkim`, fed the public key instead of DNS). The `mailto:` unsubscribe works through
//! `server unsubscribe-mail`.

use std::sync::Arc;

use super::{draft, shop_with_sven, smtp::Smtp, token_of, unsubscribe_link, wait_finished};
use crate::{helpers::json_of, temp_dir::TempDir};

/// Verifies every message in a Maildir, each as received and with its `List-Unsubscribe`
/// link changed: `[to, signed headers, valid, valid after the change]` per message.
const VERIFY: &str = r#"
import dkim, email, json, os, re, sys
record = ('v=DKIM1; k=rsa; p=' + sys.argv[2]).encode()
def dns(name, timeout=5):
    return record if name.rstrip(b'.') == b'sel1._domainkey.shop.example' else None
out = []
new = os.path.join(sys.argv[1], 'new')
for name in sorted(os.listdir(new)):
    raw = open(os.path.join(new, name), 'rb').read()
    msg = email.message_from_bytes(raw)
    sig = re.search(rb'h=([^;]+);', raw.replace(b'\r\n ', b'').replace(b'\n ', b''))
    forged = raw.replace(b'/u/', b'/x/', 1)
    out.append([str(msg['To']), sig.group(1).decode() if sig else '',
                dkim.verify(raw, dnsfunc=dns), forged != raw and dkim.verify(forged, dnsfunc=dns)])
print(json.dumps(out))
"#;

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs (`make test` installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[tokio::test]
async fn messages_are_dkim_signed_over_the_unsubscribe_headers_and_the_mailto_unsubscribes() {
    let keys = TempDir::new();
    let key_file = keys.path().join("dkim.pem");
    let key_path = key_file.to_str().expect("utf-8 path");
    openssl(&["genrsa", "-traditional", "-out", key_path, "2048"]);
    // The DNS record's `p=`: the public key's base64 (its PEM without the armour lines).
    let public = String::from_utf8(openssl(&["rsa", "-in", key_path, "-pubout"])).expect("pem");
    let public: String = public.lines().filter(|l| !l.starts_with("-----")).collect();
    let key = std::fs::read_to_string(&key_file).expect("key");

    let smtp = Smtp::raw().await;
    let mut mail = server::mail::SmtpConfig::parse(&smtp.url(), "news@shop.example", None, 1)
        .expect("smtp config");
    mail.dkim = Some(Arc::new(
        server::mail::dkim("sel1", "shop.example", &key).expect("dkim key"),
    ));
    mail.unsubscribe_to = "leave@shop.example".parse().expect("address");
    let (app, db) = shop_with_sven(&smtp, mail, "sv").await;
    let owner = app.signed_in_as("owner@example.com").await;
    let id = draft(&owner, "Signed", &[("consent", "email")], "Hi", "Hello").await;
    json_of(&owner, "campaigns/send", &[("id", &id)]).await;
    wait_finished(&owner, &id).await;
    let mails = smtp.wait_for(2).await;

    let checked: Vec<(String, String, bool, bool)> = smtp.read_with(VERIFY, &[&public]);
    assert_eq!(checked.len(), 2, "{checked:?}");
    for (to, headers, valid, forged_valid) in &checked {
        assert_eq!(to, "sven@example.org");
        assert!(*valid, "a valid signature: {checked:?}");
        assert!(!forged_valid, "a changed message fails: {checked:?}");
        for h in [
            "from",
            "subject",
            "list-unsubscribe",
            "list-unsubscribe-post",
        ] {
            assert!(headers.split(':').any(|x| x == h), "{h} signed: {headers}");
        }
    }

    // The mailto names the message; mailing it (piped to `server unsubscribe-mail` by the
    // mail server) withdraws the consent.
    let header = mails
        .iter()
        .find_map(|m| m.list_unsubscribe.clone())
        .expect("the campaign's header");
    let token = token_of(unsubscribe_link(&header)).to_owned();
    assert!(
        header.contains(&format!(
            "<mailto:leave@shop.example?subject=unsubscribe%20{token}>"
        )),
        "{header}"
    );
    let reply = format!(
        "From: sven@example.org\r\nTo: leave@shop.example\r\nSubject: unsubscribe {token}\r\n\r\n"
    );
    let done = server::cli::unsubscribe_mail(&app.config, reply.as_bytes())
        .await
        .expect("read");
    assert!(done);
    let (on, source): (bool, String) = sqlx::query_as(
        "SELECT u.email_marketing, e.source FROM users u JOIN consent_events e ON e.user_id = u.id
         WHERE u.email = 'sven@example.org' ORDER BY e.id DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .expect("consent");
    assert_eq!((on, source.as_str()), (false, "unsubscribe_mail"));
    let unknown = "Subject: unsubscribe nope\r\n\r\n";
    assert!(
        !server::cli::unsubscribe_mail(&app.config, unknown.as_bytes())
            .await
            .expect("read")
    );
}
