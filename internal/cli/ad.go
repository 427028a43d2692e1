package cli

import "context"

// runAD is replaced by the engine's subcommands.
func runAD(ctx context.Context, env *Env, args []string) error {
	return usagef("« ad » : pas encore disponible")
}
