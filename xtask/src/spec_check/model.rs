//! What a spec check is, what it needs and what it can come to, and the
//! context every check runs in.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::mock;
use crate::process::Server;
use crate::tools::{self, Installer, NodeTools, PythonTools, Unavailable};

/// What a check needs before it can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Node,
    Python,
    Java,
    /// rds-mock (and rds-backups, when built) and the mock's facts.
    Workspace,
}

/// One check of the table.
#[derive(Debug)]
pub struct Check {
    pub number: u8,
    pub id: &'static str,
    pub title: &'static str,
    pub needs: &'static [Need],
    pub run: fn(&mut Ctx, &Job) -> Outcome,
}

/// How a check ended.
#[derive(Debug)]
pub enum Outcome {
    Passed(String),
    Failed(String),
    /// Not run; `runtime_missing` when the machine lacks Node, Python or Java.
    Skipped {
        reason: String,
        runtime_missing: bool,
    },
}

impl Outcome {
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Outcome::Passed(_) => "passed",
            Outcome::Failed(_) => "FAILED",
            Outcome::Skipped { .. } => "skipped",
        }
    }

    pub(crate) fn detail(&self) -> &str {
        match self {
            Outcome::Passed(d) | Outcome::Failed(d) => d,
            Outcome::Skipped { reason, .. } => reason,
        }
    }

    pub(crate) fn from_unavailable(u: &Unavailable) -> Outcome {
        match u {
            Unavailable::Missing(why) => Outcome::Skipped {
                reason: why.clone(),
                runtime_missing: true,
            },
            Unavailable::Broken(why) => Outcome::Failed(why.clone()),
        }
    }
}

/// One run of one check: which spec, where its log and scratch files go.
#[derive(Debug)]
pub struct Job {
    /// Absolute path of the spec to check (the real one or a planted copy).
    pub spec: PathBuf,
    /// The check's log: every command it ran, with its output.
    pub log: PathBuf,
    /// A folder of its own, emptied before the check runs.
    pub scratch: PathBuf,
}

/// The workspace's programs and the mock's facts, once built and read.
#[derive(Debug)]
pub struct Workspace {
    pub mock_exe: PathBuf,
    /// `rds-backups`, or why it cannot be used yet.
    pub cli_exe: Result<PathBuf, String>,
    pub facts: mock::MockFacts,
}

/// Shared state of a spec-check run: the root, installed tools, built programs, and
/// the signature-checking rds-mock that checks 5 and 7 share.
#[derive(Debug)]
pub struct Ctx {
    pub root: PathBuf,
    pub work: PathBuf,
    pub(crate) installer: Installer,
    pub(crate) node: Option<Result<NodeTools, Unavailable>>,
    pub(crate) python: Option<Result<PythonTools, Unavailable>>,
    pub(crate) java: Option<Result<String, Unavailable>>,
    pub(crate) workspace: Option<Result<Workspace, String>>,
    pub(crate) mock: Option<Server>,
}

impl Ctx {
    /// Install and start what `checks` need, each need once.
    pub(crate) fn set_up(&mut self, checks: &[&Check]) {
        let mut needs: Vec<Need> = Vec::new();
        for need in checks.iter().flat_map(|c| c.needs.iter()) {
            if !needs.contains(need) {
                needs.push(*need);
            }
        }
        let start = Instant::now();
        println!("==> setup: tools and programs ({needs:?})");
        self.prepare(&needs);
        println!("<== setup done in {:.1}s", start.elapsed().as_secs_f64());
    }

    pub(crate) fn new(root: &Path) -> Ctx {
        let target = tools::target_dir(root);
        let work = target.join("spec-check");
        Ctx {
            root: root.to_owned(),
            installer: Installer::new(root, &target, work.join("logs").join("install.log")),
            work,
            node: None,
            python: None,
            java: None,
            workspace: None,
            mock: None,
        }
    }

    pub fn node(&mut self) -> Result<NodeTools, Outcome> {
        let installer = &self.installer;
        self.node
            .get_or_insert_with(|| installer.node())
            .clone()
            .map_err(|u| Outcome::from_unavailable(&u))
    }

