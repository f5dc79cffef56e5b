#!/usr/bin/env python3
"""capplan's fake cloud: the AWS Price List Query API (GetProducts), EC2
DescribeSpotPriceHistory, the Azure Retail Prices API and the GCP Cloud Billing Catalog,
on 127.0.0.1, in their own wire formats, with paging, SigV4 checking and faults on demand.

usage: fakecloud.py --port-file FILE [--faults FILE] [--log FILE] [--watch-pid PID]

- Binds 127.0.0.1 on a free port and writes the port to --port-file once it listens.
- AWS requests must carry a valid SigV4 signature for access key AKIDFAKE / secret
  "fake/secret+KEY" (any region and service in the credential scope; the EC2 region is read
  from the scope). A bad signature gets 403 InvalidSignatureException / AuthFailure.
- GCP wants ?key=fake-gcp-key; anything else gets 400 INVALID_ARGUMENT.
- --faults names a JSON file re-read on every request (so a test can change it between runs):
  [{"api": "aws"|"ec2"|"azure"|"gcp", "kind": K, "page": N (0 = any), "count": N (-1 = always),
    "retry_after": S, "seconds": S}]
  kinds: 429 (with Retry-After), 500, 503, throttle (the provider's own throttling error),
  slow (sleep "seconds" before answering), truncate (Content-Length larger than what is sent),
  malformed (200 with a broken body), expired (aws: 400 ExpiredNextTokenException),
  negative (azure: a good page with every price -5), sigecho (aws, ec2: 403
  SignatureDoesNotMatch whose message echoes the session token twice), runaway (aws, azure,
  gcp: 200 with a well-formed document whose first string is 6 MiB long).
  A fault's count is spent per file content.
- --log gets one JSON line per request: api, page, status, sig, fault.
Python 3 standard library only (Debian's python3).
"""
import argparse
import gzip
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AKID = "AKIDFAKE"
SECRET = "fake/secret+KEY"
GCP_KEY = "fake-gcp-key"
PAGE = {"aws": 2, "ec2": 3, "azure": 3, "gcp": 3}

# --- data: small, with hand-checkable numbers (tests/test_providers.c holds the expectations)


def od_term(sku, price):
    return {sku + ".JRTCKXETXF": {"offerTermCode": "JRTCKXETXF", "sku": sku,
            "effectiveDate": "2025-11-01T00:00:00Z", "termAttributes": {},
            "priceDimensions": {sku + ".JRTCKXETXF.6YS6EN2CT7": {
                "unit": "Hrs", "endRange": "Inf", "beginRange": "0",
                "description": "$%s per On Demand Linux instance hour" % price,
                "rateCode": sku + ".JRTCKXETXF.6YS6EN2CT7", "appliesTo": [],
                "pricePerUnit": {"USD": price}}}}}


def ri_term(sku, code, lease, klass, option, hrs, fee=None):
    dims = {sku + "." + code + ".6YS6EN2CT7": {"unit": "Hrs", "beginRange": "0",
                                               "endRange": "Inf", "pricePerUnit": {"USD": hrs}}}
    if fee is not None:
        dims[sku + "." + code + ".2TG2D8R56U"] = {"unit": "Quantity", "description": "Upfront Fee",
                                                  "pricePerUnit": {"USD": fee}}
    return {sku + "." + code: {"offerTermCode": code, "sku": sku,
            "effectiveDate": "2025-11-01T00:00:00Z",
            "termAttributes": {"LeaseContractLength": lease, "OfferingClass": klass,
                               "PurchaseOption": option},
            "priceDimensions": dims}}


