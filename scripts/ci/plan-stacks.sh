#!/usr/bin/env bash
# Plans synthesized stacks and writes only redacted results. Runs in the jobs that hold an
# Azure OIDC token (PR plan, deploy preview, deploy apply), always from a trusted checkout
# (the base branch, or main), never from the pull request's files.
#
#   scripts/ci/plan-stacks.sh STACKS_DIR OUT_DIR
#
#   STACKS_DIR  synthesized stacks: STACKS_DIR/<stack>/cdk.tf.json (an artifact of the build job)
#   OUT_DIR     per stack, one of:
#                 <stack>.plan.json + .plan.txt + .fingerprint   redacted plan (redact-plan.ts)
#                 <stack>.skipped                                why it was not planned
#                 <stack>.failed (+ .plan.txt)                   which step failed (+ its output)
#
# Environment:
#   TOOLS_DIR     trusted checkout holding scripts/ci/redact-plan.ts and .terraform.lock.hcl
#                 (default: this script's repository)
#   ONLY_STACK    plan just this stack
#   PLAN_STACKS   space-separated stacks that may be planned; the others are skipped with a
#                 reason (pr.yml: the PR_PLAN_STACKS variable, to keep PRs away from a
#                 stack's state; empty = all)
#   SKIP_REASON   skip every stack with this reason (no credentials: fork PR, no variables)
#   PLAN_LOCK     "true" to take the state lock (the deploy's apply job); default false: a
#                 plan with a read-only identity cannot write a lock, and must not block a deploy
#   KEEP_PLAN_DIR keep the initialized working directory with the binary plan as
#                 KEEP_PLAN_DIR/<stack>/tfplan, for `terraform -chdir=... apply tfplan`
#                 (the plan holds secrets: it never leaves the runner)
#   NODE          node binary with TypeScript type stripping (22.18+; default: node)
#
# The raw `terraform show -json` output and the binary plan live in a private temp directory
# that is removed on exit. Nothing printed to the log comes from Terraform unfiltered: output
# is redacted, stripped of control characters and printed between ::stop-commands:: markers,
# so a resource name cannot issue workflow commands. Exit 1 when any stack failed.
set -uo pipefail

