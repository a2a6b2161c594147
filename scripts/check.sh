#!/usr/bin/env bash
# `npm run check`: the slower checks that stay out of `npm test`'s 30-second budget.
# .ci/run runs it after `npm test`. Each check is one line below, prints its own result
# and fails the run on a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CI tools that run without npm (Node strips their types) must use erasable syntax only.
npx tsc --noEmit --strict --erasableSyntaxOnly --target es2022 --module nodenext --moduleResolution nodenext \
  --types node --skipLibCheck scripts/ci/redact-plan.ts scripts/pr-comment.ts && echo "check: CI tools are erasable TypeScript"
# Shell scripts parse.
for f in scripts/ci/*.sh; do bash -n "$f"; done && echo "check: scripts/ci/*.sh parse"
# The packed library installed into examples/consumer, type-checked and synthesized.
node scripts/check-consumer.mjs

# Every ChatPlatform feature combination (npm test runs a pairwise subset; see __tests__/combinations).
COMBINATIONS=all npx jest __tests__/combinations

# The terminal path through the cdktf CLI (edited config, bad config, --hcl after JSON).
node scripts/check-cli.mjs

echo "check: all passed"
