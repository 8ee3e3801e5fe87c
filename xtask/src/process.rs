//! Running other programs: commands with their output in a log file and a time
//! limit, servers that are stopped when their guard is dropped, free ports.

use std::fs::File;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How often a running command or a starting server is looked at.
const POLL: Duration = Duration::from_millis(50);

/// What a finished command left: its exit status and everything it printed.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// stdout and stderr, interleaved as written (both go to the same log file).
    pub output: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// The last `lines` lines of the output, for a failure message.
    pub fn tail(&self, lines: usize) -> String {
        tail(&self.output, lines)
    }
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A one-line description of a command, for messages and logs.
pub fn describe(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

/// Runs `cmd` to completion with stdout and stderr appended to `log`, killing it
/// after `limit`. An error means it could not be run or did not finish in time; a
/// non-zero exit is a [`Finished`] whose status says so.
pub fn run_logged(cmd: &mut Command, log: &Path, limit: Duration) -> Result<Finished, String> {
    let start_offset = std::fs::metadata(log).map(|m| m.len()).unwrap_or(0);
    let mut file = open_log(log)?;
    let _ = writeln!(file, "$ {}", describe(cmd));
    let err = file
        .try_clone()
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(Stdio::from(err))
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    let status = wait_with_limit(&mut child, cmd, limit, log)?;
    let text = std::fs::read(log).map_err(|e| format!("cannot read {}: {e}", log.display()))?;
    let mine = text.get(start_offset as usize..).unwrap_or_default();
    Ok(Finished {
        status,
        output: String::from_utf8_lossy(mine).into_owned(),
    })
}

/// Waits for `child` (started from `cmd`), killing it once `limit` has passed.
fn wait_with_limit(
    child: &mut Child,
    cmd: &Command,
    limit: Duration,
    log: &Path,
) -> Result<ExitStatus, String> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{}` did not finish within {}s (log: {})",
                    describe(cmd),
                    limit.as_secs(),
                    log.display()
                ));
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => return Err(format!("cannot wait for `{}`: {e}", describe(cmd))),
        }
    }
}

/// Runs `cmd` and returns its stdout when it exits 0 within `limit`; stderr is
/// appended to `log`. For commands whose output is data (a version, JSON).
pub fn capture(cmd: &mut Command, log: &Path, limit: Duration) -> Result<String, String> {
    let out_path = log.with_extension("stdout");
    let mut file = open_log(log)?;
    let _ = writeln!(file, "$ {}", describe(cmd));
    let out = File::create(&out_path)
        .map_err(|e| format!("cannot create {}: {e}", out_path.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(file))
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    let status = wait_with_limit(&mut child, cmd, limit, log)?;
    let stdout = std::fs::read_to_string(&out_path)
        .map_err(|e| format!("cannot read {}: {e}", out_path.display()))?;
    let _ = std::fs::remove_file(&out_path);
    if status.success() {
        Ok(stdout)
    } else {
        let log_text = std::fs::read_to_string(log).unwrap_or_default();
        Err(format!(
            "`{}` failed ({status}):\n{}",
            describe(cmd),
            tail(&log_text, 30)
        ))
    }
}

/// The first line `program args` prints (stdout, else stderr), when it runs.
pub fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_owned())
}

fn open_log(log: &Path) -> Result<File, String> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("cannot open {}: {e}", log.display()))
}

/// A free TCP port on 127.0.0.1 (the OS picks one; it is released at once, so
/// another program could take it first, which is unlikely on a test machine).
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

/// A server this process started. Dropping the guard stops it (by its own process
/// id) and waits for it, so no server outlives the check that needed it, whatever
/// way that check ends.
#[derive(Debug)]
pub struct Server {
    name: String,
    child: Child,
    log: PathBuf,
    url: String,
}

impl Server {
    /// Starts `cmd` with its output in `log` and waits until `ready` finds the
    /// server's base URL in that output, or the server exits, or `limit` passes.
    pub fn start(
        name: &str,
        cmd: &mut Command,
        log: &Path,
        limit: Duration,
        ready: impl Fn(&str) -> Option<String>,
    ) -> Result<Server, String> {
        let _ = std::fs::remove_file(log);
        let mut file = open_log(log)?;
        let _ = writeln!(file, "$ {}", describe(cmd));
        let err = file
            .try_clone()
            .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(err))
            .spawn()
            .map_err(|e| format!("cannot start {name} (`{}`): {e}", describe(cmd)))?;
        // From here on the guard owns the child: an early return stops it.
        let mut server = Server {
            name: name.to_owned(),
            child,
            log: log.to_owned(),
            url: String::new(),
        };
        let deadline = Instant::now() + limit;
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(url) = ready(&text) {
                server.url = url;
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "{name} exited ({status}) before it was ready:\n{}",
                    tail(&text, 20)
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{name} was not ready within {}s:\n{}",
                    limit.as_secs(),
                    tail(&text, 20)
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Everything the server has logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait()
            && let Err(e) = self.child.kill()
        {
            eprintln!(
                "warning: cannot stop {} (pid {}): {e}",
                self.name,
                self.child.id()
            );
        }
        let _ = self.child.wait();
    }
}
