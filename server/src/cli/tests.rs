//! The command line's parser, its help and the README's list of commands, and the
//! unsubscribe mail's token.
use super::*;
use clap::CommandFactory as _;

/// The command `line` parses to, or clap's error kind.
fn command(line: &str) -> Result<Command, clap::error::ErrorKind> {
    let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    parse(&args).map(|(c, _)| c).map_err(|e| e.kind())
}

#[test]
fn no_arguments_serves_without_demo_data() {
    assert_eq!(command(""), Ok(Command::Serve { demo: false }));
    assert_eq!(command("serve --demo"), Ok(Command::Serve { demo: true }));
    assert_eq!(command("--demo"), Ok(Command::Serve { demo: true }));
}

#[test]
fn unknown_commands_and_flags_are_refused_with_a_suggestion() {
    use clap::error::ErrorKind;
    assert_eq!(command("frobnicate"), Err(ErrorKind::InvalidSubcommand));
    assert_eq!(command("serve --demon"), Err(ErrorKind::UnknownArgument));
    let err = parse(&["serve".into(), "--demon".into()]).expect_err("unknown flag");
    assert!(err.to_string().contains("--demo"), "{err}");
    assert_eq!(command("--help"), Err(ErrorKind::DisplayHelp));
    assert_eq!(command("backup --help"), Err(ErrorKind::DisplayHelp));
}

#[test]
fn rollups_check_or_rebuild() {
    assert_eq!(
        command("rollups check"),
        Ok(Command::Rollups {
            action: RollupAction::Check
        })
    );
    assert_eq!(
        command("rollups rebuild"),
        Ok(Command::Rollups {
            action: RollupAction::Rebuild
        })
    );
    assert!(command("rollups").is_err());
    assert!(command("rollups check now").is_err());
}

#[test]
fn create_owner_needs_email_name_and_password_on_stdin() {
    assert_eq!(
        command("create-owner --email a@b.se --name A --password-stdin"),
        Ok(Command::CreateOwner {
            email: "a@b.se".into(),
            name: "A".into(),
            language: "en".into(),
            password_stdin: true,
        })
    );
    assert!(command("create-owner --email a@b.se --name A").is_err());
    assert!(command("create-owner --name A --password-stdin").is_err());
    assert!(
        command("create-owner --email a@b.se --name A --language de --password-stdin").is_err()
    );
}

#[test]
fn create_api_key_needs_a_name_and_known_scopes() {
    assert_eq!(
        command("create-api-key --name Till --scopes members:read,purchases:write --location 2"),
        Ok(Command::CreateApiKey {
            name: "Till".into(),
            scopes: vec!["members:read".into(), "purchases:write".into()],
            location: Some(2),
            rate: 600,
        })
    );
    assert!(command("create-api-key --name Till").is_err());
    assert!(command("create-api-key --name Till --scopes members:write").is_err());
    assert!(command("create-api-key --name Till --scopes codes:redeem --rate 0").is_err());
}

#[test]
fn seed_needs_a_number_of_members() {
    assert_eq!(
        command("seed --members 1_000_000"),
        Ok(Command::Seed {
            members: 1_000_000,
            purchases: 0,
            months: 36,
            seed: 1
        })
    );
    assert_eq!(
        command("seed --seed 7 --members 10 --purchases 2_000 --months 36"),
        Ok(Command::Seed {
            members: 10,
            purchases: 2_000,
            months: 36,
            seed: 7
        })
    );
    assert!(command("seed").is_err());
    assert!(command("seed --members many").is_err());
}

#[test]
fn backup_and_restore_name_one_file() {
    assert_eq!(
        command("backup /tmp/b.db"),
        Ok(Command::Backup {
            file: "/tmp/b.db".into()
        })
    );
    assert!(command("backup").is_err());
    assert!(command("backup a.db b.db").is_err());
    assert!(command("backup --now").is_err());
    assert_eq!(
        command("restore b.db --replace"),
        Ok(Command::Restore {
            file: "b.db".into(),
            replace: true
        })
    );
    assert!(command("restore").is_err());
    assert!(command("restore a.db b.db").is_err());
    assert!(command("restore a.db --force").is_err());
}

#[test]
fn flags_come_before_the_environment_and_help_names_the_variables() {
    let args: Vec<String> = "migrate --database-url sqlite:///tmp/flag.db"
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let (_, settings) = parse(&args).expect("parses");
    let env = |name: &str| match name {
        "REGULARS_DATABASE_URL" => Some("sqlite:///tmp/env.db".to_owned()),
        "REGULARS_ADDR" => Some("127.0.0.1:4000".to_owned()),
        _ => None,
    };
    let config = settings.config(&env).expect("config");
    assert_eq!(config.database_url, "sqlite:///tmp/flag.db");
    assert_eq!(config.addr.port(), 4000);
    assert_eq!(config.backup, None);
    let help = Cli::command().render_long_help().to_string();
    for var in [
        "REGULARS_DATABASE_URL",
        "REGULARS_ADDR",
        "REGULARS_BASE_URL",
        "REGULARS_BACKUP_DIR",
    ] {
        assert!(help.contains(&format!("[env: {var}")), "{var} in\n{help}");
    }
}

/// The README's "Commands" section lists every command and each of its flags, and names no
/// command the binary lacks.
#[test]
fn the_readme_lists_every_command_and_flag_the_binary_has() {
    let readme = include_str!("../../../README.md");
    let start = readme.find("\n## Commands").expect("a Commands section");
    let section = &readme[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |e| e + 1)];
    let cli = Cli::command();
    let mut names = Vec::new();
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        names.push(name.to_owned());
        assert!(
            section.contains(&format!("server {name}")),
            "README lacks server {name}"
        );
        for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
            if let Some(long) = arg.get_long() {
                assert!(
                    section.contains(&format!("--{long}")),
                    "README lacks {name} --{long}"
                );
            }
        }
    }
    for arg in cli.get_arguments().filter(|a| !a.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            assert!(
                section.contains(&format!("--{long}")),
                "README lacks --{long}"
            );
        }
    }
    // Every `server X` the section names is a command.
    for word in section.split("`server ").skip(1) {
        let named = word.split([' ', '`']).next().unwrap_or_default();
        if named.starts_with('-') || named.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        assert!(
            names.iter().any(|n| n == named),
            "README names server {named}"
        );
    }
}

#[test]
fn unsubscribe_mail_reads_the_token_from_the_subject_only() {
    assert_eq!(command("unsubscribe-mail"), Ok(Command::UnsubscribeMail));
    assert!(command("unsubscribe-mail --now").is_err());
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
