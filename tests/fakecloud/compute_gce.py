"""Compute Engine and Google OAuth for the fake compute cloud (see compute.py).

OAuth: POST /token with a JWT bearer assertion, checked against the service account's
public key (config "gcp_public_key", PEM) with the openssl command line. Compute:
instances.list (label filter, paging), instances.bulkInsert (requestId honoured: the same
operation comes back), instances.delete, zone operations and their wait.
"""
import base64
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

STATE = None    # set by compute.py
TOKENS = set()
OPS = {}
REQUESTS = {}   # requestId -> operation name

PATH = re.compile(r"^/compute/v1/projects/([^/]+)/zones/([^/]+)/(instances|operations)"
                  r"(?:/([^/]+))?(?:/(bulkInsert|wait))?$")


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_ok(assertion, aud):
    try:
        head, claims, sig = assertion.split(".")
        h = json.loads(b64d(head))
        c = json.loads(b64d(claims))
    except ValueError:
        return "malformed assertion"
    if h.get("alg") != "RS256":
        return "alg must be RS256"
    if c.get("aud") != aud:
        return "aud is %r, not %r" % (c.get("aud"), aud)
    if "compute" not in c.get("scope", "") or not c.get("iss"):
        return "scope or iss missing"
    if not (c.get("iat", 0) <= time.time() + 60 < c.get("exp", 0) + 60):
        return "expired"
    pem = STATE.cfg.get("gcp_public_key")
    if pem:
        with tempfile.TemporaryDirectory() as d:
            for name, data in (("pub.pem", pem.encode()), ("sig", b64d(sig)),
                               ("data", ("%s.%s" % (head, claims)).encode())):
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", os.path.join(d, "pub.pem"),
                                "-signature", os.path.join(d, "sig"), os.path.join(d, "data")],
                               capture_output=True)
            if r.returncode != 0:
                return "bad signature"
    return None


def gerror(code, status, reason, message):
    return code, json.dumps({"error": {"code": code, "message": message, "status": status,
                                       "errors": [{"reason": reason, "message": message}]}})


def new_op(zone, kind, target, error=None, meta=None):
    STATE.seq += 1
    name = "operation-%06d" % STATE.seq
    op = {"kind": "compute#operation", "name": name, "zone": "zones/" + zone,
          "operationType": kind, "targetLink": target,
          "status": "RUNNING" if STATE.cfg.get("gce_async") else "DONE"}
    if error:
        op["error"] = {"errors": [{"code": error[0], "message": error[1]}]}
    if meta:
        op["instancesBulkInsertOperationMetadata"] = meta
    OPS[name] = op
    return op


def instance_json(inst):
    return {"kind": "compute#instance", "name": inst["name"], "id": str(abs(hash(inst["id"]))),
            "zone": "zones/" + inst["zone"], "machineType": "zones/%s/machineTypes/%s" % (inst["zone"], inst["type"]),
            "status": {"running": "RUNNING", "pending": "PROVISIONING"}.get(inst["state"], "TERMINATED"),
            "creationTimestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000-00:00", time.gmtime(inst["launched"])),
            "labels": inst["tags"], "metadata": {"items": inst.get("metadata", [])},
            "scheduling": inst.get("scheduling", {})}


def bulk_insert(project, zone, q, raw):
    rid = q.get("requestId", "")
    if rid and rid in REQUESTS:
        return 200, json.dumps(OPS[REQUESTS[rid]])
    b = json.loads(raw)
    props = b.get("instanceProperties", {})
    mtype = props.get("machineType", "")
    count, mincount = int(b.get("count", 0)), int(b.get("minCount", b.get("count", 0)))
    pattern = b.get("namePattern", "")
    model = props.get("scheduling", {}).get("provisioningModel")
    if model not in ("SPOT", "STANDARD") or "####" not in pattern or not props.get("disks"):
        return gerror(400, "INVALID_ARGUMENT", "invalid", "bad bulkInsert body")
    labels = props.get("labels", {})
    for k, v in labels.items():
        if not re.match(r"^[a-z0-9_-]{0,63}$", v) or not re.match(r"^[a-z][a-z0-9_-]{0,62}$", k):
            return gerror(400, "INVALID_ARGUMENT", "invalid", "label %s=%s is not allowed" % (k, v))
    room = STATE.room(mtype)
    zc = STATE.cfg.get("zone_capacity", {}).get(zone)
    if zc is not None:
        room = min(room, max(0, zc - sum(1 for i in STATE.instances.values()
                                         if i.get("zone") == zone and i["state"] == "running")))
    n = min(count, room)
    if n < mincount:
        n = 0
    made = 0
    k = 1
    while made < n:
        name = pattern.replace("####", "%04d" % k)
        k += 1
        if "%s/%s" % (zone, name) in STATE.instances:
            continue
        inst = STATE.add_instance(mtype, zone.rsplit("-", 1)[0], zone, labels,
                                  "spot" if model == "SPOT" else "on-demand", api="gce",
                                  extra={"id": "%s/%s" % (zone, name), "name": name,
                                         "metadata": props.get("metadata", {}).get("items", []),
                                         "scheduling": props.get("scheduling", {})})
        made += 1
    meta = {"perLocationStatus": {"zones/" + zone: {"createdVmCount": made,
                                                    "failedToCreateVmCount": count - made,
                                                    "status": "FULFILLED" if made == count else "PARTIAL"}}}
    err = None
    if made == 0 and count > 0:
        err = ("ZONE_RESOURCE_POOL_EXHAUSTED",
               "The zone '%s' does not have enough resources available to fulfill the request." % zone)
    op = new_op(zone, "bulkInsert", "projects/%s/zones/%s/instances" % (project, zone), err, meta)
    if rid:
        REQUESTS[rid] = op["name"]
    return 200, json.dumps(op)


