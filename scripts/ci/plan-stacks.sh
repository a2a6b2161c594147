#!/usr/bin/env bash
# Plans synthesized stacks and writes only redacted results. Runs in the jobs that hold an
# Azure OIDC token (PR plan, deploy preview, deploy apply), always from a trusted checkout
# (the base branch, or main), never from the pull request's files.
#
#   scripts/ci/plan-stacks.sh STACKS_DIR OUT_DIR
#
#   STACKS_DIR  synthesized stacks: STACKS_DIR/<stack>/cdk.tf.json (an artifact: untrusted)
#   OUT_DIR     per stack of the trusted configuration, one of:
#                 <stack>.plan.json + .plan.txt + .fingerprint + .config.json
#                                                redacted plan, its text rendered from it, the
#                                                fingerprint, and the checked configuration
#                 <stack>.skipped                why it was not planned
#                 <stack>.failed (+ .diagnostics.txt)  which step failed (+ Terraform's error
#                                                summaries, never their detail)
#
# Which stacks: those of the TRUSTED configuration (scripts/ci/check-config.ts stacks), never
# the directory names the artifact brings (an environment a pull request adds has no trusted
# backend to hold it to: it is planned once merged). Before `terraform init`, each stack's JSON must pass
# scripts/ci/check-config.ts against the backend the trusted configuration derives for it;
# Terraform then reads the JSON that was checked, in a directory holding nothing else.
#
# Environment:
#   TOOLS_DIR       trusted checkout: scripts/, config/, .terraform.lock.hcl (default: this
#                   script's repository)
#   TRUSTED_CONFIG  the trusted environments file (default: TOOLS_DIR/config/environments.json)
#   ONLY_STACK      plan just this stack
#   PLAN_STACKS     when set (pull requests): the space-separated stacks that may be planned;
#                   set and empty = none (fails closed). Unset (deploys): every stack.
#   SKIP_REASON     skip every stack with this reason (no credentials: fork PR, no variables)
#   PLAN_LOCK       "true" to take the state lock (the deploy's apply job); default false: a
#                   plan with a read-only identity cannot write a lock, and must not block a deploy
#   KEEP_PLAN_DIR   keep the initialized working directory with the binary plan as
#                   KEEP_PLAN_DIR/<stack>/tfplan, for `terraform -chdir=... apply tfplan`
#                   (the plan holds secrets: it never leaves the runner)
#   NODE            node binary with TypeScript type stripping (22.18+; default: node)
#
# Nothing Terraform prints leaves the runner: init and plan run with -json, and a failure
# publishes the failing step and Terraform's error summaries (scripts/ci/diagnostics.ts); the
# human plan is rendered from the redacted JSON. Text in the log is stripped of control
# characters and printed between ::stop-commands:: markers. Exit 1 when any stack failed.
set -uo pipefail

