package cli

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"text/tabwriter"

	"vigie/internal/exposure"
	"vigie/internal/exposure/scan"
	"vigie/internal/french"
)

// writeScanOutput renders the audit to -o or stdout: the formats shared with
// « exposure report » (renderExposure), plus, for the table, the list of
// identified services.
func writeScanOutput(env *Env, path, format string, r *scan.Result) error {
	w, closeOut, err := openOutput(env, path)
	if err != nil {
		return err
	}
	err = renderExposure(w, r.Audit, format)
	if err == nil && (format == "" || format == "table") {
		err = writeServicesTable(w, r.Audit)
	}
	if cerr := closeOut(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("écriture du résultat : %w", err)
	}
	return nil
}

// printUnidentified tells, at the end of a scan, which open ports no probe
// recognised and why (silence, unknown bytes, TLS failure, time budget).
func printUnidentified(env *Env, us []scan.Unidentified) {
	if len(us) == 0 {
		return
	}
	fmt.Fprintf(env.Stderr, "\n%s sans service identifié :\n", french.Plural(len(us), "port ouvert", "ports ouverts"))
	for _, u := range us {
		where := net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
		if u.Service != "" {
			where += " (" + u.Service + ")"
		}
		fmt.Fprintf(env.Stderr, "  %s : %s\n", where, u.Why)
	}
}

// writeServicesTable lists every open port with what answered on it.
func writeServicesTable(w io.Writer, a *exposure.Audit) error {
	open := 0
	for _, h := range a.Hosts {
		open += len(h.Ports)
	}
	if open == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nServices identifiés :")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HÔTE\tPORT\tSERVICE\tPRODUIT\tVERSION\tBANNIÈRE")
	for _, h := range a.Hosts {
		for _, p := range h.Ports {
			fmt.Fprintf(tw, "%s\t%d/%s\t%s\t%s\t%s\t%s\n", h.Address, p.Port, p.Proto, dash(p.Service), dash(p.Product), dash(p.Version), truncate(p.Banner, 70))
		}
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ouiNon prints a boolean in French.
func ouiNon(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}
