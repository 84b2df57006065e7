//! The `slotboard` command: parses the command line, loads the config and
//! hands over to the library. Everything else lives in `slotboard::*`.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use slotboard::auth;
use slotboard::config::{Config, MIN_SECRET_CHARS, Overrides};
use tracing_subscriber::EnvFilter;

/// Exit code for a config (or secret) the server cannot start with; clap
/// uses the same code for a bad command line.
const EXIT_BAD_CONFIG: u8 = 2;

#[derive(Parser)]
#[command(
    name = "slotboard",
    version,
    args_conflicts_with_subcommands = true,
    about = "The live session board of a BarCamp: rooms x slots, claimed from phones, shown on the wall.",
    long_about = "The live session board of a BarCamp: rooms x slots, claimed from phones, \
                  shown on the wall, archived.\n\n\
                  Run it with no command to start the server with ./config.toml, then open \
                  the public URL (http://localhost:8080 with the demo config).\n\n\
                  The organiser secret is never a flag: set SLOTBOARD_ORGANISER_TOKEN in the \
                  environment, or put the hash printed by `slotboard hash-token` in the config.",
    after_help = "Environment: SLOTBOARD_CONFIG, SLOTBOARD_BIND, SLOTBOARD_DATA_DIR, \
                  SLOTBOARD_PUBLIC_URL, SLOTBOARD_LOG_FORMAT, SLOTBOARD_ORGANISER_TOKEN, SLOTBOARD_VENUE_TOKEN, RUST_LOG."
)]
struct Cli {
    /// With no command, these are the flags of `serve`.
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Where the config comes from, and what overrides it.
#[derive(Args)]
struct ConfigArgs {
    /// The config file: server settings and events (rooms, days, slots).
    #[arg(
        long,
        env = "SLOTBOARD_CONFIG",
        default_value = "config.toml",
        value_name = "FILE"
    )]
    config: PathBuf,

    /// Listen on this address instead of the config's `server.bind`.
    #[arg(long, env = "SLOTBOARD_BIND", value_name = "IP:PORT")]
    bind: Option<SocketAddr>,

    /// Keep journals, snapshots and archives here instead of `server.data_dir`.
    #[arg(long, env = "SLOTBOARD_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// How people reach the server (QR code, links, WebSocket origin check),
    /// instead of `server.public_url`; e.g. https://barcamp.example
    #[arg(long, env = "SLOTBOARD_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    config: ConfigArgs,

    /// Log format. The filter comes from RUST_LOG (default "info,slotboard=info").
    #[arg(
        long,
        env = "SLOTBOARD_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    log_format: LogFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default when no command is given).
    Serve(ServeArgs),

    /// Check the config file and exit: prints "OK" and what it declares, or
    /// the file, the key and what to fix (exit code 2).
    CheckConfig(ConfigArgs),

    /// Hash an organiser secret for the config file
    ///
    /// Type the secret (or pipe it) on standard input, one line; the hash is
    /// printed on standard output. Paste it into the event's table in
    /// config.toml as:
    ///
    ///     organiser_token_hash = "sha256:..."
    ///
    /// Give the secret itself to the organisers: it is the password of the
    /// admin page. It never goes in the file. With --generate, a fresh random
    /// secret is made for you and printed along with its hash.
    ///
    /// Example: printf '%s\n' 'my-long-secret' | slotboard hash-token
    #[command(verbatim_doc_comment)]
    HashToken {
        /// Make a random 24-character secret and print it with its hash,
        /// instead of reading one from standard input.
        #[arg(long)]
        generate: bool,
    },

    /// Archive one event: its final board, history and programme as files
    ///
    /// Writes {data_dir}/archive/EVENT/ with:
    ///
    ///     index.html      the printable programme (opens without slotboard)
    ///     schedule.ics    for calendar apps
    ///     schedule.csv    for spreadsheets
    ///     schedule.xml    frab/pretalx schedule (Giggity, ConfClerk)
    ///     schedule.json   the same as JSON
    ///     board.json      the final state of the board
    ///     history.jsonl   every change, in order, with its time
    ///
    /// The server then shows it at /archive/EVENT, also after the event has
    /// left the config. The board is rebuilt from the event's data folder
    /// ({data_dir}/events/EVENT/), so the server need not run. Archiving
    /// again replaces the archive in one step and gives the same files; if
    /// the disk fails, the previous archive is left as it was.
    ///
    /// Example: slotboard archive barcamp-rennes --config /etc/slotboard/config.toml
    #[command(verbatim_doc_comment)]
    Archive {
        /// The event's slug, as in the config and its URLs (/e/EVENT).
        #[arg(value_name = "EVENT")]
        event: String,
        #[command(flatten)]
        config: ConfigArgs,
    },

    /// Export one event's programme files into a folder of your choice
    ///
    /// Writes the same files as `slotboard archive` (index.html,
    /// schedule.ics, .csv, .xml, .json, board.json, history.jsonl) into DIR,
    /// made if needed; other files in DIR are left alone. The server need
    /// not run.
    ///
    /// Example: slotboard export barcamp-rennes ./programme
    #[command(verbatim_doc_comment)]
    Export {
        /// The event's slug, as in the config and its URLs (/e/EVENT).
        #[arg(value_name = "EVENT")]
        event: String,
        /// The folder to write the files into.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(&cli.serve).await,
        Some(Command::Serve(args)) => serve(&args).await,
        Some(Command::CheckConfig(args)) => check_config(&args),
        Some(Command::HashToken { generate }) => hash_token(generate),
        Some(Command::Archive { event, config }) => archive(&event, None, &config),
        Some(Command::Export { event, dir, config }) => archive(&event, Some(&dir), &config),
    }
}

