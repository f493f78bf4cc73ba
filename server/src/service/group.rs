//! Group commit of guarded reads.
//!
//! Every read of health data writes its audit rows in the read's own transaction, and on SQLite
//! there is one writer. Instead of one transaction per read, a writer task takes every read queued
//! while the previous group ran (up to [`MAX_GROUP`]), runs them one after another in one
//! transaction, appends all their audit rows to the chain with one head update, commits once, and
//! only then answers each read. The promise holds for every read in the group:
//!
//! - a read's data is sent only after the commit that holds its audit rows;
//! - a failed append or commit fails every read in the group (none of them returns data);
//! - reads are decided and loaded inside the writer's transaction, so a revocation committed
//!   before the group began is seen by every read in it, and the chain's order is commit order.
//!
//! A read's own failure (a database error in its load) fails that read alone: loads only read, so
//! it leaves nothing to undo. PostgreSQL aborts a transaction on any error, so there each read runs
//! inside a savepoint that is rolled back when it fails. On PostgreSQL several writer tasks run
//! groups side by side (the audit head's row lock orders their commits); on SQLite one.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::store::audit::AuditRow;
use crate::store::{Backend, Conn, Store, StoreError};

/// The most reads committed together. Bounds the time a group holds the writer (each read is a
/// few indexed statements) and the size of its multi-row audit insert.
pub const MAX_GROUP: usize = 64;

/// Reads waiting for a writer beyond which a new read waits to be queued (backpressure).
const QUEUE: usize = 4096;

/// What a read leaves for its group: the audit rows to append (chained in this order, after the
/// rows of the reads before it in the group), a session whose `last_seen_at` to move (token hash,
/// unix ms), and how to answer once the group's commit is known.
pub struct Finished {
    pub rows: Vec<AuditRow>,
    pub touch: Option<(String, i64)>,
    pub answer: Box<dyn FnOnce(Result<(), CommitFailed>) + Send>,
    /// The read failed on its own (a database error): its savepoint, if any, is rolled back and
    /// its rows (none) are not appended.
    pub failed: bool,
}

/// The group's append or commit failed: no read in it may return data.
#[derive(Clone, Debug, thiserror::Error)]
#[error("the group commit failed: {0}")]
pub struct CommitFailed(pub String);

/// One queued read: runs on the writer's connection inside the group's transaction.
pub type Job = Box<dyn for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Finished> + Send>;

/// The queue into the writer tasks.
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer tasks on the current tokio runtime: one on SQLite, four on PostgreSQL.
    pub fn start(store: Store) -> GroupCommit {
        let (queue, receiver) = mpsc::channel(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        let writers = match store.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        for _ in 0..writers {
            tokio::spawn(writer(store.clone(), receiver.clone()));
        }
        GroupCommit { queue }
    }

    /// Queues a read. `Err` when the writers have stopped (the server is shutting down).
    pub async fn submit(&self, job: Job) -> Result<(), StoreError> {
        self.queue.send(job).await.map_err(|_| StoreError::Unavailable("the group commit writers have stopped".into()))
    }
}

async fn writer(store: Store, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let jobs = {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else { return };
            let mut jobs = vec![first];
            while jobs.len() < MAX_GROUP {
                match receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            jobs
        };
        run_group(&store, jobs).await;
    }
}

/// Runs one group: begin, every read, one chain append, the session touches, commit, answers.
async fn run_group(store: &Store, jobs: Vec<Job>) {
    let savepoints = store.backend() == Backend::Postgres;
    let mut tx = match store.begin().await {
        Ok(tx) => tx,
        Err(error) => {
            // Nothing ran: dropping the reads closes their answers, which their callers read as
            // "unavailable".
            tracing::error!(%error, reads = jobs.len(), "group commit: cannot begin");
            return;
        }
    };
    let mut finished = Vec::with_capacity(jobs.len());
    for job in jobs {
        // A failed savepoint statement means the transaction is unusable: the reads not yet run
        // are dropped (answered "unavailable") and the commit below fails the others.
        if savepoints && sqlx::query("savepoint guarded_read").execute(&mut *tx).await.is_err() {
            break;
        }
        let done = job(&mut tx).await;
        if savepoints {
            let end = if done.failed { "rollback to savepoint guarded_read" } else { "release savepoint guarded_read" };
            if sqlx::query(end).execute(&mut *tx).await.is_err() {
                finished.push(done);
                break;
            }
        }
        finished.push(done);
    }
    let mut rows = Vec::new();
    let mut touches = Vec::new();
    for done in &mut finished {
        if !done.failed {
            rows.append(&mut done.rows);
            touches.extend(done.touch.take());
        }
    }
    let outcome = async {
        crate::audit::chain::append_all(&mut tx, rows).await?;
        for (token_hash, now) in &touches {
            crate::store::session::touch(&mut tx, token_hash, *now).await?;
        }
        tx.commit().await.map_err(StoreError::from)
    }
    .await
    .map_err(|error| CommitFailed(error.to_string()));
    if let Err(failed) = &outcome {
        tracing::error!(%failed, reads = finished.len(), "group commit failed; every read in the group fails");
    }
    for done in finished {
        (done.answer)(outcome.clone());
    }
}

/// What a read run by the writer gives back: its audit rows, a session to touch, its answer, and
/// whether it failed on its own (then its rows are dropped and, on PostgreSQL, its savepoint rolled
/// back).
pub struct Outcome<T, E> {
    pub rows: Vec<AuditRow>,
    pub touch: Option<(String, i64)>,
    pub answer: Result<T, E>,
    pub failed: bool,
}

/// Wraps a read for the queue: `read` runs in the group's transaction; the caller awaits the
/// returned receiver, which yields the read's answer after the commit that holds its audit rows,
/// or `StoreError::Unavailable` when that commit failed.
pub fn job<T, E, F>(read: F) -> (Job, oneshot::Receiver<Result<T, E>>)
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Outcome<T, E>> + Send + 'static,
{
    let (sender, receiver) = oneshot::channel();
    let job: Job = Box::new(move |conn| {
        Box::pin(async move {
            let Outcome { rows, touch, answer, failed } = read(conn).await;
            Finished {
                rows,
                touch,
                failed,
                answer: Box::new(move |commit| {
                    let _ = sender.send(match commit {
                        Ok(()) => answer,
                        Err(failed) => Err(E::from(StoreError::Unavailable(failed.0))),
                    });
                }),
            }
        })
    });
    (job, receiver)
}
