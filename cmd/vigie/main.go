// Command vigie audits Active Directory and internet exposure for French health
// establishments and tracks the CaRE Domain 1 programme objectives.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"vigie/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.StdEnv())
	stop()
	os.Exit(code)
}
