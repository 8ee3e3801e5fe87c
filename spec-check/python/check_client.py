"""What a Python client generated from spec/openapi.yaml makes of the API.

Run by `cargo xtask spec-check` (check 5, and again through Prism in check 6) with
the client that openapi-python-client generated into --package-dir:

1. the spec's lists of known values are named classes (`BackupTypeKnown`,
   `BackupStatusKnown`, `DatastoreTypeKnown`, `BackupStatusFilter`) holding exactly
   the spec's values, the request's `backup_type` takes `BackupTypeKnown`, the
   response's fields are that class or any string, and no class is named after a
   union branch (`...Type0`);
2. each corrected documented sample parses, and writes back unchanged;
3. a page with values the spec does not list (type, status, engine, time offsets,
   extra keys, explicit nulls) parses, keeps every value as received, and writes back
   unchanged;
4. with --base-url: the client lists backups from a running server (rds-mock, or
   Prism in front of it) with the mock's IAM token: every page of an instance, a
   time window (`+0800` must reach the server as `%2B0800`), the mock's
   unknown-value instance, and an unknown instance's `DBS.200823` error body.

Exits 1 with one line per failed step; prints one line per step.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import typing
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

# A page with what the service may send beyond the spec's known values: clients
# must keep all of it as received.
UNKNOWN_VALUES_PAGE: dict[str, Any] = {
    "backups": [
        {
            "id": "6f1c2b3a4d5e4f60a1b2c3d4e5f60718br01",
            "name": "snapshot-20240629",
            "type": "snapshot",
            "size": 1024,
            "status": "ARCHIVED",
            "begin_time": "2024-06-29T02:00:00+0800",
            "end_time": "2024-06-29T02:10:00+08:00",
            "datastore": {"type": "openGauss", "version": "3.0", "edition": "enterprise"},
            "instance_id": "quirk-unknown-enums",
            "databases": None,
            "associated_with_ddm": None,
            "min_data_volume_capacity_for_restore": None,
            "storage_class": "cold",
        },
        {
            "id": "6f1c2b3a4d5e4f60a1b2c3d4e5f60718br02",
            "name": "lowercase-engine",
            "type": "auto",
            "size": 2048,
            "status": "COMPLETED",
            "begin_time": "2024-06-28T18:00:00Z",
            "end_time": "2024-06-28T18:10:00Z",
            "datastore": {"type": "mysql", "version": "8.0"},
            "instance_id": "quirk-unknown-enums",
            "databases": [],
        },
    ],
    "total_count": 2,
    "links": [{"rel": "next", "href": "?offset=2"}],
}


# The classes the spec's named lists of known values must become, with their values.
NAMED_CLASSES: dict[str, set[str]] = {
    "BackupTypeKnown": {"auto", "manual", "fragment", "incremental"},
    "BackupStatusKnown": {"BUILDING", "COMPLETED", "FAILED", "DELETING"},
    "BackupStatusFilter": {"BUILDING", "COMPLETED", "FAILED"},
    "DatastoreTypeKnown": {"MySQL", "PostgreSQL", "SQLServer", "MariaDB"},
}


class Failed(Exception):
    """A step's expectation did not hold."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def load_client(package_dir: Path) -> Any:
    """The generated package `rds_backups_client`, with its models and the operation."""
    sys.path.insert(0, str(package_dir))
    client_pkg = importlib.import_module("rds_backups_client")
    client_pkg.models = importlib.import_module("rds_backups_client.models")
    client_pkg.list_backups = importlib.import_module("rds_backups_client.api.backups.list_backups")
    return client_pkg


def check_page(models: Any, body: dict[str, Any], what: str) -> Any:
    """Parses a 200 body, checks it against the JSON and that it writes back unchanged."""
    page = models.ListBackupsResponse.from_dict(body)
    expect(isinstance(page.total_count, int), f"{what}: total_count is not an int")
    expect(page.total_count == body["total_count"], f"{what}: total_count differs")
    expect(len(page.backups) == len(body["backups"]), f"{what}: backups count differs")
    for index, (backup, raw) in enumerate(zip(page.backups, body["backups"])):
        at = f"{what}: backups[{index}]"
        expect(backup.id == raw["id"], f"{at}.id differs")
        expect(backup.instance_id == raw["instance_id"], f"{at}.instance_id differs")
        expect(backup.size == raw["size"], f"{at}.size differs")
        # Open values: the known ones become enum members, any other stays a string,
        # and either way the value is the one received.
        for field, value in (
            ("type", backup.type_),
            ("status", backup.status),
            ("datastore.type", backup.datastore.type_),
        ):
            received = raw["datastore"]["type"] if field == "datastore.type" else raw[field]
            kept = getattr(value, "value", value)
            expect(kept == received, f"{at}.{field}: {received!r} became {kept!r}")
        # Times are text with the service's own offset (`+0800`), not RFC 3339.
        expect(backup.begin_time == raw["begin_time"], f"{at}.begin_time changed")
        expect(backup.end_time == raw["end_time"], f"{at}.end_time changed")
    expect(page.to_dict() == body, f"{what}: does not write back unchanged")
    return page


