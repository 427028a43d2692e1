package cli

import "context"

// runVulnDB is replaced by the engine's subcommands.
func runVulnDB(ctx context.Context, env *Env, args []string) error {
	return usagef("« vulndb » : pas encore disponible")
}
