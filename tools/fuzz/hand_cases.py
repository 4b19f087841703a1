"""Inputs a schema-driven generator does not reach, sent to a running API.

Each case prints `ok <name>` or `FAIL <name>: <why>`; the exit status is the number of failures
(capped at 1). Standard library only, so it runs in any Python 3.
"""

import http.client
import json
import sys
import urllib.parse

BASE = urllib.parse.urlsplit(sys.argv[1])
HOST, PORT = BASE.hostname, BASE.port
SALES = "Bearer dev-sales"
QUALITY = "Bearer dev-quality"

COMPLAINT = {
    "customerId": "ACME",
    "customerContact": "Li Wei",
    "partNo": "P-100",
    "lot": "L-1",
    "defectDescription": "scratch on the housing",
    "quantityAffected": 12,
    "severity": "normal",
    "channel": "email",
    "receivedAt": "2026-02-10T09:00:00+08:00",
    "returnNeeded": False,
    "customerProductionAffected": False,
}

failures = 0


def send(method, path, body=b"", content_type="application/json", key=SALES):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    headers = {"Authorization": key}
    if body:
        headers["Content-Type"] = content_type
    try:
        connection.request(method, path, body=body or None, headers=headers)
    except (BrokenPipeError, ConnectionResetError):
        # The API may answer a body it refuses (413) and close before the rest of it is sent.
        pass
    response = connection.getresponse()
    try:
        return response.status, response.read()
    finally:
        connection.close()


def check(name, status, body, expected, field=None, contains=None):
    global failures
    problem = None
    if status != expected:
        problem = f"status {status}, expected {expected}: {body[:200]!r}"
    elif field is not None:
        fields = [entry.get("field") for entry in json.loads(body).get("fields", [])]
        if field not in fields:
            problem = f"fields {fields} do not name {field}"
    if problem is None and contains is not None and contains not in body.decode("utf-8", "replace"):
        problem = f"answer does not mention {contains!r}: {body[:300]!r}"
    if problem is None:
        print(f"ok {name}")
    else:
        failures += 1
        print(f"FAIL {name}: {problem}")


def register(**changes):
    return send("POST", "/complaints", json.dumps({**COMPLAINT, **changes}).encode())


check("a well-formed complaint is registered", *register(), 201)
for name, field, value in [
    ("hour 25", "receivedAt", "2026-02-10T25:00:00Z"),
    ("offset +25:00", "receivedAt", "2026-02-10T09:00:00+25:00"),
    ("30 February", "receivedAt", "2026-02-30T10:00:00Z"),
    ("31 November", "customerDeadline", "2026-11-31T10:00:00Z"),
    ("year 1", "receivedAt", "0001-01-01T00:00:00Z"),
    ("quantity 1e308", "quantityAffected", 1e308),
    ("NUL in an identifier", "customerId", "a\u0000b"),
]:
    check(f"{name} is 400 naming {field}", *register(**{field: value}), 400, field)

lone_surrogate = json.dumps(COMPLAINT).replace('"ACME"', '"A\\ud800"').encode()
check("a lone surrogate is 400 naming customerId", *send("POST", "/complaints", lone_surrogate), 400, "customerId")
bad_utf8 = json.dumps(COMPLAINT).encode().replace(b"ACME", b"\xc9\xcf\xba")
check("JSON that is not UTF-8 is 400", *send("POST", "/complaints", bad_utf8), 400, "body")
deep = ('{"a":' * 5000 + "1" + "}" * 5000).encode()
check("JSON nested 5,000 deep is 400", *send("POST", "/complaints", deep), 400, "body")
arrays = ("[" * 100_000 + "]" * 100_000).encode()
check("100,000 nested arrays are 400", *send("POST", "/complaints", arrays), 400, "body")
check("a 2 MB JSON body is 413", *send("POST", "/complaints", b" " * 2_000_000), 413)
check("a JSON route sent text/csv is 415", *send("POST", "/complaints", b"a,b\n1,2", "text/csv"), 415)
check("a JSON route sent text/plain is 415", *send("POST", "/complaints", b"a,b\n1,2", "text/plain"), 415)
check("TRACE on a known path is 405", *send("TRACE", "/complaints"), 405)
for path in ["/complaints", "/complaints/tracking", "/complaints/export"]:
    status, body = send("GET", f"{path}?receivedFrom=2026-11-21T25:00:00Z", key=QUALITY)
    check(f"GET {path} with hour 25 is 400 naming receivedFrom", status, body, 400, "receivedFrom")

header = "客户,订单号,行号,料号,数量,承诺交期,实际交货时间,加急运费\r\n"
row = "上海汽车,FUZZ-GBK,10,P-1,\"1,500\",2026/2/9,2026-02-10 14:00,否\r\n"
gbk = (header + row).encode("gbk")
status, body = send("POST", "/deliveries/import", gbk, "text/csv; charset=gb18030")
check("a GBK CSV declared as gb18030 is imported", status, body, 200, contains='"rejected":[],"committed":true')
status, body = send("POST", "/deliveries/import", gbk, "text/csv")
check("an undeclared GBK CSV is 400 naming line 1", status, body, 400, contains='"line":1')
status, body = send("POST", "/deliveries/import", gbk, "text/csv; charset=shift_jis")
check("a CSV charset that is not read is 415", status, body, 415)
status, body = send("POST", "/deliveries/import", "顾客,订单号\r\n".encode("utf-8"), "text/csv")
check("an unknown CSV header names the accepted ones", status, body, 400, contains="customer_id / 客户")

sys.exit(1 if failures else 0)
