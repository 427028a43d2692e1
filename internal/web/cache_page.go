package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// cacheBodyMax bounds the cached responses (dashboards are the big ones).
const cacheBodyMax = 128

// cachedBody is a response kept in the cache: status, headers and bytes.
type cachedBody struct {
	status int
	header http.Header // every header the rendering set (its type among them)
	body   []byte
}

// captureWriter records what a handler writes instead of sending it.
type captureWriter struct {
	h      http.Header
	status int
	buf    bytes.Buffer
}

// Header returns the recorded headers.
func (c *captureWriter) Header() http.Header { return c.h }

// WriteHeader records the status.
func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

// Write records body bytes.
func (c *captureWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.buf.Write(p)
}

// cachedResponse answers from the response cache under key, or runs fill
// on a recorder and caches its answer when it is a 200. key must hold
// every input of the response: the data key of cachedEvaluation (which
// names the data version) and whatever the request adds (view, user,
// form token). What fill reads outside the facts is read after the data
// version, hence never older than it.
func (s *Server) cachedResponse(w http.ResponseWriter, r *http.Request, key string, fill func(w http.ResponseWriter) error) error {
	s.cache.init()
	if x, ok := s.cache.bodies.get(key); ok {
		x.(*cachedBody).send(w)
		return nil
	}
	// Concurrent misses of one page share one rendering.
	x, err := s.cache.shared(r.Context(), "body\x00"+key, func() (any, error) {
		rec := &captureWriter{h: http.Header{}}
		if err := fill(rec); err != nil {
			return nil, err
		}
		cb := &cachedBody{status: rec.status, header: rec.h, body: rec.buf.Bytes()}
		if cb.status == 0 {
			cb.status = http.StatusOK
		}
		if cb.status == http.StatusOK {
			s.cache.bodies.put(key, cb)
		}
		return cb, nil
	})
	if err != nil {
		return err
	}
	x.(*cachedBody).send(w)
	return nil
}

// send writes the response.
func (cb *cachedBody) send(w http.ResponseWriter) {
	for k, v := range cb.header {
		w.Header()[k] = slices.Clone(v)
	}
	// A known length: the body goes out in one write, not in chunks.
	w.Header().Set("Content-Length", strconv.Itoa(len(cb.body)))
	w.WriteHeader(cb.status)
	w.Write(cb.body)
}

// viewKey identifies what part of a dossier a view shows.
func viewKey(v *view) string {
	if !v.Partial() {
		return "*"
	}
	var ids []string
	for f := range v.only {
		ids = append(ids, string(f))
	}
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

// requestKey identifies the viewer of a response: account, role and
// scope, and the session's form token embedded in pages.
func requestKey(rq *request) string {
	return fmt.Sprintf("%+v\x00%s", *rq.p, rq.csrf)
}
