package probe

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

// webFetcher performs each distinct request once per port, a few at a time.
type webFetcher struct {
	ctx    context.Context
	t      Target
	useTLS bool
	mu     sync.Mutex
	pages  map[string]*HTTPPage
}

const webParallel = 4

// fetch performs the requests not done yet.
func (f *webFetcher) fetch(reqs map[string]*WebCheck, base map[string]string) {
	sem := make(chan struct{}, webParallel)
	var wg sync.WaitGroup
	for key, c := range reqs {
		f.mu.Lock()
		_, done := f.pages[key]
		f.mu.Unlock()
		if done {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(key string, c *WebCheck, path string) {
			defer wg.Done()
			defer func() { <-sem }()
			p, err := request(f.ctx, f.t, f.useTLS, c.Method, path, c.Headers)
			if err != nil {
				p = nil
			}
			f.mu.Lock()
			f.pages[key] = p
			f.mu.Unlock()
		}(key, c, strings.ReplaceAll(c.Path, "{base}", base[key]))
	}
	wg.Wait()
}

func (f *webFetcher) page(key string) *HTTPPage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pages[key]
}

// webHit is one application recognised on a port.
type webHit struct {
	app   *WebApp
	check *WebCheck
	base  string
	page  *HTTPPage
}

// apply recognises the applications behind a web server whose answer to
// GET / is root, then checks what an anonymous visitor reaches; it adds the
// observations to r and names the product (and service) found.
func (w *WebApps) apply(ctx context.Context, t Target, useTLS bool, root *HTTPPage, r *Result) {
	if w == nil || len(w.Apps) == 0 {
		return
	}
	f := &webFetcher{ctx: ctx, t: t, useTLS: useTLS, pages: map[string]*HTTPPage{"GET /": root}}
	reqs := map[string]*WebCheck{}
	for i := range w.Apps {
		for j := range w.Apps[i].Detect {
			c := &w.Apps[i].Detect[j]
			reqs[c.key("")] = c
		}
	}
	f.fetch(reqs, nil)
	var hits []webHit
	for i := range w.Apps {
		a := &w.Apps[i]
		for j := range a.Detect {
			c := &a.Detect[j]
			if p := f.page(c.key("")); c.Holds(p) {
				hits = append(hits, webHit{app: a, check: c, base: c.Base, page: p})
				break
			}
		}
	}
	if len(hits) == 0 {
		return
	}
	reqs = map[string]*WebCheck{}
	bases := map[string]string{}
	for _, h := range hits {
		for j := range h.app.Access {
			c := &h.app.Access[j]
			reqs[c.key(h.base)] = c
			bases[c.key(h.base)] = h.base
		}
	}
	f.fetch(reqs, bases)
	first := true
	for _, h := range hits {
		product := h.app.Product
		if v := h.check.ProductFrom.value(h.page, false); v != "" {
			product = v
		}
		version := h.check.Version.value(h.page, false)
		if first {
			r.Product, r.Version = product, version
			if h.app.Service != "" {
				r.Service = h.app.Service
			}
			first = false
		}
		path := strings.ReplaceAll(h.check.Path, "{base}", h.base)
		r.observe(h.check.Class, exposure.Confirmed, fillEvidence(h.check.Evidence, path, "", version, product))
		obs := &r.Observations[len(r.Observations)-1]
		obs.Product, obs.Version = product, version
		for j := range h.app.Access {
			c := &h.app.Access[j]
			p := f.page(c.key(h.base))
			if !c.Holds(p) {
				continue
			}
			path := strings.ReplaceAll(c.Path, "{base}", h.base)
			r.observe(c.Class, exposure.Confirmed, fillEvidence(c.Evidence, path, c.Count.value(p, true), version, product))
			obs := &r.Observations[len(r.Observations)-1]
			obs.Product, obs.Version = product, version
		}
	}
}

// countNoun is a count with its noun in both forms: {count:patient|patients}.
var countNoun = regexp.MustCompile(`\{count:([^|{}]*)\|([^{}]*)\}`)

// fillEvidence replaces the placeholders of a fingerprint's evidence;
// {count:patient|patients} writes the count with its noun agreed.
func fillEvidence(tpl, path, count, version, product string) string {
	if count == "" {
		count = "?"
	}
	if version == "" {
		version = "inconnue"
	}
	if strings.Contains(tpl, "{count:") {
		tpl = countNoun.ReplaceAllStringFunc(tpl, func(m string) string {
			sub := countNoun.FindStringSubmatch(m)
			if n, err := strconv.Atoi(count); err == nil {
				return french.Plural(n, sub[1], sub[2])
			}
			return count + " " + sub[2]
		})
	}
	return strings.NewReplacer("{path}", path, "{count}", count, "{version}", version, "{product}", product).Replace(tpl)
}
