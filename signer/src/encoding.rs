//! Percent-encoding as the SDK's `quote(s, safe='~')` does it, its inverse, and lower-case hex.

use std::fmt::Write as _;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

pub(crate) fn push_encoded(bytes: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Percent-encodes the UTF-8 bytes of `s`, leaving only `A-Za-z0-9-_.~` as is, with upper-case
/// hex (space is `%20`, `+` is `%2B`). Same as the SDK's `quote(s, safe='~')`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_encoded(s.as_bytes(), &mut out);
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes into bytes; invalid escapes are kept literally (like Python's
/// `unquote`). With `plus_as_space`, `+` is a space, as a server reads a query string.
pub fn percent_decode(s: &str, plus_as_space: bool) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_val);
            let lo = bytes.get(i + 2).copied().and_then(hex_val);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
        }
        out.push(if plus_as_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    out
}

/// Lower-case hex of `bytes`, two digits per byte.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing into a `String` cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The 32 bytes spelled by exactly 64 hex digits (either case), or `None`.
pub(crate) fn decode_hex_32(s: &str) -> Option<[u8; 32]> {
    let digits = s.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (hex_val(pair[0])? << 4) | hex_val(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::canonical_query;

    #[test]
    fn query_space_plus_colon_unicode() {
        assert_eq!(
            canonical_query(&[("t", "2018-08-06T10:41:14+0800"), ("s", "a b"), ("u", "é")]),
            "s=a%20b&t=2018-08-06T10%3A41%3A14%2B0800&u=%C3%A9"
        );
        assert_eq!(
            percent_encode("AZaz09-_.~!*'()"),
            "AZaz09-_.~%21%2A%27%28%29"
        );
    }
}
