"""Azure Resource Manager and Microsoft identity for the fake compute cloud (see compute.py).

OAuth: POST /{tenant}/oauth2/v2.0/token (client credentials; the scope must be
https://management.azure.com/.default). ARM: virtual machine scale sets (list with
nextLink paging, PUT with absolute capacity, VMs list, POST .../delete of chosen VMs), and
Azure-AsyncOperation status URLs. Capacity beyond the configured room fails the operation
with AllocationFailed after creating what fits, as Azure does.
"""
import json
import re
import time
import urllib.parse

STATE = None    # set by compute.py
TOKENS = set()
SETS = {}       # name -> scale set resource
ASYNC = {}      # operation id -> {"status", "error"}

SETS_PATH = re.compile(r"^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/"
                       r"Microsoft\.Compute/virtualMachineScaleSets(?:/([^/]+))?(?:/(virtualMachines|delete))?$")
OP_PATH = re.compile(r"^/subscriptions/[^/]+/providers/Microsoft\.Compute/locations/[^/]+/operations/([^/]+)$")


def aerror(status, code, message):
    return status, json.dumps({"error": {"code": code, "message": message}})


def vms_of(name):
    return [STATE.instances[x] for x in STATE.order
            if STATE.instances[x]["api"] == "arm" and STATE.instances[x]["set"] == name
            and STATE.instances[x]["state"] != "terminated"]


