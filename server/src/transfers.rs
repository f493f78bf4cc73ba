//! Long work an administrator watches from the console: complete exports started there, and
//! facility imports as they arrive. Each has a stage, a count done of a total, and how it ended.
//!
//! Kept in memory (the last [`KEEP`] finished ones, and every one still running): the progress is
//! for watching, while what happened stays for good in the audit trail (`export_start`,
//! `export_done` or `export_failed`; `import` per record changed).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// How many finished transfers the console still lists.
pub const KEEP: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Export,
    Import,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Export => "export",
            Kind::Import => "import",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Running,
    /// Finished; what it did, as (fact code, value) pairs the console labels: `rows`, `files`,
    /// `directory`, `sha256` (export); `entries`, `created`, `updated`, `unchanged`, `failed` (import).
    Done(Vec<(&'static str, String)>),
    /// Stopped; why. Nothing was written (an import) or the directory is incomplete (an export).
    Failed(String),
}

/// One transfer as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub transfer_id: String,
    pub kind: Kind,
    /// Who or what: the facility and its system for an import, the directory name for an export.
    pub label: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// A stable code the console translates: `checking`, `matching`, `writing`, `recording`
    /// (import); `exporting`, `signing` (export).
    pub stage: &'static str,
    /// What the stage is on (a table name), if anything.
    pub detail: String,
    pub done: u64,
    pub total: u64,
    pub outcome: Outcome,
}

#[derive(Default)]
pub struct Transfers {
    list: Mutex<VecDeque<Transfer>>,
}

impl Transfers {
    pub fn new() -> Arc<Transfers> {
        Arc::new(Transfers::default())
    }

    /// Registers a transfer; the handle reports on it and marks it failed if dropped unfinished
    /// (a request cancelled by its client, a task that panicked).
    pub fn start(self: &Arc<Self>, kind: Kind, label: impl Into<String>, now: i64) -> Handle {
        self.start_if(kind, label, now, false).expect("an unconditional start")
    }

    /// [`Transfers::start`], unless one of this kind is running (checked and registered at once).
    pub fn start_alone(self: &Arc<Self>, kind: Kind, label: impl Into<String>, now: i64) -> Option<Handle> {
        self.start_if(kind, label, now, true)
    }

    fn start_if(self: &Arc<Self>, kind: Kind, label: impl Into<String>, now: i64, alone: bool) -> Option<Handle> {
        let transfer_id = crate::store::new_id();
        let transfer = Transfer {
            transfer_id: transfer_id.clone(),
            kind,
            label: label.into(),
            started_at: now,
            finished_at: None,
            stage: "starting",
            detail: String::new(),
            done: 0,
            total: 0,
            outcome: Outcome::Running,
        };
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        if alone && list.iter().any(|t| t.kind == kind && t.outcome == Outcome::Running) {
            return None;
        }
        list.push_front(transfer);
        Some(Handle { transfers: self.clone(), transfer_id, finished: false })
    }

    /// Every transfer kept, newest first.
    pub fn list(&self) -> Vec<Transfer> {
        self.list.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }

    fn with(&self, transfer_id: &str, change: impl FnOnce(&mut Transfer)) {
        let mut list = self.list.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(transfer) = list.iter_mut().find(|t| t.transfer_id == transfer_id) {
            change(transfer);
        }
        // Drop the oldest finished ones beyond KEEP; running ones always stay.
        while list.iter().filter(|t| t.outcome != Outcome::Running).count() > KEEP {
            let Some(oldest) = list.iter().rposition(|t| t.outcome != Outcome::Running) else { break };
            list.remove(oldest);
        }
    }
}

/// Reports on one transfer.
pub struct Handle {
    transfers: Arc<Transfers>,
    transfer_id: String,
    finished: bool,
}

impl Handle {
    pub fn id(&self) -> &str {
        &self.transfer_id
    }

    pub fn progress(&self, stage: &'static str, detail: &str, done: u64, total: u64) {
        self.transfers.with(&self.transfer_id, |t| {
            t.stage = stage;
            if t.detail != detail {
                t.detail = detail.to_string();
            }
            t.done = done;
            t.total = total;
        });
    }

    pub fn finish(mut self, now: i64, summary: Vec<(&'static str, String)>) {
        self.end(now, Outcome::Done(summary));
    }

    pub fn fail(mut self, now: i64, why: String) {
        self.end(now, Outcome::Failed(why));
    }

    fn end(&mut self, now: i64, outcome: Outcome) {
        self.finished = true;
        self.transfers.with(&self.transfer_id, |t| {
            t.finished_at = Some(now);
            t.outcome = outcome;
        });
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if !self.finished {
            let now = chrono::Utc::now().timestamp_millis();
            self.end(now, Outcome::Failed("interrupted before it finished".into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(transfers: &Transfers, kind: Kind) -> bool {
        transfers.list().iter().any(|t| t.kind == kind && t.outcome == Outcome::Running)
    }

    #[test]
    fn progress_is_reported_and_a_dropped_handle_counts_as_failed() {
        let transfers = Transfers::new();
        let export = transfers.start(Kind::Export, "exports/a", 1);
        export.progress("exporting", "patient", 3, 14);
        assert!(running(&transfers, Kind::Export));
        assert!(!running(&transfers, Kind::Import));
        let shown = &transfers.list()[0];
        assert_eq!((shown.stage, shown.detail.as_str(), shown.done, shown.total), ("exporting", "patient", 3, 14));
        export.finish(2, vec![("rows", "7".into())]);
        assert_eq!(transfers.list()[0].outcome, Outcome::Done(vec![("rows", "7".into())]));
        assert_eq!(transfers.list()[0].finished_at, Some(2));

        let alone = transfers.start_alone(Kind::Export, "exports/b", 3).expect("none running");
        assert!(transfers.start_alone(Kind::Export, "exports/c", 3).is_none(), "one export at a time");
        assert!(transfers.start_alone(Kind::Import, "HIS", 3).is_some(), "other kinds are not held up");
        alone.finish(4, Vec::new());

        drop(transfers.start(Kind::Import, "HIS", 3));
        assert!(matches!(transfers.list()[0].outcome, Outcome::Failed(_)));
        assert!(!running(&transfers, Kind::Import));
    }

    #[test]
    fn only_the_last_finished_ones_are_kept_but_running_ones_stay() {
        let transfers = Transfers::new();
        let running = transfers.start(Kind::Import, "slow", 0);
        for n in 0..KEEP + 5 {
            transfers.start(Kind::Import, format!("n{n}"), 1).finish(2, Vec::new());
        }
        let list = transfers.list();
        assert_eq!(list.len(), KEEP + 1);
        assert!(list.iter().any(|t| t.transfer_id == running.id()));
        assert_eq!(list[0].label, format!("n{}", KEEP + 4));
    }
}
