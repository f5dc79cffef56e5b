#!/usr/bin/env python3
"""A stateful fake of the clouds' compute APIs for capplan apply's tests (127.0.0.1 only).

Speaks EC2's Query API (CreateFleet instant, DescribeInstances, TerminateInstances,
CreateTags; DryRun), and, from compute_gce.py and compute_arm.py, Compute Engine and
ARM. Idempotency tokens are honoured as the real services do; capacity errors,
throttling, eventual consistency (describe lag), a held call and a kill -9 of the client
on the Nth call are injected through the control API:

  GET  /_fake/state    {"instances": [...], "calls": [...], "holding": bool}
  POST /_fake/config   JSON merged into the settings (see DEFAULTS)
  POST /_fake/seed     {"instances": [{"id", "type", "region", "tags": {...}, ...}]}
  POST /_fake/release  lets a held call go on

Usage: compute.py --port-file FILE [--watch-pid PID] (writes the port it listens on, then
serves; with --watch-pid it exits once process PID is gone).
"""
import argparse
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

DEFAULTS = {
    "capacity": {},        # instance type -> most instances of it that may run at once
    "spot_capacity": {},   # instance type -> most spot instances of it (EC2)
    "describe_lag": 0,     # new instances stay invisible to this many further list calls
    "page_size": 1000,     # items per list page (the client's MaxResults wins if smaller)
    "kill": None,          # {"op": "CreateFleet", "n": 1, "pid_file": PATH}: SIGKILL the client
    "hold": None,          # {"op": "CreateFleet"}: block that call until /_fake/release
    "throttle": {},        # op -> how many of the next calls answer 503 throttled
    "deny_dry_run": False, # DryRun answers UnauthorizedOperation
    "fail": {},            # op -> error code every call of it answers ("HTML": EC2 answers
                           # 200 with a proxy's HTML page instead)
    "aws_secret": None,    # when set, every EC2 request's SigV4 signature is checked
}

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.cfg = json.loads(json.dumps(DEFAULTS))
        self.instances = {}      # id -> dict
        self.order = []          # ids in launch order
        self.calls = []          # {"api", "op", "token"}
        self.tokens = {}         # (api, token) -> (signature, response)
        self.seq = 0
        self.list_count = 0
        self.counts = {}         # op -> calls so far
        self.release = threading.Event()
        self.holding = False
        self.clock = 1790000000

    def new_id(self, prefix):
        self.seq += 1
        return "%s%017x" % (prefix, self.seq)

    def running_of_type(self, itype):
        return sum(1 for i in self.instances.values()
                   if i["type"] == itype and i["state"] in ("pending", "running"))

    def room(self, itype):
        cap = self.cfg["capacity"].get(itype)
        if cap is None:
            return 1 << 30
        return max(0, cap - self.running_of_type(itype))

    def add_instance(self, itype, region, zone, tags, lifecycle, api="ec2", extra=None):
        iid = self.new_id("i-") if api == "ec2" else extra.pop("id")
        self.clock += 60
        inst = {"id": iid, "type": itype, "region": region, "zone": zone, "tags": dict(tags),
                "state": "running", "launched": self.clock, "lifecycle": lifecycle,
                "visible_at": self.list_count + self.cfg["describe_lag"], "api": api}
        if extra:
            inst.update(extra)
        self.instances[iid] = inst
        self.order.append(iid)
        return inst


STATE = State()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))


def ec2_error(code, message, status=400):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
            '<Message>%s</Message></Error></Errors><RequestID>req-%s</RequestID></Response>'
            % (escape(code), escape(message), code.lower()))
    return status, body


def ec2_ok(op, inner):
    STATE.seq += 1
    return 200, ('<?xml version="1.0" encoding="UTF-8"?>\n<%sResponse xmlns="%s">'
                 '<requestId>req-%06d</requestId>%s</%sResponse>' % (op, NS, STATE.seq, inner, op))


def indexed(params, prefix):
    """Values of PREFIX.1, PREFIX.2, ... in order."""
    out, i = [], 1
    while "%s.%d" % (prefix, i) in params:
        out.append(params["%s.%d" % (prefix, i)])
        i += 1
    return out


