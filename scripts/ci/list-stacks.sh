#!/usr/bin/env bash
# The stacks the deploy workflow deploys, as a JSON array on $GITHUB_OUTPUT (`stacks=[...]`)
# and stdout: every environment of CONFIG, in the file's order (dev before prod), with remote
# state. A stack with local state is skipped with a notice: a runner's local state disappears
# with the runner, and the next deploy would recreate everything.
#
#   ONLY=<stack> scripts/ci/list-stacks.sh config/environments.json
#
# The list comes from the configuration file alone (scripts/ci/check-config.ts stacks, which
# holds every name to the one stack-name grammar), read before anything is installed or
# synthesized: nothing the build runs can add a stack or rename one.
#   NODE  node binary with TypeScript type stripping (22.18+; default: node)
set -euo pipefail
config=${1:?usage: list-stacks.sh CONFIG}
here=$(cd "$(dirname "$0")" && pwd)
only=${ONLY:-}

if ! listed=$("${NODE:-node}" "$here/check-config.ts" stacks "$config"); then
  echo "::error::$config cannot be deployed from CI (see above)"
  exit 1
fi
list=()
found_only=false
while read -r stack kind; do
  if [ -n "$only" ] && [ "$stack" != "$only" ]; then continue; fi
  found_only=true
  if [ "$kind" = remote ]; then
    list+=("$stack")
  else
    echo "::notice::stack $stack skipped: local state (add remoteState for it in $config to deploy it from CI)"
  fi
done <<< "$listed"

if [ -n "$only" ] && [ "$found_only" = false ]; then
  echo "::error::the stack input names no environment of $config"
  exit 1
fi
json=$(printf '%s\n' "${list[@]+"${list[@]}"}" | jq -R . | jq -cs 'map(select(. != ""))')
echo "stacks to deploy: $json"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "stacks=$json" >> "$GITHUB_OUTPUT"; fi
