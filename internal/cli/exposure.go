package cli

import "context"

// runExposure is replaced by the engine's subcommands.
func runExposure(ctx context.Context, env *Env, args []string) error {
	return usagef("« exposure » : pas encore disponible")
}
