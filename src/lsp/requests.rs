//! What the client asks: each request's parameters read, answered from the workspace, and the
//! answer written back; a file outside the vault gets an empty answer.

use std::borrow::Cow;
use std::path::PathBuf;

use lsp_server::ErrorCode;
use lsp_types::request::{self as ask, Request as _};
use lsp_types::{
    CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse, Hover, Uri,
    WorkspaceSymbolResponse,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::text::Document;
use super::workspace::Workspace;
use super::{actions, completion, hints, hover, navigation, rename};
use crate::model::Kind;

/// Why a request gets an error instead of an answer.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("dealbook does not answer {0}")]
    MethodNotFound(String),
    #[error("the parameters cannot be read: {0}")]
    InvalidParams(String),
    /// The request is understood but cannot be done (a rename to a taken name).
    #[error("{0}")]
    Refused(String),
}

impl Failure {
    pub fn code(&self) -> ErrorCode {
        match self {
            Failure::MethodNotFound(_) => ErrorCode::MethodNotFound,
            Failure::InvalidParams(_) => ErrorCode::InvalidParams,
            Failure::Refused(_) => ErrorCode::RequestFailed,
        }
    }
}

/// The answer to one request.
pub fn answer(
    ws: &mut Workspace,
    method: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, Failure> {
    match method {
        ask::Completion::METHOD => run::<ask::Completion, _>(params, |p| {
            let at = p.text_document_position;
            let Some((path, doc)) = document(ws, &at.text_document.uri) else {
                return Ok(None);
            };
            let Some(vault) = ws.vault() else {
                return Ok(None);
            };
            let list =
                completion::complete(vault, &doc, kind_of(ws, &path), at.position, ws.today());
            Ok(Some(CompletionResponse::List(list)))
        }),
        ask::HoverRequest::METHOD => run::<ask::HoverRequest, _>(params, |p| {
            let at = p.text_document_position_params;
            let Some((path, doc)) = document(ws, &at.text_document.uri) else {
                return Ok(None::<Hover>);
            };
            let Some(vault) = ws.vault() else {
                return Ok(None);
            };
            let offset = doc.offset(at.position);
            Ok(hover::hover(
                vault,
                || ws.history(),
                &doc,
                &path,
                offset,
                ws.today(),
            ))
        }),
        ask::GotoDefinition::METHOD => run::<ask::GotoDefinition, _>(params, |p| {
            let at = p.text_document_position_params;
            let Some((_, doc)) = document(ws, &at.text_document.uri) else {
                return Ok(None);
            };
            let found = navigation::definition(ws, &doc, doc.offset(at.position));
            Ok(found.map(GotoDefinitionResponse::Scalar))
        }),
        ask::References::METHOD => run::<ask::References, _>(params, |p| {
            let at = p.text_document_position;
            let Some((path, doc)) = document(ws, &at.text_document.uri) else {
                return Ok(None);
            };
            let offset = doc.offset(at.position);
            let declaration = p.context.include_declaration;
            Ok(Some(navigation::references(
                ws,
                &doc,
                &path,
                offset,
                declaration,
            )))
        }),
        ask::DocumentSymbolRequest::METHOD => run::<ask::DocumentSymbolRequest, _>(params, |p| {
            let Some((_, doc)) = document(ws, &p.text_document.uri) else {
                return Ok(None);
            };
            Ok(Some(DocumentSymbolResponse::Nested(
                navigation::document_symbols(&doc),
            )))
        }),
        ask::WorkspaceSymbolRequest::METHOD => run::<ask::WorkspaceSymbolRequest, _>(params, |p| {
            let found = navigation::workspace_symbols(ws, &p.query);
            Ok(Some(WorkspaceSymbolResponse::Flat(found)))
        }),
        ask::CodeActionRequest::METHOD => run::<ask::CodeActionRequest, _>(params, |p| {
            let Some((path, doc)) = document(ws, &p.text_document.uri) else {
                return Ok(None);
            };
            let Some(vault) = ws.vault() else {
                return Ok(None);
            };
            let file = actions::File {
                vault,
                doc: &doc,
                path: &path,
                uri: p.text_document.uri.clone(),
                version: ws.open_document(&path).map(|d| d.version),
                kind: kind_of(ws, &path),
                today: ws.today(),
            };
            Ok(Some(actions::actions(&file, p.range)))
        }),
        ask::InlayHintRequest::METHOD => run::<ask::InlayHintRequest, _>(params, |p| {
            let Some((path, doc)) = document(ws, &p.text_document.uri) else {
                return Ok(None);
            };
            let Some(vault) = ws.vault() else {
                return Ok(None);
            };
            Ok(Some(hints::hints(vault, &doc, &path, ws.today())))
        }),
        ask::PrepareRenameRequest::METHOD => run::<ask::PrepareRenameRequest, _>(params, |p| {
            let Some((path, doc)) = document(ws, &p.text_document.uri) else {
                return Ok(None);
            };
            Ok(rename::prepare(ws, &doc, &path, doc.offset(p.position)))
        }),
        ask::Rename::METHOD => run::<ask::Rename, _>(params, |p| {
            let at = p.text_document_position;
            let Some((path, doc)) = document(ws, &at.text_document.uri) else {
                return Ok(None);
            };
            let offset = doc.offset(at.position);
            rename::rename(ws, &doc, &path, offset, &p.new_name)
                .map(Some)
                .map_err(Failure::Refused)
        }),
        _ => Err(Failure::MethodNotFound(method.to_string())),
    }
}

/// Reads the parameters of request `R`, answers with `f` and writes the answer as JSON.
fn run<R, F>(params: serde_json::Value, f: F) -> Result<serde_json::Value, Failure>
where
    R: ask::Request,
    R::Params: DeserializeOwned,
    R::Result: Serialize,
    F: FnOnce(R::Params) -> Result<R::Result, Failure>,
{
    let params =
        serde_json::from_value(params).map_err(|e| Failure::InvalidParams(e.to_string()))?;
    let answer = f(params)?;
    Ok(serde_json::to_value(answer).unwrap_or(serde_json::Value::Null))
}

/// A file of the vault the client names, and its text (the open buffer, else the disk's).
fn document<'a>(ws: &'a Workspace, uri: &Uri) -> Option<(PathBuf, Cow<'a, Document>)> {
    let path = ws.relative(uri)?;
    let doc = ws.document(&path)?;
    Some((path, doc))
}

/// What kind of record a file is: as read, else as its folder says.
fn kind_of(ws: &Workspace, path: &std::path::Path) -> Option<Kind> {
    let vault = ws.vault()?;
    let read = vault
        .file(path)
        .and_then(|p| p.record.as_ref())
        .map(|r| r.record().kind);
    read.or_else(|| vault.config.folder_kind(path))
}