def ec2_create_fleet(p, region):
    if p.get("Type") != "instant":
        return ec2_error("InvalidParameterValue", "only instant fleets here")
    token = p.get("ClientToken", "")
    if len(token) > 64 or any(ord(c) > 126 or ord(c) < 33 for c in token):
        return ec2_error("InvalidParameterValue", "ClientToken must be at most 64 ASCII characters")
    sig = sorted((k, v) for k, v in p.items() if k not in ("ClientToken",))
    if p.get("DryRun") == "true":
        if STATE.cfg["deny_dry_run"]:
            return ec2_error("UnauthorizedOperation", "You are not authorized to perform this operation.", 403)
        return ec2_error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
    if token and ("ec2", token) in STATE.tokens:
        old_sig, resp = STATE.tokens[("ec2", token)]
        if old_sig != sig:
            return ec2_error("IdempotentParameterMismatch",
                             "The client token you have provided is associated with a request "
                             "that has different parameters")
        return resp
    lt_name = p.get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName")
    lt_id = p.get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId")
    if not lt_name and not lt_id:
        return ec2_error("MissingParameter", "a launch template is required")
    itype = p.get("LaunchTemplateConfigs.1.Overrides.1.InstanceType")
    subnet = p.get("LaunchTemplateConfigs.1.Overrides.1.SubnetId", "")
    total = int(p.get("TargetCapacitySpecification.TotalTargetCapacity", "0"))
    ctype = p.get("TargetCapacitySpecification.DefaultTargetCapacityType")
    if ctype not in ("spot", "on-demand"):
        return ec2_error("InvalidParameterValue", "DefaultTargetCapacityType")
    if ctype == "spot" and p.get("SpotOptions.AllocationStrategy") != "price-capacity-optimized":
        return ec2_error("InvalidParameterValue", "expected price-capacity-optimized")
    tags, i = {}, 1
    while "TagSpecification.1.Tag.%d.Key" % i in p:
        tags[p["TagSpecification.1.Tag.%d.Key" % i]] = p.get("TagSpecification.1.Tag.%d.Value" % i, "")
        i += 1
    room = STATE.room(itype)
    if ctype == "spot" and itype in STATE.cfg["spot_capacity"]:
        spot_running = sum(1 for i in STATE.instances.values() if i["type"] == itype
                           and i["lifecycle"] == "spot" and i["state"] in ("pending", "running"))
        room = min(room, max(0, STATE.cfg["spot_capacity"][itype] - spot_running))
    n = min(total, room)
    ids = []
    for _ in range(n):
        inst = STATE.add_instance(itype, region, region + "a", tags,
                                  "spot" if ctype == "spot" else "on-demand")
        inst["subnet"] = subnet
        inst["token"] = token
        ids.append(inst["id"])
    errors = ""
    if n < total:
        code = "InsufficientInstanceCapacity"
        errors = ("<errorSet><item><errorCode>%s</errorCode><errorMessage>We currently do not have "
                  "sufficient %s capacity in the Availability Zone you requested.</errorMessage>"
                  "<lifecycle>%s</lifecycle></item></errorSet>" % (code, itype, ctype))
    fleet = ""
    if ids:
        fleet = ("<fleetInstanceSet><item><instanceIds>%s</instanceIds><instanceType>%s</instanceType>"
                 "<lifecycle>%s</lifecycle></item></fleetInstanceSet>"
                 % ("".join("<item>%s</item>" % x for x in ids), itype, ctype))
    resp = ec2_ok("CreateFleet", "<fleetId>%s</fleetId>%s%s" % (STATE.new_id("fleet-"), errors, fleet))
    if token:
        STATE.tokens[("ec2", token)] = (sig, resp)
    return resp


def matches(inst, filters):
    for name, values in filters:
        if name.startswith("tag:"):
            if inst["tags"].get(name[4:]) not in values:
                return False
        elif name == "tag-key":
            if not any(v in inst["tags"] for v in values):
                return False
        elif name == "instance-state-name":
            if inst["state"] not in values:
                return False
        elif name == "instance-type":
            if inst["type"] not in values:
                return False
    return True


