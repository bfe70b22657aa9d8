//! The conversation with the client: the initialize handshake, then one message at a time
//! until `exit` or the end of the input.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};

use chrono::NaiveDate;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as ask, Request as _};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, InitializeParams,
    InitializeResult, InlayHintServerCapabilities, LogMessageParams, MessageType, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, RenameOptions, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};

use super::transport::{self, Incoming};
use super::workspace::Workspace;
use super::{notifications, requests, uri, watcher};

/// How the conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown`, then `exit`: as the protocol asks.
    ShutDown,
    /// `exit` without `shutdown` first.
    ExitedEarly,
    /// The input ended.
    InputClosed,
}

/// Serves the client on `input` and `output` until it is done. `today` tells the day, for
/// the warnings that depend on it and the dates completion offers. Fails only when the output
/// cannot be written (the client is gone).
pub fn serve(
    input: impl BufRead + Send + 'static,
    output: impl Write,
    today: Box<dyn Fn() -> NaiveDate>,
) -> io::Result<Ending> {
    let (sender, incoming) = transport::spawn_reader(input);
    let mut out = Out {
        output,
        requests: 0,
    };
    let (workspace, params) = match handshake(&incoming, &mut out, today)? {
        Ok(started) => started,
        Err(ending) => return Ok(ending),
    };
    let client_watches = params
        .capabilities
        .workspace
        .and_then(|w| w.did_change_watched_files)
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let watcher = if client_watches {
        None
    } else {
        match watcher::watch(workspace.canonical_root(), sender) {
            Ok(watcher) => Some(watcher),
            Err(why) => {
                let why = format!("dealbook cannot watch the vault's files, so changes other programs make show when the files are opened: {why}");
                out.log(MessageType::WARNING, why)?;
                None
            }
        }
    };
    let mut server = Server {
        out,
        workspace,
        client_watches,
        _watcher: watcher,
        shutdown: false,
    };
    server.run(&incoming)
}

/// Writes messages to the client.
struct Out<W: Write> {
    output: W,
    /// Requests sent so far, for their ids.
    requests: i32,
}

impl<W: Write> Out<W> {
    fn send(&mut self, message: impl Into<Message>) -> io::Result<()> {
        transport::write(&mut self.output, message.into())
    }

    fn notify<N: notify::Notification>(&mut self, params: N::Params) -> io::Result<()> {
        self.send(Notification::new(N::METHOD.to_string(), params))
    }

    fn request<R: ask::Request>(&mut self, params: R::Params) -> io::Result<()> {
        self.requests += 1;
        let id = RequestId::from(format!("dealbook-{}", self.requests));
        self.send(Request::new(id, R::METHOD.to_string(), params))
    }

    fn error(
        &mut self,
        id: RequestId,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> io::Result<()> {
        self.send(Response::new_err(id, code as i32, message.into()))
    }

    /// A line in the client's log for the server.
    fn log(&mut self, kind: MessageType, message: String) -> io::Result<()> {
        self.notify::<notify::LogMessage>(LogMessageParams { typ: kind, message })
    }

    fn publish(&mut self, published: Vec<PublishDiagnosticsParams>) -> io::Result<()> {
        for params in published {
            self.notify::<notify::PublishDiagnostics>(params)?;
        }
        Ok(())
    }
}

/// Waits for `initialize` and answers it with the server's capabilities, having loaded the
/// vault of the folder it names. Anything else before it is refused or dropped.
fn handshake<W: Write>(
    incoming: &Receiver<Incoming>,
    out: &mut Out<W>,
    today: Box<dyn Fn() -> NaiveDate>,
) -> io::Result<Result<(Workspace, InitializeParams), Ending>> {
    loop {
        let request = match incoming.recv() {
            Err(_) => return Ok(Err(Ending::InputClosed)),
            Ok(Incoming::Malformed(why)) => {
                out.log(
                    MessageType::WARNING,
                    format!("dealbook skipped a message: {why}"),
                )?;
                continue;
            }
            Ok(Incoming::Message(Message::Notification(n))) if n.method == notify::Exit::METHOD => {
                return Ok(Err(Ending::ExitedEarly))
            }
            Ok(Incoming::Closed) => return Ok(Err(Ending::InputClosed)),
            Ok(Incoming::Message(Message::Request(request))) => request,
            Ok(Incoming::Message(_) | Incoming::FilesChanged(_) | Incoming::EventsLost) => continue,
        };
        if request.method != ask::Initialize::METHOD {
            out.error(
                request.id,
                ErrorCode::ServerNotInitialized,
                "initialize first",
            )?;
            continue;
        }
        let params: InitializeParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(e) => {
                out.error(request.id, ErrorCode::InvalidParams, e.to_string())?;
                continue;
            }
        };
        let Some(folder) = folder_of(&params) else {
            let why = "dealbook needs a folder: open the vault's folder (no rootUri or workspace folder was given)";
            out.error(request.id, ErrorCode::InvalidParams, why)?;
            continue;
        };
        let workspace = Workspace::open(&folder, today);
        let result = InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "dealbook".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        out.send(Response::new_ok(request.id, result))?;
        return Ok(Ok((workspace, params)));
    }
}

