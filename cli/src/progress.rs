//! The `--all` progress display on stderr: one bar per instance, drawn only
//! on a terminal, cleared before anything else is written there or to stdout.

use std::time::Instant;

use huaweicloud_rds::ListBackups;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Before the total is known: a count only.
const COUNTING: &str = "{prefix} {pos} backups  {msg}";
/// Once the first page told the total.
const KNOWN: &str = "{prefix} [{wide_bar}] {pos}/{len} backups  {msg}  {eta} left";
/// The same on a terminal too narrow for a bar beside the instance id: a
/// line longer than the terminal wraps, and the bar would shrink to nothing.
const KNOWN_NARROW: &str = "{prefix} {pos}/{len} backups {percent}% {eta} left";

/// Columns [`KNOWN`] needs: an instance id (36), a bar worth drawing and
/// the counts, rate and time left of a large instance.
const WIDE_ENOUGH: u16 = 110;

/// With more instances than this, a finished bar leaves the screen so that
/// the ones still running stay in view.
const KEPT_LINES: usize = 10;

/// Bars for the instances of one walk, by their index in the walk; a no-op
/// when not drawing.
pub struct Progress {
    multi: MultiProgress,
    bars: Vec<Bar>,
    enabled: bool,
    /// The template once the total is known, chosen for the terminal's width.
    known: &'static str,
    started: Instant,
    /// Pages of every instance so far: the rate is the walk's, since the
    /// pages of one instance are fetched while an earlier one is shown.
    pages: u64,
}

struct Bar {
    bar: ProgressBar,
    /// Backups before the request's offset, which its total counts too.
    skipped: u64,
}

impl Progress {
    /// A bar per request when `enabled`; each counts until the walk tells
    /// its instance's total.
    pub fn new(enabled: bool, requests: &[ListBackups]) -> Self {
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let mut progress = Progress {
            multi: MultiProgress::with_draw_target(target),
            bars: Vec::new(),
            enabled,
            known: if !enabled || console::Term::stderr().size().1 >= WIDE_ENOUGH {
                KNOWN
            } else {
                KNOWN_NARROW
            },
            started: Instant::now(),
            pages: 0,
        };
        if !enabled {
            return progress;
        }
        for request in requests {
            let bar = progress.multi.add(ProgressBar::no_length());
            bar.set_style(style(COUNTING));
            bar.set_prefix(request.instance_id.clone());
            let skipped = u64::from(request.offset.unwrap_or(0));
            progress.bars.push(Bar { bar, skipped });
        }
        progress
    }

    /// The first page of instance `instance` counted `total_count` backups.
    pub fn counted(&mut self, instance: usize, total_count: u64) {
        if let Some(entry) = self.bars.get(instance) {
            let total = total_count.saturating_sub(entry.skipped);
            set_total(&entry.bar, total, self.known);
        }
    }

    /// One page of `count` backups of instance `instance` arrived.
    pub fn page(&mut self, instance: usize, count: usize) {
        let Some(entry) = self.bars.get(instance) else {
            return;
        };
        self.pages += 1;
        let bar = &entry.bar;
        bar.inc(count as u64);
        // The listing may have grown since its total was read.
        if bar.length().is_some_and(|len| bar.position() > len) {
            bar.set_length(bar.position());
        }
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        bar.set_message(format!("{:.1} pages/s", self.pages as f64 / secs));
    }

    /// Instance `instance` was listed to its end.
    pub fn finished(&mut self, instance: usize) {
        let Some(entry) = self.bars.get(instance) else {
            return;
        };
        if self.bars.len() > KEPT_LINES {
            entry.bar.finish_and_clear();
            self.multi.remove(&entry.bar);
        } else {
            finish(&entry.bar, self.known);
        }
    }

    /// Run `write` with the bars off the screen, so output lines are not
    /// drawn over.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        if self.enabled {
            self.multi.suspend(write)
        } else {
            write()
        }
    }

    /// The walk ended well: every bar shows its final count before it is
    /// cleared.
    pub fn done(&mut self) {
        for entry in &self.bars {
            finish(&entry.bar, self.known);
        }
        self.clear();
    }

    /// Erase every bar so that output and errors start on a clean screen.
    pub fn clear(&mut self) {
        for entry in &self.bars {
            entry.bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Draw the final count (always drawn, unlike updates between pages): the
/// total is now what was listed, whatever the first page said.
fn finish(bar: &ProgressBar, known: &str) {
    if bar.is_finished() {
        return;
    }
    bar.set_length(bar.position());
    bar.set_style(style(known));
    bar.finish();
}

fn set_total(bar: &ProgressBar, total: u64, known: &str) {
    // A finished bar already shows what was listed.
    if bar.is_finished() {
        return;
    }
    bar.set_length(total.max(bar.position()));
    bar.set_style(style(known));
    // Redraw now rather than at the next page.
    bar.tick();
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("the templates are valid")
        .progress_chars("=> ")
}