def product(sku, itype, region, od=None, reserved=None, os_="Linux", capacity="Used",
            vcpu="8", memory="32 GiB", gpu="1"):
    terms = {}
    if od is not None:
        terms["OnDemand"] = od_term(sku, od)
    if reserved:
        terms["Reserved"] = {}
        for r in reserved:
            terms["Reserved"].update(r)
    return json.dumps({"product": {"productFamily": "Compute Instance", "sku": sku,
                       "attributes": {"instanceType": itype, "instanceFamily": "GPU instance",
                                      "vcpu": vcpu, "memory": memory, "gpu": gpu,
                                      "regionCode": region, "operatingSystem": os_,
                                      "tenancy": "Shared", "capacitystatus": capacity,
                                      "preInstalledSw": "NA",
                                      "licenseModel": "No License required",
                                      "usagetype": "BoxUsage:" + itype}},
                       "serviceCode": "AmazonEC2", "terms": terms,
                       "version": "20251120183000", "publicationDate": "2025-11-20T18:30:00Z"})


AWS_PRODUCTS = {
    "us-east-1": [
        product("P4DSKU0000000001", "p4d.24xlarge", "us-east-1", "32.7726000000", [
            ri_term("P4DSKU0000000001", "4NA7Y494T4", "1yr", "standard", "No Upfront", "19.3383"),
            ri_term("P4DSKU0000000001", "6QCMYABX3D", "1yr", "standard", "All Upfront", "0.0000",
                    "160000"),
            ri_term("P4DSKU0000000001", "7NE97W5U4E", "1yr", "convertible", "No Upfront",
                    "15.0000"),
            ri_term("P4DSKU0000000001", "38NPMPTW36", "3yr", "standard", "Partial Upfront",
                    "4.4900", "118000"),
            ri_term("P4DSKU0000000001", "NQ3QZPMQV9", "3yr", "standard", "All Upfront", "0.0000",
                    "230000"),
        ], vcpu="96", memory="1,152 GiB", gpu="8"),
        product("G5XSKU0000000002", "g5.xlarge", "us-east-1", "1.0060000000"),
        product("P32SKU000000000W", "p3.2xlarge", "us-east-1", "4.0000000000", os_="Windows"),
        product("P2XSKU0000000003", "p2.xlarge", "us-east-1", "0.9000000000"),
        product("G6XSKU0000000004", "g6.xlarge", "us-east-1", "-0.5000000000"),
        product("G4DSKU0000000005", "g4dn.xlarge", "us-east-1", "1e9"),
        product("G6ESKU0000000006", "g6e.xlarge", "us-east-1", "NaN"),
        "{not json",
        product("P5USKU0000000007", "p5.48xlarge", "us-east-1", "98.3200000000",
                capacity="UnusedCapacityReservation"),
    ],
    "us-west-2": [
        product("P5WSKU0000000010", "p5.48xlarge", "us-west-2", "98.3200000000", [
            ri_term("P5WSKU0000000010", "Z2E3P23VKM", "3yr", "standard", "No Upfront", "43.16"),
            ri_term("P5WSKU0000000010", "HU7G6KETJZ", "1yr", "standard", "Partial Upfront",
                    "35.00", "250000"),
        ], vcpu="192", memory="2,048 GiB", gpu="8"),
    ],
}

# (instanceType, productDescription, spotPrice, timestamp, availabilityZone)
EC2_SPOT = {
    "us-east-1": [
        ("p4d.24xlarge", "Linux/UNIX", "10.000000", "2025-11-20T10:00:00.000Z", "us-east-1a"),
        ("p4d.24xlarge", "Linux/UNIX", "12.000000", "2025-11-22T10:00:00.000Z", "us-east-1a"),
        ("p4d.24xlarge", "Linux/UNIX (Amazon VPC)", "9.000000", "2025-11-21T00:00:00.000Z",
         "us-east-1b"),
        ("p4d.24xlarge", "Linux/UNIX", "11.500000", "2025-11-22T21:41:17.000Z", "us-east-1c"),
        ("g5.xlarge", "Windows", "0.900000", "2025-11-22T01:00:00.000Z", "us-east-1a"),
        ("g5.xlarge", "Linux/UNIX", "0.450000", "2025-11-22T01:00:00.000Z", "us-east-1a"),
        ("g5.xlarge", "Linux/UNIX", "0.400000", "2025-11-22T02:00:00.000Z", "us-east-1b"),
        ("p4d.24xlarge", "Linux/UNIX", "abc", "2025-11-22T03:00:00.000Z", "us-east-1d"),
    ],
    "us-west-2": [
        ("p5.48xlarge", "Linux/UNIX", "40.000000", "2025-11-22T00:00:00.000Z", "us-west-2a"),
        ("p5.48xlarge", "Linux/UNIX", "44.000000", "2025-11-22T00:00:00.000Z", "us-west-2b"),
    ],
}


