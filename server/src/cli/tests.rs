//! The command line's parser and the unsubscribe mail's token.
use super::*;

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn no_arguments_serves_without_demo_data() {
    assert_eq!(parse(&[]), Ok(Command::Serve { demo: false }));
    assert_eq!(
        parse(&args("serve --demo")),
        Ok(Command::Serve { demo: true })
    );
    assert_eq!(parse(&args("--demo")), Ok(Command::Serve { demo: true }));
}

#[test]
fn rollups_check_or_rebuild() {
    assert_eq!(
        parse(&args("rollups check")),
        Ok(Command::Rollups { rebuild: false })
    );
    assert_eq!(
        parse(&args("rollups rebuild")),
        Ok(Command::Rollups { rebuild: true })
    );
    assert!(parse(&args("rollups")).is_err());
    assert!(parse(&args("rollups check now")).is_err());
}

#[test]
fn create_owner_needs_email_name_and_password_on_stdin() {
    assert_eq!(
        parse(&args(
            "create-owner --email a@b.se --name A --password-stdin"
        )),
        Ok(Command::CreateOwner {
            email: "a@b.se".into(),
            name: "A".into(),
            language: "en".into()
        })
    );
    assert!(parse(&args("create-owner --email a@b.se --name A")).is_err());
    assert!(parse(&args("create-owner --name A --password-stdin")).is_err());
    assert!(parse(&args("frobnicate")).is_err());
}

#[test]
fn seed_needs_a_number_of_members() {
    assert_eq!(
        parse(&args("seed --members 1_000_000")),
        Ok(Command::Seed {
            members: 1_000_000,
            purchases: 0,
            months: 36,
            seed: 1
        })
    );
    assert_eq!(
        parse(&args(
            "seed --seed 7 --members 10 --purchases 2_000 --months 36"
        )),
        Ok(Command::Seed {
            members: 10,
            purchases: 2_000,
            months: 36,
            seed: 7
        })
    );
    assert!(parse(&args("seed")).is_err());
    assert!(parse(&args("seed --members many")).is_err());
}

#[test]
fn backup_and_restore_name_one_file() {
    assert_eq!(
        parse(&args("backup /tmp/b.db")),
        Ok(Command::Backup {
            file: "/tmp/b.db".into()
        })
    );
    assert!(parse(&args("backup")).is_err());
    assert!(parse(&args("backup a.db b.db")).is_err());
    assert!(parse(&args("backup --now")).is_err());
    assert_eq!(
        parse(&args("restore b.db --replace")),
        Ok(Command::Restore {
            file: "b.db".into(),
            replace: true
        })
    );
    assert_eq!(
        parse(&args("restore b.db")),
        Ok(Command::Restore {
            file: "b.db".into(),
            replace: false
        })
    );
    assert!(parse(&args("restore")).is_err());
    assert!(parse(&args("restore a.db b.db")).is_err());
    assert!(parse(&args("restore a.db --force")).is_err());
}

#[test]
fn unsubscribe_mail_reads_the_token_from_the_subject_only() {
    assert_eq!(
        parse(&args("unsubscribe-mail")),
        Ok(Command::UnsubscribeMail)
    );
    assert!(parse(&args("unsubscribe-mail --now")).is_err());
    let mail =
        "From: anna@example.com\r\nSubject: unsubscribe\r\n AbC-12_x\r\n\r\nunsubscribe other\r\n";
    assert_eq!(unsubscribe_token(mail).as_deref(), Some("AbC-12_x"));
    let mail = "subject: Re: UNSUBSCRIBE t0k\n\nbody";
    assert_eq!(unsubscribe_token(mail).as_deref(), Some("t0k"));
    // Only the headers count, and only a token-shaped word.
    assert_eq!(unsubscribe_token("Subject: hi\n\nunsubscribe abc"), None);
    assert_eq!(unsubscribe_token("Subject: unsubscribe a'b\n\n"), None);
    assert_eq!(unsubscribe_token("Subject: unsubscribe\n\n"), None);
}