    pub fn python(&mut self) -> Result<PythonTools, Outcome> {
        let installer = &self.installer;
        self.python
            .get_or_insert_with(|| installer.python())
            .clone()
            .map_err(|u| Outcome::from_unavailable(&u))
    }

    pub fn java(&mut self) -> Result<String, Outcome> {
        let installer = &self.installer;
        self.java
            .get_or_insert_with(|| installer.java())
            .clone()
            .map_err(|u| Outcome::from_unavailable(&u))
    }

    pub fn workspace(&mut self) -> Result<&Workspace, Outcome> {
        if self.workspace.is_none() {
            let built = self.build_workspace();
            self.workspace = Some(built);
        }
        match self.workspace.as_ref() {
            Some(Ok(ws)) => Ok(ws),
            Some(Err(why)) => Err(Outcome::Failed(why.clone())),
            None => Err(Outcome::Failed("workspace programs not built".into())),
        }
    }

    pub(crate) fn build_workspace(&self) -> Result<Workspace, String> {
        let log = self.work.join("logs").join("cargo-build.log");
        let _ = std::fs::remove_file(&log);
        let facts = mock::MockFacts::read(&self.root)?;
        let start = Instant::now();
        let mock_exe = mock::build(&self.root, "huaweicloud-rds-mock", "rds-mock", &log)?;
        let cli_exe = mock::build(&self.root, "rds-backups", "rds-backups", &log)
            .and_then(|exe| cli_ready(&exe).map(|()| exe));
        println!(
            "    rust programs: rds-mock built; rds-backups {}; in {:.1}s",
            match &cli_exe {
                Ok(_) => "built".to_owned(),
                Err(why) => format!("NOT usable ({why})"),
            },
            start.elapsed().as_secs_f64()
        );
        Ok(Workspace {
            mock_exe,
            cli_exe,
            facts,
        })
    }

    /// The shared rds-mock that checks credentials (started on first use).
    pub fn mock(&mut self) -> Result<(String, mock::MockFacts), Outcome> {
        let (exe, facts) = {
            let ws = self.workspace()?;
            (ws.mock_exe.clone(), ws.facts.clone())
        };
        if self.mock.is_none() {
            let log = self.work.join("logs").join("rds-mock.log");
            let server = mock::start(&exe, true, &log).map_err(Outcome::Failed)?;
            self.mock = Some(server);
        }
        let url = self
            .mock
            .as_ref()
            .map(|s| s.url().to_owned())
            .unwrap_or_default();
        Ok((url, facts))
    }

    pub(crate) fn prepare(&mut self, needs: &[Need]) {
        for need in needs {
            // Errors are kept and reported by every check that needs the tool.
            let _ = match need {
                Need::Node => self.node().map(drop),
                Need::Python => self.python().map(drop),
                Need::Java => self.java().map(drop),
                Need::Workspace => self.workspace().map(drop),
            };
        }
    }

    pub(crate) fn job(&self, name: &str, spec: &Path) -> Result<Job, String> {
        let scratch = self.work.join(name);
        let log = self.work.join("logs").join(format!("{name}.log"));
        let _ = std::fs::remove_dir_all(&scratch);
        let _ = std::fs::remove_file(&log);
        std::fs::create_dir_all(&scratch)
            .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
        Ok(Job {
            spec: spec.to_owned(),
            log,
            scratch,
        })
    }
}

/// `rds-backups` is usable once it takes the options spec-check passes it.
pub(crate) fn cli_ready(exe: &Path) -> Result<(), String> {
    let help = std::process::Command::new(exe)
        .arg("--help")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let text = String::from_utf8_lossy(&help.stdout);
    if text.contains("--endpoint") {
        Ok(())
    } else {
        Err("rds-backups not built yet: its --help offers no --endpoint".into())
    }
}

pub(crate) fn selected(check: &Check, only: Option<&Vec<String>>) -> bool {
    only.is_none_or(|ids| {
        ids.iter()
            .any(|id| id == check.id || *id == check.number.to_string())
    })
}

/// One line of the closing table.
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) outcome: Outcome,
    pub(crate) seconds: f64,
}
