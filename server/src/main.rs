//! Entry point: read configuration and arguments, then serve or run a command.

use server::{
    Application, Config,
    cli::{self, Command},
    demo, shutdown_signal,
};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REGULARS_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, settings) = match cli::parse(&args) {
        Ok(parsed) => parsed,
        // Help and version print and exit 0; a mistake prints what is wrong and exits 2.
        Err(e) => e.exit(),
    };
    let config = match settings.config(&|name| std::env::var(name).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration: {e}");
            return ExitCode::from(2);
        }
    };
    match run(command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `server rollups check`: what differs, as an error when anything does.
async fn check_rollups(db: &app::db::Db) -> Result<String, String> {
    let mut conn = db.reader.acquire().await.map_err(|e| e.to_string())?;
    let drift = app::analytics::rollups::check(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    if drift.is_empty() {
        return Ok("roll-ups agree with the ledger".into());
    }
    let rows: Vec<String> = drift
        .iter()
        .map(|d| format!("{} {}", d.rollup, d.key))
        .collect();
    Err(format!(
        "{} roll-up rows differ from the ledger (server rollups rebuild recomputes them): {}",
        drift.len(),
        rows.join(", ")
    ))
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Migrate => {
            server::open_database(&config)
                .await
                .map_err(|e| e.to_string())?
                .close()
                .await;
            println!("database migrated");
        }
        Command::Rollups { action } => {
            let rebuild = action == cli::RollupAction::Rebuild;
            let db = server::open_database(&config)
                .await
                .map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let result = if rebuild {
                db.write(|tx| {
                    Box::pin(async move { Ok(app::analytics::rollups::rebuild(tx).await?) })
                })
                .await
                .map(|()| "roll-ups rebuilt from the ledger".to_owned())
                .map_err(|e| e.to_string())
            } else {
                check_rollups(&db).await
            };
            db.close().await;
            let message = result?;
            println!("{message} in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::Seed {
            members,
            purchases,
            months,
            seed,
        } => {
            let db = server::open_database(&config)
                .await
                .map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let checkpoints = server::seed::checkpointer(&config)
                .await
                .map_err(|e| e.to_string())?;
            // On an empty database: the demo shop (program, tiers, reward, feedback form) to
            // seed members and their history into.
            demo::load_parts_if_empty(
                &db,
                &app::accounts::Hasher::new(1),
                demo::Parts::FOR_SEEDING,
            )
            .await
            .map_err(|e| e.to_string())?;
            let added = server::seed::members(&db, members, months, seed)
                .await
                .map_err(|e| e.to_string())?;
            let bought = server::seed::history(&db, purchases, months, seed).await?;
            checkpoints.abort();
            db.close().await;
            println!(
                "{added} members and {bought} purchases added in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Backup { file } => {
            let summary = server::backup::backup(&config.database_url, &file).await?;
            println!("backed up to {}: {summary}", file.display());
        }
        Command::Restore { file, replace } => {
            let summary = server::backup::restore(&file, &config.database_url, replace).await?;
            println!("restored {}: {summary}", file.display());
            // Brought up to this build's migrations now rather than on the next start.
            server::open_database(&config)
                .await
                .map_err(|e| e.to_string())?
                .close()
                .await;
        }
        Command::UnsubscribeMail => {
            // Unknown or missing tokens are not errors: the mail server would bounce them
            // back to whoever sent them.
            if cli::unsubscribe_mail(&config, std::io::stdin().lock()).await? {
                println!("unsubscribed");
            } else {
                println!("no unsubscribe token in the message");
            }
        }
        Command::CreateApiKey {
            name,
            scopes,
            location,
            rate,
        } => {
            let (id, secret) = cli::create_api_key(&config, &name, &scopes, location, rate).await?;
            eprintln!("API key {id} created; its secret, shown only now:");
            println!("{secret}");
        }
        Command::CreateOwner {
            email,
            name,
            language,
            password_stdin: _,
        } => {
            let id = cli::create_owner(&config, &email, &name, &language, std::io::stdin().lock())
                .await?;
            println!("owner account {id} created for {email}");
        }
        Command::Serve { demo: with_demo } => {
            if with_demo {
                let db = server::open_database(&config)
                    .await
                    .map_err(|e| e.to_string())?;
                let hasher = app::accounts::Hasher::new(1);
                let loaded = demo::load_if_empty(&db, &hasher)
                    .await
                    .map_err(|e| e.to_string())?;
                db.close().await;
                print_demo_logins(loaded);
            }
            let app = Application::build(&config)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(
                port = app.port(),
                durability = config.durability.as_str(),
                "Regulars listening on {}",
                config.base_url
            );
            app.run_until_stopped(shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn print_demo_logins(loaded: bool) {
    if loaded {
        println!(
            "Demo data loaded. Sign in with any of these (password: {}):",
            demo::DEMO_PASSWORD
        );
    } else {
        println!(
            "The database already has data; no demo data loaded. Demo logins, if this is the demo database (password: {}):",
            demo::DEMO_PASSWORD
        );
    }
    for l in demo::DEMO_LOGINS {
        println!(
            "  {:<22} {:<8} {} ({})",
            l.email,
            l.role.as_str(),
            l.name,
            l.language
        );
    }
}