def az(sku, meter, price, kind="Consumption", region="eastus", product=None, term=None):
    item = {"currencyCode": "USD", "tierMinimumUnits": 0.0, "retailPrice": price,
            "unitPrice": price, "armRegionName": region, "location": "US East",
            "effectiveStartDate": "2024-05-01T00:00:00Z",
            "meterId": "3f0c9e8a-0000-4c1b-9d2e-%012d" % (abs(hash(sku + meter + kind)) % 10**12),
            "meterName": meter, "productId": "DZH318Z0BQ4C", "skuId": "DZH318Z0BQ4C/00A1",
            "productName": product or "Virtual Machines NDasv4 Series", "skuName": meter,
            "serviceName": "Virtual Machines", "serviceId": "DZH313Z7MMC8",
            "serviceFamily": "Compute", "unitOfMeasure": "1 Hour", "type": kind,
            "isPrimaryMeterRegion": True, "armSkuName": sku,
            "savingsPlan": [{"unitPrice": 1.0, "retailPrice": 1.0, "term": "1 Year"}]}
    if term:
        item["reservationTerm"] = term
    return item


AZURE_ITEMS = {
    "eastus": [
        az("Standard_ND96asr_v4", "ND96asr v4", 27.197),
        az("Standard_ND96asr_v4", "ND96asr v4 Spot", 8.159),
        az("Standard_ND96asr_v4", "ND96asr v4 Low Priority", 5.0),
        az("Standard_ND96asr_v4", "ND96asr v4", 147700.0, "Reservation", term="1 Year"),
        az("Standard_ND96asr_v4", "ND96asr v4", 283000.0, "Reservation", term="3 Years"),
        az("Standard_ND96asr_v4", "ND96asr v4", 30.0,
           product="Virtual Machines NDasv4 Series Windows"),
        az("Standard_ND96asr_v4", "ND96asr v4", 20.0, "DevTestConsumption"),
        az("Standard_NC4as_T4_v3", "NC4as T4 v3", 0.526, product="Virtual Machines NCasT4_v3 Series"),
        az("Standard_NC4as_T4_v3", "NC4as T4 v3 Spot", 0.05,
           product="Virtual Machines NCasT4_v3 Series"),
        az("Standard_D2s_v3", "D2s v3", 0.096, product="Virtual Machines Dsv3 Series"),
        az("Standard_NC40ads_H100_v5", "NC40ads H100 v5", 0.0,
           product="Virtual Machines NCadsH100v5 Series"),
        dict(az("Standard_NC24ads_A100_v4", "NC24ads A100 v4", 3.67,
                product="Virtual Machines NCadsA100v4 Series"), unitPrice="3.67"),
    ],
    "westus2": [
        az("Standard_ND96isr_H100_v5", "ND96isr H100 v5", 98.32, region="westus2",
           product="Virtual Machines ND H100 v5 Series"),
        az("Standard_ND96isr_H100_v5", "ND96isr H100 v5 Spot", 29.5, region="westus2",
           product="Virtual Machines ND H100 v5 Series"),
    ],
}


