//! Errors that point at the place in the spec to fix.

use std::fmt;

/// Why a spec could not be turned into Rust source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodegenError {
    /// The text is not valid YAML (or JSON).
    Syntax {
        /// The spec file as the caller named it.
        file: String,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// What the parser said.
        message: String,
    },
    /// The document parses but is not an OpenAPI 3.0 document this project
    /// can use.
    Semantic {
        /// The spec file as the caller named it.
        file: String,
        /// JSON pointer (RFC 6901) to the offending value; `""` is the root.
        pointer: String,
        /// What is wrong there.
        message: String,
    },
    /// progenitor refused the document.
    Generator {
        /// The spec file as the caller named it.
        file: String,
        /// progenitor's message.
        message: String,
    },
    /// progenitor panicked; caught so that the caller gets an error instead.
    GeneratorPanic {
        /// The spec file as the caller named it.
        file: String,
        /// The panic payload, when it was a string.
        message: String,
    },
    /// rustfmt could not be run or rejected the generated source.
    Format {
        /// What went wrong.
        message: String,
    },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Syntax {
                file,
                line,
                column,
                message,
            } => match (line, column) {
                (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: {message}"),
                (Some(l), None) => write!(f, "{file}:{l}: {message}"),
                _ => write!(f, "{file}: {message}"),
            },
            CodegenError::Semantic {
                file,
                pointer,
                message,
            } => write!(f, "{file}#{pointer}: {message}"),
            CodegenError::Generator { file, message } => {
                write!(f, "{file}: progenitor rejected the spec: {message}")
            }
            CodegenError::GeneratorPanic { file, message } => {
                write!(f, "{file}: progenitor panicked on the spec: {message}")
            }
            CodegenError::Format { message } => write!(f, "formatting generated code: {message}"),
        }
    }
}

impl std::error::Error for CodegenError {}

/// The text of a caught panic, when it has one.
pub(crate) fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}
