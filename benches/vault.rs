//! Load + index, `check`, `pipeline` and `prep` on generated vaults of three sizes, and shell
//! completion of the ids on the 10k one.
//!
//! ```text
//! cargo bench --bench vault               # all sizes (the 100k vault takes a few minutes)
//! cargo bench --bench vault -- 10k        # one size
//! cargo bench --bench vault -- complete   # shell completion of ids after `set `, 10k vault
//! ```
//!
//! Vaults are generated once into `target/bench-vaults/` and reused. Each group measures the
//! library calls the CLI makes for that command, after the vault is loaded (the `load` bench
//! measures loading itself: walking, reading, parsing and indexing). Vaults are loaded as the
//! reports load them (`Detail::Reports`).

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use dealbook::history::{History, Unavailable};
use dealbook::metrics::rules;
use dealbook::model::{Audience, Kind};
use dealbook::parse::{parse_file_with, Detail};
use dealbook::render::Sections;
use dealbook::{render, Vault};

fn main() {
    divan::main();
}

/// Each size's vault, loaded once per process for the benches that start from a loaded vault.
fn loaded(size: &str) -> &'static Vault {
    static VAULTS: [OnceLock<Vault>; common::SIZES.len()] =
        [const { OnceLock::new() }; common::SIZES.len()];
    let slot = common::SIZES
        .iter()
        .position(|(name, ..)| *name == size)
        .expect("a known size");
    VAULTS[slot].get_or_init(|| {
        Vault::load_detail(&common::vault(size, "read"), Detail::Reports).expect("a vault")
    })
}

/// The vault's git history, read once as the CLI does before rendering.
fn history(vault: &Vault) -> Result<History, Unavailable> {
    dealbook::history::read(vault, common::anchor(), &mut |_, _| {})
}

/// A record file: its path, the kind its folder implies, its bytes.
type File = (PathBuf, Option<Kind>, Vec<u8>);

/// Every record file's bytes, read once, for the parse-only bench.
fn file_bytes(size: &str) -> &'static [File] {
    static FILES: [OnceLock<Vec<File>>; common::SIZES.len()] =
        [const { OnceLock::new() }; common::SIZES.len()];
    let slot = common::SIZES
        .iter()
        .position(|(name, ..)| *name == size)
        .expect("a known size");
    FILES[slot].get_or_init(|| {
        let root = common::vault(size, "read");
        let mut files = Vec::new();
        for folder in ["deals", "contacts", "accounts"] {
            let kind = Kind::parse(folder);
            let mut names: Vec<_> = std::fs::read_dir(root.join(folder))
                .expect("a record folder")
                .map(|entry| entry.expect("an entry").file_name())
                .collect();
            names.sort();
            for name in names {
                let path = PathBuf::from(folder).join(name);
                let bytes = std::fs::read(root.join(&path)).expect("a record file");
                files.push((path, kind, bytes));
            }
        }
        files
    })
}

fn bench_load(bencher: divan::Bencher, size: &str) {
    let root = common::vault(size, "read");
    bencher.bench(|| Vault::load_detail(&root, Detail::Reports).expect("a vault"));
}

/// `parse_file_with` on every record, as the reports read it, from bytes already in memory, on
/// all cores.
fn bench_parse(bencher: divan::Bencher, size: &str) {
    use rayon::prelude::*;
    let files = file_bytes(size);
    let config = &loaded(size).config;
    bencher.bench(|| {
        files
            .par_iter()
            .map(|(path, kind, bytes)| parse_file_with(path, bytes, *kind, config, Detail::Reports))
            .filter(|parsed| parsed.record.is_some())
            .count()
    });
}

/// What `check` does after loading: hygiene warnings, merged and sorted with the parse problems.
fn bench_check(bencher: divan::Bencher, size: &str) {
    let vault = loaded(size);
    let today = common::anchor();
    bencher.bench(|| rules::check(&vault.index, &vault.config, today).len());
}

/// What `pipeline` / `prep` do after loading: the context for the rep, then the template.
fn bench_report(bencher: divan::Bencher, size: &str, template: &str) {
    let vault = loaded(size);
    let options = common::options(vault.config.fiscal_year_start);
    let templates = dealbook::build::templates(vault);
    let history = history(vault);
    bencher.bench(|| {
        let context = render::context(
            &vault.index,
            &vault.config,
            &options,
            Audience::Me,
            &history,
            Sections::for_template(template),
        );
        templates.render(template, &context).expect("renders").len()
    });
}