def new_async(h, sub, location, error=None):
    STATE.seq += 1
    oid = "op-%06d" % STATE.seq
    ASYNC[oid] = {"name": oid, "status": "Failed" if error else "Succeeded",
                  "startTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if error:
        ASYNC[oid]["error"] = {"code": error[0], "message": error[1]}
    return "http://127.0.0.1:%d/subscriptions/%s/providers/Microsoft.Compute/locations/%s/operations/%s?api-version=2024-07-01" % (
        h.server.server_address[1], sub, location, oid)


def put_set(h, sub, rg, name, raw):
    b = json.loads(raw)
    sku = b.get("sku", {})
    vmp = b.get("properties", {}).get("virtualMachineProfile", {})
    tags = b.get("tags", {})
    if vmp.get("priority") == "Spot":
        if vmp.get("evictionPolicy") != "Delete" or "maxPrice" not in vmp.get("billingProfile", {}):
            return aerror(400, "InvalidParameter", "Spot needs evictionPolicy Delete and billingProfile.maxPrice"), None
    if not vmp.get("storageProfile", {}).get("imageReference", {}).get("publisher"):
        return aerror(400, "InvalidParameter", "imageReference"), None
    loc = b.get("location", "")
    created = name not in SETS
    SETS[name] = {"id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/virtualMachineScaleSets/%s" % (sub, rg, name),
                  "name": name, "location": loc, "tags": tags, "sku": sku,
                  "properties": dict(b.get("properties", {}), provisioningState="Succeeded")}
    want = int(sku.get("capacity", 0))
    have = vms_of(name)
    err = None
    if want > len(have):
        room = STATE.room(sku.get("name"))
        n = min(want - len(have), room)
        nxt = max([int(v["instance_id"]) for v in STATE.instances.values()
                   if v["api"] == "arm" and v["set"] == name] + [-1]) + 1
        for k in range(n):
            STATE.add_instance(sku.get("name"), loc, loc, tags,
                               "spot" if vmp.get("priority") == "Spot" else "on-demand", api="arm",
                               extra={"id": "%s/%d" % (name, nxt + k), "set": name, "instance_id": str(nxt + k)})
        if n < want - len(have):
            err = ("AllocationFailed", "Allocation failed. We do not have sufficient capacity for the "
                   "requested VM size in this region.")
    elif want < len(have):
        for v in sorted(have, key=lambda v: -int(v["instance_id"]))[:len(have) - want]:
            v["state"] = "terminated"
    for v in vms_of(name):
        v["tags"] = dict(tags)
    hdr = {"Azure-AsyncOperation": new_async(h, sub, loc, err), "x-ms-request-id": "req-%d" % STATE.seq}
    return (201 if created else 200, json.dumps(SETS[name])), hdr


def handle(h, method, url, raw):
    m = re.match(r"^/([^/]+)/oauth2/v2\.0/token$", url.path)
    if m and method == "POST":
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        h.before("azure", "oauth.token", "")
        secret = STATE.cfg.get("azure_secret")
        if (form.get("grant_type") != "client_credentials" or not form.get("client_id")
                or form.get("scope") != "https://management.azure.com/.default"
                or (secret and form.get("client_secret") != secret)):
            return h.reply(401, json.dumps({"error": "invalid_client",
                                            "error_description": "AADSTS7000215: Invalid client secret provided."}),
                           "application/json")
        with STATE.lock:
            STATE.seq += 1
            tok = "eyJ0eXAi.fake-%d" % STATE.seq
            TOKENS.add(tok)
        return h.reply(200, json.dumps({"token_type": "Bearer", "expires_in": 3599, "access_token": tok}),
                       "application/json")
    ms, mo = SETS_PATH.match(url.path), OP_PATH.match(url.path)
    if not ms and not mo:
        return None
    auth = h.headers.get("Authorization", "")
    if not auth.startswith("Bearer ") or auth[7:] not in TOKENS:
        return h.reply(*aerror(401, "AuthenticationFailed", "Authentication failed."), ctype="application/json")
    q = dict(urllib.parse.parse_qsl(url.query))
    if mo:
        with STATE.lock:
            o = ASYNC.get(mo.group(1))
        if o is None:
            return h.reply(*aerror(404, "NotFound", "no such operation"), ctype="application/json")
        return h.reply(200, json.dumps(o), "application/json")
    sub, rg, name, sub2 = ms.groups()
    if name is None and method == "GET":
        op = "virtualMachineScaleSets.list"
    elif name and sub2 is None and method == "PUT":
        op = "virtualMachineScaleSets.createOrUpdate"
    elif name and sub2 == "virtualMachines" and method == "GET":
        op = "virtualMachineScaleSetVMs.list"
    elif name and sub2 == "delete" and method == "POST":
        op = "virtualMachineScaleSets.deleteInstances"
    else:
        return h.reply(*aerror(405, "MethodNotAllowed", "no such method"), ctype="application/json")
    pre = h.before("azure", op, "")
    if pre == "throttle":
        return h.reply(429, json.dumps({"error": {"code": "TooManyRequests", "message": "throttled"}}),
                       "application/json", {"Retry-After": "0"})
    if pre and pre.startswith("fail:"):
        return h.reply(*aerror(400, pre[5:], "injected failure"), ctype="application/json")
    hdr = None
    with STATE.lock:
        if op == "virtualMachineScaleSets.list":
            start = int(q.get("$skiptoken", "0") or 0)
            if start == 0:
                STATE.list_count += 1
            names = sorted(SETS)
            size = STATE.cfg["page_size"]
            out = {"value": [SETS[n] for n in names[start:start + size]]}
            if STATE.cfg.get("next_link_loop"):
                # a broken server: every page links to itself
                out["nextLink"] = "http://127.0.0.1:%d%s?api-version=2024-07-01&$skiptoken=%d" % (
                    h.server.server_address[1], url.path, start)
            elif start + size < len(names):
                # "next_link_origin" (config): another origin for the link, as a hostile or
                # broken server might give it ("http://127.0.0.1:PORT@127.0.0.2:PORT")
                origin = STATE.cfg.get("next_link_origin") or (
                    "http://127.0.0.1:%d" % h.server.server_address[1])
                out["nextLink"] = "%s%s?api-version=2024-07-01&$skiptoken=%d" % (
                    origin, url.path, start + size)
            status, body = 200, json.dumps(out)
        elif op == "virtualMachineScaleSets.createOrUpdate":
            (status, body), hdr = put_set(h, sub, rg, name, raw)
        elif op == "virtualMachineScaleSetVMs.list":
            if name not in SETS:
                status, body = aerror(404, "ResourceNotFound", "scale set %s not found" % name)
            else:
                vals = [{"instanceId": v["instance_id"], "name": "%s_%s" % (name, v["instance_id"]),
                         "properties": {"provisioningState": "Succeeded",
                                        "timeCreated": time.strftime("%Y-%m-%dT%H:%M:%S.0000000+00:00",
                                                                     time.gmtime(v["launched"]))}}
                        for v in vms_of(name) if STATE.list_count >= v["visible_at"]]
                status, body = 200, json.dumps({"value": vals})
        else:
            ids = json.loads(raw or b"{}").get("instanceIds", [])
            s = SETS.get(name)
            if s is None:
                status, body = aerror(404, "ResourceNotFound", "scale set %s not found" % name)
            else:
                gone = 0
                for v in vms_of(name):
                    if v["instance_id"] in ids:
                        v["state"] = "terminated"
                        gone += 1
                s["sku"]["capacity"] = max(0, int(s["sku"].get("capacity", 0)) - gone)
                hdr = {"Azure-AsyncOperation": new_async(h, sub, s["location"])}
                status, body = 202, ""
    h.after(op)
    return h.reply(status, body, "application/json", hdr)
