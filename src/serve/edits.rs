//! The one write the server makes: moving a deal to another stage from the board, as `set`
//! and `close` would, refused when the file changed on disk since the page was made.

use serde::Deserialize;

use super::book::Book;
use super::http::Response;
use crate::write::atomic::UpdateError;
use crate::write::record::{self, AssignError, Refused};

/// A file's content, as the board's cards carry it: FNV-1a, 64 bits, in hex. Not a secret:
/// it only tells whether the file is still what the page was made from.
pub fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// A move, as the board sends it.
#[derive(Debug, Deserialize)]
struct Move {
    stage: String,
    hash: String,
}

#[derive(Debug, thiserror::Error)]
enum MoveError {
    #[error("the file changed since the page was made")]
    Changed,
    #[error(transparent)]
    Assign(#[from] AssignError),
}

/// Moves the deal `id` to the stage the request's body names. A won or lost stage closes the
/// deal as `dealbook close` does; an open one changes only the `stage:` line, as `set` does.
pub fn move_stage(book: &Book, id: &str, body: &[u8]) -> Response {
    let Ok(asked) = serde_json::from_slice::<Move>(body) else {
        return Response::text(400, "send {\"stage\": …, \"hash\": …} as JSON");
    };
    let vault = &book.vault;
    let config = &vault.config;
    let Some(deal) = vault.index.deal(id) else {
        return Response::text(404, "no such deal");
    };
    let Some(stage) = config.stages.iter().find(|s| s.id == asked.stage) else {
        return Response::text(400, "dealbook.yaml has no such stage");
    };
    let today = book.today();
    let result = record::update(vault, &deal.record.path, |text| {
        if content_hash(text.as_bytes()) != asked.hash {
            return Err(MoveError::Changed);
        }
        let moved = if stage.is_open() {
            let assignment = [format!("stage={}", stage.id)];
            record::assign(config, text.to_string(), &assignment, &mut Vec::new())?
        } else {
            record::close(config, text, stage, today, None)?
        };
        Ok(moved)
    });
    match result {
        Ok(updated) => Response::json(&serde_json::json!({ "changed": updated.changed })),
        Err(UpdateError::Edit(Refused::Edit(MoveError::Changed))) => Response::text(
            409,
            "the file changed on disk since this page was made; nothing was written, and the board shows it as it is now",
        ),
        Err(e @ (UpdateError::Conflict { .. } | UpdateError::KeepsChanging(_))) => {
            Response::text(409, &e.to_string())
        }
        Err(UpdateError::Edit(Refused::Edit(MoveError::Assign(AssignError::Value(message))))) => {
            Response::text(400, &message)
        }
        Err(UpdateError::Edit(refused)) => Response::text(422, &refused.to_string()),
        Err(e) => Response::text(500, &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_tells_texts_apart() {
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_ne!(
            content_hash(b"stage: demo\n"),
            content_hash(b"stage: demo \n")
        );
    }
}
