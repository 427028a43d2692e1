package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"text/tabwriter"
	"time"

	"vigie/internal/exposure/vulndb"
	"vigie/internal/french"
)

const (
	vulndbUpdateUsage = "vulndb update [--url URL | --from FICHIER] [--data DOSSIER] [--timeout 60s]"
	vulndbStatusUsage = "vulndb status [--data DOSSIER] [--format table|json]"
	vulndbCheckUsage  = "vulndb check PRODUIT VERSION [--data DOSSIER] [--format table|json]"
)

// runVulnDB dispatches « vigie vulndb update|status ».
func runVulnDB(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprintln(env.Stdout, "Usage : vigie vulndb SOUS-COMMANDE [options]\n\nSous-commandes :")
		fmt.Fprintln(env.Stdout, "  update   télécharger (ou importer avec --from) le catalogue KEV de la CISA")
		fmt.Fprintln(env.Stdout, "  status   état de la base locale de vulnérabilités")
		fmt.Fprintln(env.Stdout, "  check    vulnérabilités connues d'un produit à une version (ex. : check OpenSSH 9.2p1)")
		if len(args) == 0 {
			return ExitStatus(2)
		}
		return nil
	}
	switch args[0] {
	case "update":
		return vulndbUpdate(ctx, env, args[1:])
	case "status":
		return vulndbStatus(env, args[1:])
	case "check":
		return vulndbCheck(env, args[1:])
	}
	return usagef("vulndb : sous-commande inconnue %q (voir « vigie vulndb -h »)", args[0])
}

// vulndbDir resolves --data or the default user data directory.
func vulndbDir(env *Env, flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	d, err := vulndb.DefaultDir(env.Getenv)
	if err != nil {
		return "", usagef("%s", err)
	}
	return d, nil
}

func vulndbUpdate(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "vulndb update", vulndbUpdateUsage)
	url := fs.String("url", vulndb.DefaultURL, "adresse du flux KEV au format JSON de la CISA")
	from := fs.String("from", "", "importer ce fichier KEV (hors ligne) au lieu de télécharger")
	data := fs.String("data", "", "dossier de la base (défaut : $XDG_DATA_HOME/vigie/vulndb)")
	timeout := fs.Duration("timeout", 60*time.Second, "délai maximal du téléchargement")
	pos, err := parse(env, fs, vulndbUpdateUsage, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("vulndb update : argument inattendu %q", pos[0])
	}
	urlSet := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "url" {
			urlSet = true
		}
	})
	if *from != "" && urlSet {
		return usagef("vulndb update : --from et --url sont incompatibles")
	}
	dir, err := vulndbDir(env, *data)
	if err != nil {
		return err
	}
	var feed []byte
	source := *from
	if *from != "" {
		f, err := os.Open(*from)
		if err != nil {
			return inputErr(fmt.Errorf("fichier KEV : %w", err))
		}
		feed, err = vulndb.ReadFeed(f)
		f.Close()
		if err != nil {
			return inputErr(fmt.Errorf("fichier KEV %s : %w", *from, err))
		}
	} else {
		source = *url
		client := &http.Client{Timeout: *timeout}
		if feed, err = vulndb.Fetch(ctx, client, *url); err != nil {
			return fmt.Errorf("%w (sans accès à internet, utilisez « vigie vulndb update --from FICHIER »)", err)
		}
	}
	c, err := vulndb.Install(dir, feed, source, env.Now())
	if err != nil {
		if *from != "" {
			return inputErr(fmt.Errorf("%s : %w", *from, err))
		}
		return fmt.Errorf("flux reçu de %s : %w", *url, err)
	}
	fmt.Fprintf(env.Stdout, "Catalogue KEV %s (publié le %s) installé : %d vulnérabilités activement exploitées, dans %s\n",
		c.CatalogVersion, c.DateReleased.Format("02/01/2006"), len(c.Vulnerabilities), dir)
	return nil
}

// vulndbStatusJSON is the machine form of « vulndb status ».
type vulndbStatusJSON struct {
	Dir            string     `json:"dir"`
	KEVInstalled   bool       `json:"kev_installed"`
	CatalogVersion string     `json:"catalog_version,omitempty"`
	DateReleased   *time.Time `json:"date_released,omitempty"`
	KEVCount       int        `json:"kev_count"`
	Source         string     `json:"source,omitempty"`
	ImportedAt     *time.Time `json:"imported_at,omitempty"`
	RangesVersion  string     `json:"ranges_version"`
	Products       int        `json:"products"`
	CVEs           int        `json:"cves"`
	CVEsInKEV      int        `json:"cves_in_kev"`
}

