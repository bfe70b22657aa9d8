//! What the client tells the server: documents opened, changed, saved and closed, files changed
//! on the disk.

use lsp_server::Notification;
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    PublishDiagnosticsParams, Registration, RegistrationParams,
};
use serde::de::DeserializeOwned;

use super::text::Document;
use super::uri;
use super::workspace::Workspace;
use crate::model::CONFIG_FILE;

/// Acts on one notification; returns the diagnostics to publish now, or why its parameters
/// cannot be read. A notification the server does not know is ignored, as the protocol says.
pub fn handle(
    ws: &mut Workspace,
    notification: Notification,
) -> Result<Vec<PublishDiagnosticsParams>, String> {
    let Notification { method, params } = notification;
    match method.as_str() {
        notify::DidOpenTextDocument::METHOD => {
            let p: DidOpenTextDocumentParams = read(params)?;
            if let Some(relative) = ws.relative(&p.text_document.uri) {
                let doc = Document::new(p.text_document.text, p.text_document.version);
                ws.did_open(relative, doc);
            }
            Ok(Vec::new())
        }
        notify::DidChangeTextDocument::METHOD => {
            let p: DidChangeTextDocumentParams = read(params)?;
            let relative = ws.relative(&p.text_document.uri);
            if let Some(doc) = relative.and_then(|r| ws.changing(&r)) {
                for change in p.content_changes {
                    doc.apply(change);
                }
                doc.version = p.text_document.version;
            }
            Ok(Vec::new())
        }
        notify::DidCloseTextDocument::METHOD => {
            let p: DidCloseTextDocumentParams = read(params)?;
            Ok(match ws.relative(&p.text_document.uri) {
                Some(relative) => ws.did_close(&relative),
                None => Vec::new(),
            })
        }
        notify::DidSaveTextDocument::METHOD => {
            let p: DidSaveTextDocumentParams = read(params)?;
            let saved_config = ws
                .relative(&p.text_document.uri)
                .is_some_and(|r| r == std::path::Path::new(CONFIG_FILE));
            Ok(if saved_config {
                ws.reload()
            } else {
                Vec::new()
            })
        }
        notify::DidChangeWatchedFiles::METHOD => {
            let p: DidChangeWatchedFilesParams = read(params)?;
            let paths: Vec<_> = p
                .changes
                .iter()
                .filter_map(|c| uri::path_of(&c.uri))
                .collect();
            Ok(ws.files_changed(&paths))
        }
        _ => Ok(Vec::new()),
    }
}

fn read<P: DeserializeOwned>(params: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|e| e.to_string())
}

/// Asks the client to tell the server about changes to records and the config on the disk.
pub fn watchers() -> RegistrationParams {
    let watch = |glob: &str| FileSystemWatcher {
        glob_pattern: GlobPattern::String(glob.into()),
        kind: None,
    };
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![watch("**/*.md"), watch(&format!("**/{CONFIG_FILE}"))],
    };
    RegistrationParams {
        registrations: vec![Registration {
            id: "dealbook-files".into(),
            method: notify::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        }],
    }
}
