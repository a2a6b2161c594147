#!/usr/bin/env bash
# The stacks the deploy workflow deploys, as a JSON array on $GITHUB_OUTPUT (`stacks=[...]`)
# and stdout: every environment of CONFIG, in the file's order (dev before prod), whose
# synthesized stack has remote state. A stack with local state is skipped with a notice: a
# runner's local state disappears with the runner, and the next deploy would recreate everything.
#
#   ONLY=<stack> scripts/ci/list-stacks.sh config/environments.json cdktf.out/stacks
set -euo pipefail
config=${1:?usage: list-stacks.sh CONFIG STACKS_DIR}
stacks_dir=${2:?usage: list-stacks.sh CONFIG STACKS_DIR}
only=${ONLY:-}
if [ -n "$only" ] && ! [[ $only =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]]; then
  echo "::error::the stack input must be a plain name (letters, digits, . _ -)"
  exit 1
fi

list=()
found_only=false
while IFS= read -r stack; do
  if ! [[ $stack =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]]; then
    echo "::error::environment names must be plain names (letters, digits, . _ -) to deploy from CI"
    exit 1
  fi
  if [ -n "$only" ] && [ "$stack" != "$only" ]; then continue; fi
  found_only=true
  if jq -e '.terraform.backend.azurerm' "$stacks_dir/$stack/cdk.tf.json" > /dev/null; then
    list+=("$stack")
  else
    echo "::notice::stack $stack skipped: local state (add remoteState for it in $config to deploy it from CI)"
  fi
done < <(jq -r '.environments | keys_unsorted[]' "$config")

if [ -n "$only" ] && [ "$found_only" = false ]; then
  echo "::error::no environment named $only in $config"
  exit 1
fi
json=$(printf '%s\n' "${list[@]+"${list[@]}"}" | jq -R . | jq -cs 'map(select(. != ""))')
echo "stacks to deploy: $json"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "stacks=$json" >> "$GITHUB_OUTPUT"; fi
