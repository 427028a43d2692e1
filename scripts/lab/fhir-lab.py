#!/usr/bin/env python3
"""FHIR-like endpoint for Vigie's exposure lab (no Debian package ships a FHIR
server). It answers like an HL7 FHIR R4 server under /fhir: the capability
statement (/fhir/metadata) is public; Patient searches return one fictitious
patient on the "open" ports and ask for a bearer token on the "token" ports.

    fhir-lab.py ADDRESS OPEN_PORTS TOKEN_PORTS     (ports comma-separated)

Standard library only; loopback addresses only; runs until killed.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CAPABILITY = {
    "resourceType": "CapabilityStatement",
    "status": "active",
    "date": "2026-01-15",
    "kind": "instance",
    "fhirVersion": "4.0.1",
    "format": ["application/fhir+json"],
    "software": {"name": "Serveur FHIR du laboratoire Vigie", "version": "1.0.0"},
    "rest": [{"mode": "server", "resource": [{"type": "Patient", "interaction": [{"code": "search-type"}]}]}],
}

PATIENT = {
    "resourceType": "Patient",
    "id": "lab-0001",
    "name": [{"family": "FICTIF", "given": ["Patient"]}],
    "birthDate": "1970-01-01",
}


def handler(open_access):
    class Handler(BaseHTTPRequestHandler):
        server_version = "FHIR-Lab/1.0"

        def log_message(self, *args):
            pass

        def send_json(self, status, doc, extra=None):
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in ("/fhir/metadata", "/fhir/metadata/"):
                self.send_json(200, CAPABILITY)
            elif path in ("/fhir/Patient", "/fhir/Patient/"):
                if not open_access:
                    self.send_json(401, {"resourceType": "OperationOutcome", "issue": [
                        {"severity": "error", "code": "login", "diagnostics": "authentification requise"}]},
                        {"WWW-Authenticate": 'Bearer realm="fhir"'})
                    return
                self.send_json(200, {"resourceType": "Bundle", "type": "searchset", "total": 1,
                                     "entry": [{"resource": PATIENT}]})
            elif path == "/":
                body = b"<html><head><title>Passerelle FHIR</title></head><body>FHIR</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_json(404, {"resourceType": "OperationOutcome", "issue": [
                    {"severity": "error", "code": "not-found"}]})

    return Handler


def main():
    addr = sys.argv[1]
    servers = []
    for spec, open_access in ((sys.argv[2], True), (sys.argv[3], False)):
        for port in filter(None, spec.split(",")):
            servers.append(ThreadingHTTPServer((addr, int(port)), handler(open_access)))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
