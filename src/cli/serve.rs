//! `serve [--port N] [--open] [--host H --token T] [--editor-url PATTERN]`: the book in a
//! browser on this computer, live as files change, until Ctrl-C.

use std::net::IpAddr;
use std::process::ExitCode;

use anyhow::Context as _;

use dealbook::serve::{Options, Server, StartError, DEFAULT_EDITOR_URL, DEFAULT_PORT};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Open the book in the default browser.
    #[arg(long)]
    open: bool,
    /// The address to listen on (default: 127.0.0.1, this computer only). Any other needs --token.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    host: IpAddr,
    /// The token every visitor must give (in the URL printed, then in a cookie).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// The check page's "open in editor" link: {path} (absolute, without its leading /), {line}, {col}.
    #[arg(long, value_name = "PATTERN", default_value = DEFAULT_EDITOR_URL)]
    editor_url: String,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let root = env.root()?;
    let as_of = env.as_of;
    let mut options = Options::loopback(Box::new(move || {
        as_of.unwrap_or_else(|| chrono::Local::now().date_naive())
    }));
    options.host = args.host;
    options.port = args.port;
    options.access_token = args.token.filter(|t| !t.is_empty());
    options.editor_url = args.editor_url;
    let server = match Server::start(&root, options) {
        Ok(server) => server,
        Err(StartError::Vault(diagnostics)) => {
            for diagnostic in &diagnostics {
                super::output::note(&super::located(&root, diagnostic));
            }
            return Err(super::DataErrors.into());
        }
        // It could not start (a port taken, an address needing --token, no file watcher, no
        // random numbers): exit status 2, as for a command that cannot run.
        Err(e) => return Err(super::UsageError(e.to_string()).into()),
    };
    let url = server.url();
    // The first line on stdout is the address, for scripts and tests to read.
    super::output::print(&format!("{url}\n"))?;
    super::output::note("serving the book; Ctrl-C to stop");
    let stop = server.stopper();
    ctrlc::set_handler(move || stop.stop()).context("cannot handle Ctrl-C")?;
    if args.open {
        open_browser(&url);
    }
    server.wait();
    super::output::note("stopped serving");
    Ok(ExitCode::SUCCESS)
}

/// Asks the desktop to open `url`; says so when it cannot, the address is printed anyway.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let opened = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if opened.is_err() {
        super::output::note(&format!("cannot run {opener}; open {url} yourself"));
    }
}