func vulndbStatus(env *Env, args []string) error {
	fs := newFlags(env, "vulndb status", vulndbStatusUsage)
	data := fs.String("data", "", "dossier de la base (défaut : $XDG_DATA_HOME/vigie/vulndb)")
	format := fs.String("format", "table", "format : table ou json")
	pos, err := parse(env, fs, vulndbStatusUsage, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("vulndb status : argument inattendu %q", pos[0])
	}
	if err := oneOf("format", *format, "table", "json"); err != nil {
		return err
	}
	dir, err := vulndbDir(env, *data)
	if err != nil {
		return err
	}
	st, err := vulndb.ReadStatus(dir)
	if err != nil {
		return err
	}
	if *format == "json" {
		out := vulndbStatusJSON{
			Dir: st.Dir, KEVInstalled: st.Installed, CatalogVersion: st.CatalogVersion, KEVCount: st.KEVCount,
			Source: st.Meta.Source, RangesVersion: st.RangesVersion, Products: st.Products, CVEs: st.CVEs, CVEsInKEV: st.CVEsInKEV,
		}
		if st.Installed {
			out.DateReleased = &st.DateReleased
			if !st.Meta.ImportedAt.IsZero() {
				out.ImportedAt = &st.Meta.ImportedAt
			}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := env.Stdout
	fmt.Fprintf(w, "Base de vulnérabilités : %s\n", st.Dir)
	if st.Installed {
		fmt.Fprintf(w, "Catalogue KEV (CISA) : version %s, publié le %s, %d vulnérabilités\n",
			st.CatalogVersion, st.DateReleased.Format("02/01/2006"), st.KEVCount)
		if st.Meta.Source != "" {
			fmt.Fprintf(w, "Importé le %s depuis %s\n", st.Meta.ImportedAt.In(zoneOf(env)).Format("02/01/2006 à 15:04"), st.Meta.Source)
		}
		if age := env.Now().Sub(st.DateReleased); age > 30*24*time.Hour {
			fmt.Fprintf(w, "Attention : catalogue vieux de %d jours, lancez « vigie vulndb update ».\n", int(age.Hours()/24))
		}
	} else {
		fmt.Fprintln(w, "Catalogue KEV (CISA) : non installé — lancez « vigie vulndb update » (ou --from FICHIER hors ligne)")
	}
	fmt.Fprintf(w, "Intervalles de versions intégrés : version %s, %d produits, %d CVE (dont %d au catalogue KEV installé)\n",
		st.RangesVersion, st.Products, st.CVEs, st.CVEsInKEV)
	return nil
}

// vulndbCheck prints the known vulnerabilities of a product version.
func vulndbCheck(env *Env, args []string) error {
	fs := newFlags(env, "vulndb check", vulndbCheckUsage)
	data := fs.String("data", "", "dossier de la base (défaut : $XDG_DATA_HOME/vigie/vulndb)")
	format := fs.String("format", "table", "format : table ou json")
	pos, err := parse(env, fs, vulndbCheckUsage, args)
	if err != nil {
		return err
	}
	if err := oneOf("format", *format, "table", "json"); err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("vulndb check : produit et version attendus ; usage : vigie %s", vulndbCheckUsage)
	}
	dir, err := vulndbDir(env, *data)
	if err != nil {
		return err
	}
	db, err := vulndb.Open(dir)
	if err != nil {
		return err
	}
	vs, err := db.MatchVersion(pos[0], pos[1])
	if err != nil {
		return inputErr(fmt.Errorf("vulndb check : %w", err))
	}
	if *format == "json" {
		if vs == nil {
			vs = []vulndb.Vuln{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(vs)
	}
	if len(vs) == 0 {
		fmt.Fprintf(env.Stdout, "%s %s : aucune vulnérabilité connue dans la base locale (produit reconnu : %s).\n", pos[0], pos[1], ouiNon(db.Knows(pos[0])))
		return nil
	}
	fmt.Fprintf(env.Stdout, "%s %s : %s — %s\n\n", pos[0], pos[1], french.Plural(len(vs), "vulnérabilité connue", "vulnérabilités connues"), vulndb.VersionOnlyLabel)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CVE\tSÉVÉRITÉ\tCVSS\tKEV\tCORRIGÉ EN\tTITRE")
	for _, v := range vs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.CVE, v.Severity.French(), french.Fixed(v.CVSS, 1), ouiNon(v.KEV), v.Fixed, v.Title)
	}
	return tw.Flush()
}