stacks_dir=${1:?usage: plan-stacks.sh STACKS_DIR OUT_DIR}
out=${2:?usage: plan-stacks.sh STACKS_DIR OUT_DIR}
tools=${TOOLS_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
node=${NODE:-node}
lock=${PLAN_LOCK:-false}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
failed=0
planned=0

# Text from Terraform or the pull request, made safe for the log: no control characters, no
# line the runner reads as a workflow command, and commands off while it prints.
print_untrusted() {
  local token
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "::stop-commands::$token"
  LC_ALL=C tr -d '\000-\010\013-\037\177' | sed -E 's/^([[:space:]]*)(::|##\[)/\1[\2]/'
  echo "::$token::"
}

fail() { # stack step message [output file]
  printf '%s: %s\n' "$2" "$3" > "$out/$1.failed"
  if [ -n "${4:-}" ] && [ -f "$4" ]; then LC_ALL=C tr -d '\000-\010\013-\037\177' < "$4" > "$out/$1.plan.txt"; fi
  echo "::error::stack $1: $2 failed"
  if [ -n "${4:-}" ] && [ -f "$4" ]; then tail -n 60 "$4" | print_untrusted; fi
  failed=$((failed + 1))
}

for dir in "$stacks_dir"/*/; do
  [ -f "$dir/cdk.tf.json" ] || continue
  stack=$(basename "$dir")
  # Stack names come from the pull request; only plain names reach file names and the log.
  if ! [[ $stack =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ ]]; then
    echo "::error::a stack directory name is not a plain name (letters, digits, . _ -); refusing to plan it"
    failed=$((failed + 1))
    continue
  fi
  if [ -n "${ONLY_STACK:-}" ] && [ "$stack" != "$ONLY_STACK" ]; then continue; fi
  if [ -n "${PLAN_STACKS:-}" ] && [[ " $PLAN_STACKS " != *" $stack "* ]]; then
    printf 'not planned in pull requests: not in the PR_PLAN_STACKS variable (%s)\n' "$PLAN_STACKS" > "$out/$stack.skipped"
    continue
  fi
  if [ -n "${SKIP_REASON:-}" ]; then
    printf '%s\n' "$SKIP_REASON" > "$out/$stack.skipped"
    continue
  fi
  # A plan against local (empty) state shows every resource as new: noise, not review; and a
  # deploy with runner-local state would forget everything it created.
  if ! jq -e '.terraform.backend.azurerm' "$dir/cdk.tf.json" > /dev/null 2>&1; then
    printf 'local state: add remoteState for %s in config/environments.json to plan and deploy it from CI\n' "$stack" > "$out/$stack.skipped"
    echo "::notice::stack $stack skipped: local state (add remoteState in config/environments.json to plan and deploy it from CI)"
    continue
  fi
  # Provider checksums come from the trusted checkout: a pull request that adds a provider
  # (or changes a version) fails `init` here instead of running a new binary with our token.
  if [ ! -f "$tools/.terraform.lock.hcl" ]; then
    fail "$stack" init "no .terraform.lock.hcl in the trusted checkout: run scripts/ci/lock-providers.sh and commit it"
    continue
  fi
  # Terraform runs in a fresh directory holding only cdk.tf.json and the trusted lock file:
  # whatever else the artifact carries (.tf files, a .terraform/ with binaries) is left behind.
  run="${KEEP_PLAN_DIR:-$work}/$stack"
  rm -rf "$run" && mkdir -p "$run"
  cp "$dir/cdk.tf.json" "$run/cdk.tf.json"
  tfplan="$run/tfplan"
  log="$work/$stack.log"
  # The trusted lock file lists every stack's providers; init wants exactly this stack's.
  if ! bash "$tools/scripts/ci/stack-lock.sh" "$tools/.terraform.lock.hcl" "$run/cdk.tf.json" > "$run/.terraform.lock.hcl" 2> "$log"; then
    fail "$stack" init "could not narrow the lock file to this stack's providers (is cdk.tf.json valid JSON?)" "$log"
    continue
  fi

  echo "::group::terraform plan $stack"
  if ! terraform -chdir="$run" init -input=false -no-color -lockfile=readonly > "$log" 2>&1; then
    fail "$stack" init "terraform init exited non-zero (provider not in the lock file, or the state backend is unreachable)" "$log"
  elif ! terraform -chdir="$run" plan -input=false -no-color -lock="$lock" -out="$tfplan" >> "$log" 2>&1; then
    fail "$stack" plan "terraform plan exited non-zero" "$log"
  elif ! terraform -chdir="$run" show -json "$tfplan" > "$work/$stack.raw.json" 2>> "$log"; then
    fail "$stack" show "terraform show -json exited non-zero" "$log"
  elif ! terraform -chdir="$run" show -no-color "$tfplan" > "$work/$stack.raw.txt" 2>> "$log"; then
    fail "$stack" show "terraform show exited non-zero" "$log"
  elif ! "$node" "$tools/scripts/ci/redact-plan.ts" --plan "$work/$stack.raw.json" --text "$work/$stack.raw.txt" \
    --out "$out/$stack.plan.json" --text-out "$out/$stack.plan.txt" > "$work/$stack.fingerprint" 2> "$work/$stack.redact.log"; then
    rm -f "$out/$stack.plan.json" "$out/$stack.plan.txt"
    fail "$stack" redact "the plan JSON could not be read and redacted (truncated?)" "$work/$stack.redact.log"
  else
    mv "$work/$stack.fingerprint" "$out/$stack.fingerprint"
    print_untrusted < "$out/$stack.plan.txt"
    planned=$((planned + 1))
  fi
  rm -f "$work/$stack".*
  if [ -z "${KEEP_PLAN_DIR:-}" ]; then rm -rf "$run"; fi
  echo "::endgroup::"
done

if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "failed=$failed" >> "$GITHUB_OUTPUT"; fi
echo "plans: $planned planned, $failed failed"
[ "$failed" -eq 0 ]
