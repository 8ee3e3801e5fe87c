//! The `--all` progress display on stderr: one bar per instance, drawn only
//! on a terminal, cleared before anything else is written there or to stdout.

use std::collections::HashMap;
use std::time::Instant;

use huaweicloud_rds::{ListBackups, RdsClient};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinHandle;

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

/// Bars for the instances of one walk; a no-op when not drawing.
pub struct Progress {
    multi: MultiProgress,
    bars: HashMap<String, Bar>,
    /// Learns each instance's total; aborted when the walk ends.
    probes: Option<JoinHandle<()>>,
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
    pages: u64,
}

impl Progress {
    /// A bar per request when `enabled`. The walk's own pages are not
    /// visible from here, so each instance's total comes from a one-backup
    /// page fetched beside the walk; until it arrives the bar only counts.
    pub fn new(enabled: bool, client: &RdsClient, requests: &[ListBackups]) -> Self {
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let mut progress = Progress {
            multi: MultiProgress::with_draw_target(target),
            bars: HashMap::new(),
            probes: None,
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
        let mut probes = Vec::new();
        for request in requests {
            let bar = progress.multi.add(ProgressBar::no_length());
            bar.set_style(style(COUNTING));
            bar.set_prefix(request.instance_id.clone());
            let mut probe = request.clone();
            probe.limit = Some(1);
            probes.push((probe, bar.clone()));

            progress
                .bars
                .insert(request.instance_id.clone(), Bar { bar, pages: 0 });
        }
        // One at a time, in walk order: the next instance's total is needed
        // first, and a burst of requests for a display is not worth throttling.
        let client = client.clone();
        let known = progress.known;
        progress.probes = Some(tokio::spawn(async move {
            for (probe, bar) in probes {
                match client.list_backups(&probe).await {
                    Ok(page) => {
                        let skipped = u64::from(probe.offset.unwrap_or(0));
                        let total = u64::try_from(page.total_count).unwrap_or(0);
                        set_total(&bar, total.saturating_sub(skipped), known);
                    }
                    // The bar keeps counting; the walk reports real errors.
                    Err(e) => tracing::debug!("progress total unavailable: {e}"),
                }
            }
        }));
        progress
    }

    /// One page of `count` backups of `instance_id` arrived. Instances
    /// arrive in order, so every other instance already seen is complete.
    pub fn page(&mut self, instance_id: &str, count: usize) {
        let crowded = self.bars.len() > KEPT_LINES;
        for (id, entry) in &self.bars {
            if id != instance_id && entry.pages > 0 && !entry.bar.is_finished() {
                if crowded {
                    entry.bar.finish_and_clear();
                    self.multi.remove(&entry.bar);
                } else {
                    finish(&entry.bar, self.known);
                }
            }
        }
        let Some(entry) = self.bars.get_mut(instance_id) else {
            return;
        };
        entry.pages += 1;
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
        for entry in self.bars.values() {
            finish(&entry.bar, self.known);
        }
        self.clear();
    }

    /// Erase every bar so that output and errors start on a clean screen.
    pub fn clear(&mut self) {
        if let Some(probes) = self.probes.take() {
            probes.abort();
        }
        for entry in self.bars.values() {
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
