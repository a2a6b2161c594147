#!/usr/bin/env bash
# Writes .terraform.lock.hcl at the repository root: the checksums of every provider the
# synthesized stacks use, for the platforms people and CI run Terraform on. CI copies it into
# each stack and runs `terraform init -lockfile=readonly`, taking it from the base branch, so a
# pull request cannot bring a new provider binary into a job that holds an Azure token.
# Run it (with network access) after `npm start` whenever a provider version changes, and
# commit the result.
#
#   npm start && bash scripts/ci/lock-providers.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One configuration that requires every provider of every stack, nothing else.
jq -s '{ terraform: { required_providers: (map(.terraform.required_providers // {}) | add) } }' \
  cdktf.out/stacks/*/cdk.tf.json > "$work/main.tf.json"
terraform -chdir="$work" providers lock \
  -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_amd64 -platform=darwin_arm64 -platform=windows_amd64
cp "$work/.terraform.lock.hcl" .terraform.lock.hcl
echo "wrote .terraform.lock.hcl"
