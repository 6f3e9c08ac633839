#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 provisiond developers
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP pipeline of provisiond over real HTTP: health, request ids, error
envelopes (404, 405, 413, 415, 400), JSON body checks and /metrics.

Run: python3 tests/integration/test_http.py   (see harness.py for the env)
"""
import os
import re
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TestFailure, expect, expect_error, main, parse_http_response,  # noqa: E402
                     parse_prometheus, wait_until)

MAX_BODY = 2048
ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,72}$")


def still_serving(t):
    st, hd, body, js = t.get("/v1/health")
    expect(st in (200, 503) and js is not None and "status" in js,
           "the daemon no longer answers /v1/health properly: %s %r", st, body)


def tokens_post(t, **kw):
    return t.request("POST", "/v1/tokens", token=t.admin_token(), **kw)


# ------------------------------------------------------------------ health

def test_health_ok(t):
    st, hd, body, js = t.get("/v1/health")
    expect(st == 200, "health %s %r", st, body)
    expect(hd.get("content-type", "").startswith("application/json"), "content-type %r",
           hd.get("content-type"))
    expect(js == {"status": "ok", "database": {"status": "up"}, "directory": {"status": "up"}}
           or (js.get("status") == "ok" and js["database"]["status"] == "up"
               and js["directory"]["status"] == "up"), "health body %r", js)


def test_health_needs_no_auth_and_ignores_bad_credentials(t):
    st, _, body, js = t.get("/v1/health", token="pvd_not_a_token")
    expect(st == 200, "health with a bad token: %s %r", st, body)


def test_health_503_when_directory_down(t):
    t.stack.stop_ldap()
    try:
        st, hd, body, js = t.get("/v1/health", timeout=30)
        expect(st == 503, "health with slapd stopped: %s %r", st, body)
        expect(js["status"] == "unavailable", "status %r", js)
        expect(js["directory"]["status"] == "down", "directory part %r", js)
        # why it is down (hosts, ports, socket paths) only for operators
        expect("error" not in js["directory"], "anonymous health tells why: %r", js)
        st, _, body, js = t.get("/v1/health", timeout=30, token=t.admin_token())
        expect(st == 503 and js["directory"].get("error"), "no error text for the directory: %r", js)
        expect(js["database"]["status"] == "up", "database should stay up: %r", js)
        expect("x-request-id" in hd, "no X-Request-Id on the 503")
        # sign-ins cannot be checked: 503, not 401
        st2, _, b2, _ = t.get("/v1/whoami", basic=("aaf.ramos", "dev-password"), timeout=30)
        expect(st2 == 503, "sign-in with slapd down: %s %r (want 503 unavailable)", st2, b2)
    finally:
        t.stack.start_ldap()
    wait_until(lambda: t.get("/v1/health")[0] == 200, 20,
               what="health 200 after slapd is back")
    st, _, body, _ = t.get("/v1/whoami", basic=("aaf.ramos", "dev-password"))
    expect(st == 200, "sign-in after slapd came back: %s %r", st, body)


# ------------------------------------------------------------------ request ids

def test_request_id_generated_on_every_response(t):
    ids = set()
    for method, path in (("GET", "/v1/health"), ("GET", "/nope"), ("PUT", "/v1/health"),
                         ("GET", "/v1/whoami"), ("GET", "/metrics")):
        st, hd, body, _ = t.request(method, path)
        rid = hd.get("x-request-id")
        expect(rid and ID_RE.match(rid), "%s %s (%s): X-Request-Id %r", method, path, st, rid)
        ids.add(rid)
    expect(len(ids) == 5, "request ids are not unique: %r", ids)


def test_request_id_echoed_and_logged(t):
    rid = "itest-echo_1.%d" % os.getpid()
    st, hd, _, _ = t.get("/v1/whoami", headers={"X-Request-Id": rid},
                         basic=("aaf.ramos", "dev-password"))
    expect(st == 200, "whoami %s", st)
    expect(hd.get("x-request-id") == rid, "X-Request-Id %r, want the incoming %r",
           hd.get("x-request-id"), rid)
    lines = wait_until(lambda: t.daemon.log_lines_for(rid), 5,
                       what="log lines with the request id")
    expect(any("/v1/whoami" in ln for ln in lines),
           "no access log line for the request with id %s: %r", rid, lines)


def test_request_id_on_error_is_logged(t):
    rid = "itest-err-%d" % os.getpid()
    st, hd, _, _ = t.get("/v1/whoami", headers={"X-Request-Id": rid},
                         basic=("aaf.ramos", "wrong-password"))
    expect(st == 401 and hd.get("x-request-id") == rid, "%s %r", st, hd.get("x-request-id"))
    lines = wait_until(lambda: [ln for ln in t.daemon.log_lines_for(rid) if " 401 " in ln], 5,
                       what="the access log line of the 401")
    # the refusal itself is logged under the same id too
    expect(len(t.daemon.log_lines_for(rid)) >= 2,
           "want the sign-in refusal and the access line under id %s: %r", rid, lines)


def test_insane_request_id_replaced(t):
    for bad in ("has space", "x" * 200, "semi;colon", "quote\"d", "<script>"):
        st, hd, _, _ = t.get("/v1/health", headers={"X-Request-Id": bad})
        rid = hd.get("x-request-id")
        expect(rid and rid != bad and ID_RE.match(rid),
               "incoming X-Request-Id %r gave %r, want a fresh one", bad, rid)


# ------------------------------------------------------------------ routing errors

def test_unknown_path_404(t):
    for path in ("/nope", "/v1/nope", "/v1/health/extra", "/v1/tokens/a/b", "/V1/HEALTH", "/"):
        expect_error(t.get(path), 404, "not_found")
    still_serving(t)


def test_route_errors_come_before_auth(t):
    expect_error(t.request("GET", "/v1/tokens/x"), 405, "method_not_allowed")
    expect_error(t.request("POST", "/v1/whoami/x"), 404, "not_found")


def _allow_set(hd):
    return {m.strip().upper() for m in hd.get("allow", "").split(",") if m.strip()}


def test_method_not_allowed_405_with_allow(t):
    for method, path, want in (("PUT", "/v1/health", {"GET"}),
                               ("POST", "/v1/health", {"GET"}),
                               ("DELETE", "/v1/whoami", {"GET"}),
                               ("PATCH", "/v1/tokens", {"GET", "POST"}),
                               ("GET", "/v1/tokens/somename", {"DELETE"}),
                               ("POST", "/metrics", {"GET"})):
        resp = t.request(method, path, raw=b"{}" if method in ("PUT", "POST", "PATCH") else None,
                         headers={"Content-Type": "application/json"})
        expect_error(resp, 405, "method_not_allowed")
        allow = _allow_set(resp[1])
        expect(want <= allow and method not in allow,
               "%s %s: Allow %r, want %r", method, path, resp[1].get("allow"), want)
    still_serving(t)


def test_head_and_options_do_not_crash(t):
    for m in ("HEAD", "OPTIONS", "TRACE"):
        st, hd, _, _ = t.request(m, "/v1/health")
        expect(st in (200, 204, 405, 501), "%s /v1/health gave %s", m, st)
        expect("x-request-id" in hd, "%s: no X-Request-Id", m)
    still_serving(t)


def test_garbage_http_does_not_hurt(t):
    for data in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET /v1/health HTTP/9.9\r\n\r\n",
                 b"\x00\xff\x10binary\r\n\r\n",
                 b"GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                 b"POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"):
        t.daemon.raw(data, timeout=1)
    still_serving(t)


# ------------------------------------------------------------------ bodies

def test_unsupported_media_type_415(t):
    err = expect_error(tokens_post(t, raw=b'{"name":"a","role":"hr"}',
                                   headers={"Content-Type": "text/plain"}),
                       415, "unsupported_media_type")
    expect("application/json" in err["message"], "415 message should say what is wanted: %r",
           err["message"])
    # no Content-Type at all (raw request: urllib always adds one)
    body = b'{"name":"a","role":"hr"}'
    raw = (b"POST /v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           b"Authorization: Bearer " + t.admin_token().encode() + b"\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body
    st, hd, _ = parse_http_response(t.daemon.raw(raw))
    expect(st == 415, "POST without Content-Type: %s, want 415", st)
    # with parameters it is still JSON
    st, _, b, js = tokens_post(t, raw=b'{"name":"ct-param","role":"hr"}',
                               headers={"Content-Type": "application/json; charset=utf-8"})
    expect(st == 201, "application/json; charset=utf-8 refused: %s %r", st, b)
    still_serving(t)


def test_bad_json_names_line_and_column(t):
    err = expect_error(tokens_post(t, raw=b'{"name": "x",\n  "role": }',
                                   headers={"Content-Type": "application/json"}),
                       400, "bad_json")
    expect(re.search(r"line\D{0,3}2", err["message"]) and re.search(r"column\D{0,3}\d+", err["message"]),
           "bad_json message should say line 2 and the column: %r", err["message"])
    for raw in (b"{", b"not json", b'{"a":1}}', b'{"name":"x" "role":"hr"}', b"\xff\xfe{}"):
        expect_error(tokens_post(t, raw=raw, headers={"Content-Type": "application/json"}),
                     400, "bad_json")
    still_serving(t)


def test_empty_body_400(t):
    expect_error(tokens_post(t, raw=b"", headers={"Content-Type": "application/json"}), 400,
                 "bad_json")
    still_serving(t)


def test_json_not_an_object_400(t):
    for raw in (b"[1,2]", b'"hr"', b"42", b"null", b"true"):
        st, hd, body, js = tokens_post(t, raw=raw, headers={"Content-Type": "application/json"})
        err = expect_error((st, hd, body, js), 400)
        expect(err["code"] in ("bad_json", "invalid_field"), "code %r for body %r", err["code"], raw)
        expect("object" in err["message"] or "{" in err["message"],
               "message for %r should say an object is expected: %r", raw, err["message"])
    still_serving(t)


def test_duplicate_keys_refused(t):
    expect_error(tokens_post(t, raw=b'{"name":"dupkey","name":"other","role":"hr"}',
                             headers={"Content-Type": "application/json"}), 400, "bad_json")


def test_missing_field_named(t):
    expect_error(tokens_post(t, body={"role": "hr"}), 400, "missing_field", field="name")
    expect_error(tokens_post(t, body={"name": "nofield"}), 400, "missing_field", field="role")
    expect_error(tokens_post(t, body={"name": "", "role": "hr"}), 400, field="name")
    expect_error(tokens_post(t, body={"name": None, "role": "hr"}), 400, "missing_field", field="name")


def test_invalid_field_named(t):
    expect_error(tokens_post(t, body={"name": 5, "role": "hr"}), 400, "invalid_field", field="name")
    expect_error(tokens_post(t, body={"name": "Bad Name!", "role": "hr"}), 400, "invalid_field",
                 field="name")
    expect_error(tokens_post(t, body={"name": "x" * 200, "role": "hr"}), 400, "invalid_field",
                 field="name")
    expect_error(tokens_post(t, body={"name": "ok-name", "role": ["hr"]}), 400, "invalid_field",
                 field="role")
    expect_error(tokens_post(t, body={"name": "ctl\u0001", "role": "hr"}), 400, "invalid_field",
                 field="name")
    expect_error(tokens_post(t, body={"name": "ok-name2", "role": "hr", "colour": "red"}), 400,
                 field="colour")
    # nothing was created by the refused requests
    st, _, _, js = t.get("/v1/tokens", token=t.admin_token())
    names = {i["name"] for i in js["items"]}
    expect(not names & {"ok-name", "ok-name2", "nofield"}, "refused requests created tokens: %r",
           names)


def test_payload_too_large_413(t):
    big = b'{"name":"big","role":"hr","pad":"' + b"x" * (MAX_BODY * 2) + b'"}'
    err = expect_error(tokens_post(t, raw=big, headers={"Content-Type": "application/json"}), 413,
                       "payload_too_large")
    expect(str(MAX_BODY) in err["message"], "413 message should give the limit: %r", err["message"])
    still_serving(t)
    # just under the limit is parsed (400 for the unknown key 'pad', not 413)
    pad = MAX_BODY - len(b'{"name":"big","role":"hr","pad":""}')
    ok = b'{"name":"big","role":"hr","pad":"' + b"x" * pad + b'"}'
    expect(len(ok) == MAX_BODY, "test bug")
    st, _, body, js = tokens_post(t, raw=ok, headers={"Content-Type": "application/json"})
    expect(st == 400 and js["error"]["field"] == "pad", "a body of exactly the limit: %s %r", st, body)
    # a large body on a route that takes none is also refused, not buffered
    st, _, _, _ = t.request("GET", "/v1/whoami", raw=b"x" * (MAX_BODY * 4),
                            headers={"Content-Type": "application/json"},
                            basic=("aaf.ramos", "dev-password"))
    expect(st == 413, "GET with an oversized body: %s, want 413", st)
    still_serving(t)


def test_payload_too_large_chunked(t):
    chunk = b"x" * 1000
    data = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5)) + b"0\r\n\r\n"
    raw = (b"POST /v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           b"Authorization: Bearer " + t.admin_token().encode() + b"\r\n"
           b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n") + data
    st, hd, body = parse_http_response(t.daemon.raw(raw))
    expect(st == 413, "chunked body over the limit: %s %r", st, body)
    still_serving(t)


# ------------------------------------------------------------------ metrics

def _metrics(t, **auth):
    st, hd, body, _ = t.get("/metrics", **auth)
    expect(st == 200, "/metrics: %s %r", st, body)
    expect(hd.get("content-type", "").startswith("text/plain"), "content-type %r",
           hd.get("content-type"))
    return parse_prometheus(body.decode("utf-8"))


def _value(samples, name, **labels):
    for n, lb, v in samples:
        if n == name and all(lb.get(k) == str(w) for k, w in labels.items()):
            return v
    return 0.0


def test_metrics_needs_credentials(t):
    resp = t.get("/metrics")
    expect_error(resp, 401, "unauthorized")
    expect("www-authenticate" in resp[1], "401 without WWW-Authenticate")
    expect_error(t.get("/metrics", basic=("aaf.ramos", "wrong")), 401, "unauthorized")


def test_metrics_forbidden_for_other_roles(t):
    err = expect_error(t.get("/metrics", basic=("aaf.ramos", "dev-password")), 403, "forbidden")
    expect("monitor" in err["message"] and "admin" in err["message"],
           "403 should name the roles needed: %r", err["message"])
    expect_error(t.get("/metrics", basic=("control.rojas", "dev-password")), 403, "forbidden")
    expect_error(t.get("/metrics", token=t.token("hr")), 403, "forbidden")


def test_metrics_admin_and_monitor(t):
    s = _metrics(t, basic=("admin.vargas", "dev-password"))
    names = {n for n, _, _ in s}
    for want in ("provisiond_http_requests_total", "provisiond_http_request_duration_seconds_bucket",
                 "provisiond_http_request_duration_seconds_sum",
                 "provisiond_http_request_duration_seconds_count", "provisiond_up"):
        expect(want in names, "metric %s missing; have %r", want, sorted(names))
    expect(_value(s, "provisiond_up") == 1, "provisiond_up is not 1")
    for n, lb, v in s:
        if n == "provisiond_http_requests_total":
            expect({"route", "method", "status"} <= set(lb), "labels %r", lb)
        if n == "provisiond_http_request_duration_seconds_bucket":
            expect({"route", "le"} <= set(lb), "labels %r", lb)
    _metrics(t, token=t.token("monitor"))
    _metrics(t, token=t.token("admin"))


def test_metrics_no_duplicate_series(t):
    """Each name+label set appears once: Prometheus rejects a scrape with
    duplicate series. (Routes that share a path, like GET and POST
    /v1/tokens, must not give two histograms with the same labels.)"""
    t.get("/v1/tokens", token=t.admin_token())
    s = _metrics(t, basic=("admin.vargas", "dev-password"))
    seen = {}
    dups = []
    for n, lb, v in s:
        key = (n, tuple(sorted(lb.items())))
        if key in seen:
            dups.append("%s%s" % (n, dict(lb)))
        seen[key] = v
    expect(not dups, "%d duplicate series, e.g. %s", len(dups), dups[:3])


def test_metrics_histogram_consistent(t):
    s = _metrics(t, basic=("admin.vargas", "dev-password"))
    hist = "provisiond_http_request_duration_seconds"
    # one histogram per label set other than le
    series = {}
    for n, lb, v in s:
        if n == hist + "_bucket":
            key = tuple(sorted((k, w) for k, w in lb.items() if k != "le"))
            series.setdefault(key, []).append((float(lb["le"]), v))
    routes = {dict(k).get("route") for k in series}
    expect("/v1/health" in routes, "no histogram for /v1/health: %r", routes)
    for key, buckets in series.items():
        buckets.sort()
        les = [le for le, _ in buckets]
        expect(len(les) == len(set(les)), "histogram %r repeats a bucket: %r", key, buckets)
        expect(buckets and buckets[-1][0] == float("inf"), "histogram %r has no +Inf bucket", key)
        vals = [v for _, v in buckets]
        expect(vals == sorted(vals), "buckets of %r are not cumulative: %r", key, buckets)
        labels = dict(key)
        cnt = _value(s, hist + "_count", **labels)
        expect(vals[-1] == cnt, "histogram %r: +Inf bucket %s != _count %s", key, vals[-1], cnt)
        expect(_value(s, hist + "_sum", **labels) >= 0, "sum < 0")


def test_metrics_counts_increase(t):
    auth = dict(basic=("admin.vargas", "dev-password"))
    s0 = _metrics(t, **auth)
    c0 = _value(s0, "provisiond_http_requests_total", route="/v1/health", method="GET", status=200)
    h0 = _value(s0, "provisiond_http_request_duration_seconds_count", route="/v1/health")
    n404 = sum(v for n, lb, v in s0 if n == "provisiond_http_requests_total" and lb["status"] == "404")
    for _ in range(3):
        expect(t.get("/v1/health")[0] == 200, "health")
    t.get("/definitely/not/here")

    def grown():
        s1 = _metrics(t, **auth)
        c1 = _value(s1, "provisiond_http_requests_total", route="/v1/health", method="GET", status=200)
        h1 = _value(s1, "provisiond_http_request_duration_seconds_count", route="/v1/health")
        m404 = sum(v for n, lb, v in s1 if n == "provisiond_http_requests_total" and lb["status"] == "404")
        return c1 >= c0 + 3 and h1 >= h0 + 3 and m404 >= n404 + 1
    wait_until(grown, 5, what="request counters to grow by the requests made")
    # an unmatched path must not create a label per path (cardinality)
    s2 = _metrics(t, **auth)
    expect(not any(lb.get("route") == "/definitely/not/here" for _, lb, _ in s2),
           "an unknown path became a route label")


def test_sighup_body_limit_applies(t):
    """http_max_body is reloadable: raise it by SIGHUP, then restore."""
    big = b'{"name":"big2","role":"hr","pad":"' + b"x" * (MAX_BODY * 2) + b'"}'
    t.daemon.write_config(http_max_body=str(MAX_BODY * 8))
    t.daemon.sighup()
    try:
        st, _, body, js = tokens_post(t, raw=big, headers={"Content-Type": "application/json"})
        expect(st == 400 and js["error"]["field"] == "pad",
               "after raising http_max_body by SIGHUP: %s %r", st, body)
    finally:
        t.daemon.write_config(http_max_body=str(MAX_BODY))
        t.daemon.sighup()
    expect_error(tokens_post(t, raw=big, headers={"Content-Type": "application/json"}), 413,
                 "payload_too_large")


if __name__ == "__main__":
    main(globals(), daemon_overrides={"http_max_body": str(MAX_BODY)})
