//! The layering ARCHITECTURE.md promises, checked on the source: a module uses only its own
//! layer and the layers before it, so data flows one way.

use std::path::Path;

/// The layers as ARCHITECTURE.md lists them, lowest first, from its `Layers:` line.
fn layers() -> Vec<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    let line = doc
        .lines()
        .find_map(|line| line.strip_prefix("Layers, lowest first: "))
        .expect("ARCHITECTURE.md has a `Layers, lowest first: ` line");
    line.split('→')
        .map(|layer| layer.trim().trim_matches('`').to_string())
        .collect()
}

/// The layer a source file belongs to: `src/parse/yaml.rs` → `parse`, `src/build.rs` → `build`.
fn layer_of(path: &Path, src: &Path) -> Option<String> {
    let relative = path.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_string_lossy();
    Some(first.trim_end_matches(".rs").to_string())
}

/// Every layer named in a `crate::layer` path in `text`.
fn uses(text: &str, layers: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if layers.contains(&name) && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let layers = layers();
    assert!(layers.len() >= 8, "layers: {layers:?}");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("readable src/");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(layer) = layer_of(path, &src) else {
            continue;
        };
        // The binary (main.rs, cli/) and lib.rs sit above every layer.
        let Some(own) = layers.iter().position(|l| *l == layer) else {
            assert!(
                ["main", "lib", "cli"].contains(&layer.as_str()),
                "{} is in no layer of ARCHITECTURE.md",
                path.display()
            );
            continue;
        };
        let text = std::fs::read_to_string(path).expect("readable source");
        for used in uses(&text, &layers) {
            let at = layers.iter().position(|l| *l == used).expect("a layer");
            if at > own {
                wrong.push(format!("{} ({layer}) uses {used}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "upward uses:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_finds_an_upward_use() {
    let layers: Vec<String> = ["model", "parse", "render"].map(String::from).into();
    assert_eq!(
        uses("use crate::render::x;\nuse crate::model::Deal;", &layers),
        ["render", "model"]
    );
}
