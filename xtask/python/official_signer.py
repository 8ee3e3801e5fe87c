#!/usr/bin/env python3
"""Re-sign captured wire requests with the official Huawei Cloud Python SDK.

Input: the JSON array written by `tests/examples/capture_wire.rs`, one object per
request as the Rust client put it on the wire (method, raw request target, headers
in order, the AK/SK that signed it).

For each request this builds the SDK's own `SdkRequest` from the same method,
host, resource path, query parameters (decoded from the wire, in wire order),
headers (all captured ones except Authorization, X-Sdk-Date as captured) and
body, has `huaweicloudsdkcore.signer.signer.Signer` sign it, and requires:

- the SDK's Authorization to equal the one the client sent, and
- the path and query the SDK would send (`SdkRequest.uri`) to equal the wire target.

Nothing here signs or canonicalizes by itself; a subclass only records the
SDK's canonical request and string to sign so a mismatch can be explained.

Run by `cargo xtask sdk-sign-check` inside the venv it owns, with HOME pointed at
a scratch directory (importing the SDK's HTTP layer writes ~/.huaweicloud).

Usage: official_signer.py CAPTURED.json
Exit status: 0 when the SDK agrees on every request, 1 on any disagreement,
2 on unusable input.
"""
import json
import sys
from importlib import metadata
from urllib.parse import parse_qsl

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


class RecordingSigner(Signer):
    """The official Signer, keeping its intermediate strings for error messages."""

    canonical_request = None
    string_to_sign = None

    def _process_canonical_request(self, request, signed_headers):
        self.canonical_request = super()._process_canonical_request(request, signed_headers)
        return self.canonical_request

    def _process_string_to_sign(self, canonical_request, time, *args, **kwargs):
        self.string_to_sign = super()._process_string_to_sign(canonical_request, time, *args, **kwargs)
        return self.string_to_sign


class BadInput(Exception):
    pass


def header_map(record):
    """The captured headers as the dict SdkRequest takes, Authorization left out.

    Names keep their wire spelling (the Signer lower-cases them itself).
    """
    headers = {}
    authorization = []
    for name, value in record["headers"]:
        if name.lower() == "authorization":
            authorization.append(value)
            continue
        if any(k.lower() == name.lower() for k in headers):
            raise BadInput("header %r appears twice; the SDK cannot send that" % name)
        headers[name] = value
    if len(authorization) != 1:
        raise BadInput("expected one Authorization header, found %d" % len(authorization))
    return headers, authorization[0]


def wire_query(query):
    """(key, value) pairs as a server decodes them: percent-decoding, '+' is a space."""
    if query == "":
        return []
    try:
        return parse_qsl(query, keep_blank_values=True, strict_parsing=True,
                         encoding="utf-8", errors="strict")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadInput("cannot decode the query %r: %s" % (query, e))


def check(record):
    """Sign one captured request with the SDK; return a list of problems (empty if it agrees)."""
    headers, sent = header_map(record)
    host = next((v for k, v in headers.items() if k.lower() == "host"), None)
    if not host:
        raise BadInput("no Host header")
    date = next((v for k, v in headers.items() if k.lower() == "x-sdk-date"), None)
    if not date or date != record.get("sdk_date"):
        raise BadInput("X-Sdk-Date missing or not the one recorded (%r)" % record.get("sdk_date"))
    target = record["target"]
    path, _, query = target.partition("?")

    credentials = BasicCredentials(record["ak"], record["sk"])
    if record.get("security_token"):
        credentials = credentials.with_security_token(record["security_token"])
    request = SdkRequest(method=record["method"], schema="http", host=host,
                         resource_path=path, query_params=wire_query(query),
                         header_params=dict(headers), body=record.get("body") or None)
    signer = RecordingSigner(credentials)
    signer.sign(request)

    problems = []
    expected = request.header_params.get("Authorization")
    if expected != sent:
        problems.append("Authorization differs\n  client sent: %s\n  SDK signs:   %s" % (sent, expected))
    if request.uri != target:
        problems.append("request target differs\n  client sent: %s\n  SDK sends:   %s" % (target, request.uri))
    if problems:
        problems.append("canonical request built by the SDK:\n%s" % indent(signer.canonical_request))
        problems.append("string to sign built by the SDK:\n%s" % indent(signer.string_to_sign))
        problems.append("request as received:\n%s" % indent(record.get("raw_head", "").rstrip("\r\n")))
    return problems


def indent(text):
    return "\n".join("    | " + line for line in (text or "").replace("\r\n", "\n").split("\n"))


def main(argv):
    if len(argv) != 2:
        print("usage: official_signer.py CAPTURED.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        records = json.load(f)
    if not isinstance(records, list) or not records:
        print("error: %s holds no captured requests" % argv[1], file=sys.stderr)
        return 2

    failed = 0
    for record in records:
        name = record.get("name", "?")
        try:
            problems = check(record)
        except (BadInput, KeyError, TypeError, ValueError) as e:
            print("error: %s: unusable capture: %s" % (name, e), file=sys.stderr)
            return 2
        if problems:
            failed += 1
            print("MISMATCH %s:\n%s\n" % (name, "\n".join(problems)), file=sys.stderr)

    version = metadata.version("huaweicloudsdkcore")
    if failed:
        print("official SDK disagrees on %d of %d captured requests (huaweicloudsdkcore %s)"
              % (failed, len(records), version), file=sys.stderr)
        return 1
    print("official SDK agrees on %d captured requests (huaweicloudsdkcore %s)" % (len(records), version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
