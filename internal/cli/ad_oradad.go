package cli

import (
	"context"
	"flag"
	"fmt"

	"vigie/internal/ad/oradad"
)

// adImportORADAD implements « vigie ad import-oradad DOSSIER -o INSTANTANÉ ».
func adImportORADAD(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("vigie ad import-oradad", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	out := fs.String("o", "", "fichier instantané à écrire (obligatoire)")
	fs.Usage = adUsageFunc(env, fs, "vigie ad import-oradad DOSSIER_ORADAD -o INSTANTANÉ")
	pos, err := adParse(fs, args)
	if err != nil {
		return adDone(err)
	}
	if len(pos) != 1 {
		return usagef("usage : vigie ad import-oradad DOSSIER_ORADAD -o INSTANTANÉ")
	}
	if *out == "" {
		return usagef("vigie ad import-oradad : -o FICHIER est obligatoire (instantané à écrire)")
	}
	sum, err := oradad.Convert(ctx, pos[0], *out)
	if err != nil {
		if oradad.IsInput(err) {
			return inputErr(err)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "Instantané écrit : %s\n", *out)
	fmt.Fprintf(env.Stdout, "  Extraction ORADAD : %s", sum.Dir)
	if sum.Version != "" {
		fmt.Fprintf(env.Stdout, " (ORADAD %s)", sum.Version)
	}
	fmt.Fprintln(env.Stdout)
	fmt.Fprintf(env.Stdout, "  Forêt : %s\n", sum.Forest)
	fmt.Fprintf(env.Stdout, "  Tables lues : %d\n", sum.Tables)
	fmt.Fprintf(env.Stdout, "  Objets : %d\n", sum.Objects)
	fmt.Fprintf(env.Stdout, "  Éléments non convertis : %d\n", sum.Gaps)
	if sum.Sysvol != nil {
		fmt.Fprintf(env.Stdout, "  SYSVOL : %s\n", sysvolSummary(sum.Sysvol))
	} else {
		fmt.Fprintln(env.Stdout, "  SYSVOL : absent de l'extraction (process_sysvol=0) : avertissements du SYSVOL non évalués")
	}
	return nil
}