stacks_dir=${1:?usage: plan-stacks.sh STACKS_DIR OUT_DIR}
out=${2:?usage: plan-stacks.sh STACKS_DIR OUT_DIR}
tools=${TOOLS_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
trusted_config=${TRUSTED_CONFIG:-$tools/config/environments.json}
node=${NODE:-node}
lock=${PLAN_LOCK:-false}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
failed=0
planned=0

# Text that reaches the log: no control characters, no line the runner reads as a workflow
# command, and commands off while it prints.
print_untrusted() {
  local token
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "::stop-commands::$token"
  LC_ALL=C tr -d '\000-\010\013-\037\177' | sed -E 's/^([[:space:]]*)(::|##\[)/\1[\2]/'
  echo "::$token::"
}

fail() { # stack step message [safe detail file]
  printf '%s: %s\n' "$2" "$3" > "$out/$1.failed"
  echo "::error::stack $1: $2 failed"
  if [ -n "${4:-}" ] && [ -s "$4" ]; then
    LC_ALL=C tr -d '\000-\010\013-\037\177' < "$4" > "$out/$1.diagnostics.txt"
    print_untrusted < "$out/$1.diagnostics.txt"
  fi
  failed=$((failed + 1))
}

# Terraform's error summaries, never their detail: the detail of a failed precondition, a
# provider's API error or a backend's answer can hold a value of the state.
diagnostics() { # json-output-file -> safe summary file
  "$node" "$tools/scripts/ci/diagnostics.ts" "$1" > "$1.summary" 2> /dev/null || echo "  (the diagnostics could not be read)" > "$1.summary"
  echo "$1.summary"
}

if ! "$node" "$tools/scripts/ci/check-config.ts" stacks "$trusted_config" > "$work/stacks" 2> "$work/stacks.err"; then
  echo "::error::the trusted configuration cannot be planned from CI"
  print_untrusted < "$work/stacks.err"
  exit 1
fi

while read -r stack kind; do
  if [ -n "${ONLY_STACK:-}" ] && [ "$stack" != "$ONLY_STACK" ]; then continue; fi
  if [ "$kind" != remote ]; then
    # A plan against local (empty) state shows every resource as new: noise, not review; and a
    # deploy with runner-local state would forget everything it created.
    printf 'local state: add remoteState for %s in config/environments.json to plan and deploy it from CI\n' "$stack" > "$out/$stack.skipped"
    echo "::notice::stack $stack skipped: local state (add remoteState in config/environments.json to plan and deploy it from CI)"
    continue
  fi
  if [ -n "${SKIP_REASON:-}" ]; then
    printf '%s\n' "$SKIP_REASON" > "$out/$stack.skipped"
    continue
  fi
  if [ -n "${PLAN_STACKS+set}" ] && [[ " $PLAN_STACKS " != *" $stack "* ]]; then
    printf 'not planned in pull requests: not in the PR_PLAN_STACKS variable (%s); the pull-request identity may not read its state\n' "${PLAN_STACKS:-empty}" > "$out/$stack.skipped"
    continue
  fi
  if [ ! -f "$stacks_dir/$stack/cdk.tf.json" ]; then
    fail "$stack" synth "the build produced no cdk.tf.json for this stack of the trusted configuration"
    continue
  fi
  # Provider checksums come from the trusted checkout: a configuration that adds a provider
  # (or changes a version) fails `init` here instead of running a new binary with our token.
  if [ ! -f "$tools/.terraform.lock.hcl" ]; then
    fail "$stack" init "no .terraform.lock.hcl in the trusted checkout: run scripts/ci/lock-providers.sh and commit it"
    continue
  fi
  # Terraform runs in a fresh directory holding only the checked JSON and the trusted lock file.
  run="${KEEP_PLAN_DIR:-$work}/$stack"
  rm -rf "$run" && mkdir -p "$run"
  log="$work/$stack.log"
  if ! "$node" "$tools/scripts/ci/check-config.ts" check "$trusted_config" "$stack" "$stacks_dir/$stack/cdk.tf.json" --out "$run/cdk.tf.json" > /dev/null 2> "$log"; then
    fail "$stack" check "the configuration holds something the product never writes, or another backend; nothing ran" "$log"
    continue
  fi
  tfplan="$run/tfplan"
  if ! bash "$tools/scripts/ci/stack-lock.sh" "$tools/.terraform.lock.hcl" "$run/cdk.tf.json" > "$run/.terraform.lock.hcl" 2> /dev/null; then
    fail "$stack" init "could not narrow the lock file to this stack's providers"
    continue
  fi

  echo "::group::terraform plan $stack"
  if ! terraform -chdir="$run" init -input=false -no-color -json -lockfile=readonly > "$log" 2>&1; then
    fail "$stack" init "terraform init exited non-zero (provider not in the lock file, or the state backend is unreachable)" "$(diagnostics "$log")"
  elif ! terraform -chdir="$run" plan -input=false -no-color -json -lock="$lock" -out="$tfplan" > "$log" 2>&1; then
    fail "$stack" plan "terraform plan exited non-zero" "$(diagnostics "$log")"
  elif ! terraform -chdir="$run" show -json "$tfplan" > "$work/$stack.raw.json" 2> /dev/null; then
    fail "$stack" show "terraform show -json exited non-zero"
  elif ! "$node" "$tools/scripts/ci/redact-plan.ts" --plan "$work/$stack.raw.json" --out "$out/$stack.plan.json" --text-out "$out/$stack.plan.txt" \
    --config "$run/cdk.tf.json" --lock "$run/.terraform.lock.hcl" > "$work/$stack.fingerprint" 2> "$work/$stack.redact.log"; then
    rm -f "$out/$stack.plan.json" "$out/$stack.plan.txt"
    fail "$stack" redact "the plan JSON could not be read and redacted (truncated?)" "$work/$stack.redact.log"
  else
    mv "$work/$stack.fingerprint" "$out/$stack.fingerprint"
    cp "$run/cdk.tf.json" "$out/$stack.config.json"
    print_untrusted < "$out/$stack.plan.txt"
    planned=$((planned + 1))
  fi
  rm -f "$work/$stack".*
  if [ -z "${KEEP_PLAN_DIR:-}" ]; then rm -rf "$run"; fi
  echo "::endgroup::"
done < "$work/stacks"

if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "failed=$failed" >> "$GITHUB_OUTPUT"; fi
echo "plans: $planned planned, $failed failed"
[ "$failed" -eq 0 ]
