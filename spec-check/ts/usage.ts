// What a TypeScript client gets from spec/openapi.yaml, checked by `tsc --strict`
// in `cargo xtask spec-check` (check 4). The xtask generates the types with
// openapi-typescript and maps the module name "rds-spec" to them; nothing here runs.

import type { components, operations } from "rds-spec";

import mysqlSample from "../../spec/examples/corrected/mysql.json";
import postgresqlSample from "../../spec/examples/corrected/postgresql.json";
import sqlserverSample from "../../spec/examples/corrected/sqlserver.json";

type ListBackups = operations["listBackups"];
export type ListBackupsResponse = ListBackups["responses"][200]["content"]["application/json"];
export type ListBackupsQuery = ListBackups["parameters"]["query"];
export type ListBackupsHeaders = NonNullable<ListBackups["parameters"]["header"]>;
export type ErrorResponse = components["schemas"]["ErrorResponse"];
export type Backup = components["schemas"]["Backup"];

// Each corrected documented sample is a 200 response body.
export const mysql: ListBackupsResponse = mysqlSample;
export const postgresql: ListBackupsResponse = postgresqlSample;
export const sqlserver: ListBackupsResponse = sqlserverSample;

// Response values are open: a type, status or engine added by the service later is
// still a valid response, and times keep the service's `+0800` offset as text.
export const unknownValues: Backup = {
  id: "43e4feaab48f11e89039fa163ebaa7e4br09",
  name: "snapshot-1",
  type: "snapshot",
  size: 1024,
  status: "ARCHIVED",
  begin_time: "2024-06-29T02:00:00+0800",
  end_time: "2024-06-29T02:10:00+08:00",
  datastore: { type: "openGauss", version: "3.0" },
  databases: null,
  instance_id: "a48e43ff268f4c0e879652d65e63d0fbin01",
};

export const totalCount: number = sqlserver.total_count;
export const firstDatabase: string | undefined = sqlserver.backups[0]?.databases?.[0]?.name;

// A request: every parameter the operation takes, with a time window.
export const query: ListBackupsQuery = {
  instance_id: "a48e43ff268f4c0e879652d65e63d0fbin01",
  backup_type: "auto",
  status: "COMPLETED",
  offset: 0,
  limit: 100,
  begin_time: "2018-08-06T10:41:14+0800",
  end_time: "2018-08-06T12:41:14+0800",
};

export const headers: ListBackupsHeaders = { "X-Language": "en-us" };

/** The request URL; URLSearchParams sends `+` as `%2B` and `:` as `%3A`. */
export function listBackupsUrl(endpoint: string, projectId: string, q: ListBackupsQuery): string {
  const url = new URL(`/v3/${encodeURIComponent(projectId)}/backups`, endpoint);
  for (const [name, value] of Object.entries(q)) {
    if (value !== undefined) {
      url.searchParams.set(name, String(value));
    }
  }
  return url.toString();
}

export const url: string = listBackupsUrl(
  "https://rds.cn-north-4.myhuaweicloud.com",
  "0483b6b16e954cb88930a360d2c4e663",
  query,
);

// The spec's lists of known values keep their literals: each named component is
// exactly its union of strings (not widened to `string`), the request filter is
// that component, and the open response fields are that component or any string.
// `true` when A and B are the same type; otherwise a message that tsc prints.
type Same<A, B, Name extends string> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2
    ? true
    : `${Name} is not the expected type`;
type Schemas = components["schemas"];
export const backupTypeKnown: Same<
  Schemas["BackupTypeKnown"],
  "auto" | "manual" | "fragment" | "incremental",
  "BackupTypeKnown"
> = true;
export const backupStatusKnown: Same<
  Schemas["BackupStatusKnown"],
  "BUILDING" | "COMPLETED" | "FAILED" | "DELETING",
  "BackupStatusKnown"
> = true;
export const backupStatusFilter: Same<
  Schemas["BackupStatusFilter"],
  "BUILDING" | "COMPLETED" | "FAILED",
  "BackupStatusFilter"
> = true;
export const datastoreTypeKnown: Same<
  Schemas["DatastoreTypeKnown"],
  "MySQL" | "PostgreSQL" | "SQLServer" | "MariaDB",
  "DatastoreTypeKnown"
> = true;
export const filterIsTheKnownList: Same<
  NonNullable<ListBackupsQuery["backup_type"]>,
  Schemas["BackupTypeKnown"],
  "the backup_type filter"
> = true;
export const statusFilterIsItsList: Same<
  NonNullable<ListBackupsQuery["status"]>,
  Schemas["BackupStatusFilter"],
  "the status filter"
> = true;
export const knownType: Schemas["BackupTypeKnown"] = "incremental";
export const knownTypeIsABackupType: Backup["type"] = knownType;
export const knownEngine: Schemas["DatastoreTypeKnown"] = "MariaDB";
export const knownEngineIsADatastoreType: Backup["datastore"]["type"] = knownEngine;

// Request filters are closed: a backup type the service does not know is refused.
export const wrongBackupType: ListBackupsQuery = {
  instance_id: "a48e43ff268f4c0e879652d65e63d0fbin01",
  // @ts-expect-error `snapshot` is not a backup_type the service filters on.
  backup_type: "snapshot",
};