/// `archive` (into the data folder) and `export` (into `dir`).
fn archive(slug: &str, dir: Option<&Path>, args: &ConfigArgs) -> ExitCode {
    use slotboard::store::archive;
    let command = if dir.is_some() { "export" } else { "archive" };
    let config = match load_config(args) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let Some(event) = config.event(slug) else {
        let declared: Vec<&str> = config.events.iter().map(|e| e.slug.as_str()).collect();
        eprintln!(
            "slotboard {command}: {}: there is no event \"{slug}\" (it declares: {}); \
             the event's rooms and slots come from the config that ran it",
            args.config.display(),
            declared.join(", ")
        );
        return ExitCode::from(EXIT_BAD_CONFIG);
    };
    let data_dir = &config.server.data_dir;
    let public_url = &config.server.public_url;
    let written = match dir {
        None => archive::write_from_disk(data_dir, event, public_url),
        Some(dir) => archive::export_from_disk(dir, data_dir, event, public_url),
    };
    match written {
        Ok(path) => {
            if dir.is_some() {
                println!("Exported event \"{slug}\" to {}", path.display());
            } else {
                println!("Archived event \"{slug}\" to {}", path.display());
                println!("The server shows it at {public_url}/archive/{slug}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("slotboard {command}: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: &ServeArgs) -> ExitCode {
    let config = match load_config(&args.config) {
        Ok(config) => config,
        Err(code) => return code,
    };
    init_tracing(args.log_format);
    tracing::info!(
        config = %args.config.config.display(),
        bind = %config.server.bind,
        public_url = %config.server.public_url,
        data_dir = %config.server.data_dir.display(),
        events = config.events.len(),
        "starting slotboard {}",
        env!("CARGO_PKG_VERSION")
    );
    let overrides = match overrides(&args.config) {
        Ok(overrides) => overrides,
        Err(code) => return code,
    };
    match slotboard::server::run(config, &args.config.config, &overrides).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("slotboard: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn check_config(args: &ConfigArgs) -> ExitCode {
    let config = match load_config(args) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let events: Vec<String> = config
        .events
        .iter()
        .map(|e| {
            let slots: usize = e.days.iter().map(|d| d.slots.len()).sum();
            format!(
                "{}: {}, {}",
                e.slug,
                plural(e.rooms.len(), "room"),
                plural(slots, "slot")
            )
        })
        .collect();
    let demo = match &config.demo {
        Some(d) => format!(
            "; and a demo, /e/{}: {}, today and tomorrow",
            d.slug,
            plural(d.rooms.len(), "room")
        ),
        None => String::new(),
    };
    println!(
        "{}: OK, {} ({}){demo}",
        args.config.display(),
        plural(config.events.len(), "event"),
        events.join("; ")
    );
    // The events created on the venue's page join the file's at start: a
    // slug of both would stop it.
    let data = config.server.data_dir.clone();
    let created = match slotboard::store::venue::load_events(&data) {
        Ok(created) => created,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_BAD_CONFIG);
        }
    };
    if !created.is_empty() {
        let slugs: Vec<&str> = created.iter().map(|e| e.slug.as_str()).collect();
        println!(
            "and {} created on the venue's page ({})",
            plural(created.len(), "event"),
            slugs.join(", ")
        );
    }
    let config = match config.with_created(created, |slug| {
        slotboard::store::venue::event_file(&data, slug)
            .display()
            .to_string()
    }) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{}: {e}", args.config.display());
            return ExitCode::from(EXIT_BAD_CONFIG);
        }
    };
    // A grid changed live by organisers wins over the file: say so.
    for e in &config.events {
        let dir = config.server.data_dir.join("events").join(&e.slug);
        if let Some(warning) = slotboard::store::orphans::drift(&dir, e) {
            eprintln!("slotboard: warning: event {:?}: {warning}", e.slug);
        }
    }
    ExitCode::SUCCESS
}

fn hash_token(generate: bool) -> ExitCode {
    if generate {
        let secret = auth::generate_secret();
        let hash = auth::hash_secret(&secret);
        println!("Organiser secret (give it to the organisers; it never goes in the file):");
        println!("  {secret}");
        println!("Line for config.toml (in the [[events]] table of each event it opens):");
        println!("  organiser_token_hash = \"{hash}\"");
        println!(
            "Or, if it is the venue's secret (run this again for one of its own), in [server]:"
        );
        println!("  venue_token_hash = \"{hash}\"");
        return ExitCode::SUCCESS;
    }

    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Organiser secret (it will be shown as you type), then Enter: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    if let Err(e) = stdin.lock().read_line(&mut line) {
        eprintln!("slotboard hash-token: cannot read the secret from standard input: {e}");
        return ExitCode::from(EXIT_BAD_CONFIG);
    }
    let secret = line
        .strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(&line);
    if let Err(why) = check_secret(secret) {
        eprintln!("slotboard hash-token: {why}");
        return ExitCode::from(EXIT_BAD_CONFIG);
    }
    println!("{}", auth::hash_secret(secret));
    eprintln!(
        "Paste it into config.toml, in the [[events]] table, as organiser_token_hash = \"sha256:...\" \
         (or, for the venue's page, in [server] as venue_token_hash = \"sha256:...\")."
    );
    ExitCode::SUCCESS
}

/// The same rule as for SLOTBOARD_ORGANISER_TOKEN, plus no surrounding
/// spaces (the login form would need them typed exactly).
fn check_secret(secret: &str) -> Result<(), String> {
    let n = secret.chars().count();
    if n == 0 {
        return Err(format!(
            "the secret is empty; type one of at least {MIN_SECRET_CHARS} characters, \
             or run `slotboard hash-token --generate`"
        ));
    }
    if n < MIN_SECRET_CHARS {
        return Err(format!(
            "the secret is {n} characters long; use at least {MIN_SECRET_CHARS}, \
             or run `slotboard hash-token --generate`"
        ));
    }
    if secret.trim() != secret {
        return Err(
            "the secret starts or ends with a space or tab; remove it, organisers would have to \
             type it exactly"
                .to_owned(),
        );
    }
    Ok(())
}

/// Loads the config with the flag and environment overrides; on failure
/// prints the error for a human and returns the exit code.
fn load_config(args: &ConfigArgs) -> Result<Config, ExitCode> {
    let overrides = overrides(args)?;
    Config::load(Path::new(&args.config), &overrides).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(EXIT_BAD_CONFIG)
    })
}

/// The flag and environment overrides of the config (a reload reads the
/// file again with the same ones).
fn overrides(args: &ConfigArgs) -> Result<Overrides, ExitCode> {
    let organiser_token = secret_var("SLOTBOARD_ORGANISER_TOKEN")?;
    let venue_token = secret_var("SLOTBOARD_VENUE_TOKEN")?;
    Ok(Overrides {
        bind: args.bind,
        data_dir: args.data_dir.clone(),
        public_url: args.public_url.clone(),
        organiser_token,
        venue_token,
    })
}

/// A secret from the environment, if set.
fn secret_var(name: &str) -> Result<Option<String>, ExitCode> {
    match std::env::var(name) {
        Ok(token) => Ok(Some(token)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            eprintln!("{name}: is not valid UTF-8; use a secret made of plain characters");
            Err(ExitCode::from(EXIT_BAD_CONFIG))
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,slotboard=info"));
    match format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            // Colours only on a terminal, not in log files or journald.
            .with_ansi(std::io::stdout().is_terminal())
            .init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init(),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
