//! The eight checks. Each runs its tools on `job.spec`, writes every command and its
//! output to `job.log`, and says what it found.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::mock;
use super::model::{Check, Ctx, Job, Need, Outcome};
use crate::process::{self, Finished, Server, free_port, run_logged};

/// Longest a single tool run may take.
const LIMIT: Duration = Duration::from_secs(300);
/// Test cases schemathesis generates per phase: enough to explore every parameter,
/// few enough for a run of seconds.
const SCHEMATHESIS_MAX_EXAMPLES: &str = "100";

pub const CHECKS: [Check; 8] = [
    Check {
        number: 1,
        id: "openapi-spec-validator",
        title: "openapi-spec-validator: the document is valid OpenAPI 3.0",
        needs: &[Need::Python],
        run: spec_validator,
    },
    Check {
        number: 2,
        id: "redocly",
        title: "Redocly lint (spec-check/redocly.yaml): no errors, no warnings",
        needs: &[Need::Node],
        run: redocly,
    },
    Check {
        number: 3,
        id: "spectral",
        title: "Spectral (spec-check/.spectral.yaml, spectral:oas): no errors",
        needs: &[Need::Node],
        run: spectral,
    },
    Check {
        number: 4,
        id: "typescript",
        title: "TypeScript: openapi-typescript types + spec-check/ts/usage.ts under tsc --strict",
        needs: &[Need::Node],
        run: typescript,
    },
    Check {
        number: 5,
        id: "python",
        title: "Python: openapi-python-client + spec-check/python/check_client.py against rds-mock",
        needs: &[Need::Python, Need::Workspace],
        run: python,
    },
    Check {
        number: 6,
        id: "prism",
        title: "Prism: mock server for rds-backups; validating proxy before rds-mock",
        needs: &[Need::Node, Need::Python, Need::Workspace],
        run: prism,
    },
    Check {
        number: 7,
        id: "schemathesis",
        title: "schemathesis (spec-check/schemathesis/) against rds-mock",
        needs: &[Need::Python, Need::Workspace],
        run: schemathesis,
    },
    Check {
        number: 8,
        id: "openapi-generator",
        title: "openapi-generator validate (PyPI package with its jar, on Java)",
        needs: &[Need::Python, Need::Java],
        run: openapi_generator,
    },
];

/// Runs `cmd` with its output in the job's log; a command that cannot run or
/// times out becomes a failed outcome.
fn exec(cmd: &mut Command, job: &Job) -> Result<Finished, Outcome> {
    run_logged(cmd, &job.log, LIMIT).map_err(Outcome::Failed)
}

/// The failure of a command, with the end of what it printed.
fn failure(what: &str, done: &Finished) -> Outcome {
    Outcome::Failed(format!("{what} ({}):\n{}", done.status, done.tail(40)))
}

macro_rules! need {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(outcome) => return outcome,
        }
    };
}

fn spec_validator(ctx: &mut Ctx, job: &Job) -> Outcome {
    let py = need!(ctx.python());
    let mut cmd = py.command("openapi-spec-validator");
    cmd.current_dir(&ctx.root).arg(&job.spec);
    let done = need!(exec(&mut cmd, job));
    if done.success() && done.output.contains(": OK") {
        Outcome::Passed("valid".into())
    } else {
        failure("openapi-spec-validator rejects the spec", &done)
    }
}

fn redocly(ctx: &mut Ctx, job: &Job) -> Outcome {
    let node = need!(ctx.node());
    let config = ctx.root.join("spec-check").join("redocly.yaml");
    let lint = |format: &str| {
        let mut cmd = node.command("redocly");
        cmd.current_dir(&ctx.root)
            .arg("lint")
            .arg("--config")
            .arg(&config)
            .arg(format!("--format={format}"))
            .arg(&job.spec);
        cmd
    };
    let done = need!(exec(&mut lint("json"), job));
    let totals = done.output.find("\"totals\"").map(|at| &done.output[at..]);
    let count = |key: &str| totals.and_then(|t| json_number(t, key));
    match (count("errors"), count("warnings")) {
        (Some(0), Some(0)) if done.success() => Outcome::Passed(
            "0 errors, 0 warnings (recommended + no-invalid-media-type-examples)".into(),
        ),
        (errors, warnings) => {
            // Again in the readable form, for the log and the message.
            let readable = need!(exec(&mut lint("stylish"), job));
            Outcome::Failed(format!(
                "redocly lint: {} errors, {} warnings:\n{}",
                errors.map_or("?".into(), |n| n.to_string()),
                warnings.map_or("?".into(), |n| n.to_string()),
                process::tail(&readable.output, 40)
            ))
        }
    }
}

