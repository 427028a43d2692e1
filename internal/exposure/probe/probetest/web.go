package probetest

import (
	"io"
	"log"
	"net"
	"net/http"
	"strings"
)

// ServeHTTP listens on addr and serves h (for the web application fakes).
func ServeHTTP(addr string, h http.Handler) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(l) }()
	return l, nil
}

func writeJSON(w http.ResponseWriter, status int, ctype, body string) {
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// Orthanc answers like Orthanc's REST API: /system and /patients readable
// anonymously (open) or behind HTTP Basic authentication, plus the
// DICOMweb plugin's study search when open.
func Orthanc(open bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !open {
			w.Header().Set("WWW-Authenticate", `Basic realm="Orthanc Secure Area"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/":
			http.Redirect(w, r, "app/explorer.html", http.StatusMovedPermanently)
		case "/system":
			writeJSON(w, 200, "application/json", `{"ApiVersion": 18, "DicomAet": "ORTHANC", "DicomPort": 4242, "Name": "PACS du CHU", "Version": "1.12.4"}`)
		case "/patients", "/studies":
			writeJSON(w, 200, "application/json", `["0946fcb6-cf12ab43-bad958c1-bf057ad5-0fc6f54c", "6816cb19-844d3ee8-9f4e1ec6-4f1d2a5e-3a12bd0e"]`)
		case "/dicom-web/studies":
			writeJSON(w, 200, "application/dicom+json", `[{"0020000D": {"vr": "UI", "Value": ["1.2.3"]}}]`)
		default:
			http.NotFound(w, r)
		}
	})
}

// FHIR answers like an HL7 FHIR R4 server under /fhir: a public capability
// statement, and a Patient search that is open or asks for a token.
func FHIR(open bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/fhir/metadata":
			writeJSON(w, 200, "application/fhir+json", `{"resourceType": "CapabilityStatement", "status": "active", "fhirVersion": "4.0.1", "software": {"name": "HAPI FHIR Server", "version": "7.4.0"}}`)
		case "/fhir/Patient":
			if !open {
				w.Header().Set("WWW-Authenticate", `Bearer realm="fhir"`)
				writeJSON(w, 401, "application/fhir+json", `{"resourceType": "OperationOutcome"}`)
				return
			}
			writeJSON(w, 200, "application/fhir+json", `{"resourceType": "Bundle", "type": "searchset", "total": 1542, "entry": [{"resource": {"resourceType": "Patient", "id": "1"}}]}`)
		default:
			writeJSON(w, 404, "application/fhir+json", `{"resourceType": "OperationOutcome"}`)
		}
	})
}

// WinRM answers like Windows Remote Management over HTTP (HTTP.sys).
func WinRM() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "Microsoft-HTTPAPI/2.0")
		if r.URL.Path == "/wsman" && r.Method == http.MethodPost {
			w.Header().Add("WWW-Authenticate", "Negotiate")
			w.Header().Add("WWW-Authenticate", "Kerberos")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	})
}

// Edge answers like the web portal of an edge device: "fortinet" (FortiGate
// SSL VPN) or "owa" (Exchange Outlook Web App, build 15.1.2176.2).
func Edge(kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case kind == "fortinet" && r.URL.Path == "/":
			http.Redirect(w, r, "/remote/login?lang=en", http.StatusFound)
		case kind == "owa" && strings.HasPrefix(r.URL.Path, "/owa"):
			w.Header().Set("X-OWA-Version", "15.1.2176.2")
			http.Redirect(w, r, "/owa/auth/logon.aspx?url=https%3a%2f%2fmail%2fowa%2f&reason=0", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
}
