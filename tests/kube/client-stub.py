#!/usr/bin/env python3
# client-stub.py - TEST-ONLY scripted Kubernetes API stub for the client's
# reliability tests (tests/kube/client-stub.sh). It produces, on purpose
# and deterministically, what kurator-sim does not: 503s that heal, 429 with
# Retry-After, 500 on POST, HTML error pages, a watch stream split mid-line
# followed by 410 Gone, legacy-only discovery, and a token that expires.
# Not a simulator: every answer below is hard-wired for those tests.
#
#   client-stub.py PORT CERT KEY TOKEN_FILE LOG   (prints "ready" when serving)
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PORT, CERT, KEY, TOKEN_FILE, LOG = sys.argv[1:6]
lock = threading.Lock()
counts = {}
watch_calls = [0]

CORE = {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
    {"name": "configmaps", "singularName": "configmap", "namespaced": True, "kind": "ConfigMap",
     "verbs": ["create", "delete", "get", "list", "patch", "watch"], "shortNames": ["cm"]},
    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
     "verbs": ["get", "list", "watch"], "shortNames": ["po"]},
    {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
]}
APPS = {"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
    {"name": "deployments", "singularName": "deployment", "namespaced": True, "kind": "Deployment",
     "verbs": ["get", "list"], "shortNames": ["deploy"]},
    {"name": "deployments/status", "singularName": "", "namespaced": True, "kind": "Deployment",
     "verbs": ["get"]},
]}


def status(code, reason, message, causes=None):
    st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
          "message": message, "reason": reason, "code": code}
    if causes:
        st["details"] = {"causes": causes}
    return st


def cm(name, rv):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default", "resourceVersion": str(rv)}}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def count(self, key):
        """Counts requests per key; logs 'KEY N FULL-PATH'."""
        with lock:
            counts[key] = counts.get(key, 0) + 1
            n = counts[key]
            with open(LOG, "a") as f:
                f.write("%s %d %s accept=%s host=%s\n" % (key, n, self.path, self.headers.get("Accept", ""),
                                                          self.headers.get("Host", "")))
        return n

    def send(self, code, body, ctype="application/json", extra=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def authorized(self):
        got = self.headers.get("Authorization", "")
        # the token, or basic auth as admin:secret
        if got in ("Bearer valid-token", "Basic YWRtaW46c2VjcmV0"):
            return True
        self.count("401")
        # the credential "rotates": the next read of the file gets the new one
        with open(TOKEN_FILE, "w") as f:
            f.write("valid-token\n")
        self.send(401, status(401, "Unauthorized", "Unauthorized"))
        return False

    def do_GET(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        p = u.path
        if length := int(self.headers.get("Content-Length", "0") or 0):
            self.rfile.read(length)
        if not self.authorized():
            return
        n = self.count("GET " + p + ("?watch" if "watch" in q else ""))
        if p == "/version":
            return self.send(200, {"major": "1", "minor": "29", "gitVersion": "v1.29.0-stub"})
        if p == "/api":
            return self.send(200, {"kind": "APIVersions", "versions": ["v1"]})
        if p == "/apis":
            return self.send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                 "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]})
        if p == "/api/v1":
            return self.send(200, CORE)
        if p == "/apis/apps/v1":
            return self.send(200, APPS)
        base = "/api/v1/namespaces/default/configmaps"
        if p == base + "/flaky":
            if n <= 2:
                return self.send(503, status(503, "ServiceUnavailable", "etcd is warming up"))
            return self.send(200, cm("flaky", 5))
        if p == base + "/throttled":
            if n == 1:
                return self.send(429, status(429, "TooManyRequests", "slow down"), extra={"Retry-After": "1"})
            return self.send(200, cm("throttled", 6))
        if p == base + "/down":
            return self.send(503, status(503, "ServiceUnavailable", "still down"))
        if p == base + "/html":
            return self.send(502, b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
                             b"<p>upstream  connect error</p></body></html>", "text/html")
        if p == base + "/invalid":
            return self.send(422, status(422, "Invalid", 'ConfigMap "invalid" is invalid',
                                         [{"reason": "FieldValueTooLong", "message": "must have at most 253 bytes",
                                           "field": "metadata.name"}]))
        if p == base and "watch" in q:
            return self.watch(q)
        if p == base:
            # the relist after 410
            return self.send(200, {"kind": "ConfigMapList", "apiVersion": "v1",
                                   "metadata": {"resourceVersion": "20"},
                                   "items": [cm("a", 11), cm("b", 15)]})
        if p == "/api/v1/namespaces/default/pods/p1":
            return self.send(200, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"},
                                   "spec": {"containers": [{"name": "main"}, {"name": "side"}]}})
        if p == "/api/v1/namespaces/default/pods/p1/log":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(("container=%s tail=%s\nline one\nline t" % (
                q.get("container", ["-"])[0], q.get("tailLines", ["-"])[0])).encode())
            time.sleep(0.1)
            self.chunk(b"wo\nlast line without newline")
            self.chunk(b"")
            return
        return self.send(404, status(404, "NotFound", 'the server could not find the requested resource'))

    def watch(self, q):
        rv = q.get("resourceVersion", [""])[0]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if rv == "10":
            ev = json.dumps({"type": "ADDED", "object": cm("a", 11)}).encode() + b"\n"
            self.chunk(ev[:17])           # split inside the line
            time.sleep(0.1)
            self.chunk(ev[17:] + json.dumps({"type": "BOOKMARK", "object": {
                "kind": "ConfigMap", "apiVersion": "v1", "metadata": {"resourceVersion": "12"}}}).encode())
            time.sleep(0.05)
            self.chunk(b"\n")
            self.chunk(json.dumps({"type": "ERROR", "object": status(410, "Expired", "too old resource version: 12 (19)")}).encode() + b"\n")
        elif rv == "20":
            self.chunk(json.dumps({"type": "MODIFIED", "object": cm("b", 21)}).encode() + b"\n")
        elif rv == "21":
            self.chunk(json.dumps({"type": "DELETED", "object": cm("a", 22)}).encode() + b"\n")
            time.sleep(0.2)
        self.chunk(b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if not self.authorized():
            return
        self.count("POST " + urlsplit(self.path).path + " " + body.get("metadata", {}).get("name", ""))
        return self.send(500, status(500, "InternalError", "webhook failed: boom"))


    def do_PATCH(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        self.rfile.read(length)
        if not self.authorized():
            return
        self.count("PATCH " + urlsplit(self.path).path)
        # the apiserver's answer to a conflicting server-side apply
        return self.send(409, status(409, "Conflict",
                                     'Apply failed with 2 conflicts: conflicts with "helm" using apps/v1:\n'
                                     '- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
                                     [{"reason": "FieldManagerConflict", "message": 'conflict with "helm" using apps/v1',
                                       "field": ".spec.replicas"},
                                      {"reason": "FieldManagerConflict", "message": 'conflict with "helm" using apps/v1',
                                       "field": '.spec.template.spec.containers[name="web"].image'}]))


class Server(ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", int(PORT)), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("ready", flush=True)
srv.serve_forever()