/// The number after `"key":` in a JSON text.
fn json_number(json: &str, key: &str) -> Option<u64> {
    let needle = format!("\"{key}\":");
    let at = json.find(&needle)? + needle.len();
    let digits: String = json[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn spectral(ctx: &mut Ctx, job: &Job) -> Outcome {
    let node = need!(ctx.node());
    let mut cmd = node.command("spectral");
    cmd.current_dir(&ctx.root)
        .arg("lint")
        .arg("--ruleset")
        .arg(ctx.root.join("spec-check").join(".spectral.yaml"))
        .args(["--fail-severity", "error"])
        .arg(&job.spec);
    let done = need!(exec(&mut cmd, job));
    let summary = done
        .output
        .lines()
        .find(|l| l.contains(" problems (") || l.contains(" problem ("))
        .map(str::trim);
    if done.success() {
        Outcome::Passed(match summary {
            Some(s) => format!("no errors: {s}"),
            None => "no problems at all".into(),
        })
    } else {
        failure("spectral reports errors", &done)
    }
}

fn typescript(ctx: &mut Ctx, job: &Job) -> Outcome {
    let node = need!(ctx.node());
    let usage = ctx.root.join("spec-check").join("ts").join("usage.ts");
    match std::fs::read_to_string(&usage) {
        Ok(text) if text.contains("// @ts-expect-error") => {}
        Ok(_) => {
            return Outcome::Failed(format!(
                "{} has no `// @ts-expect-error` line showing a wrong backup_type is refused",
                usage.display()
            ));
        }
        Err(e) => return Outcome::Failed(format!("cannot read {}: {e}", usage.display())),
    }
    let types = job.scratch.join("schema.d.ts");
    let mut generate = node.command("openapi-typescript");
    generate
        .current_dir(&ctx.root)
        .arg(&job.spec)
        .arg("--output")
        .arg(&types);
    let done = need!(exec(&mut generate, job));
    if !done.success() || !types.exists() {
        return failure("openapi-typescript could not generate types", &done);
    }
    // The usage file imports the generated types as "rds-spec" and the samples by
    // their path in the repository; this tsconfig maps the one and finds the other.
    let tsconfig = job.scratch.join("tsconfig.json");
    let config = format!(
        r#"{{
  "compilerOptions": {{
    "strict": true,
    "noEmit": true,
    "target": "es2022",
    "lib": ["es2022", "dom"],
    "module": "esnext",
    "moduleResolution": "bundler",
    "resolveJsonModule": true,
    "types": [],
    "paths": {{ "rds-spec": [{types}] }}
  }},
  "files": [{usage}]
}}
"#,
        types = json_string(&types),
        usage = json_string(&usage),
    );
    if let Err(e) = std::fs::write(&tsconfig, config) {
        return Outcome::Failed(format!("cannot write {}: {e}", tsconfig.display()));
    }
    let mut tsc = node.command("tsc");
    tsc.current_dir(&job.scratch)
        .arg("--project")
        .arg(&tsconfig)
        .arg("--strict");
    let done = need!(exec(&mut tsc, job));
    if !done.success() {
        return failure("tsc --strict rejects spec-check/ts/usage.ts", &done);
    }
    let generated = std::fs::read_to_string(&types).unwrap_or_default();
    let unions = literal_unions(&generated);
    let missing: Vec<&str> = KNOWN_LISTS
        .iter()
        .copied()
        .filter(|name| !unions.iter().any(|(n, _)| n == name))
        .collect();
    if !missing.is_empty() {
        return Outcome::Failed(format!(
            "openapi-typescript wrote no union of string literals for {} in {}",
            missing.join(", "),
            types.display()
        ));
    }
    let shown: Vec<String> = unions
        .iter()
        .filter(|(name, _)| KNOWN_LISTS.contains(&name.as_str()))
        .map(|(name, union)| format!("{name} = {union}"))
        .collect();
    Outcome::Passed(format!(
        "3 corrected samples typed as the 200 body, a request built, a wrong backup_type \
         refused; known literals kept: {}",
        shown.join("; ")
    ))
}

/// The spec's named lists of known values, which must stay literal unions.
const KNOWN_LISTS: &[&str] = &["BackupTypeKnown", "BackupStatusKnown", "DatastoreTypeKnown"];

