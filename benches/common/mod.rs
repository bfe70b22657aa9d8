//! Shared by the benches: the vault sizes, and generated vaults cached under `target/`.
//!
//! Not a bench itself: a folder with `mod.rs`, so cargo does not take it for one.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use dealbook::metrics::report::ReportOptions;
use dealbook::model::Period;

#[path = "../../examples/gen_vault.rs"]
#[allow(dead_code)]
mod gen_vault;

pub use gen_vault::{Spec, ANCHOR};

/// The sizes measured: "1k" and "10k" are deals (each with twice as many contacts and one
/// account per ten deals, so 3,100 and 31,000 records); "100k" is 100,000 records;
/// "10k-blocks" is "10k" with every list written as Obsidian's properties editor writes it
/// (`tags:` then `  - a` lines).
pub const SIZES: [(&str, usize, usize, usize); 4] = [
    ("1k", 1_000, 2_000, 100),
    ("10k", 10_000, 20_000, 1_000),
    ("10k-blocks", 10_000, 20_000, 1_000),
    ("100k", 32_000, 64_000, 4_000),
];

/// Bump when the generator's output changes, so cached vaults are regenerated.
const GENERATOR_VERSION: u32 = 2;

pub fn spec(size: &str) -> Spec {
    let &(_, deals, contacts, accounts) = SIZES
        .iter()
        .find(|(name, ..)| *name == size)
        .unwrap_or_else(|| panic!("no vault size {size}"));
    Spec {
        deals,
        contacts,
        accounts: Some(accounts),
        seed: 1,
        broken: 16,
        block_lists: size.ends_with("-blocks"),
    }
}

/// `target/` (or `CARGO_TARGET_DIR`), where generated vaults are cached between runs.
fn cache_root() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("bench-vaults")
}

/// A generated vault of `size`, written on first use and reused afterwards. `purpose` keeps
/// vaults that a bench modifies apart from the read-only ones.
pub fn vault(size: &str, purpose: &str) -> PathBuf {
    let dir = cache_root().join(format!("{purpose}-{size}-v{GENERATOR_VERSION}"));
    let done = dir.join(".generated");
    if !done.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("remove a half-written vault");
        }
        let started = std::time::Instant::now();
        let written = gen_vault::generate(&dir, &spec(size)).expect("generate a vault");
        std::fs::write(&done, "").expect("mark the vault complete");
        eprintln!(
            "generated the {size} vault ({} files, {} bytes) in {:.1?}",
            written.files,
            written.bytes,
            started.elapsed()
        );
    }
    dir
}

pub fn anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(ANCHOR.0, ANCHOR.1, ANCHOR.2).expect("a real date")
}

/// What `build` and the reports use by default, as of the generator's anchor.
pub fn options(fiscal_year_start: u32) -> ReportOptions {
    let as_of = anchor();
    ReportOptions {
        as_of,
        period: Period::quarter_of(as_of, fiscal_year_start),
        since: as_of - Duration::days(7),
        quota: None,
    }
}
