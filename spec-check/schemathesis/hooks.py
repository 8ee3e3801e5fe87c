"""schemathesis hooks for `cargo xtask spec-check` (see schemathesis.toml).

Registers `positive_data_acceptance_outside_time_rules`: the built-in
`positive_data_acceptance` check, except that a 400 answer is expected when the
request breaks a time-window rule that OpenAPI 3.0 cannot express.
"""

from __future__ import annotations

import calendar
import re

import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

# QueryTime: yyyy-mm-ddThh:mm:ss±hhmm (the spec's pattern bounds each field).
_QUERY_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$")


def _instant(value: object) -> int | None:
    """Seconds since 0001-01-01 UTC, or None when `value` is not a real calendar time."""
    if not isinstance(value, str):
        return None
    match = _QUERY_TIME.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(max(year, 1), month)[1]:
        return None
    sign = 1 if match.group(7) == "+" else -1
    offset = sign * (int(match.group(8)) * 3600 + int(match.group(9)) * 60)
    days = sum(366 if calendar.isleap(y) else 365 for y in range(1, max(year, 1)))
    days += sum(calendar.monthrange(max(year, 1), m)[1] for m in range(1, month)) + day - 1
    return days * 86400 + hour * 3600 + minute * 60 + second - offset


def breaks_time_rules(query: dict | None) -> bool:
    """Whether the query breaks a rule of the `begin_time`/`end_time` window."""
    query = query or {}
    has_begin, has_end = "begin_time" in query, "end_time" in query
    if has_begin != has_end:
        return True  # one without the other
    if not has_begin:
        return False
    begin, end = _instant(query["begin_time"]), _instant(query["end_time"])
    if begin is None or end is None:
        return True  # not a real calendar time (e.g. 2018-02-30)
    return end <= begin  # end_time must be later than begin_time


def blames_time_window(response) -> bool:
    """Whether a 400 answer names `begin_time` or `end_time` as the bad parameter.

    A request can break a time-window rule and another rule at once; the answer
    says which one the service (here the mock) refused it for.
    """
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 (not JSON: it does not blame anything)
        return False
    message = body.get("error_msg", "") if isinstance(body, dict) else ""
    return isinstance(message, str) and ("begin_time" in message or "end_time" in message)


@schemathesis.check
def positive_data_acceptance_outside_time_rules(ctx, response, case):
    """Valid data is accepted; a 400 is expected only for a broken time-window rule."""
    if (
        response.status_code == 400
        and breaks_time_rules(case.query)
        and blames_time_window(response)
    ):
        return None
    return positive_data_acceptance(ctx, response, case)