def list_instances(zone, q):
    filt = q.get("filter", "")
    want = dict(re.findall(r'labels\.([a-z0-9_-]+)\s*=\s*"?([a-z0-9_-]*)"?', filt))
    start = int(q.get("pageToken", "0") or 0)
    if start == 0:
        STATE.list_count += 1
    size = min(int(q.get("maxResults", "500")), STATE.cfg["page_size"])
    found = [STATE.instances[x] for x in STATE.order
             if STATE.instances[x]["api"] == "gce" and STATE.instances[x]["zone"] == zone
             and STATE.instances[x]["state"] != "terminated"
             and STATE.list_count >= STATE.instances[x]["visible_at"]
             and all(STATE.instances[x]["tags"].get(k) == v for k, v in want.items())]
    out = {"kind": "compute#instanceList", "items": [instance_json(i) for i in found[start:start + size]]}
    if start + size < len(found):
        out["nextPageToken"] = str(start + size)
    if STATE.cfg.get("next_token_loop") and start:
        out["nextPageToken"] = str(start)    # a broken server: the page links to itself
    return 200, json.dumps(out)


def handle(h, method, url, raw):
    if method == "POST" and url.path == "/token":
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return h.reply(400, json.dumps({"error": "unsupported_grant_type"}), "application/json")
        why = jwt_ok(form.get("assertion", ""), "http://127.0.0.1:%d/token" % h.server.server_address[1])
        h.before("gcp", "oauth.token", "")
        if why:
            return h.reply(400, json.dumps({"error": "invalid_grant", "error_description": why}),
                           "application/json")
        with STATE.lock:
            STATE.seq += 1
            tok = "ya29.fake-%d" % STATE.seq
            TOKENS.add(tok)
        return h.reply(200, json.dumps({"access_token": tok, "expires_in": STATE.cfg.get("token_expires_in", 3599),
                                       "token_type": "Bearer"}),
                       "application/json")
    m = PATH.match(url.path)
    if not m:
        return None
    auth = h.headers.get("Authorization", "")
    if not auth.startswith("Bearer ") or auth[7:] not in TOKENS:
        return h.reply(*gerror(401, "UNAUTHENTICATED", "authError", "Request had invalid authentication credentials."),
                       ctype="application/json")
    project, zone, coll, name, verb = m.groups()
    q = dict(urllib.parse.parse_qsl(url.query))
    if coll == "instances" and method == "POST" and name == "bulkInsert":
        op = "instances.bulkInsert"
    elif coll == "instances" and method == "GET" and name is None:
        op = "instances.list"
    elif coll == "instances" and method == "DELETE" and name:
        op = "instances.delete"
    elif coll == "operations" and name:
        op = "zoneOperations.wait" if verb == "wait" else "zoneOperations.get"
    else:
        return h.reply(*gerror(404, "NOT_FOUND", "notFound", "no such method"), ctype="application/json")
    pre = h.before("gcp", op, q.get("requestId", ""))
    if pre == "throttle":
        return h.reply(*gerror(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Rate Limit Exceeded"),
                       ctype="application/json")
    if pre == "fail:EMPTY200":
        # a proxy's or gateway's 200 that is JSON but not what the API answers
        return h.reply(200, "{}", ctype="application/json")
    if pre and pre.startswith("fail:"):
        return h.reply(*gerror(400, pre[5:], "injected", "injected failure"), ctype="application/json")
    with STATE.lock:
        if op == "instances.bulkInsert":
            status, body = bulk_insert(project, zone, q, raw)
        elif op == "instances.list":
            status, body = list_instances(zone, q)
        elif op == "instances.delete":
            key = "%s/%s" % (zone, name)
            inst = STATE.instances.get(key)
            if inst is None or inst["state"] == "terminated":
                status, body = gerror(404, "NOT_FOUND", "notFound", "The resource '%s' was not found" % key)
            else:
                inst["state"] = "terminated"
                status, body = 200, json.dumps(new_op(zone, "delete", key))
        else:
            o = OPS.get(name)
            if o is None:
                status, body = gerror(404, "NOT_FOUND", "notFound", "no such operation")
            else:
                if verb == "wait":
                    o["status"] = "DONE"
                status, body = 200, json.dumps(o)
    h.after(op)
    return h.reply(status, body, "application/json")
