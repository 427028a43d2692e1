package cli

import (
	"context"
	"flag"
	"fmt"

	"vigie/internal/ad/forestmerge"
)

// adMerge implements « vigie ad merge INSTANTANÉ... -o FORÊT »: one
// snapshot per domain of a forest whose domains one collector cannot all
// reach, combined into the forest's.
func adMerge(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("vigie ad merge", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	out := fs.String("o", "", "instantané de la forêt à écrire (obligatoire)")
	fs.Usage = adUsageFunc(env, fs, "vigie ad merge INSTANTANÉ INSTANTANÉ... -o INSTANTANÉ_FORÊT")
	pos, err := adParse(fs, args)
	if err != nil {
		return adDone(err)
	}
	if len(pos) < 2 {
		return usagef("usage : vigie ad merge INSTANTANÉ INSTANTANÉ... -o INSTANTANÉ_FORÊT (un instantané collecté depuis un DC de chaque domaine)")
	}
	if *out == "" {
		return usagef("vigie ad merge : -o FICHIER est obligatoire (instantané de la forêt à écrire)")
	}
	sum, err := forestmerge.Merge(ctx, pos, *out)
	if err != nil {
		if forestmerge.IsInput(err) {
			return inputErr(err)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "Instantané de la forêt écrit : %s\n", *out)
	fmt.Fprintf(env.Stdout, "  Forêt : %s (racine collectée dans %s)\n", sum.Forest, sum.Root)
	for _, p := range sum.Parts {
		fmt.Fprintf(env.Stdout, "  %s (%s) : %s\n", p.DN, p.Kind, p.From)
	}
	fmt.Fprintf(env.Stdout, "  Objets : %d\n", sum.Objects)
	fmt.Fprintf(env.Stdout, "  Éléments non collectés : %d\n", sum.Gaps)
	return nil
}
