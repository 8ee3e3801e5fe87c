"""Parse `rds-backups check --output prometheus` with the official Python
client's parser and hold every sample to the JSON report of the same check.

usage: prometheus_check.py EXPOSITION_FILE JSON_FILE

The JSON report comes from a second run with the same arguments, so values
that move with the clock (the age) are checked for sense, not equality.
"""

import datetime
import json
import sys
import time

from prometheus_client.parser import text_string_to_metric_families

FAMILIES = {
    "rds_backup_fresh",
    "rds_backup_latest_completed_begin_timestamp_seconds",
    "rds_backup_age_seconds",
    "rds_backup_check_success",
}


def fail(message):
    print(f"prometheus check: {message}", file=sys.stderr)
    sys.exit(1)


def unix(service_time):
    return datetime.datetime.strptime(service_time, "%Y-%m-%dT%H:%M:%S%z").timestamp()


def main():
    exposition_path, json_path = sys.argv[1:3]
    with open(exposition_path, encoding="utf-8") as f:
        text = f.read()
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)

    families = {}
    for family in text_string_to_metric_families(text):
        if family.type != "gauge":
            fail(f"{family.name} is a {family.type}, not a gauge")
        if not family.documentation:
            fail(f"{family.name} has no HELP text")
        families[family.name] = family
    if set(families) != FAMILIES:
        fail(f"families {sorted(families)}, expected {sorted(FAMILIES)}")

    # (family, instance id) -> (labels, value); the parser has unescaped labels.
    samples = {}
    for family in families.values():
        for sample in family.samples:
            key = (sample.name, sample.labels.get("instance_id"))
            if key in samples:
                fail(f"two samples for {key}")
            samples[key] = (sample.labels, sample.value)

    kind = report["kind"]
    ids = [entry["instance_id"] for entry in report["instances"]]
    stray = {i for (_, i) in samples} - set(ids)
    if stray:
        fail(f"samples for instances not checked: {stray}")
    now = time.time()
    for entry in report["instances"]:
        iid = entry["instance_id"]

        def value(name, expect_labels=True):
            found = samples.get((name, iid))
            if found is None:
                return None
            labels, v = found
            want = {"instance_id": iid, "kind": kind} if expect_labels else {"instance_id": iid}
            if labels != want:
                fail(f"{name} for {iid!r}: labels {labels}, expected {want}")
            return v

        success = value("rds_backup_check_success", expect_labels=False)
        fresh = value("rds_backup_fresh")
        stamp = value("rds_backup_latest_completed_begin_timestamp_seconds")
        age = value("rds_backup_age_seconds")
        if entry["error"] is not None:
            if (success, fresh, stamp, age) != (0, None, None, None):
                fail(f"{iid!r} could not be checked: only check_success 0 expected, got "
                     f"{(success, fresh, stamp, age)}")
            continue
        if success != 1:
            fail(f"{iid!r}: check_success {success}, expected 1")
        if fresh != (1 if entry["fresh"] else 0):
            fail(f"{iid!r}: fresh {fresh}, the JSON says {entry['fresh']}")
        latest = entry["latest"]
        if latest is None:
            if stamp is not None or age is not None:
                fail(f"{iid!r} has none in the window: no timestamp or age expected")
            continue
        if stamp != unix(latest["begin_time"]):
            fail(f"{iid!r}: timestamp {stamp}, the latest began at {latest['begin_time']}")
        if age is None or age < 0 or abs(stamp + age - now) > 3600:
            fail(f"{iid!r}: age {age} does not end near now")
    print(f"prometheus check: {len(ids)} instances, {len(samples)} samples parsed and consistent")


if __name__ == "__main__":
    main()