def step_named_classes(client_pkg: Any) -> str:
    models = client_pkg.models
    shown = []
    for name, values in NAMED_CLASSES.items():
        cls = getattr(models, name, None)
        expect(inspect.isclass(cls) and issubclass(cls, enum.Enum), f"no enum class {name}")
        got = {member.value for member in cls}
        expect(got == values, f"{name} holds {sorted(got)}, the spec lists {sorted(values)}")
        shown.append(f"{name}({', '.join(sorted(got))})")
    numbered = [n for n in dir(models) if n.rstrip("0123456789").endswith("Type") and n[-1].isdigit()]
    expect(not numbered, f"classes named after union branches: {numbered}")

    def annotation(fn: Any, param: str) -> str:
        return str(inspect.signature(fn).parameters[param].annotation)

    request = annotation(client_pkg.list_backups.sync_detailed, "backup_type")
    expect("BackupTypeKnown" in request, f"backup_type is typed {request}")
    hints = typing.get_type_hints(models.Backup, localns=vars(models))
    for field, known in (("type_", "BackupTypeKnown"), ("status", "BackupStatusKnown")):
        args = set(typing.get_args(hints[field]))
        expect(
            args == {getattr(models, known), str},
            f"Backup.{field} is typed {hints[field]}, not {known} | str",
        )
    datastore = set(typing.get_args(typing.get_type_hints(models.Datastore, localns=vars(models))["type_"]))
    expect(datastore == {models.DatastoreTypeKnown, str}, f"Datastore.type_ is {datastore}")
    # A known value read from a response becomes a member of the named class.
    page = models.ListBackupsResponse.from_dict(UNKNOWN_VALUES_PAGE)
    expect(page.backups[1].type_ is models.BackupTypeKnown.AUTO, "`auto` is not BackupTypeKnown.AUTO")
    return "; ".join(shown) + "; backup_type: BackupTypeKnown; Backup.type_: BackupTypeKnown | str"


def step_samples(client_pkg: Any, samples: Path) -> str:
    models = client_pkg.models
    names = sorted(p.name for p in samples.glob("*.json"))
    expect(names == ["mysql.json", "postgresql.json", "sqlserver.json"], f"samples: {names}")
    for name in names:
        body = json.loads((samples / name).read_text(encoding="utf-8"))
        page = check_page(models, body, name)
        expect(page.total_count == 1, f"{name}: total_count is not 1")
        expect(page.backups[0].begin_time.endswith("+0800"), f"{name}: offset lost")
    sqlserver = models.ListBackupsResponse.from_dict(
        json.loads((samples / "sqlserver.json").read_text(encoding="utf-8"))
    )
    databases = [d.name for d in sqlserver.backups[0].databases]
    expect(databases == ["user01", "user02"], f"sqlserver.json: databases {databases}")
    return f"{len(names)} corrected samples parse and write back unchanged"


def step_unknown_values(client_pkg: Any) -> str:
    models = client_pkg.models
    page = check_page(models, UNKNOWN_VALUES_PAGE, "unknown-values page")
    first = page.backups[0]
    expect(first.type_ == "snapshot" and isinstance(first.type_, str), "type snapshot lost")
    expect(first.status == "ARCHIVED", "status ARCHIVED lost")
    expect(first.datastore.type_ == "openGauss", "engine openGauss lost")
    expect(first.databases is None, "explicit null databases not kept")
    expect(page.backups[1].databases == [], "empty databases not kept")
    return "unknown type/status/engine, +08:00 and Z times, extra keys and nulls are kept"


