//! Doc comments that rustdoc reads as prose.
//!
//! prettyplease prints a multi-line `#[doc]` as a `/** ... */` block whose
//! continuation lines carry the item's indentation; rustdoc then takes every
//! line indented by four or more spaces as a code block and tries to compile
//! the spec's prose as a doctest. Line comments (`///`) have no such problem.

/// Rewrite every `/** ... */` doc block in `source` as `///` lines.
pub(crate) fn block_docs_to_line_docs(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(first) = trimmed
            .strip_prefix("/**")
            .filter(|_| !trimmed.starts_with("/***"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let indent = &line[..line.len() - trimmed.len()];
        let mut body = vec![first.to_owned()];
        let mut closed = first.ends_with("*/");
        while !closed {
            let Some(next) = lines.next() else { break };
            closed = next.trim_end().ends_with("*/");
            body.push(next.strip_prefix(indent).unwrap_or(next).to_owned());
        }
        if let Some(last) = body.last_mut() {
            let end = last.trim_end();
            *last = end.strip_suffix("*/").unwrap_or(end).to_owned();
        }
        while body.len() > 1 && body.last().is_some_and(|l| l.trim().is_empty()) {
            body.pop();
        }
        for text in body {
            out.push_str(indent);
            out.push_str("///");
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::block_docs_to_line_docs;

    #[test]
    fn block_becomes_lines_without_item_indent() {
        let src = "    /**First\n\n    second `x`\n    */\n    fn f() {}\n";
        assert_eq!(
            block_docs_to_line_docs(src),
            "    ///First\n    ///\n    ///second `x`\n    fn f() {}\n"
        );
    }

    #[test]
    fn one_line_block_and_other_code_are_kept() {
        let src = "/**Only*/\nstruct S; // /** not a doc\n";
        assert_eq!(
            block_docs_to_line_docs(src),
            "///Only\nstruct S; // /** not a doc\n"
        );
    }
}
