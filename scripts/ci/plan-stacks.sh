#!/usr/bin/env bash
# Speculative `terraform plan` of every synthesized stack, for the PR comment.
#
#   scripts/ci/plan-stacks.sh [OUT_DIR]        (run from the repository root after `npm start`)
#
# Writes OUT_DIR/<stack>.plan.json (terraform show -json) and <stack>.plan.txt, or
# <stack>.skipped (why no plan) / <stack>.failed (+ the error in .plan.txt). A failed plan
# does not stop the others; the count goes to $GITHUB_OUTPUT as `failed` so the workflow
# can fail after the comment is posted. Set SKIP_REASON to skip every stack.
set -uo pipefail

out=${1:-plans}
mkdir -p "$out"
failed=0

for dir in cdktf.out/stacks/*/; do
  stack=$(basename "$dir")
  if [ -n "${SKIP_REASON:-}" ]; then
    printf '%s\n' "$SKIP_REASON" > "$out/$stack.skipped"
    continue
  fi
  # A plan against local (empty) state would show every resource as new: noise, not review.
  if ! jq -e '.terraform.backend.azurerm' "$dir/cdk.tf.json" > /dev/null; then
    printf 'local state: add remoteState for %s in config/environments.json to plan it here\n' "$stack" > "$out/$stack.skipped"
    continue
  fi
  echo "::group::terraform plan $stack"
  # -lock=false: a PR plan only reads; it must not block a deploy holding the state lock.
  if terraform -chdir="$dir" init -input=false -no-color > "$out/$stack.log" 2>&1 &&
    terraform -chdir="$dir" plan -input=false -lock=false -no-color -out=tfplan >> "$out/$stack.log" 2>&1; then
    terraform -chdir="$dir" show -json tfplan > "$out/$stack.plan.json"
    terraform -chdir="$dir" show -no-color tfplan > "$out/$stack.plan.txt"
  else
    cp "$out/$stack.log" "$out/$stack.plan.txt"
    touch "$out/$stack.failed"
    failed=$((failed + 1))
  fi
  tail -n 40 "$out/$stack.log"
  echo "::endgroup::"
done

if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "failed=$failed" >> "$GITHUB_OUTPUT"; fi
echo "plans: $failed failed"
