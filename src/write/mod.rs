//! Putting bytes on disk safely: atomic replacement and minimal-diff edits of records.

pub mod atomic;
pub mod edit;
pub mod import;
pub mod new;
pub mod place;
pub mod record;
pub mod values;

/// A safe file name from a name: lowercase letters and digits, dashes between words.
pub fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars()
        .take(80)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("Acme — Platform Renewal!"), "acme-platform-renewal");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("a/b\\c\u{0}d"), "a-b-c-d");
        assert_eq!(slug("Café Zürich"), "café-zürich");
        assert_eq!(slug("..."), "");
    }
}
