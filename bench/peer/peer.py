#!/usr/bin/env python3
"""The peer: the official Huawei Cloud Python SDK (huaweicloudsdkrds 3.1.219),
timed on the same machine and bytes as the Rust benchmarks.

1. parse: the SDK's own response handler (`RdsClient.sync_response_handler`,
   which `list_backups` calls on every response: JSON decoding, then its model
   deserializer) on the 100-backup body, wrapped in a `requests.Response` built
   as `requests` builds one (status 200, `Content-Type: application/json`).
2. list: every backup of one instance from a running `rds-mock`, with
   `list_backups` in an offset loop of 100-backup pages, signed with the
   mock's AK/SK. Only the loop is timed: the SDK is imported and the client
   built before.

Prints one JSON object: medians and every sample, in seconds.

Usage: HOME=<scratch> python peer.py BODY.json MOCK_URL [--parse-runs N] [--list-runs N]
(the SDK writes ~/.huaweicloud on import, hence the scratch HOME).
"""
import argparse
import json
import statistics
import sys
import time

import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkrds.v3 import ListBackupsRequest, RdsClient
from huaweicloudsdkrds.v3.model.list_backups_response import ListBackupsResponse

# The mock's documented test credentials (not secrets) and its 10,000-backup instance.
ACCESS_KEY = "MOCKAK0000000000RDS1"
SECRET_KEY = "MockSK0123456789abcdefghijklmnopqrstuvwx"
PROJECT_ID = "0483b6b16e954cb88930a360d2c4e663"
INSTANCE_LARGE = "b10000c0ffee4e1a9d2b3c4d5e6f7a80in01"
LARGE_TOTAL = 10000
PAGE = 100


def client_for(url):
    config = HttpConfig.get_default_config()
    return (
        RdsClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ACCESS_KEY, SECRET_KEY, PROJECT_ID))
        .with_endpoints([url])
        .build()
    )


def response_of(body):
    """A `requests.Response` as `requests` makes one from the mock's answer."""
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.headers["Content-Type"] = "application/json"
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)
    return response


def time_parse(client, body, runs, calls):
    """Median seconds per call of the SDK's response handler, over `runs` runs."""
    response = response_of(body)
    handler = client.sync_response_handler
    page = handler(response, "ListBackupsResponse", [], None)
    assert isinstance(page, ListBackupsResponse), type(page)
    assert len(page.backups) == 100, len(page.backups)
    for _ in range(calls // 4):  # warm up
        handler(response, "ListBackupsResponse", [], None)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            handler(response, "ListBackupsResponse", [], None)
        samples.append((time.perf_counter() - start) / calls)
    json_samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            json.loads(response.text)
        json_samples.append((time.perf_counter() - start) / calls)
    return samples, json_samples


def walk(client):
    backups = []
    offset = 0
    while True:
        page = client.list_backups(
            ListBackupsRequest(instance_id=INSTANCE_LARGE, offset=offset, limit=PAGE)
        )
        backups.extend(page.backups)
        offset += len(page.backups)
        if len(page.backups) < PAGE or offset >= page.total_count:
            return backups


def time_list(client, runs):
    """Seconds per walk of all 10,000 backups, one sample per run."""
    assert len(walk(client)) == LARGE_TOTAL  # warm up, and check
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        backups = walk(client)
        samples.append(time.perf_counter() - start)
        assert len(backups) == LARGE_TOTAL, len(backups)
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("body")
    parser.add_argument("mock_url")
    parser.add_argument("--parse-runs", type=int, default=15)
    parser.add_argument("--parse-calls", type=int, default=50)
    parser.add_argument("--list-runs", type=int, default=7)
    args = parser.parse_args()

    with open(args.body, "rb") as f:
        body = f.read()
    client = client_for(args.mock_url)
    parse, json_only = time_parse(client, body, args.parse_runs, args.parse_calls)
    listing = time_list(client, args.list_runs)
    json.dump(
        {
            "sdk": "huaweicloudsdkrds 3.1.219",
            "python": sys.version.split()[0],
            "body_bytes": len(body),
            "parse_median_s": statistics.median(parse),
            "parse_samples_s": parse,
            "json_loads_median_s": statistics.median(json_only),
            "list_median_s": statistics.median(listing),
            "list_samples_s": listing,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