def ec2_describe(p, region):
    filters, i = [], 1
    while "Filter.%d.Name" % i in p:
        filters.append((p["Filter.%d.Name" % i], indexed(p, "Filter.%d.Value" % i)))
        i += 1
    ids = indexed(p, "InstanceId")
    start = int(p.get("NextToken", "0") or 0)
    if start == 0:
        STATE.list_count += 1
    size = min(int(p.get("MaxResults", "1000")), STATE.cfg["page_size"])
    found = [STATE.instances[x] for x in STATE.order
             if STATE.instances[x]["api"] == "ec2" and STATE.instances[x]["region"] == region
             and STATE.list_count >= STATE.instances[x]["visible_at"]
             and matches(STATE.instances[x], filters) and (not ids or x in ids)]
    page = found[start:start + size]
    nxt = "<nextToken>%d</nextToken>" % (start + size) if start + size < len(found) else ""
    if STATE.cfg.get("next_token_loop") and start:
        nxt = "<nextToken>%d</nextToken>" % start    # a broken server: the page links to itself
    items = []
    for inst in page:
        tags = "".join("<item><key>%s</key><value>%s</value></item>" % (escape(k), escape(v))
                       for k, v in inst["tags"].items())
        code = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48}[inst["state"]]
        life = "<instanceLifecycle>spot</instanceLifecycle>" if inst["lifecycle"] == "spot" else ""
        items.append("<item><reservationId>r-%s</reservationId><instancesSet><item>"
                     "<instanceId>%s</instanceId><imageId>ami-0fake</imageId><instanceState>"
                     "<code>%d</code><name>%s</name></instanceState><instanceType>%s</instanceType>"
                     "<launchTime>%s</launchTime><placement><availabilityZone>%s</availabilityZone>"
                     "</placement>%s<tagSet>%s</tagSet></item></instancesSet></item>"
                     % (inst["id"][2:], inst["id"], code, inst["state"], inst["type"],
                        iso(inst["launched"]), inst["zone"], life, tags))
    return ec2_ok("DescribeInstances", "<reservationSet>%s</reservationSet>%s" % ("".join(items), nxt))


def ec2_terminate(p, region):
    ids = indexed(p, "InstanceId")
    for x in ids:
        if x not in STATE.instances or STATE.instances[x]["region"] != region:
            return ec2_error("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist" % x)
    if p.get("DryRun") == "true":
        if STATE.cfg["deny_dry_run"]:
            return ec2_error("UnauthorizedOperation", "You are not authorized to perform this operation.", 403)
        return ec2_error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
    items = []
    for x in ids:
        inst = STATE.instances[x]
        prev = inst["state"]
        inst["state"] = "terminated"
        items.append("<item><instanceId>%s</instanceId><currentState><code>32</code><name>"
                     "shutting-down</name></currentState><previousState><code>16</code><name>%s"
                     "</name></previousState></item>" % (x, prev))
    return ec2_ok("TerminateInstances", "<instancesSet>%s</instancesSet>" % "".join(items))


def ec2_create_tags(p, region):
    ids = indexed(p, "ResourceId")
    tags, i = {}, 1
    while "Tag.%d.Key" % i in p:
        tags[p["Tag.%d.Key" % i]] = p.get("Tag.%d.Value" % i, "")
        i += 1
    for x in ids:
        if x not in STATE.instances:
            return ec2_error("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist" % x)
    for x in ids:
        STATE.instances[x]["tags"].update(tags)
    return ec2_ok("CreateTags", "<return>true</return>")


EC2_OPS = {"CreateFleet": ec2_create_fleet, "DescribeInstances": ec2_describe,
           "TerminateInstances": ec2_terminate, "CreateTags": ec2_create_tags}