def gsku(sku_id, desc, group, usage, units, nanos, regions, unit="h", tiers=None):
    rates = tiers or [{"startUsageAmount": 0,
                       "unitPrice": {"currencyCode": "USD", "units": units, "nanos": nanos}}]
    conv = 3865470566400 if unit == "GiBy.h" else 3600
    return {"name": "services/6F81-5844-456A/skus/" + sku_id, "skuId": sku_id,
            "description": desc,
            "category": {"serviceDisplayName": "Compute Engine", "resourceFamily": "Compute",
                         "resourceGroup": group, "usageType": usage},
            "serviceRegions": regions,
            "pricingInfo": [{"summary": "", "effectiveTime": "2025-11-20T10:52:50.681Z",
                             "currencyConversionRate": 1,
                             "pricingExpression": {"usageUnit": unit, "displayQuantity": 1,
                                                   "baseUnit": "s" if unit == "h" else "By.s",
                                                   "baseUnitConversionFactor": conv,
                                                   "tieredRates": rates}}],
            "serviceProviderName": "Google",
            "geoTaxonomy": {"type": "MULTI_REGIONAL", "regions": regions}}


AM = ["us-central1", "us-east1", "us-west1"]
GCP_SKUS = [
    gsku("2922-40C5-B19F", "A2 Instance Core running in Americas", "CPU", "OnDemand", "0",
         31611000, AM),
    gsku("2390-DCAF-DA38", "A2 Instance Ram running in Americas", "RAM", "OnDemand", "0",
         4237000, AM, unit="GiBy.h"),
    gsku("039F-D0DA-4055", "Nvidia Tesla A100 GPU running in Americas", "GPU", "OnDemand", "2",
         933908000, AM),
    gsku("0A01-0000-0001", "Spot Preemptible A2 Instance Core running in Americas", "CPU",
         "Preemptible", "0", 9483000, AM),
    gsku("0A01-0000-0002", "Spot Preemptible A2 Instance Ram running in Americas", "RAM",
         "Preemptible", "0", 1271000, AM, unit="GiBy.h"),
    gsku("0A01-0000-0003", "Spot Preemptible Nvidia Tesla A100 GPU running in Americas", "GPU",
         "Preemptible", "0", 880172000, AM),
    gsku("0A01-0000-0004", "Commitment v1: A2 Cpu in Americas for 1 Year", "CPU", "Commit1Yr",
         "0", 19915000, AM),
    gsku("0A01-0000-0005", "Commitment v1: A2 Ram in Americas for 1 Year", "RAM", "Commit1Yr",
         "0", 2669000, AM, unit="GiBy.h"),
    gsku("0A01-0000-0006", "Commitment v1: Nvidia Tesla A100 GPU in Americas for 1 Year", "GPU",
         "Commit1Yr", "1", 848362000, AM),
    gsku("0A01-0000-0007", "Commitment v1: A2 Cpu in Americas for 3 Year", "CPU", "Commit3Yr",
         "0", 14225000, AM),
    gsku("0A01-0000-0008", "Commitment v1: A2 Ram in Americas for 3 Years", "RAM", "Commit3Yr",
         "0", 1907000, AM, unit="GiBy.h"),
    gsku("0A01-0000-0009", "Commitment v1: Nvidia Tesla A100 GPU in Americas for 3 Years", "GPU",
         "Commit3Yr", "1", 26862000, AM),
    gsku("0A01-0000-0010", "Nvidia Tesla A100 80GB GPU running in Americas", "GPU", "OnDemand",
         "3", 932029000, AM),
    gsku("0A01-0000-0011", "Reserved Nvidia Tesla A100 GPU running in Americas", "GPU",
         "OnDemand", "0", 0, AM),
    gsku("0A01-0000-0012", "G2 Instance Core running in Americas", "CPU", "OnDemand", "0",
         24988000, ["us-central1"]),
    gsku("0A01-0000-0013", "G2 Instance Ram running in Americas", "RAM", "OnDemand", "0",
         2928000, ["us-central1"], unit="GiBy.h"),
    gsku("0A01-0000-0014", "Nvidia L4 GPU running in Americas", "GPU", "OnDemand", "0", 0,
         ["us-central1"], tiers=[
             {"startUsageAmount": 0, "unitPrice": {"currencyCode": "USD", "units": "0",
                                                   "nanos": 0}},
             {"startUsageAmount": 1, "unitPrice": {"currencyCode": "USD", "units": "0",
                                                   "nanos": 560040000}},
             {"startUsageAmount": 100000, "unitPrice": {"currencyCode": "USD", "units": "0",
                                                        "nanos": 400000000}}]),
    gsku("0A01-0000-0015", "N1 Predefined Instance Core running in Americas", "N1Standard",
         "OnDemand", "0", 31611000, AM),
    gsku("0A01-0000-0016", "N1 Predefined Instance Ram running in Americas", "N1Standard",
         "OnDemand", "0", 4237000, AM, unit="GiBy.h"),
    gsku("0A01-0000-0017", "Nvidia Tesla T4 GPU running in Americas", "GPU", "OnDemand", "0",
         350000000, AM),
    gsku("0A01-0000-0018", "Nvidia Tesla T4 Virtual Workstation GPU running in Americas", "GPU",
         "OnDemand", "0", 550000000, AM),
    gsku("0A01-0000-0019", "A3 Instance Core running in Americas", "CPU", "OnDemand", "0",
         25000000, AM),
    gsku("0A01-0000-0020", "A3 Instance Ram running in Americas", "RAM", "OnDemand", "0",
         3000000, AM, unit="GiBy.h"),
    gsku("0A01-0000-0021", "Nvidia H100 80GB GPU running in Americas", "GPU", "OnDemand", "9",
         "x", AM),
    gsku("0A01-0000-0022", "Nvidia Tesla V100 GPU running in Americas", "GPU", "OnDemand", "0",
         0, AM),
    gsku("0A01-0000-0023", "E2 Instance Core running in Americas", "CPU", "OnDemand", "0",
         21811000, AM),
    # a Spot SKU labelled OnDemand (it happens: SkyPilot #8125): must not become G2's price
    gsku("0A01-0000-0024", "Spot Preemptible G2 Instance Core running in Americas", "CPU",
         "OnDemand", "0", 9000000, ["us-central1"]),
]

