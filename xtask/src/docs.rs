//! `cargo xtask docs`: a single-page HTML reference of `spec/openapi.yaml` that
//! works offline (Redocly `build-docs --inlineBundle`: the page carries its own
//! scripts and styles), written to `<target>/api-docs/index.html`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::process::run_logged;
use crate::tools::{self, Installer, Unavailable};

const SPEC: &str = "spec/openapi.yaml";
const TITLE: &str = "Huawei Cloud RDS backups API";

pub fn run(root: &Path) -> Result<(), String> {
    let start = Instant::now();
    let target = tools::target_dir(root);
    let out_dir = target.join("api-docs");
    let log = out_dir.join("build-docs.log");
    let _ = std::fs::remove_file(&log);
    let node = Installer::new(root, &target, out_dir.join("install.log"))
        .node()
        .map_err(|u| match u {
            Unavailable::Missing(why) | Unavailable::Broken(why) => {
                format!("cannot build the docs: {why}")
            }
        })?;
    let page = out_dir.join("index.html");
    let _ = std::fs::remove_file(&page);
    let mut build = node.command("redocly");
    build
        .current_dir(root)
        .args([
            "build-docs",
            SPEC,
            "--inlineBundle",
            "--title",
            TITLE,
            "--output",
        ])
        .arg(&page);
    let done = run_logged(&mut build, &log, Duration::from_secs(300))?;
    if !done.success() {
        return Err(format!(
            "redocly build-docs failed ({}):\n{}",
            done.status,
            done.tail(30)
        ));
    }
    let html = std::fs::read_to_string(&page)
        .map_err(|e| format!("redocly wrote no page at {}: {e}", page.display()))?;
    let remote = remote_resources(&html);
    if !remote.is_empty() {
        return Err(format!(
            "{} loads resources from the network, so it would not work offline:\n  {}",
            page.display(),
            remote.join("\n  ")
        ));
    }
    println!(
        "API reference: {} ({} KiB, self-contained) in {:.1}s",
        page.display(),
        html.len() / 1024,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Tags that would make the browser fetch a script, stylesheet or font from the
/// network when the page opens (links a reader may click are fine).
fn remote_resources(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (open, attr) in [("<script", "src="), ("<link", "href="), ("<img", "src=")] {
        let mut rest = html;
        while let Some(at) = rest.find(open) {
            let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
            let tag = &rest[at..tag_end];
            let remote = tag.find(attr).is_some_and(|a| {
                let value = tag[a + attr.len()..].trim_start_matches(['"', '\'']);
                value.starts_with("http:") || value.starts_with("https:") || value.starts_with("//")
            });
            if remote {
                found.push(tag.chars().take(200).collect());
            }
            rest = &rest[tag_end..];
        }
    }
    if html.contains("@import url(http") || html.contains("@import \"http") {
        found.push("a CSS @import from the network".into());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::remote_resources;

    #[test]
    fn finds_remote_scripts_and_styles_only() {
        let page = r#"<script>inline()</script><a href="https://x.example/">doc</a>
            <script src="https://cdn.example/redoc.js"></script>
            <link rel="stylesheet" href="//fonts.example/css">"#;
        let found = remote_resources(page);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            remote_resources("<script>x</script><img src=\"data:image/png;base64,\">").is_empty()
        );
    }
}
