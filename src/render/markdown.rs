//! A record's Markdown body as HTML that is safe to put in a page: raw HTML in the body is
//! shown as text, only `http:`, `https:` and `mailto:` links are links, and images are never
//! loaded (a page must work offline and must not call out): they become links to themselves.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Whether a link destination may be followed from a page: never `javascript:`, `data:`,
/// `file:` or a custom scheme; relative links are left out too, as no page of the server is a
/// note of the vault.
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// `text` (Markdown) as HTML.
pub fn to_html(text: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    // For each open link or image, whether it is kept as a link (its end is then kept too).
    let mut open: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            // An autolinked address (`<jane@acme.com>`) comes without its `mailto:`, which the
            // HTML writer adds.
            let safe = link_type == LinkType::Email || is_safe_url(&dest_url);
            open.push(safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            let safe = is_safe_url(&dest_url);
            open.push(safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }))
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => open
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        other => Some(other),
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text_and_only_web_and_mail_links_are_links() {
        let out = to_html(
            "<script>alert(1)</script>\n\nHi <b onclick=x>there</b> [a](javascript:alert(1)) \
             [b](https://example.com) [c](mailto:a@b.c) ![i](https://example.com/i.png) \
             ![j](data:image/png;base64,AAAA)",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<b "), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(
            out.contains("<a href=\"https://example.com\">b</a>"),
            "{out}"
        );
        assert!(out.contains("<a href=\"mailto:a@b.c\">c</a>"), "{out}");
        assert!(
            out.contains("<a href=\"https://example.com/i.png\">i</a>"),
            "{out}"
        );
        // An autolinked address is a mail link too.
        let out = to_html("Write to <jane@acme.com>.");
        assert!(
            out.contains("<a href=\"mailto:jane@acme.com\">jane@acme.com</a>"),
            "{out}"
        );
    }
}
