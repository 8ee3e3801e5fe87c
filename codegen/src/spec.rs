//! Reading the spec: YAML syntax errors with line and column, semantic errors
//! with a JSON pointer, and the JSON form that is published beside the YAML.

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr, StatusCode};

use crate::error::CodegenError;

mod locate;

use locate::{escape_pointer, json_pointer};

/// A parsed OpenAPI document, remembering the file it came from for errors.
#[derive(Debug, Clone)]
pub struct Spec {
    file: String,
    value: serde_norway::Value,
    openapi: OpenAPI,
}

impl Spec {
    /// Parse spec text (YAML, or JSON, which is YAML too). `file` is only used
    /// to name the spec in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, CodegenError> {
        let value: serde_norway::Value =
            serde_norway::from_str(text).map_err(|e| CodegenError::Syntax {
                file: file.to_owned(),
                line: e.location().map(|l| l.line()),
                column: e.location().map(|l| l.column()),
                message: e.to_string(),
            })?;
        check_version(file, &value)?;
        let openapi: OpenAPI = serde_path_to_error::deserialize(value.clone()).map_err(|e| {
            // openapiv3 flattens extensions into every struct, which hides the
            // path below the first level; look deeper for the real place.
            let (pointer, message) = locate::locate(&value)
                .unwrap_or_else(|| (json_pointer(e.path()), e.inner().to_string()));
            CodegenError::Semantic {
                file: file.to_owned(),
                pointer,
                message,
            }
        })?;
        Ok(Spec {
            file: file.to_owned(),
            value,
            openapi,
        })
    }

    /// The file name given to [`Spec::parse`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The typed document.
    pub fn openapi(&self) -> &OpenAPI {
        &self.openapi
    }

    /// The document as pretty JSON, keys in the YAML's order, ending in a
    /// newline: the published `spec/openapi.json`.
    pub fn to_json(&self) -> Result<String, CodegenError> {
        let mut json =
            serde_json::to_string_pretty(&self.value).map_err(|e| CodegenError::Semantic {
                file: self.file.clone(),
                pointer: String::new(),
                message: format!("cannot be written as JSON: {e}"),
            })?;
        json.push('\n');
        Ok(json)
    }

    /// Error unless `components/schemas/{name}` exists.
    pub(crate) fn require_schema(&self, name: &str) -> Result<(), CodegenError> {
        let present = self
            .openapi
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.contains_key(name));
        if present {
            Ok(())
        } else {
            Err(CodegenError::Semantic {
                file: self.file.clone(),
                pointer: format!("/components/schemas/{}", escape_pointer(name)),
                message: format!(
                    "the codegen replaces or renames schema `{name}`, \
                     but the spec has no such component"
                ),
            })
        }
    }
}

/// progenitor handles OpenAPI 3.0.x only; say so instead of failing obscurely.
fn check_version(file: &str, value: &serde_norway::Value) -> Result<(), CodegenError> {
    let version = value.get("openapi").and_then(|v| v.as_str()).unwrap_or("");
    if version.starts_with("3.0.") {
        Ok(())
    } else {
        Err(CodegenError::Semantic {
            file: file.to_owned(),
            pointer: "/openapi".to_owned(),
            message: format!("expected an OpenAPI 3.0.x document, found `openapi: {version}`"),
        })
    }
}

/// Remove the `default` response of every operation, and say where there was
/// one. The published document keeps it for other generators; progenitor
/// panics on a `default` beside `200`.
pub(crate) fn remove_default_responses(openapi: &mut OpenAPI) -> Vec<String> {
    let mut removed = Vec::new();
    for (path, item) in openapi.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in operations_mut(item) {
            if op.responses.default.take().is_some() {
                removed.push(format!(
                    "/paths/{}/{method}/responses/default",
                    escape_pointer(path)
                ));
            }
        }
    }
    removed
}

/// Every operation of a path item, with its method's name.
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
}

/// Remove every non-2xx response from every operation (see
/// [`crate::Codegen::with_error_responses_dropped`]).
pub(crate) fn keep_only_success_responses(openapi: &mut OpenAPI) {
    for item in openapi.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in operations_mut(item) {
            op.responses.responses.retain(|status, _| match status {
                StatusCode::Code(code) => (200..300).contains(code),
                StatusCode::Range(range) => *range == 2,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn yaml_syntax_error_has_line_and_column() {
        // The tab on line 3, column 3 is not allowed as indentation.
        let text = "openapi: 3.0.3\ninfo:\n  \ttitle: t\n";
        let err = Spec::parse("spec.yaml", text).unwrap_err();
        match &err {
            CodegenError::Syntax { line, column, .. } => {
                assert_eq!((*line, *column), (Some(3), Some(3)), "{err:?}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        assert!(err.to_string().starts_with("spec.yaml:3:3: "), "{err}");
        // An unclosed flow sequence is reported where the input ends.
        let err = Spec::parse("spec.yaml", "openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(err.to_string().starts_with("spec.yaml:3:1: "), "{err}");
    }

    #[test]
    fn semantic_error_has_json_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {description: 5}\n";
        let err = Spec::parse("spec.yaml", text).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("spec.yaml#/paths/~1x/get/responses/200"),
            "{shown}"
        );
    }

    #[test]
    fn default_responses_are_removed_and_named() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {description: ok}\n        default: {description: err}\n    post:\n      responses:\n        '200': {description: ok}\n";
        let spec = Spec::parse("s.yaml", text).unwrap();
        // The parsed document (and so the published JSON) keeps it.
        assert!(spec.to_json().unwrap().contains("\"default\""));
        let mut openapi = spec.openapi().clone();
        let removed = remove_default_responses(&mut openapi);
        assert_eq!(removed, vec!["/paths/~1x/get/responses/default".to_owned()]);
        let ReferenceOr::Item(item) = &openapi.paths.paths["/x"] else {
            panic!("path item expected")
        };
        assert!(item.get.as_ref().unwrap().responses.default.is_none());
        assert!(remove_default_responses(&mut openapi).is_empty());
    }

    #[test]
    fn openapi_31_is_refused() {
        let err = Spec::parse("s.yaml", &MINIMAL.replace("3.0.3", "3.1.0")).unwrap_err();
        assert!(err.to_string().starts_with("s.yaml#/openapi: "), "{err}");
    }

    #[test]
    fn json_form_keeps_key_order() {
        let spec = Spec::parse("s.yaml", MINIMAL).unwrap();
        let json = spec.to_json().unwrap();
        let openapi = json.find("\"openapi\"").unwrap();
        let info = json.find("\"info\"").unwrap();
        let paths = json.find("\"paths\"").unwrap();
        assert!(openapi < info && info < paths, "{json}");
        assert!(json.ends_with("}\n"));
    }

    #[test]
    fn error_responses_are_dropped() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {description: ok}\n        '404': {description: no}\n        '5XX': {description: no}\n";
        let spec = Spec::parse("s.yaml", text).unwrap();
        let mut openapi = spec.openapi().clone();
        keep_only_success_responses(&mut openapi);
        let ReferenceOr::Item(item) = &openapi.paths.paths["/x"] else {
            panic!("path item expected")
        };
        let codes: Vec<_> = item
            .get
            .as_ref()
            .unwrap()
            .responses
            .responses
            .keys()
            .collect();
        assert_eq!(codes, vec![&StatusCode::Code(200)]);
    }
}
