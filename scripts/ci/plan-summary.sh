#!/usr/bin/env bash
# Markdown for a job summary: one stack's redacted plan and its fingerprint, or why there is
# none. The plan text is HTML-escaped inside <pre>, so nothing in it renders.
#
#   scripts/ci/plan-summary.sh STACK PLANS_DIR >> "$GITHUB_STEP_SUMMARY"
set -uo pipefail
stack=${1:?usage: plan-summary.sh STACK PLANS_DIR}
dir=${2:?usage: plan-summary.sh STACK PLANS_DIR}
escape() { LC_ALL=C tr -d '\000-\010\013-\037\177' | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

echo "## Plan: $stack"
echo
if [ -f "$dir/$stack.fingerprint" ]; then
  echo "Fingerprint: \`$(cat "$dir/$stack.fingerprint")\` (the apply job applies only a plan with this fingerprint)"
elif [ -f "$dir/$stack.failed" ]; then
  echo "❌ failed: $(escape < "$dir/$stack.failed")"
elif [ -f "$dir/$stack.skipped" ]; then
  echo "⏭️ skipped: $(escape < "$dir/$stack.skipped")"
else
  echo "❌ no plan result"
fi
echo
if [ -f "$dir/$stack.plan.txt" ]; then
  echo "<pre>"
  head -c 900000 "$dir/$stack.plan.txt" | escape
  echo "</pre>"
fi
