//! dealbook's integration tests, in one binary (one link step) with a module per area. They
//! drive the real `dealbook` binary on vaults built in temp folders and on `example-vault/`.

mod adopt;
mod architecture;
mod browser;
mod check;
mod cli;
mod common;
mod completion;
mod counted;
mod edit;
mod errors;
mod flags;
mod hardening;
mod history;
mod import;
mod list;
mod lsp;
mod lsp_client;
mod metrics;
mod privacy;
mod query;
mod readme;
mod reports;
mod robustness;
mod security;
mod serve;
mod show;
mod transfer;
mod watch;
mod whatif;
