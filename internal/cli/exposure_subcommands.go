package cli

import "context"

// exposureSubcommand is one « vigie exposure » subcommand.
type exposureSubcommand struct {
	name, summary string
	run           func(ctx context.Context, env *Env, args []string) error
}

// exposureSubcommands lists the « vigie exposure » subcommands.
func exposureSubcommands() []exposureSubcommand {
	return []exposureSubcommand{
		{"scan", "auditer le périmètre : ports, services, constats", exposureScan},
		{"diff", "comparer deux audits (nouveaux, corrigés, persistants)", exposureDiff},
		{"opssies", "produire le fichier OPSSIES CaRE D1 d'un audit", exposureOpssies},
		{"report", "rapport d'un audit (HTML, CSV, SARIF, JSONL)", exposureReport},
	}
}
