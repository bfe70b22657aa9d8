//! Notes outside the record folders that are activity on a deal: a meeting or call note, an
//! Obsidian daily note. Such a note has a date (a front-matter field, or one at the start of
//! its file name) and links a deal (in a front-matter field, or a `[[wikilink]]` in its body).

use std::path::Path;

use super::body::parse_date;
use super::record::private_value;
use crate::model::{Activity, Config, Link, Value};

/// The activity a note is, if it is one. `fields` is its front matter (empty without one).
pub fn read(
    path: &Path,
    fields: &[(String, Value)],
    body: &str,
    config: &Config,
) -> Option<Activity> {
    let activities = &config.activities;
    let watched = activities.folders.is_empty()
        || activities
            .folders
            .iter()
            .any(|folder| crate::model::folder_depth(folder, path).is_some());
    if !watched {
        return None;
    }
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let stem = path.file_stem()?.to_string_lossy();
    let date = activities
        .date_fields
        .iter()
        .find_map(|name| field(name)?.as_str().and_then(|d| parse_date(d.trim())))
        .or_else(|| parse_date(stem.get(..10)?))?;
    let mut links: Vec<String> = fields
        .iter()
        // Named link fields may hold plain ids; any other field counts when it is a wikilink.
        .filter(|(key, _)| {
            activities.link_fields.is_empty() || activities.link_fields.contains(key)
        })
        .flat_map(|(_, value)| match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        })
        .filter(|text| !activities.link_fields.is_empty() || text.trim_start().starts_with("[["))
        .map(|text| Link::parse(&text).target)
        .collect();
    links.extend(wikilinks(body));
    if links.is_empty() {
        return None;
    }
    let private = fields
        .iter()
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case("private"))
        .any(|(_, value)| private_value(value).0);
    let heading = body
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(|h| h.trim().to_string());
    let title = field("title")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(heading)
        .unwrap_or_else(|| stem.to_string());
    Some(Activity {
        path: path.to_string_lossy().replace('\\', "/"),
        date,
        title,
        first_line: first_line(body),
        links,
        private,
    })
}

/// The targets of the body's `[[wikilinks]]` (folder, alias and heading dropped).
fn wikilinks(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        let inner = &after[..end];
        if !inner.contains('\n') {
            found.push(Link::parse(&format!("[[{inner}]]")).target);
        }
        rest = &after[end + 2..];
    }
    found
}

/// The first line of prose: not a heading, not empty, list markers off, at most 160 characters.
/// A `## Private` section ends the search, so it is never quoted.
fn first_line(body: &str) -> String {
    for line in body.lines() {
        let line = line.trim();
        if line
            .trim_start_matches('#')
            .trim()
            .eq_ignore_ascii_case("private")
            && line.starts_with('#')
        {
            break;
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with("---") {
            continue;
        }
        let text = line.trim_start_matches(['-', '*', '+', '>', ' ']).trim();
        return text.chars().take(160).collect();
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, Value)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect()
    }

    #[test]
    fn a_daily_note_links_deals_from_its_body() {
        let config = Config::default();
        let a = read(
            Path::new("daily/2026-11-20.md"),
            &[],
            "# Friday\n\n- Call with Jane about [[deals/acme-renewal|Acme]] pricing\n- lunch\n",
            &config,
        )
        .unwrap();
        assert_eq!(a.date.to_string(), "2026-11-20");
        assert_eq!(a.links, ["acme-renewal"]);
        assert_eq!(a.title, "Friday", "its first heading");
        assert_eq!(
            a.first_line,
            "Call with Jane about [[deals/acme-renewal|Acme]] pricing"
        );
    }

    #[test]
    fn a_meeting_note_links_by_its_front_matter() {
        let config = Config::default();
        let a = read(
            Path::new("crm/activities/call.md"),
            &fields(&[
                ("date", "2026-11-18"),
                ("opportunity", "[[opportunities/globex]]"),
                ("title", "Call with Hank"),
            ]),
            "Hank wants a second demo.\n\n## Private\nHe sounded annoyed.\n",
            &config,
        )
        .unwrap();
        assert_eq!(
            (a.title.as_str(), a.links.as_slice()),
            ("Call with Hank", &["globex".to_string()][..])
        );
        assert_eq!(a.first_line, "Hank wants a second demo.");
        assert!(
            read(Path::new("notes/idea.md"), &[], "[[acme]]\n", &config).is_none(),
            "no date"
        );
        assert!(read(Path::new("daily/2026-11-20.md"), &[], "no links\n", &config).is_none());
        let private = read(
            Path::new("daily/2026-11-20.md"),
            &fields(&[("private", "yes please")]),
            "[[acme]]",
            &config,
        )
        .unwrap();
        assert!(private.private, "fails closed");
    }
}
