//! Sorting file-system events into what they mean for the vault, for `watch`.

use std::path::{Path, PathBuf};

use crate::model::Config;

/// What a changed path means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `dealbook.yaml`: reload everything.
    Config,
    /// A file in the vault's `templates/`: re-render.
    Template,
    /// A record file or a folder of them (relative path): re-read it.
    Record(PathBuf),
    /// Editor swap and backup files, our own outputs, `.git`, anything else.
    Ignored,
}

/// Editor leftovers: vim's `.swp`/`~`/`4913`, Emacs' `#x#` and `.#x`, JetBrains' `___jb_tmp___`,
/// and dealbook's own temp files.
pub fn is_temporary(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
}

/// Classifies an absolute path under `root`.
pub fn classify(root: &Path, config: &Config, path: &Path) -> Change {
    let Ok(relative) = path.strip_prefix(root) else {
        return Change::Ignored;
    };
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if relative.as_os_str().is_empty() || is_temporary(&name) {
        return Change::Ignored;
    }
    if relative == Path::new(super::CONFIG_FILE) {
        return Change::Config;
    }
    let hidden = relative
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden || config.outputs.iter().any(|o| relative == Path::new(&o.to)) {
        return Change::Ignored;
    }
    if relative.starts_with("templates") {
        return Change::Template;
    }
    // A folder (created, moved in or out) stands for every file inside it; a path that is gone
    // may have been either, and `Vault::refresh` sorts that out.
    let is_file = path.is_file();
    let as_file = if is_file {
        relative.to_path_buf()
    } else {
        relative.join("x.md")
    };
    let could_be_record = !is_file || relative.extension().is_some_and(|e| e == "md");
    if could_be_record && super::walk::is_candidate_path(&as_file, config) {
        Change::Record(relative.to_path_buf())
    } else {
        Change::Ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let root = Path::new("/v");
        let mut config = Config::default();
        config.outputs.push(crate::model::Output {
            template: "pipeline.md".into(),
            to: "reports/pipeline.md".into(),
            audience: Default::default(),
            scope: None,
        });
        let class = |p: &str| classify(root, &config, Path::new(p));
        assert_eq!(class("/v/dealbook.yaml"), Change::Config);
        assert_eq!(class("/v/templates/prep.md"), Change::Template);
        assert_eq!(class("/v/deals/a.md"), Change::Record("deals/a.md".into()));
        assert_eq!(class("/v/deals/sub"), Change::Record("deals/sub".into()));
        // Only the outputs themselves are ours: a record may sit beside them.
        assert_eq!(
            class("/v/reports/a.md"),
            Change::Record("reports/a.md".into())
        );
        assert_eq!(
            class("/v/deals/acme.com"),
            Change::Record("deals/acme.com".into())
        );
        for ignored in [
            "/v/reports/pipeline.md",
            "/v/deals/.a.md.swp",
            "/v/deals/a.md~",
            "/v/deals/4913",
            "/v/deals/#a.md#",
            "/v/deals/a.md___jb_tmp___",
            "/v/.git/index",
            "/elsewhere/a.md",
        ] {
            assert_eq!(class(ignored), Change::Ignored, "{ignored}");
        }
    }
}