def sigv4_ok(method, path, headers, body, secret):
    """Recomputes the request's SigV4 signature from the headers it says it signed."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return False
    parts = dict(x.strip().split("=", 1) for x in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    scope = parts["Credential"].split("/", 1)[1]
    date, region, service, _ = scope.split("/")
    signed = parts["SignedHeaders"].split(";")
    canon_h = "".join("%s:%s\n" % (h, " ".join((headers.get(h) or "").split())) for h in signed)
    creq = "\n".join([method, path or "/", "", canon_h, parts["SignedHeaders"],
                      hashlib.sha256(body).hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", headers.get("X-Amz-Date", ""), scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for m in (date, region, service, "aws4_request"):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(k, sts.encode(), hashlib.sha256).hexdigest(),
                               parts["Signature"])


def ec2_region(headers):
    auth = headers.get("Authorization", "")
    if "Credential=" in auth:
        scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 3:
            return scope[2]
    return "us-east-1"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_VERBOSE"):
            sys.stderr.write("fake: " + fmt % args + "\n")

    def reply(self, status, body, ctype="text/xml;charset=UTF-8", headers=None):
        data = body.encode() if isinstance(body, str) else body
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return True

    def body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def control(self, method, path, raw):
        if path == "/_fake/state":
            with STATE.lock:
                out = {"instances": [STATE.instances[x] for x in STATE.order],
                       "calls": STATE.calls, "holding": STATE.holding}
                return self.reply(200, json.dumps(out), "application/json")
        if path == "/_fake/config" and method == "POST":
            with STATE.lock:
                upd = json.loads(raw or b"{}")
                STATE.cfg.update(upd)
                STATE.counts = {}
                if upd.get("describe_lag") == 0:    # the listing catches up at once
                    for inst in STATE.instances.values():
                        inst["visible_at"] = -1
            return self.reply(200, "{}", "application/json")
        if path == "/_fake/seed" and method == "POST":
            with STATE.lock:
                for s in json.loads(raw)["instances"]:
                    STATE.clock += 60
                    inst = {"id": s["id"], "type": s.get("type", "p4d.24xlarge"),
                            "region": s.get("region", "us-east-1"),
                            "zone": s.get("zone", s.get("region", "us-east-1") + "a"),
                            "tags": s.get("tags", {}), "state": s.get("state", "running"),
                            "launched": s.get("launched", STATE.clock),
                            "lifecycle": s.get("lifecycle", "on-demand"), "visible_at": -1,
                            "api": s.get("api", "ec2")}
                    for k, v in s.items():
                        inst.setdefault(k, v)
                    STATE.instances[inst["id"]] = inst
                    STATE.order.append(inst["id"])
            return self.reply(200, "{}", "application/json")
        if path == "/_fake/release" and method == "POST":
            STATE.release.set()
            return self.reply(200, "{}", "application/json")
        return self.reply(404, "{}", "application/json")

    def before(self, api, op, token):
        """Counting, throttling, holding. Returns an error reply tuple or None."""
        with STATE.lock:
            STATE.calls.append({"api": api, "op": op, "token": token})
            STATE.counts[op] = STATE.counts.get(op, 0) + 1
            th = STATE.cfg["throttle"].get(op, 0)
            if th:
                STATE.cfg["throttle"][op] = th - 1
                return "throttle"
            if op in STATE.cfg["fail"]:
                return "fail:" + STATE.cfg["fail"][op]
            hold = STATE.cfg["hold"]
        if hold and hold.get("op") == op:
            STATE.holding = True
            STATE.release.wait(60)
            STATE.holding = False
        return None

    def after(self, op):
        """kill -9 of the client once the Nth call of op has been carried out."""
        with STATE.lock:
            k = STATE.cfg["kill"]
            if not k or k.get("op") != op or STATE.counts.get(op, 0) != k.get("n", 1):
                return
            STATE.cfg["kill"] = None
        try:
            with open(k["pid_file"]) as f:
                pid = int(f.read().strip())
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        except (OSError, ValueError) as ex:
            sys.stderr.write("fake: kill failed: %s\n" % ex)

    def handle_ec2(self, raw):
        secret = STATE.cfg["aws_secret"]
        if secret and not sigv4_ok("POST", "/", self.headers, raw, secret):
            return self.reply(*ec2_error("SignatureDoesNotMatch", "The request signature we "
                                         "calculated does not match the signature you provided.", 403))
        p = dict(urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True))
        op = p.get("Action", "")
        pre = self.before("ec2", op, p.get("ClientToken", ""))
        if pre == "throttle":
            return self.reply(*ec2_error("RequestLimitExceeded", "Request limit exceeded.", 503))
        if pre == "fail:HTML":
            return self.reply(200, "<html><body><h1>Sign in to the proxy</h1></body></html>",
                              "text/html")
        if pre and pre.startswith("fail:"):
            code = pre[5:]
            return self.reply(*ec2_error(code, "injected failure",
                                         500 if code in ("InternalError", "Unavailable") else 400))
        fn = EC2_OPS.get(op)
        if fn is None:
            return self.reply(*ec2_error("InvalidAction", "unknown action %s" % op))
        with STATE.lock:
            status, body = fn(p, ec2_region(self.headers))
        self.after(op)
        return self.reply(status, body)

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        raw = self.body()
        if url.path.startswith("/_fake/"):
            return self.control(method, url.path, raw)
        if method == "POST" and url.path in ("/", "") and b"Action=" in raw:
            return self.handle_ec2(raw)
        for mod in EXTRA:
            r = mod.handle(self, method, url, raw)
            if r is not None:
                return r
        return self.reply(404, '{"error": "no such path"}', "application/json")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")


EXTRA = []
for name in ("compute_gce", "compute_arm"):
    try:
        EXTRA.append(__import__(name))
    except ImportError:
        pass
for mod in EXTRA:
    mod.STATE = STATE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--watch-pid", type=int, help="exit when this process is gone")
    a = ap.parse_args()
    if a.watch_pid:
        # as fakecloud.py: a test binary that dies (crash, kill -9, a FATAL assertion before
        # its cleanup) must not leave this listener running
        def watch():
            while True:
                time.sleep(1)
                try:
                    os.kill(a.watch_pid, 0)
                except OSError:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    srv.serve_forever()


if __name__ == "__main__":
    main()
