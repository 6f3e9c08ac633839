# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP to the daemon: request (urllib, redirects not followed), raw_http
(bytes on a socket), parse_http_response, basic_header, parse_prometheus."""

import base64
import json
import re
import socket
import urllib.error
import urllib.request

from .checks import TestFailure
from .settings import TIME_SCALE


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def basic_header(user, password):
    raw = ("%s:%s" % (user, password)).encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def request(base_url, method, path, body=None, raw=None, headers=None, token=None,
            basic=None, timeout=10):
    """One HTTP request, redirects not followed.

    body: a dict/list (sent as JSON with Content-Type application/json);
    raw: bytes sent as they are (set Content-Type in headers yourself);
    token: bearer token; basic: (user, password).
    Returns (status, headers with lower-case names, body bytes, parsed JSON or None).
    """
    hdrs = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if basic is not None:
        hdrs["Authorization"] = basic_header(*basic)
    for k, v in (headers or {}).items():
        # None removes a header the helper would have added
        for existing in [h for h in hdrs if h.lower() == k.lower()]:
            del hdrs[existing]
        if v is not None:
            hdrs[k] = v
    req = urllib.request.Request(base_url + path, data=data, headers=hdrs, method=method)
    if data is not None and not any(h.lower() == "content-type" for h in hdrs):
        # urllib would add application/x-www-form-urlencoded by itself
        req.add_unredirected_header("Content-type", "application/octet-stream")
    try:
        resp = _opener.open(req, timeout=timeout * TIME_SCALE)
        status, rh, rb = resp.status, resp.headers, resp.read()
        resp.close()
    except urllib.error.HTTPError as e:
        status, rh, rb = e.code, e.headers, e.read()
        e.close()
    hd = {}
    for k, v in rh.items():
        k = k.lower()
        hd[k] = hd[k] + ", " + v if k in hd else v
    js = None
    if rb and "json" in hd.get("content-type", ""):
        try:
            js = json.loads(rb.decode("utf-8"))
        except ValueError:
            js = None
    return status, hd, rb, js


def raw_http(host, port, data, timeout=10, read=True, source=None):
    """Sends bytes on a fresh connection (from the loopback address source,
    when given: 127.0.0.2 is another client) and returns what comes back
    until the server closes it (or timeout)."""
    s = socket.create_connection((host, port), timeout=timeout * TIME_SCALE,
                                 source_address=(source, 0) if source else None)
    try:
        s.sendall(data)
        if not read:
            return b""
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def parse_http_response(raw):
    """(status, headers lower-case, body) of one raw HTTP/1.1 response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hd[k.strip().lower()] = v.strip()
    return status, hd, body


_PROM_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
_PROM_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')


def parse_prometheus(text):
    """[(name, {label: value}, float)] from Prometheus text format;
    raises TestFailure on a line that is not valid."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            if line.startswith("# TYPE") or line.startswith("# HELP"):
                if len(line.split(None, 3)) < 3:
                    raise TestFailure("metrics line %d malformed: %r" % (n, line))
            continue
        m = _PROM_LINE.match(line)
        if not m:
            raise TestFailure("metrics line %d is not Prometheus text: %r" % (n, line))
        labels = {}
        if m.group(3):
            rest = m.group(3)
            pos = 0
            while pos < len(rest):
                lm = _PROM_LABEL.match(rest, pos)
                if not lm:
                    raise TestFailure("metrics line %d has bad labels: %r" % (n, line))
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        out.append((m.group(1), labels, float(m.group(4))))
    return out
