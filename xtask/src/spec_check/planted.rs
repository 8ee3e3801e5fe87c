//! `cargo xtask spec-check --planted`: each check that rests on a committed config,
//! usage file or script must fail on a copy of the spec with one defect of the kind
//! it exists for, and fail *because of* that defect (its output names it).

use std::path::Path;
use std::time::Instant;

use super::checks::CHECKS;
use super::model::{Check, Ctx, Outcome, Row, selected};

/// One text edit: after the first `anchor`, the first `from` becomes `to`.
#[derive(Debug)]
struct Edit {
    anchor: &'static str,
    from: &'static str,
    to: &'static str,
}

/// A defect planted in a copy of the spec for one check.
#[derive(Debug)]
struct Defect {
    check: &'static str,
    what: &'static str,
    edits: &'static [Edit],
    /// The check's log must contain this, or it failed for another reason.
    evidence: &'static str,
}

const DEFECTS: &[Defect] = &[
    Defect {
        check: "redocly",
        what: "the PostgreSQL 200 example's begin_time written as on the page, with spaces",
        edits: &[Edit {
            anchor: "                postgresql:\n",
            from: "begin_time: '2018-08-06T12:41:14+0800'",
            to: "begin_time: '2018 - 08 - 06 T12: 41: 14 + 0800'",
        }],
        evidence: "no-invalid-media-type-examples",
    },
    Defect {
        check: "spectral",
        what: "a path parameter {instance} that no parameter defines",
        edits: &[Edit {
            anchor: "paths:\n",
            from: "  /v3/{project_id}/backups:\n",
            to: "  /v3/{project_id}/instances/{instance}/backups:\n",
        }],
        evidence: "path-params",
    },
    Defect {
        check: "typescript",
        what: "ListBackupsResponse.total_count typed as a string",
        edits: &[Edit {
            anchor: "    ListBackupsResponse:\n",
            from: "        total_count:\n          type: integer\n",
            to: "        total_count:\n          type: string\n",
        }],
        evidence: "total_count",
    },
    Defect {
        check: "typescript",
        what: "BackupTypeKnown widened to any string (its enum of known values dropped)",
        edits: &[Edit {
            anchor: "    BackupTypeKnown:\n",
            from: "      enum:\n        - auto\n        - manual\n        - fragment\n        - incremental\n",
            to: "",
        }],
        evidence: "BackupTypeKnown is not the expected type",
    },
    Defect {
        check: "python",
        what: "BackupStatus's known values inlined again instead of naming BackupStatusKnown",
        edits: &[Edit {
            anchor: "    BackupStatus:\n",
            from: "        - $ref: '#/components/schemas/BackupStatusKnown'\n",
            to: "        - type: string\n          enum: [BUILDING, COMPLETED, FAILED, DELETING]\n",
        }],
        evidence: "BackupStatusType0",
    },
    Defect {
        check: "python",
        what: "total_count dropped from ListBackupsResponse (no longer required, renamed `total`)",
        edits: &[
            Edit {
                anchor: "    ListBackupsResponse:\n",
                from: "        - total_count\n",
                to: "",
            },
            Edit {
                anchor: "    ListBackupsResponse:\n",
                from: "        total_count:\n          type: integer\n",
                to: "        total:\n          type: integer\n",
            },
        ],
        evidence: "total_count",
    },
    Defect {
        check: "schemathesis",
        what: "limit allowed up to 1000 while the service (mock) refuses more than 100",
        edits: &[Edit {
            anchor: "    Limit:\n",
            from: "        maximum: 100\n",
            to: "        maximum: 1000\n",
        }],
        evidence: "Invalid parameter limit",
    },
];

/// Applies the edits; each anchor and each `from` must be found.
fn plant(spec: &str, defect: &Defect) -> Result<String, String> {
    let mut text = spec.to_owned();
    for edit in defect.edits {
        let anchor = text.find(edit.anchor).ok_or_else(|| {
            format!(
                "cannot plant `{}`: `{}` is not in the spec",
                defect.what,
                edit.anchor.trim()
            )
        })?;
        let at = text[anchor..]
            .find(edit.from)
            .map(|i| anchor + i)
            .ok_or_else(|| {
                format!(
                    "cannot plant `{}`: `{}` is not after `{}` in the spec",
                    defect.what,
                    edit.from.trim(),
                    edit.anchor.trim()
                )
            })?;
        text.replace_range(at..at + edit.from.len(), edit.to);
    }
    Ok(text)
}

pub(super) fn run(ctx: &mut Ctx, only: Option<&Vec<String>>) -> Result<Vec<Row>, String> {
    let spec_path = ctx.root.join("spec").join("openapi.yaml");
    let spec = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))?;
    let mut planned = Vec::new();
    for defect in DEFECTS {
        let Some(check) = CHECKS.iter().find(|c| c.id == defect.check) else {
            return Err(format!("no check `{}`", defect.check));
        };
        if selected(check, only) {
            planned.push((defect, check));
        }
    }
    let checks: Vec<&Check> = planned.iter().map(|(_, c)| *c).collect();
    ctx.set_up(&checks);
    let mut rows = Vec::new();
    for (defect, check) in planned {
        println!(
            "==> planted [{}/8] {}: {}",
            check.number, check.id, defect.what
        );
        let start = Instant::now();
        let outcome = match plant_and_run(ctx, check, defect, &spec) {
            Ok(outcome) | Err(outcome) => outcome,
        };
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "<== planted {} {} in {seconds:.1}s: {}",
            check.id,
            outcome.label(),
            outcome.detail()
        );
        rows.push(Row {
            name: format!("{} {} (planted)", check.number, check.id),
            outcome,
            seconds,
        });
    }
    Ok(rows)
}

/// Passed when the check failed and its log names the defect.
fn plant_and_run(
    ctx: &mut Ctx,
    check: &Check,
    defect: &Defect,
    spec: &str,
) -> Result<Outcome, Outcome> {
    let planted = plant(spec, defect).map_err(Outcome::Failed)?;
    let job = ctx
        .job(&format!("planted-{}", check.id), Path::new(""))
        .map_err(Outcome::Failed)?;
    let copy = job.scratch.join("spec").join("openapi.yaml");
    std::fs::create_dir_all(copy.parent().unwrap_or(&job.scratch))
        .and_then(|()| std::fs::write(&copy, planted))
        .map_err(|e| Outcome::Failed(format!("cannot write {}: {e}", copy.display())))?;
    let job = super::model::Job { spec: copy, ..job };
    let outcome = (check.run)(ctx, &job);
    let log = std::fs::read_to_string(&job.log).unwrap_or_default();
    Ok(match outcome {
        Outcome::Failed(_) if log.contains(defect.evidence) => Outcome::Passed(format!(
            "caught: the check failed on the planted copy, naming `{}`",
            defect.evidence
        )),
        Outcome::Failed(why) => Outcome::Failed(format!(
            "the check failed, but not visibly for the planted defect (no `{}` in {}):\n{why}",
            defect.evidence,
            job.log.display()
        )),
        Outcome::Passed(_) => Outcome::Failed(format!(
            "NOT caught: the check passed on the planted copy {}",
            job.spec.display()
        )),
        skipped @ Outcome::Skipped { .. } => skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::{DEFECTS, plant};

    #[test]
    fn every_defect_plants_in_the_committed_spec() {
        let spec =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
                .expect("spec/openapi.yaml");
        for defect in DEFECTS {
            let planted = plant(&spec, defect).unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(planted, spec, "{}", defect.what);
        }
    }
}
