//! Contacts as vCard 3.0, the format every address book and CRM imports.

use crate::model::Contact;
use crate::model::Index;

/// One vCard per contact, CRLF line endings, long lines folded at 75 octets.
pub fn vcards(index: &Index) -> String {
    let mut out = String::new();
    for contact in &index.contacts {
        out.push_str(&vcard(contact, index));
    }
    out
}

fn vcard(contact: &Contact, index: &Index) -> String {
    let mut lines = vec!["BEGIN:VCARD".to_string(), "VERSION:3.0".to_string()];
    let name = escape(&contact.name);
    lines.push(format!("FN:{name}"));
    let (given, family) = match contact.name.rsplit_once(' ') {
        Some((given, family)) => (escape(given), escape(family)),
        None => (String::new(), name.clone()),
    };
    lines.push(format!("N:{family};{given};;;"));
    let organisation = index
        .account_for(&contact.account)
        .map(|a| a.name.clone())
        .or_else(|| contact.account.as_ref().map(|l| l.target.clone()));
    if let Some(organisation) = organisation {
        lines.push(format!("ORG:{}", escape(&organisation)));
    }
    if let Some(role) = &contact.role {
        lines.push(format!("TITLE:{}", escape(role)));
    }
    if let Some(email) = &contact.email {
        lines.push(format!("EMAIL;TYPE=INTERNET:{}", escape(email)));
    }
    if let Some(phone) = &contact.phone {
        lines.push(format!("TEL;TYPE=WORK,VOICE:{}", escape(phone)));
    }
    if !contact.record.tags.is_empty() {
        let tags: Vec<String> = contact.record.tags.iter().map(|t| escape(t)).collect();
        lines.push(format!("CATEGORIES:{}", tags.join(",")));
    }
    let note = contact.record.body.public_text();
    if !note.trim().is_empty() {
        lines.push(format!("NOTE:{}", escape(note.trim())));
    }
    lines.push(format!("UID:dealbook-{}", escape(&contact.record.id)));
    lines.push("END:VCARD".to_string());
    lines.iter().map(|line| fold(line)).collect()
}

/// vCard text escaping: backslash, comma, semicolon and newlines.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a line into 75-octet pieces, each continuation starting with a space.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_folds() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = "NOTE:".to_string() + &"é".repeat(60);
        let folded = fold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }
}
