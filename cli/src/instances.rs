//! The instance ids to work on, with `-` standing for standard input.

use std::collections::HashSet;
use std::io::BufRead;

/// The ids of `--instance-id`, in the order given, each once. A `-` is
/// replaced by the ids read from `stdin`, one a line, blank lines and lines
/// starting with `#` skipped; standard input is read once however many `-`.
pub fn resolve(given: &[String], stdin: impl BufRead) -> Result<Vec<String>, String> {
    let mut from_stdin = Some(stdin);
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for id in given {
        if id == "-" {
            let Some(input) = from_stdin.take() else {
                continue;
            };
            for line in input.lines() {
                let line = line.map_err(|e| format!("reading instance ids from stdin: {e}"))?;
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if seen.insert(line.to_owned()) {
                    ids.push(line.to_owned());
                }
            }
        } else if seen.insert(id.clone()) {
            ids.push(id.clone());
        }
    }
    if ids.is_empty() {
        return Err("no instance id: standard input had none".into());
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(given: &[&str], stdin: &str) -> Result<Vec<String>, String> {
        let given: Vec<String> = given.iter().map(|s| (*s).to_owned()).collect();
        resolve(&given, stdin.as_bytes())
    }

    #[test]
    fn stdin_replaces_the_dash_in_place() {
        let got = ids(&["a", "-", "z"], "# fleet\n\nb\n  c  \r\nb\na\n").unwrap();
        assert_eq!(got, ["a", "b", "c", "z"]);
    }

    #[test]
    fn without_a_dash_stdin_is_not_read() {
        assert_eq!(ids(&["a", "a"], "b\n").unwrap(), ["a"]);
    }

    #[test]
    fn nothing_on_stdin_is_an_error() {
        assert!(ids(&["-"], "# only comments\n\n").is_err());
    }
}
