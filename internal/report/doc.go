// Package report renders audits and programme evaluations for people (French
// text tables, self-contained HTML, CSV, SARIF, JSON lines). It may import the
// domain packages; they never import it.
package report
