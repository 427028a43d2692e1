package cli

import (
	"context"

	"vigie/internal/ad"
	"vigie/internal/ad/ldapcollect"
)

// adEngineCommands returns the subcommands backed by the analysis engine.
func adEngineCommands() []adCommand {
	return []adCommand{
		{"analyze", "analyser un instantané (points de contrôle ANSSI, niveau)", adAnalyze},
		{"diff", "comparer deux audits", adDiff},
	}
}

// adAnalyzeSnapshot analyses a snapshot file with « vigie ad analyze » options.
func adAnalyzeSnapshot(ctx context.Context, env *Env, snapshotPath string, analyzeArgs []string) error {
	return adAnalyze(ctx, env, append(append([]string(nil), analyzeArgs...), "--", snapshotPath))
}

// AuditReport collects the forest described by cfg into a temporary
// snapshot, analyses it and returns the report: the application layer stores
// it (« vigie ad audit --save »). The snapshot is deleted afterwards.
func AuditReport(ctx context.Context, env *Env, cfg ldapcollect.Config, opts ldapcollect.Options, aopts ad.Options) (*ad.Report, error) {
	path, cleanup, err := AuditCollect(ctx, env, cfg, opts)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	return adAnalyzeFile(ctx, path, aopts)
}
