package probe

import "regexp"

// productPattern names the product a banner announces; the first submatch,
// when there is one, is the version.
type productPattern struct {
	re      *regexp.Regexp
	product string
}

// matchProduct returns the product and version of the first pattern that
// matches the banner, or empty strings.
func matchProduct(patterns []productPattern, banner string) (product, version string) {
	for _, p := range patterns {
		if m := p.re.FindStringSubmatch(banner); m != nil {
			if len(m) > 1 {
				version = m[1]
			}
			return p.product, version
		}
	}
	return "", ""
}
