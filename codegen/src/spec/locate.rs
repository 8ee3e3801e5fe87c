//! Finding where in the document a semantic error is.
//!
//! Each level of the OpenAPI structure is deserialized on its own, so the
//! deepest part that fails is the one reported, as a JSON pointer.

use openapiv3::{
    Info, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
    SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_norway::Value;

type Found = (String, String);

/// The pointer and message of the deepest part of `root` that does not parse.
pub(crate) fn locate(root: &Value) -> Option<Found> {
    if let Some(found) = root
        .get("info")
        .and_then(|info| probe::<Info>(info, "/info"))
    {
        return Some(found);
    }
    if let Some(Value::Mapping(paths)) = root.get("paths") {
        for (key, item) in paths {
            let ptr = format!("/paths/{}", escape_pointer(key.as_str().unwrap_or("?")));
            if let Some(found) = path_item(item, &ptr) {
                return Some(found);
            }
        }
    }
    if let Some(Value::Mapping(components)) = root.get("components") {
        for (section, entries) in components {
            let section = section.as_str().unwrap_or("?");
            let Value::Mapping(entries) = entries else {
                continue;
            };
            for (name, entry) in entries {
                let ptr = format!(
                    "/components/{section}/{}",
                    escape_pointer(name.as_str().unwrap_or("?"))
                );
                let found = match section {
                    "schemas" => probe::<ReferenceOr<Schema>>(entry, &ptr),
                    "parameters" => probe::<ReferenceOr<Parameter>>(entry, &ptr),
                    "responses" => probe::<ReferenceOr<Response>>(entry, &ptr),
                    "requestBodies" => probe::<ReferenceOr<RequestBody>>(entry, &ptr),
                    "securitySchemes" => probe::<ReferenceOr<SecurityScheme>>(entry, &ptr),
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            }
        }
    }
    None
}

fn path_item(item: &Value, ptr: &str) -> Option<Found> {
    // A path item that parses holds no error.
    probe::<ReferenceOr<PathItem>>(item, ptr)?;
    for method in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        let Some(op) = item.get(method) else { continue };
        let op_ptr = format!("{ptr}/{method}");
        if probe::<Operation>(op, &op_ptr).is_none() {
            continue;
        }
        if let Some(Value::Sequence(params)) = op.get("parameters") {
            for (i, p) in params.iter().enumerate() {
                let found = probe::<ReferenceOr<Parameter>>(p, &format!("{op_ptr}/parameters/{i}"));
                if found.is_some() {
                    return found;
                }
            }
        }
        if let Some(Value::Mapping(responses)) = op.get("responses") {
            for (code, r) in responses {
                let code = match code {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => "?".to_owned(),
                };
                let found = probe::<ReferenceOr<Response>>(
                    r,
                    &format!("{op_ptr}/responses/{}", escape_pointer(&code)),
                );
                if found.is_some() {
                    return found;
                }
            }
        }
        return probe::<Operation>(op, &op_ptr);
    }
    probe::<ReferenceOr<PathItem>>(item, ptr)
}

/// `None` when `value` parses as `T`, else where and why it does not.
fn probe<T: DeserializeOwned>(value: &Value, ptr: &str) -> Option<Found> {
    match serde_path_to_error::deserialize::<_, T>(value.clone()) {
        Ok(_) => None,
        Err(e) => Some((
            format!("{ptr}{}", json_pointer(e.path()).trim_end_matches("/?")),
            e.inner().to_string(),
        )),
    }
}

/// The JSON pointer (RFC 6901) of a serde path.
pub(crate) fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&escape_pointer(key)),
            Segment::Enum { variant } => pointer.push_str(&escape_pointer(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

pub(crate) fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