/// `Name: "a" | "b";` declarations of generated TypeScript: each name with its union.
fn literal_unions(types: &str) -> Vec<(String, String)> {
    types
        .lines()
        .filter_map(|line| {
            let (name, union) = line.trim().split_once(": ")?;
            let union = union.strip_suffix(';')?;
            let literals = union.split(" | ").all(|l| {
                l.len() >= 2
                    && l.starts_with('"')
                    && l.ends_with('"')
                    && !l[1..l.len() - 1].contains('"')
            });
            (literals && name.chars().all(|c| c.is_ascii_alphanumeric()))
                .then(|| (name.to_owned(), union.to_owned()))
        })
        .collect()
}

/// A path as a JSON string literal.
fn json_string(path: &Path) -> String {
    let mut out = String::from('"');
    for c in path.to_string_lossy().chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Generates the Python client into `dir/rds_backups_client`.
fn generate_python_client(ctx: &mut Ctx, job: &Job, dir: &Path) -> Result<(), Outcome> {
    let py = ctx.python()?;
    let mut cmd = py.command("openapi-python-client");
    cmd.current_dir(&ctx.root)
        .arg("generate")
        .arg("--path")
        .arg(&job.spec)
        .args(["--meta", "none", "--overwrite", "--fail-on-warning"])
        .arg("--config")
        .arg(
            ctx.root
                .join("spec-check")
                .join("python")
                .join("openapi-python-client.yaml"),
        )
        .arg("--output-path")
        .arg(dir.join("rds_backups_client"));
    let done = exec(&mut cmd, job)?;
    if done.success() && dir.join("rds_backups_client").join("client.py").exists() {
        Ok(())
    } else {
        Err(failure(
            "openapi-python-client could not generate a client",
            &done,
        ))
    }
}

/// Runs spec-check/python/check_client.py with the client in `dir` against `url`.
fn run_python_script(
    ctx: &mut Ctx,
    job: &Job,
    dir: &Path,
    url: &str,
    facts: &mock::MockFacts,
) -> Result<Finished, Outcome> {
    let py = ctx.python()?;
    let mut cmd = py.command("python");
    cmd.current_dir(&job.scratch)
        .arg(
            ctx.root
                .join("spec-check")
                .join("python")
                .join("check_client.py"),
        )
        .arg("--package-dir")
        .arg(dir)
        .arg("--samples")
        .arg(ctx.root.join("spec").join("examples").join("corrected"))
        .args(["--base-url", url])
        .args(["--token", &facts.auth_token])
        .args(["--project-id", &facts.project_id])
        .args(["--instance-id", &facts.instance])
        .args(["--unknown-instance-id", &facts.unknown_values_instance]);
    exec(&mut cmd, job)
}

fn python(ctx: &mut Ctx, job: &Job) -> Outcome {
    let (url, facts) = need!(ctx.mock());
    need!(generate_python_client(ctx, job, &job.scratch));
    let done = need!(run_python_script(ctx, job, &job.scratch, &url, &facts));
    if done.success() {
        Outcome::Passed(format!(
            "client generated; named classes, samples, unknown values and rds-mock ({}) all \
             fine; {}",
            ok_lines(&done.output),
            step_result(&done.output, "named classes").unwrap_or("named classes not shown")
        ))
    } else {
        failure("spec-check/python/check_client.py failed", &done)
    }
}

/// What the Python script printed for one passed step.
fn step_result<'a>(output: &'a str, step: &str) -> Option<&'a str> {
    let prefix = format!("ok    {step}: ");
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map(str::trim)
}

/// How many `ok` lines the Python script printed.
fn ok_lines(output: &str) -> String {
    let n = output.lines().filter(|l| l.starts_with("ok ")).count();
    format!("{n} steps")
}

/// Starts Prism (`mock` or `proxy`) on a free port and waits until it listens.
fn start_prism(ctx: &mut Ctx, job: &Job, name: &str, args: &[&str]) -> Result<Server, Outcome> {
    let node = ctx.node()?;
    let port = free_port().map_err(Outcome::Failed)?.to_string();
    let mut cmd = node.command("prism");
    cmd.current_dir(&ctx.root)
        .args(args)
        .args(["--host", "127.0.0.1", "--port", &port]);
    let log = job.scratch.join(format!("{name}.log"));
    Server::start(name, &mut cmd, &log, Duration::from_secs(60), |out| {
        out.contains("Prism is listening on")
            .then(|| format!("http://127.0.0.1:{port}"))
    })
    .map_err(Outcome::Failed)
}

