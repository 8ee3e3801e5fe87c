#!/usr/bin/env python3
"""The peer on the throttling and latency scenarios: the official Huawei Cloud
Python SDK (huaweicloudsdkrds 3.1.219) walking every backup of the given
instances, one instance after the other, with `list_backups` in an offset
loop of 100-backup pages, as a user of the SDK would write it. The SDK does
not retry by default, so a throttled answer ends the walk: that is reported,
with how far it got.

Prints one JSON object: seconds, backups received, requests made, and the
error that ended the walk (or null).

Usage: HOME=<scratch> python peer_walk.py MOCK_URL INSTANCE...
"""
import json
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkrds.v3 import ListBackupsRequest, RdsClient

# The mock's documented test credentials (not secrets).
ACCESS_KEY = "MOCKAK0000000000RDS1"
SECRET_KEY = "MockSK0123456789abcdefghijklmnopqrstuvwx"
PROJECT_ID = "0483b6b16e954cb88930a360d2c4e663"
PAGE = 100


def main():
    url, instances = sys.argv[1], sys.argv[2:]
    client = (
        RdsClient.new_builder()
        .with_http_config(HttpConfig.get_default_config())
        .with_credentials(BasicCredentials(ACCESS_KEY, SECRET_KEY, PROJECT_ID))
        .with_endpoints([url])
        .build()
    )
    received = 0
    requests_made = 0
    error = None
    start = time.perf_counter()
    try:
        for instance in instances:
            offset = 0
            while True:
                requests_made += 1
                page = client.list_backups(
                    ListBackupsRequest(instance_id=instance, offset=offset, limit=PAGE)
                )
                received += len(page.backups)
                offset += len(page.backups)
                if len(page.backups) < PAGE or offset >= page.total_count:
                    break
    except exceptions.SdkException as e:
        status = getattr(e, "status_code", None)
        error = type(e).__name__ + (f" (HTTP {status})" if status else "")
    seconds = time.perf_counter() - start
    json.dump(
        {
            "seconds": seconds,
            "backups": received,
            "requests": requests_made,
            "error": error,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
