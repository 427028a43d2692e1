// Package probetest provides in-process fake servers for the protocols Debian
// has no convenient daemon for (VNC, MSSQL, MongoDB, HL7 MLLP, Elasticsearch,
// RDP with NLA), for tests only. Each fake speaks just enough of the protocol
// for the probes; they listen on loopback addresses chosen by the test.
package probetest

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"io"
	"math"
	"net"
	"strconv"
	"time"
)

// Handler serves one connection.
type Handler func(c net.Conn)

// Serve listens on addr (e.g. "127.0.0.1:0") and runs h for every
// connection until the listener is closed.
func Serve(addr string, h Handler) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				h(c)
			}()
		}
	}()
	return l, nil
}

// VNC speaks RFB 3.8 and offers the given security types (1 = None).
func VNC(types ...byte) Handler {
	return func(c net.Conn) {
		_, _ = c.Write([]byte("RFB 003.008\n"))
		buf := make([]byte, 12)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		_, _ = c.Write(append([]byte{byte(len(types))}, types...))
		_, _ = c.Read(buf)
	}
}

// MSSQL answers a TDS PRELOGIN with version 15.0.2000 (SQL Server 2019).
func MSSQL(c net.Conn) {
	h := make([]byte, 8)
	if _, err := io.ReadFull(c, h); err != nil || h[0] != 0x12 {
		return
	}
	rest := make([]byte, int(binary.BigEndian.Uint16(h[2:]))-8)
	if _, err := io.ReadFull(c, rest); err != nil {
		return
	}
	body := []byte{0, 0, 11, 0, 6, 1, 0, 17, 0, 1, 0xff, 15, 0, 0x07, 0xd0, 0, 0, 0}
	p := []byte{4, 1, 0, byte(8 + len(body)), 0, 0, 1, 0}
	_, _ = c.Write(append(p, body...))
}

// bson encodes a flat document of string, int32, float64 and bool values,
// and nested documents given as []any.
func bson(kv ...any) []byte {
	b := []byte{0, 0, 0, 0}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			b = append(append(append(b, 0x02), k...), 0)
			b = binary.LittleEndian.AppendUint32(b, uint32(len(v)+1))
			b = append(append(b, v...), 0)
		case int32:
			b = append(append(append(b, 0x10), k...), 0)
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		case float64:
			b = append(append(append(b, 0x01), k...), 0)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		case bool:
			x := byte(0)
			if v {
				x = 1
			}
			b = append(append(append(b, 0x08), k...), 0, x)
		case []any:
			b = append(append(append(b, 0x04), k...), 0)
			b = append(b, bson(v...)...)
		}
	}
	b = append(b, 0)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

// MongoDB answers OP_MSG hello, buildInfo (7.0.14) and listDatabases; with
// auth true, listDatabases needs authentication (code 13).
func MongoDB(auth bool) Handler {
	return func(c net.Conn) {
		for {
			h := make([]byte, 16)
			if _, err := io.ReadFull(c, h); err != nil {
				return
			}
			n := int(binary.LittleEndian.Uint32(h))
			if n < 21 || n > 1<<16 {
				return
			}
			rest := make([]byte, n-16)
			if _, err := io.ReadFull(c, rest); err != nil {
				return
			}
			doc := rest[5:]
			var reply []byte
			switch {
			case bytes.Contains(doc, []byte("hello")):
				reply = bson("isWritablePrimary", true, "maxWireVersion", int32(21), "ok", float64(1))
			case bytes.Contains(doc, []byte("buildInfo")):
				reply = bson("version", "7.0.14", "ok", float64(1))
			case auth:
				reply = bson("ok", float64(0), "errmsg", "command listDatabases requires authentication", "code", int32(13))
			default:
				reply = bson("databases", []any{"0", []any{"name", "pacs"}, "1", []any{"name", "admin"}}, "ok", float64(1))
			}
			msg := make([]byte, 16, 21+len(reply))
			binary.LittleEndian.PutUint32(msg[4:], 99)
			binary.LittleEndian.PutUint32(msg[8:], binary.LittleEndian.Uint32(h[4:]))
			binary.LittleEndian.PutUint32(msg[12:], 2013)
			msg = append(append(msg, 0, 0, 0, 0, 0), reply...)
			binary.LittleEndian.PutUint32(msg, uint32(len(msg)))
			_, _ = c.Write(msg)
		}
	}
}

// readUntil reads until marker or 16 KiB.
func readUntil(c net.Conn, marker []byte) []byte {
	var b []byte
	tmp := make([]byte, 1024)
	for len(b) < 16<<10 && !bytes.Contains(b, marker) {
		n, err := c.Read(tmp)
		b = append(b, tmp[:n]...)
		if err != nil {
			break
		}
	}
	return b
}

// HL7 acknowledges any MLLP-framed message with an ACK from "MIRTH".
func HL7(c net.Conn) {
	b := readUntil(c, []byte{0x1c, '\r'})
	if len(b) == 0 || b[0] != 0x0b {
		return
	}
	_, _ = c.Write([]byte("\x0bMSH|^~\\&|MIRTH|CHU|VIGIE|AUDIT|20261129||ACK^N01|1|P|2.5\rMSA|AA|VIGIE0001\r\x1c\r"))
}

// Elasticsearch answers GET / (7.10.2) and GET /_cat/indices (2 indices).
func Elasticsearch(c net.Conn) {
	b := readUntil(c, []byte("\r\n\r\n"))
	body := `{"name":"node-1","cluster_name":"pacs-logs","version":{"number":"7.10.2"},"tagline":"You Know, for Search"}`
	if bytes.Contains(b, []byte("_cat/indices")) {
		body = "patients\ncomptes-rendus\n"
	}
	_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body))
}

// RDP answers an X.224 Connection Request selecting protocol selected
// (0 standard security, 1 TLS, 2 CredSSP/NLA).
func RDP(selected uint32) Handler {
	return func(c net.Conn) {
		b := make([]byte, 19)
		if _, err := io.ReadFull(c, b); err != nil {
			return
		}
		resp := []byte{3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 0, 0, 0, 0}
		binary.LittleEndian.PutUint32(resp[15:], selected)
		_, _ = c.Write(resp)
	}
}

// ServeTLS is Serve behind TLS with the given certificate.
func ServeTLS(addr string, cert tls.Certificate, h Handler) (net.Listener, error) {
	l, err := tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				h(c)
			}()
		}
	}()
	return l, nil
}
