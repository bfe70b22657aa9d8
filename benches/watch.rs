//! Watch mode's latency: from one saved deal file to the configured outputs written, on the
//! 10,000-deal + 20,000-contact vault (target: under 100 ms).
//!
//! ```text
//! cargo bench --bench watch
//! ```
//!
//! The vault (with `outputs:` for pipeline.md and the manager's prep.md) is loaded once; each
//! iteration rewrites one deal with a different amount, then calls `Vault::refresh` on that
//! path and `build::build`. The `with_history` benches also ask for the git history on every
//! save, as `watch` does (through `history::Cache`; the cached vault lives under `target/`,
//! inside this repository, whose history holds no commit of it: the cost of asking git, not of
//! a long history).

mod common;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use dealbook::history::Unavailable;
use dealbook::parse::Detail;
use dealbook::Vault;

fn main() {
    divan::main();
}

/// The open deal file each iteration rewrites, and its text with a placeholder for the amount.
fn target_deal(root: &Path) -> (PathBuf, String) {
    let mut names: Vec<_> = std::fs::read_dir(root.join("deals"))
        .expect("the deals folder")
        .map(|entry| entry.expect("an entry").file_name())
        .filter(|name| name.to_string_lossy().ends_with(".md") && name != "README.md")
        .collect();
    names.sort();
    for name in names {
        let relative = PathBuf::from("deals").join(name);
        let text = std::fs::read_to_string(root.join(&relative)).unwrap_or_default();
        let open = !text.contains("\nstage: closed");
        if open && text.lines().any(|line| line.starts_with("amount: ")) {
            let template = text
                .lines()
                .map(|line| {
                    if line.starts_with("amount: ") {
                        "amount: {AMOUNT}\n".to_string()
                    } else {
                        format!("{line}\n")
                    }
                })
                .collect();
            return (relative, template);
        }
    }
    panic!("no deal with an amount in {}", root.display());
}

fn save_refresh_build(size: &str, with_history: bool, bencher: divan::Bencher) {
    let root = common::vault(size, "watch");
    let mut vault = Vault::load_detail(&root, Detail::Reports).expect("a vault");
    assert!(
        !vault.config.outputs.is_empty(),
        "the generated config has outputs"
    );
    let options = common::options(vault.config.fiscal_year_start);
    // As `watch` does: the commits are read again only when the repository moved.
    let cache = RefCell::new(dealbook::history::Cache::default());
    let read_history = |vault: &Vault| {
        if with_history {
            let mut cache = cache.borrow_mut();
            cache.read(vault, common::anchor(), &mut |_, _| {})
        } else {
            Err(Unavailable::Disabled)
        }
    };
    dealbook::build::build(&vault, &options, &read_history(&vault)).expect("a first build");
    let (deal, template) = target_deal(&root);
    let saves = Cell::new(0u64);
    bencher.bench_local(|| {
        let n = saves.get();
        saves.set(n + 1);
        let amount = if n % 2 == 0 { 48_000 } else { 52_500 };
        std::fs::write(
            root.join(&deal),
            template.replace("{AMOUNT}", &amount.to_string()),
        )
        .expect("save the deal");
        assert!(
            !vault.refresh(std::slice::from_ref(&deal)).is_empty(),
            "the deal changed"
        );
        let history = read_history(&vault);
        let built = dealbook::build::build(&vault, &options, &history).expect("build");
        assert!(built.iter().any(|b| b.written), "an output changed");
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn save_to_outputs_10k(bencher: divan::Bencher) {
    save_refresh_build("10k", false, bencher);
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn save_to_outputs_10k_with_history(bencher: divan::Bencher) {
    save_refresh_build("10k", true, bencher);
}

#[divan::bench(sample_count = 50, sample_size = 1)]
fn save_to_outputs_1k(bencher: divan::Bencher) {
    save_refresh_build("1k", false, bencher);
}
