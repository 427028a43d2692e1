#!/usr/bin/env bash
# Evaluate a generated national-scale set (3,000 establishments, two years of
# audits) with the programme engine; prints ns/op and allocations.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/care/ -run '^$' -bench EvaluateNational -benchmem -count "${COUNT:-5}"
