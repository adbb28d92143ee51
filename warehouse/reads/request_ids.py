"""The id of the HTTP request a warehouse read served, recorded on its AccessLog row.

The project has no request-id middleware: a caller's `X-Request-ID` is kept when it is a short
plain token (so a gateway's id ties its logs to ours), otherwise a fresh one is made. The API
returns it in the same header, so a caller can find its reads in the access log.
"""

import re
import uuid

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_for(request) -> str:
    """The request's id, made once per request and remembered on it."""
    existing = getattr(request, "warehouse_request_id", None)
    if existing:
        return existing
    given = request.headers.get(HEADER, "")
    request.warehouse_request_id = given if SAFE_ID.match(given) else uuid.uuid4().hex
    return request.warehouse_request_id