# --- faults ---------------------------------------------------------------------------------

LOCK = threading.Lock()
STATE = {"faults_text": None, "spent": {}}


def take_fault(args, api, page):
    if not args.faults or not os.path.exists(args.faults):
        return None
    with LOCK:
        text = open(args.faults).read()
        if text != STATE["faults_text"]:
            STATE["faults_text"] = text
            STATE["spent"] = {}
        try:
            faults = json.loads(text) if text.strip() else []
        except ValueError:
            return None
        for i, f in enumerate(faults):
            if f.get("api") != api or f.get("page", 0) not in (0, page):
                continue
            count = f.get("count", 1)
            if count >= 0 and STATE["spent"].get(i, 0) >= count:
                continue
            STATE["spent"][i] = STATE["spent"].get(i, 0) + 1
            return f
    return None


# --- SigV4 ------------------------------------------------------------------------------------

def q(s):
    return urllib.parse.quote(s, safe="-_.~")


def sigv4_check(method, path, query, headers, body):
    """Returns (ok, region, service, why)."""
    auth = headers.get("authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
    if not m:
        return False, None, None, "no or malformed Authorization header"
    akid, date, region, service, signed, sig = m.groups()
    if akid != AKID:
        return False, region, service, "unknown access key"
    amz_date = headers.get("x-amz-date", "")
    if not amz_date.startswith(date):
        return False, region, service, "X-Amz-Date does not match the credential scope"
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names:
        return False, region, service, "host and x-amz-date must be signed"
    pairs = []
    for part in query.split("&") if query else []:
        k, _, v = part.partition("=")
        pairs.append((q(urllib.parse.unquote(k)), q(urllib.parse.unquote(v))))
    pairs.sort()
    canon_q = "&".join("%s=%s" % kv for kv in pairs)
    canon_h = "".join("%s:%s\n" % (n, " ".join(headers.get(n, "").split())) for n in names)
    creq = "\n".join([method, q(path).replace("%2F", "/") or "/", canon_q, canon_h, signed,
                      hashlib.sha256(body).hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, "%s/%s/%s/aws4_request" % (date, region, service),
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + SECRET).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        return False, region, service, "signature mismatch"
    return True, region, service, ""


# --- the server -------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakecloud/1"

    def log_message(self, fmt, *a):
        pass

    def log(self, api, page, status, sig="", fault=""):
        if self.server.args.log:
            with LOCK, open(self.server.args.log, "a") as f:
                f.write(json.dumps({"api": api, "page": page, "status": status, "sig": sig,
                                    "fault": fault}) + "\n")

    def send(self, status, body, ctype="application/json", extra=None, truncate=False):
        if isinstance(body, str):
            body = body.encode()
        enc = None
        if (not truncate and len(body) > 1024 and
                "gzip" in self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(body)
            enc = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if enc:
            self.send_header("Content-Encoding", enc)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            if truncate:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def fault(self, api, page, body_ok, ctype):
        """Applies a pending fault; returns True when the response has been sent."""
        f = take_fault(self.server.args, api, page)
        if not f:
            return False
        kind = f.get("kind")
        self.log(api, page, 0, fault=kind)
        if kind == "slow":
            time.sleep(float(f.get("seconds", 3)))
            return False
        if kind == "429":
            self.send(429, throttle_body(api), throttle_ctype(api),
                      {"Retry-After": str(f.get("retry_after", 1))})
        elif kind in ("500", "503"):
            self.send(int(kind), error_body(api, "InternalError", "we broke"), throttle_ctype(api))
        elif kind == "throttle":
            status = {"aws": 400, "ec2": 503, "azure": 429, "gcp": 429}[api]
            self.send(status, throttle_body(api), throttle_ctype(api))
        elif kind == "expired" and api == "aws":
            self.send(400, error_body("aws", "ExpiredNextTokenException", "token expired"))
        elif kind == "truncate":
            self.send(200, body_ok(), ctype, truncate=True)
        elif kind == "negative" and api == "azure":
            d = json.loads(body_ok())
            for it in d["Items"]:
                for k in ("retailPrice", "unitPrice"):
                    if k in it:
                        it[k] = -5.0
            self.send(200, json.dumps(d), ctype)
        elif kind == "sigecho" and api in ("aws", "ec2"):
            # SignatureDoesNotMatch echoing the canonical request, session token included
            tok = self.headers.get("X-Amz-Security-Token", "")
            msg = ("Signature mismatch for session %s. The Canonical String for this request "
                   "should have been 'POST / content-type:application/x-amz-json-1.1 "
                   "host:127.0.0.1 x-amz-date:20251123T000000Z x-amz-security-token:%s "
                   "content-type;host;x-amz-date;x-amz-security-token'" % (tok, tok))
            self.send(403, error_body(api, "SignatureDoesNotMatch", msg), throttle_ctype(api))
        elif kind == "runaway" and api in ("aws", "azure", "gcp"):
            # one string longer than any real token, in an otherwise valid document
            self.send(200, '{"Items":[{"x":"%s"}],"PriceList":[],"skus":[]}' % ("A" * (6 << 20)),
                      ctype)
        elif kind == "malformed":
            self.send(200, "<<<this is {not [valid" if ctype != "text/xml" else
                      "<DescribeSpotPriceHistoryResponse><spotPriceHistorySet><item>",
                      ctype)
        else:
            return False
        return True

    def body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def do_POST(self):
        body = self.body()
        target = self.headers.get("X-Amz-Target", "")
        headers = {k.lower(): v for k, v in self.headers.items()}
        path, _, query = self.path.partition("?")
        ok, region, service, why = sigv4_check("POST", path, query, headers, body)
        if target == "AWSPriceListService.GetProducts":
            return self.get_products(body, ok, why)
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if form.get("Action") == ["DescribeSpotPriceHistory"]:
            return self.spot_history(form, ok, region, why)
        self.send(400, '{"__type":"UnknownOperationException"}')

    def get_products(self, body, ok, why):
        try:
            req = json.loads(body)
        except ValueError:
            req = {}
        token = req.get("NextToken") or ""
        page = int(token.split("-")[1]) // PAGE["aws"] + 1 if token.startswith("tok-") else 1
        if not ok:
            self.log("aws", page, 403, "bad")
            return self.send(403, json.dumps({"__type": "com.amazon.coral.service#"
                                              "InvalidSignatureException", "message": why}),
                             "application/x-amz-json-1.1")
        filters = {f.get("Field"): f.get("Value") for f in req.get("Filters", [])}
        region = filters.get("regionCode")
        if (req.get("ServiceCode") != "AmazonEC2" or filters.get("operatingSystem") != "Linux"
                or filters.get("capacitystatus") != "Used" or region is None):
            self.log("aws", page, 400, "ok")
            return self.send(400, json.dumps({"__type": "InvalidParameterException",
                                              "message": "missing filters"}))
        items = AWS_PRODUCTS.get(region, [])
        start = int(token.split("-")[1]) if token.startswith("tok-") else 0
        chunk = items[start:start + PAGE["aws"]]
        resp = {"FormatVersion": "aws_v1", "PriceList": chunk}
        if start + PAGE["aws"] < len(items):
            resp["NextToken"] = "tok-%d" % (start + PAGE["aws"])

        def ok_body():
            return json.dumps(resp)
        if self.fault("aws", page, ok_body, "application/x-amz-json-1.1"):
            return
        self.log("aws", page, 200, "ok")
        self.send(200, ok_body(), "application/x-amz-json-1.1")

    def spot_history(self, form, ok, region, why):
        token = form.get("NextToken", [""])[0]
        start = int(token[3:]) if token.startswith("nt-") else 0
        page = start // PAGE["ec2"] + 1
        if not ok:
            self.log("ec2", page, 403, "bad")
            return self.send(403, error_body("ec2", "AuthFailure", why), "text/xml")
        if form.get("Version") != ["2016-11-15"]:
            return self.send(400, error_body("ec2", "InvalidParameterValue", "bad Version"),
                             "text/xml")
        types = {v[0] for k, v in form.items() if k.startswith("InstanceType.")}
        items = [s for s in EC2_SPOT.get(region, []) if s[0] in types]
        chunk = items[start:start + PAGE["ec2"]]
        nxt = "nt-%d" % (start + PAGE["ec2"]) if start + PAGE["ec2"] < len(items) else ""

        def ok_body():
            out = ['<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse '
                   'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">\n'
                   '<requestId>5f4b7c2e-1d3a-4e8b-9c0f-0123456789ab</requestId>\n'
                   '<spotPriceHistorySet>']
            for t, d, p, ts, z in chunk:
                out.append("<item><instanceType>%s</instanceType><productDescription>%s"
                           "</productDescription><spotPrice>%s</spotPrice><timestamp>%s"
                           "</timestamp><availabilityZone>%s</availabilityZone></item>"
                           % (t, d, p, ts, z))
            out.append("</spotPriceHistorySet>\n<nextToken>%s</nextToken>\n"
                       "</DescribeSpotPriceHistoryResponse>\n" % nxt)
            return "\n".join(out)
        if self.fault("ec2", page, ok_body, "text/xml"):
            return
        self.log("ec2", page, 200, "ok")
        self.send(200, ok_body(), "text/xml")

    def do_GET(self):
        path, _, query = self.path.partition("?")
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        if path == "/api/retail/prices":
            return self.azure(params)
        if path == "/v1/services/6F81-5844-456A/skus":
            return self.gcp(params)
        self.send(404, '{"error":{"code":"NotFound","message":"no such path"}}')

    def azure(self, params):
        flt = params.get("$filter", [""])[0]
        skip = int(params.get("$skip", ["0"])[0])
        page = skip // PAGE["azure"] + 1
        m = re.search(r"armRegionName eq '([^']+)'", flt)
        if (params.get("api-version") != ["2023-01-01-preview"] or m is None or
                "serviceName eq 'Virtual Machines'" not in flt):
            self.log("azure", page, 400)
            return self.send(400, json.dumps({"error": {"code": "BadRequest",
                                                        "message": "Invalid filter"}}))
        items = AZURE_ITEMS.get(m.group(1), [])
        chunk = items[skip:skip + PAGE["azure"]]
        link = None
        if skip + PAGE["azure"] < len(items):
            link = ("http://127.0.0.1:%d/api/retail/prices?api-version=2023-01-01-preview&"
                    "$filter=%s&$skip=%d" % (self.server.server_port, q(flt),
                                             skip + PAGE["azure"]))

        def ok_body():
            return json.dumps({"BillingCurrency": "USD", "CustomerEntityId": "Default",
                               "CustomerEntityType": "Retail", "Items": chunk,
                               "NextPageLink": link, "Count": len(chunk)})
        if self.fault("azure", page, ok_body, "application/json"):
            return
        self.log("azure", page, 200)
        self.send(200, ok_body(), extra={"x-ms-request-id": "prices-page-%d" % page})

    def gcp(self, params):
        token = params.get("pageToken", [""])[0]
        start = int(token[2:]) if token.startswith("pt") else 0
        page = start // PAGE["gcp"] + 1
        if params.get("key") != [GCP_KEY]:
            self.log("gcp", page, 400)
            return self.send(400, json.dumps({"error": {"code": 400, "message": "API key not "
                                                        "valid. Please pass a valid API key.",
                                                        "status": "INVALID_ARGUMENT"}}))
        chunk = GCP_SKUS[start:start + PAGE["gcp"]]
        nxt = "pt%d" % (start + PAGE["gcp"]) if start + PAGE["gcp"] < len(GCP_SKUS) else ""

        def ok_body():
            return json.dumps({"skus": chunk, "nextPageToken": nxt})
        if self.fault("gcp", page, ok_body, "application/json"):
            return
        self.log("gcp", page, 200)
        self.send(200, ok_body())


def throttle_ctype(api):
    return "text/xml" if api == "ec2" else "application/json"


def throttle_body(api):
    if api == "aws":
        return json.dumps({"__type": "com.amazonaws.pricing#ThrottlingException",
                           "Message": "Rate exceeded"})
    if api == "ec2":
        return error_body("ec2", "RequestLimitExceeded", "Request limit exceeded.")
    if api == "gcp":
        return json.dumps({"error": {"code": 429, "message": "Quota exceeded",
                                     "status": "RESOURCE_EXHAUSTED"}})
    return json.dumps({"error": {"code": "TooManyRequests", "message": "Too many requests"}})


def error_body(api, code, msg):
    if api == "ec2":
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>%s"
                "</Code><Message>%s</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede"
                "-example</RequestID></Response>" % (code, msg))
    if api == "aws":
        return json.dumps({"__type": "com.amazonaws.pricing#" + code, "Message": msg})
    if api == "gcp":
        return json.dumps({"error": {"code": 500, "message": msg, "status": "INTERNAL"}})
    return json.dumps({"error": {"code": code, "message": msg}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--faults")
    ap.add_argument("--log")
    ap.add_argument("--watch-pid", type=int, help="exit when this process is gone")
    args = ap.parse_args()
    if args.watch_pid:
        def watch():
            while True:
                time.sleep(1)
                try:
                    os.kill(args.watch_pid, 0)
                except OSError:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.args = args
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_port))
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
