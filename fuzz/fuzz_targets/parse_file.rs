//! Fuzzes the file parser: front matter split, YAML, and the Markdown body, as a deal file, as
//! a contact read for the reports, and as a note outside the record folders. It must never
//! panic, hang or blow up.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use dealbook::model::{Config, Kind};
use dealbook::parse::{parse_file_with, Detail};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    for (kind, detail) in [
        (Some(Kind::Deal), Detail::All),
        (Some(Kind::Contact), Detail::Reports),
        (None, Detail::All),
    ] {
        let parsed = parse_file_with(Path::new("deals/fuzzed.md"), bytes, kind, config, detail);
        for diagnostic in &parsed.diagnostics {
            assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
        }
        if let Some(record) = &parsed.record {
            // Private sections must be cuttable out of the body without a panic, and every
            // field must read back.
            let record = record.record();
            let _ = record.body.public_text();
            for (name, _, _) in record.fields.entries() {
                assert!(record.fields.get(name).is_some());
            }
        }
    }
});