/// The context for `build`'s manager output: the prep sheet on the manager's index (built once
/// per load; the `index_manager` piece measures building it).
fn bench_context_manager(bencher: divan::Bencher, size: &str) {
    let vault = loaded(size);
    let options = common::options(vault.config.fiscal_year_start);
    let history = history(vault);
    bencher.bench(|| {
        render::context(
            vault.index_for(Audience::Manager),
            &vault.config,
            &options,
            Audience::Manager,
            &history,
            Sections::All,
        )
        .report
        .pipeline()
        .deals
        .len()
    });
}

/// The pieces of loading and reporting, one at a time, to see where the time goes.
const PIECES: [&str; 6] = [
    "index",
    "index_manager",
    "pipeline_numbers",
    "prep_numbers",
    "pipeline.md",
    "prep.md",
];

/// The pieces of a report, one at a time, to see where its time goes.
fn bench_piece(bencher: divan::Bencher, size: &str, piece: &str) {
    use dealbook::metrics::report;
    let vault = loaded(size);
    let (index, config) = (&vault.index, &vault.config);
    let options = common::options(config.fiscal_year_start);
    let history = history(vault);
    let templates = dealbook::build::templates(vault);
    match piece {
        "index" | "index_manager" => {
            let audience = match piece {
                "index" => Audience::Me,
                _ => Audience::Manager,
            };
            let files: std::collections::BTreeMap<PathBuf, dealbook::parse::ParsedFile> =
                file_bytes(size)
                    .iter()
                    .map(|(path, kind, bytes)| {
                        let parsed = parse_file_with(path, bytes, *kind, config, Detail::Reports);
                        (path.clone(), parsed)
                    })
                    .collect();
            bencher.bench(|| Vault::build_index(&files, config, audience).deals.len());
        }
        "pipeline_numbers" => bencher.bench(|| {
            report::pipeline(index, config, &options, history.as_ref().ok())
                .deals
                .len()
        }),
        "prep_numbers" => bencher.bench(|| {
            report::prep(index, config, &options, history.as_ref().ok())
                .reviews
                .len()
        }),
        template => {
            let sections = Sections::for_template(template);
            let context =
                render::context(index, config, &options, Audience::Me, &history, sections);
            bencher.bench(|| templates.render(template, &context).expect("renders").len());
        }
    }
}

macro_rules! size_group {
    ($module:ident, $size:literal, $samples:literal) => {
        #[divan::bench_group(sample_count = $samples, sample_size = 1)]
        mod $module {
            #[divan::bench]
            fn load(bencher: divan::Bencher) {
                super::bench_load(bencher, $size);
            }

            #[divan::bench]
            fn parse(bencher: divan::Bencher) {
                super::bench_parse(bencher, $size);
            }

            #[divan::bench]
            fn check(bencher: divan::Bencher) {
                super::bench_check(bencher, $size);
            }

            #[divan::bench]
            fn pipeline(bencher: divan::Bencher) {
                super::bench_report(bencher, $size, "pipeline.md");
            }

            #[divan::bench]
            fn prep(bencher: divan::Bencher) {
                super::bench_report(bencher, $size, "prep.md");
            }

            #[divan::bench]
            fn context_manager(bencher: divan::Bencher) {
                super::bench_context_manager(bencher, $size);
            }

            #[divan::bench(args = super::PIECES)]
            fn piece(bencher: divan::Bencher, piece: &str) {
                super::bench_piece(bencher, $size, piece);
            }
        }
    };
}

/// What a TAB after `dealbook set ` computes on the 10k vault: the id of each of its 31,000
/// record files, from the walk of their names (no file is read).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn complete_set_ids(bencher: divan::Bencher) {
    let root = common::vault("10k", "read");
    bencher.bench(|| {
        dealbook::complete::candidates(&root, dealbook::complete::Slot::Record(None), "").len()
    });
}

size_group!(v1k, "1k", 20);
size_group!(v10k, "10k", 10);
size_group!(v10k_blocks, "10k-blocks", 10);
size_group!(v100k, "100k", 3);
