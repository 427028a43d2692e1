package cli

import "context"

func runImport(ctx context.Context, env *Env, args []string) error {
	return usagef("pas encore disponible")
}
func runStatus(ctx context.Context, env *Env, args []string) error {
	return usagef("pas encore disponible")
}
func runDue(ctx context.Context, env *Env, args []string) error {
	return usagef("pas encore disponible")
}
func runFiness(ctx context.Context, env *Env, args []string) error {
	return usagef("pas encore disponible")
}
