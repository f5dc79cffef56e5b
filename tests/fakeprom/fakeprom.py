#!/usr/bin/env python3
"""A fake Prometheus for the usage tests: GET/POST /api/v1/query_range on 127.0.0.1.

It answers in Prometheus' real format ({"status":"success","data":{"resultType":"matrix",
"result":[{"metric":{...},"values":[[ts,"v"],...]}]}}), enforces the real limits (step > 0,
start <= end, at most 11,000 points per series: the real error text), and pages by time:
each request gets exactly the samples of [start, end] at its step. Its data is a formula of the
hour h = ts / 3600, so that tests can work out the expected values by hand:

  DCGM exporter, two models:
    "NVIDIA A100-SXM4-40GB": GPUs busy = h % 9   (0..8: busy 0 at h % 9 == 0)
    "Tesla T4":              GPUs busy = 0        (the exporter reports 4 GPUs, none busy)
    no exporter reports at all when h % 1000 in (10, 11, 12): no sample for any model
  kube-state-metrics, requests joined to the node label (dashes, as GPU feature discovery
  writes it): "NVIDIA-A100-SXM4-40GB": (h % 5) * 2, "NVIDIA-L4": 1; the same outage hours.

Queries are recognised by what they read: DCGM with an "or ... * 0" side gives explicit zeros
(as Prometheus does for the default query), DCGM without it gives only busy models, the
kube-state-metrics join gives requests; "neg_value", "huge_value" (-5, 1e300 GPUs), "huge_ts"
and "old_ts" (a sample at 1e300 or 3600 s) give one out-of-range sample; anything else is an
empty matrix.

Options: --port-file F (written once listening, port 0 = any), --log F (one JSON line per
request: query, start, end, step, points, auth = "none"|"bearer-ok"|"bearer-bad"|"basic-ok"|
"basic-bad"; never the credential itself), --token T (require "Bearer T"), --basic U:P,
--error MODE: "bad_data" (HTTP 400 as Prometheus writes it), "in_body" (HTTP 200 with
"status":"error"), "unavailable" (HTTP 503 then success), "runaway" (HTTP 200, a
well-formed matrix whose one label value is 6 MiB long), --float-ts (timestamps as floats).
"""
import argparse
import base64
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_POINTS = 11000


def outage(h):
    return h % 1000 in (10, 11, 12)


def series_for(query, h):
    """{labelset (tuple of pairs): value} at hour h, per the formulas above."""
    if outage(h):
        return {}
    out = {}
    if "DCGM_FI_DEV_GPU_UTIL" in query:
        zeros = " or " in query
        busy = {"NVIDIA A100-SXM4-40GB": h % 9, "Tesla T4": 0}
        for model, v in busy.items():
            if v > 0 or zeros:
                out[(("modelName", model),)] = v
    elif "kube_pod_container_resource_requests" in query:
        out[(("label_nvidia_com_gpu_product", "NVIDIA-A100-SXM4-40GB"),)] = (h % 5) * 2
        out[(("label_nvidia_com_gpu_product", "NVIDIA-L4"),)] = 1
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, code, obj, headers=None):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, code, etype, msg):
        self.send_json(code, {"status": "error", "errorType": etype, "error": msg})

    def auth_state(self):
        a = self.headers.get("Authorization")
        srv = self.server
        if a is None:
            return "none"
        if a.startswith("Bearer "):
            return "bearer-ok" if srv.token and a[7:] == srv.token else "bearer-bad"
        if a.startswith("Basic "):
            try:
                ok = base64.b64decode(a[6:]).decode() == srv.basic
            except Exception:
                ok = False
            return "basic-ok" if ok else "basic-bad"
        return "other"

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        self.handle_query(u.path, urllib.parse.parse_qs(u.query))

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        u = urllib.parse.urlsplit(self.path)
        self.handle_query(u.path, urllib.parse.parse_qs(self.rfile.read(n).decode()))

    def handle_query(self, path, qs):
        srv = self.server
        auth = self.auth_state()
        q = qs.get("query", [""])[0]
        rec = {"path": path, "query": q, "auth": auth}
        try:
            start, end, step = (float(qs[k][0]) for k in ("start", "end", "step"))
        except (KeyError, ValueError):
            start = end = step = None
        rec.update(start=start, end=end, step=step)
        if start is not None and step:
            rec["points"] = int((end - start) // step) + 1
        with open(srv.log, "a") as f:
            f.write(json.dumps(rec) + "\n")
        need = "bearer-ok" if srv.token else "basic-ok" if srv.basic else None
        if need and auth != need:
            body = b"Unauthorized\n"
            self.send_response(401)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path != "/api/v1/query_range":
            self.error(404, "not_found", "unknown path " + path)
            return
        if srv.mode == "unavailable" and srv.failures < 1:
            srv.failures += 1
            self.error(503, "unavailable", "the TSDB is not ready yet")
            return
        if srv.mode == "bad_data" or not q:
            self.error(400, "bad_data",
                       '1:7: parse error: unexpected "}" in aggregation' if q else
                       'invalid parameter "query": empty query')
            return
        if start is None:
            self.error(400, "bad_data", 'invalid parameter "start": cannot parse')
            return
        if step <= 0:
            self.error(400, "bad_data", "zero or negative query resolution step widths are "
                       "not accepted. Try a positive integer")
            return
        if end < start:
            self.error(400, "bad_data", 'invalid parameter "end": end timestamp must not be '
                       "before start time")
            return
        if (end - start) / step > MAX_POINTS:
            self.error(400, "bad_data", "exceeded maximum resolution of 11,000 points per "
                       "timeseries. Try decreasing the query resolution (?step=XX)")
            return
        if srv.mode == "in_body":
            self.send_json(200, {"status": "error", "errorType": "execution",
                                 "error": "query processing would load too many samples "
                                          "into memory in query execution"})
            return
        if srv.mode == "runaway":
            self.send_json(200, {"status": "success", "data": {"resultType": "matrix", "result": [
                {"metric": {"modelName": "A" * (6 << 20)}, "values": []}]}})
            return
        if q in ("neg_value", "huge_value", "huge_ts", "old_ts"):
            # out-of-range answers for the client's bounds checks (one sample, model L4)
            ts, v = int(start), {"neg_value": "-5", "huge_value": "1e300"}.get(q, "1")
            if q == "huge_ts":
                ts = 1e300
            elif q == "old_ts":
                ts = 3600
            data = [{"metric": {"modelName": "NVIDIA L4"}, "values": [[ts, v]]}]
            self.send_json(200, {"status": "success",
                                 "data": {"resultType": "matrix", "result": data}})
            return
        result = {}
        t = start
        while t <= end:
            h = int(t) // 3600
            for labels, v in series_for(q, h).items():
                ts = t + 0.0 if srv.float_ts else int(t)
                result.setdefault(labels, []).append([ts, str(v)])
            t += step
        data = [{"metric": dict(k), "values": v} for k, v in sorted(result.items())]
        self.send_json(200, {"status": "success",
                             "data": {"resultType": "matrix", "result": data}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--token")
    ap.add_argument("--basic")
    ap.add_argument("--error", default="")
    ap.add_argument("--float-ts", action="store_true")
    a = ap.parse_args()
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    srv.log, srv.token, srv.basic, srv.mode = a.log, a.token, a.basic, a.error
    srv.float_ts, srv.failures = a.float_ts, 0
    open(a.log, "w").close()
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