/// Runs `rds-backups ... list --instance-id ID [--all] --output json` against `url`.
fn rds_backups(
    cli: &Path,
    job: &Job,
    url: &str,
    facts: &mock::MockFacts,
    instance: &str,
    all: bool,
) -> Result<Finished, Outcome> {
    let mut cmd = Command::new(cli);
    cmd.args(["--endpoint", url])
        .args(["--project-id", &facts.project_id])
        .args(["--auth-token", &facts.auth_token])
        .args(["list", "--instance-id", instance]);
    if all {
        cmd.arg("--all");
    }
    cmd.args(["--output", "json"]);
    let done = exec(&mut cmd, job)?;
    if done.success() {
        Ok(done)
    } else {
        Err(failure(
            &format!("rds-backups against {url} failed for {instance}"),
            &done,
        ))
    }
}

/// Lines of a Prism log that report a request or response breaking the spec.
fn violations(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            l.contains('✖')
                || l.contains('⚠')
                || l.contains("Violation")
                || l.contains("Request terminated with error")
        })
        .map(|l| l.trim().to_owned())
        .collect()
}

fn prism(ctx: &mut Ctx, job: &Job) -> Outcome {
    let (mock_exe, cli, facts) = {
        let ws = need!(ctx.workspace());
        (ws.mock_exe.clone(), ws.cli_exe.clone(), ws.facts.clone())
    };
    let spec = job.spec.to_string_lossy().into_owned();
    let mut notes = Vec::new();
    let mut cli_missing = None;

    // 1. `prism mock`: the spec alone, answering with its first 200 example.
    {
        let server = need!(start_prism(ctx, job, "prism-mock", &["mock", &spec]));
        match &cli {
            Ok(cli) => {
                let expected = first_sample_id(&ctx.root);
                for all in [false, true] {
                    let done = need!(rds_backups(
                        cli,
                        job,
                        server.url(),
                        &facts,
                        &facts.sample_instance,
                        all
                    ));
                    let out = done.output.trim();
                    if !expected.as_deref().is_some_and(|id| out.contains(id)) {
                        return Outcome::Failed(format!(
                            "rds-backups against prism mock did not print the example's backup ({expected:?}):\n{}",
                            done.tail(20)
                        ));
                    }
                }
                notes.push("rds-backups list and list --all against prism mock".to_owned());
            }
            Err(why) => cli_missing = Some(why.clone()),
        }
        let bad = violations(&server.log_text());
        if !bad.is_empty() {
            return Outcome::Failed(format!(
                "prism mock saw requests that break the spec:\n{}",
                bad.join("\n")
            ));
        }
    }

    // 2. `prism proxy --errors` in front of `rds-mock --no-verify-signature`.
    let upstream_log = job.scratch.join("rds-mock-upstream.log");
    let upstream = need!(mock::start(&mock_exe, false, &upstream_log).map_err(Outcome::Failed));
    let proxy = need!(start_prism(
        ctx,
        job,
        "prism-proxy",
        &["proxy", &spec, upstream.url(), "--errors"]
    ));
    if let Ok(cli) = &cli {
        for (name, instance) in &facts.all_instances {
            if let Err(outcome) = rds_backups(cli, job, proxy.url(), &facts, instance, true) {
                return match outcome {
                    Outcome::Failed(why) => Outcome::Failed(format!("{name}: {why}")),
                    other => other,
                };
            }
        }
        notes.push(format!(
            "rds-backups --all for {} mock instances through prism proxy",
            facts.all_instances.len()
        ));
    }
    let client_dir = job.scratch.join("python");
    need!(generate_python_client(ctx, job, &client_dir));
    let done = need!(run_python_script(
        ctx,
        job,
        &client_dir,
        proxy.url(),
        &facts
    ));
    if !done.success() {
        return failure("the Python client through prism proxy failed", &done);
    }
    notes.push("the Python client through prism proxy".to_owned());
    let bad = violations(&proxy.log_text());
    if !bad.is_empty() {
        return Outcome::Failed(format!(
            "prism proxy saw requests or responses that break the spec (log {}):\n{}",
            proxy.log_path().display(),
            bad.join("\n")
        ));
    }
    drop(proxy);
    drop(upstream);
    match cli_missing {
        Some(why) => Outcome::Skipped {
            reason: format!("{why}; what ran passed: {}", notes.join("; ")),
            runtime_missing: false,
        },
        None => Outcome::Passed(format!("no violations: {}", notes.join("; "))),
    }
}

