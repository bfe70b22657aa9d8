//! Fuzzes the file parser: front matter split, YAML, and the Markdown body, as a deal file
//! and as a note outside the record folders. It must never panic, hang or blow up.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use dealbook::model::{Config, Kind};
use dealbook::parse::parse_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    for kind in [Some(Kind::Deal), None] {
        let parsed = parse_file(Path::new("deals/fuzzed.md"), bytes, kind, config);
        for diagnostic in &parsed.diagnostics {
            assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
        }
        if let Some(record) = &parsed.record {
            // Private sections must be cuttable out of the body without a panic.
            let _ = record.record().body.public_text();
        }
    }
});