def step_server(client_pkg: Any, args: argparse.Namespace) -> str:
    models, list_backups = client_pkg.models, client_pkg.list_backups
    client = client_pkg.AuthenticatedClient(
        base_url=args.base_url,
        token=args.token,
        prefix="",
        auth_header_name="X-Auth-Token",
        timeout=30.0,
    )

    def fetch(**query: Any) -> Any:
        response = list_backups.sync_detailed(args.project_id, client=client, **query)
        what = f"GET {query}"
        expect(
            response.status_code == 200,
            f"{what}: status {int(response.status_code)}: {response.content[:300]!r}",
        )
        expect(isinstance(response.parsed, models.ListBackupsResponse), f"{what}: not parsed")
        check_page(models, json.loads(response.content), what)
        return response.parsed

    # Every page of one instance, advancing offset by the backups received.
    seen: list[str] = []
    total = None
    while total is None or len(seen) < total:
        page = fetch(instance_id=args.instance_id, offset=len(seen), limit=5)
        expect(total is None or page.total_count == total, "total_count changed between pages")
        total = page.total_count
        expect(page.backups or len(seen) == total, f"empty page at offset {len(seen)}")
        seen.extend(b.id for b in page.backups)
    expect(len(set(seen)) == len(seen), "a backup appeared on two pages")
    expect(total > 0, f"{args.instance_id} has no backups")

    # A time window: the client must send `+0800` as `%2B0800`, or the server reads a space.
    window = fetch(
        instance_id=args.instance_id,
        begin_time="2000-01-01T00:00:00+0800",
        end_time="2099-12-31T23:59:59+0800",
    )
    expect(window.total_count == total, "the time window changed the count")

    # The server's unknown values arrive intact.
    unknown = fetch(instance_id=args.unknown_instance_id)
    expect(
        any(
            isinstance(b.type_, str)
            and b.type_ not in {"auto", "manual", "fragment", "incremental"}
            for b in unknown.backups
        ),
        f"{args.unknown_instance_id}: no unknown backup type came through",
    )

    # An unknown instance: the service answers `400` `DBS.200823`, not `404`,
    # with the spec's ErrorResponse as its body.
    missing = list_backups.sync_detailed(
        args.project_id, client=client, instance_id="no-such-instance-spec-check"
    )
    status = int(missing.status_code)
    expect(status == 400, f"unknown instance: status {status}, not 400")
    expect(isinstance(missing.parsed, models.ErrorResponse), f"{status} body is not an ErrorResponse")
    expect(
        missing.parsed.error_code == "DBS.200823",
        f"unknown instance: error_code {missing.parsed.error_code!r}, not DBS.200823",
    )
    return (
        f"{args.base_url}: {total} backups over {-(-total // 5)} pages, a time window, "
        "unknown values, an unknown instance (400 DBS.200823)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--package-dir", type=Path, required=True, help="folder holding rds_backups_client"
    )
    parser.add_argument("--samples", type=Path, required=True, help="spec/examples/corrected")
    parser.add_argument("--base-url", help="a running server; without it, no requests are made")
    parser.add_argument("--token", help="X-Auth-Token")
    parser.add_argument("--project-id")
    parser.add_argument("--instance-id", help="an instance with backups")
    parser.add_argument(
        "--unknown-instance-id", help="an instance whose backups carry unknown values"
    )
    args = parser.parse_args()

    client_pkg = load_client(args.package_dir)
    steps: list[tuple[str, Callable[[], str]]] = [
        ("named classes", lambda: step_named_classes(client_pkg)),
        ("samples", lambda: step_samples(client_pkg, args.samples)),
        ("unknown values", lambda: step_unknown_values(client_pkg)),
    ]
    if args.base_url:
        missing = [
            n
            for n in ("token", "project_id", "instance_id", "unknown_instance_id")
            if not getattr(args, n)
        ]
        if missing:
            parser.error(
                f"--base-url needs {', '.join('--' + n.replace('_', '-') for n in missing)}"
            )
        steps.append(("server", lambda: step_server(client_pkg, args)))

    failed = 0
    for name, step in steps:
        try:
            print(f"ok    {name}: {step()}")
        except Failed as failure:
            failed += 1
            print(f"FAIL  {name}: {failure}")
        except Exception:  # noqa: BLE001 (a crash in the generated client is a failure too)
            failed += 1
            print(f"FAIL  {name}: {traceback.format_exc().strip().splitlines()[-1]}")
            traceback.print_exc(file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