/// The backup id of the spec's first 200 example (the corrected MySQL sample),
/// which `prism mock` answers with.
fn first_sample_id(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("spec/examples/corrected/mysql.json")).ok()?;
    crate::tools::json_string_field(&text.replace(": ", ":"), "id")
}

fn schemathesis(ctx: &mut Ctx, job: &Job) -> Outcome {
    let (url, facts) = need!(ctx.mock());
    let py = need!(ctx.python());
    // schemathesis writes .hypothesis/ and .schemathesis/ where it runs: a copy of
    // the committed config and hooks in the job's own folder.
    let committed = ctx.root.join("spec-check").join("schemathesis");
    for file in ["schemathesis.toml", "hooks.py"] {
        if let Err(e) = std::fs::copy(committed.join(file), job.scratch.join(file)) {
            return Outcome::Failed(format!("cannot copy spec-check/schemathesis/{file}: {e}"));
        }
    }
    let mut cmd = py.command("schemathesis");
    cmd.current_dir(&job.scratch)
        .args(["--config-file", "schemathesis.toml", "run"])
        .arg(&job.spec)
        .args(["--url", &url])
        .args(["--max-examples", SCHEMATHESIS_MAX_EXAMPLES])
        .arg("--no-color")
        .env("RDS_MOCK_PROJECT_ID", &facts.project_id)
        .env("RDS_MOCK_INSTANCE_ID", &facts.instance)
        .env("RDS_MOCK_AUTH_TOKEN", &facts.auth_token);
    let done = need!(exec(&mut cmd, job));
    let cases = done
        .output
        .lines()
        .find(|l| l.contains(" generated, "))
        .map(str::trim)
        .unwrap_or("no case count")
        .to_owned();
    if done.success() {
        Outcome::Passed(format!("0 failures ({cases})"))
    } else {
        let failures = done
            .output
            .find("FAILURES")
            .map_or(done.tail(40), |at| process::tail(&done.output[at..], 60));
        Outcome::Failed(format!(
            "schemathesis found failures ({cases}):\n{failures}"
        ))
    }
}

fn openapi_generator(ctx: &mut Ctx, job: &Job) -> Outcome {
    let java = need!(ctx.java());
    let py = need!(ctx.python());
    let mut cmd = py.command("openapi-generator-cli");
    cmd.current_dir(&ctx.root)
        .arg("validate")
        .arg("-i")
        .arg(&job.spec);
    let done = need!(exec(&mut cmd, job));
    if done.success() && done.output.contains("No validation issues detected") {
        Outcome::Passed(format!("no validation issues ({java})"))
    } else {
        failure("openapi-generator validate rejects the spec", &done)
    }
}

#[cfg(test)]
mod tests {
    use super::{json_number, literal_unions, step_result, violations};

    #[test]
    fn reads_literal_unions_of_generated_types() {
        let ts = "        BackupTypeKnown: \"auto\" | \"manual\";\n\
                  \x20       BackupType: components[\"schemas\"][\"BackupTypeKnown\"] | string;\n\
                  \x20       Language: \"zh-cn\" | \"en-us\";\n\
                  \x20       size: number;\n";
        assert_eq!(
            literal_unions(ts),
            vec![
                (
                    "BackupTypeKnown".to_owned(),
                    "\"auto\" | \"manual\"".to_owned()
                ),
                ("Language".to_owned(), "\"zh-cn\" | \"en-us\"".to_owned()),
            ]
        );
    }

    #[test]
    fn finds_a_python_step_result() {
        let out = "ok    named classes: A(x); B(y)\nok    samples: 3\nFAIL  server: no\n";
        assert_eq!(step_result(out, "named classes"), Some("A(x); B(y)"));
        assert_eq!(step_result(out, "server"), None);
    }

    #[test]
    fn reads_redocly_totals() {
        let json = r#"{ "totals": { "errors": 0, "warnings": 12, "ignored": 0 } }"#;
        assert_eq!(json_number(json, "errors"), Some(0));
        assert_eq!(json_number(json, "warnings"), Some(12));
        assert_eq!(json_number(json, "missing"), None);
    }

    #[test]
    fn finds_prism_violations() {
        let log = "[HTTP SERVER] get /x ℹ  info      Request received\n\
                   [HTTP SERVER] get /x ✖  error     Request terminated with error: VIOLATIONS\n";
        assert_eq!(violations(log).len(), 1);
    }
}
