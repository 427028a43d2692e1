package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vigie/internal/exposure"
	"vigie/internal/french"
)

// ExposureTable writes the audit as a French text report: the perimeter,
// the D1.O2.B verdict on this audit, counts by severity, then one line per
// finding, most serious first.
func ExposureTable(w io.Writer, a *exposure.Audit) error {
	b := &strings.Builder{}
	c := countsOf(a)
	fmt.Fprintf(b, "Audit d'exposition internet — fin du scan : %s\n", frenchDateTime(a.FinishedAt))
	fmt.Fprintf(b, "Périmètre : %s — couverture complète : %s\n", perimeterLine(a.Perimeter), ouiNon(a.Complete))
	ports := 0
	for _, h := range a.Hosts {
		ports += len(h.Ports)
	}
	fmt.Fprintf(b, "Hôtes répondants : %d, ports ouverts : %d\n", len(a.Hosts), ports)
	fmt.Fprintf(b, "Aucune vulnérabilité critique (D1.O2.B, cet audit) : %s\n", ouiNon(c.Critical == 0))
	fmt.Fprintf(b, "Vulnérabilités : %s, %s, %s, %s, %d info\n\n",
		french.Plural(c.Critical, "critique", "critiques"), french.Plural(c.High, "élevée", "élevées"),
		french.Plural(c.Medium, "moyenne", "moyennes"), french.Plural(c.Low, "faible", "faibles"), c.Info)
	if len(a.Findings) == 0 {
		b.WriteString("Aucune constatation.\n")
	} else {
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SÉVÉRITÉ\tCONFIANCE\tCIBLE\tCONTRÔLE\tTITRE")
		for _, f := range sortedFindings(a.Findings) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity.French(), confidenceFR(f.Confidence), target(f), f.ID, oneLine(f.Title))
		}
		tw.Flush()
	}
	if len(a.Candidates) > 0 {
		fmt.Fprintf(b, "\nAdresses découvertes hors périmètre, non scannées (à confirmer) : %d\n", len(a.Candidates))
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, cd := range a.Candidates {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", cd.Address, cd.Name, oneLine(cd.Why))
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// DeltaTable writes a comparison of two audits in French.
func DeltaTable(w io.Writer, prev, cur *exposure.Audit, d exposure.Delta) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Comparaison : audit du %s → audit du %s\n", frenchDateTime(prev.FinishedAt), frenchDateTime(cur.FinishedAt))
	fmt.Fprintf(b, "Nouvelles : %d, corrigées : %d, toujours présentes : %d\n", len(d.New), len(d.Fixed), len(d.StillOpen))
	sections := []struct {
		title string
		fs    []exposure.Finding
	}{{"Nouvelles", d.New}, {"Corrigées", d.Fixed}, {"Toujours présentes", d.StillOpen}}
	for _, s := range sections {
		if len(s.fs) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s :\n", s.title)
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, f := range s.fs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Severity.French(), target(f), f.ID, oneLine(f.Title))
		}
		tw.Flush()
	}
	if len(d.Changed) > 0 {
		b.WriteString("\nSévérité modifiée :\n")
		for _, ch := range d.Changed {
			fmt.Fprintf(b, "  %s : %s → %s\n", ch.Key, ch.Before.French(), ch.After.French())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func perimeterLine(p exposure.Perimeter) string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, french.Plural(n, one, many))
		}
	}
	add(len(p.Domains), "domaine", "domaines")
	add(len(p.Hosts), "hôte", "hôtes")
	add(len(p.Networks), "réseau", "réseaux")
	add(len(p.ASNs), "ASN", "ASN")
	if len(parts) == 0 {
		return "non déclaré"
	}
	return strings.Join(parts, ", ")
}

func ouiNon(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