/// The folder the client opened: its first workspace folder, else its root.
// `root_uri` and `root_path` are deprecated in favour of workspace folders, which older clients
// do not send.
#[allow(deprecated)]
fn folder_of(params: &InitializeParams) -> Option<PathBuf> {
    let folders = params.workspace_folders.iter().flatten();
    folders
        .map(|f| &f.uri)
        .chain(&params.root_uri)
        .find_map(uri::path_of)
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([":", " ", "[", "@"].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Right(InlayHintServerCapabilities::Options(
            Default::default(),
        ))),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        ..ServerCapabilities::default()
    }
}

struct Server<W: Write> {
    out: Out<W>,
    workspace: Workspace,
    /// The client watches files for the server when asked to; else dealbook's own watcher
    /// does, until the server ends.
    client_watches: bool,
    _watcher: Option<watcher::Watcher>,
    shutdown: bool,
}

impl<W: Write> Server<W> {
    fn run(&mut self, incoming: &Receiver<Incoming>) -> io::Result<Ending> {
        loop {
            let next = match incoming.try_recv() {
                Ok(next) => next,
                Err(TryRecvError::Empty) => {
                    // Nothing waiting: check what changed before waiting for more.
                    self.update("the changed documents", Workspace::sync)?;
                    match incoming.recv() {
                        Ok(next) => next,
                        Err(_) => return Ok(Ending::InputClosed),
                    }
                }
                Err(TryRecvError::Disconnected) => return Ok(Ending::InputClosed),
            };
            match next {
                Incoming::Malformed(why) => {
                    let message = format!("dealbook skipped a message: {why}");
                    self.out.log(MessageType::WARNING, message)?;
                }
                Incoming::Closed => return Ok(Ending::InputClosed),
                Incoming::FilesChanged(paths) => {
                    if !self.shutdown {
                        self.update("the changed files", |ws| ws.files_changed(&paths))?;
                    }
                }
                Incoming::EventsLost => {
                    if !self.shutdown {
                        self.update("the vault", Workspace::reload)?;
                    }
                }
                Incoming::Message(Message::Request(request)) => self.answer(request)?,
                Incoming::Message(Message::Notification(n)) if n.method == notify::Exit::METHOD => {
                    return Ok(if self.shutdown {
                        Ending::ShutDown
                    } else {
                        Ending::ExitedEarly
                    });
                }
                Incoming::Message(Message::Notification(n)) => self.notified(n)?,
                // The client's answers to the server's own requests (registering watchers).
                Incoming::Message(Message::Response(_)) => {}
            }
        }
    }

    fn answer(&mut self, request: Request) -> io::Result<()> {
        if self.shutdown {
            return self.out.error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down",
            );
        }
        if request.method == ask::Shutdown::METHOD {
            self.shutdown = true;
            return self.out.send(Response::new_ok(request.id, ()));
        }
        self.update("the changed documents", Workspace::sync)?;
        let Request { id, method, params } = request;
        let workspace = &mut self.workspace;
        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            requests::answer(workspace, &method, params)
        }));
        let response = match answered {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err(failure)) => Response::new_err(id, failure.code() as i32, failure.to_string()),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("dealbook failed to answer {method}"),
            ),
        };
        self.out.send(response)
    }

    fn notified(&mut self, notification: Notification) -> io::Result<()> {
        if self.shutdown {
            return Ok(());
        }
        if notification.method == notify::Initialized::METHOD {
            if self.client_watches {
                self.out
                    .request::<ask::RegisterCapability>(notifications::watchers())?;
            }
            return self.update("the vault", Workspace::publish_all);
        }
        let method = notification.method.clone();
        let mut ignored = None;
        self.update(&method, |ws| {
            notifications::handle(ws, notification).unwrap_or_else(|why| {
                ignored = Some(why);
                Vec::new()
            })
        })?;
        match ignored {
            Some(why) => self.out.log(
                MessageType::WARNING,
                format!("dealbook ignored {method}: {why}"),
            ),
            None => Ok(()),
        }
    }

    /// Changes the workspace with `change` and publishes the diagnostics it returns. A panic
    /// (a bug of dealbook's) is said in the client's log, and the server keeps serving.
    fn update(
        &mut self,
        what: &str,
        change: impl FnOnce(&mut Workspace) -> Vec<PublishDiagnosticsParams>,
    ) -> io::Result<()> {
        let workspace = &mut self.workspace;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| change(workspace))) {
            Ok(published) => self.out.publish(published),
            Err(_) => self.out.log(
                MessageType::ERROR,
                format!("dealbook failed on {what}; it keeps serving"),
            ),
        }
    }
}
