#!/usr/bin/env bash
# Prints the trusted provider lock file narrowed to the providers one stack requires.
#
#   scripts/ci/stack-lock.sh LOCK_FILE CDK_TF_JSON > .terraform.lock.hcl
#
# lock-providers.sh writes one lock file for every stack. `terraform init -lockfile=readonly`
# refuses a lock file that lists a provider the configuration does not require ("Provider
# dependency changes detected", Terraform 1.11), so a stack without sign-in (no azuread) or
# without a propagation wait (no time) could not be planned beside one that has them.
# Narrowing only removes entries: a provider the trusted lock file does not list, or a
# version or checksum it does not record, still fails init.
set -euo pipefail
lockfile=${1:?usage: stack-lock.sh LOCK_FILE CDK_TF_JSON}
config=${2:?usage: stack-lock.sh LOCK_FILE CDK_TF_JSON}

# Each required provider's full address: "azurerm" and "hashicorp/azurerm" both mean
# registry.terraform.io/hashicorp/azurerm.
required=$(jq -r '
  .terraform.required_providers // {} | to_entries[]
  | (if (.value | type) == "object" then (.value.source // .key) else .key end) | ascii_downcase | split("/")
  | if length == 1 then "registry.terraform.io/hashicorp/" + .[0]
    elif length == 2 then "registry.terraform.io/" + join("/")
    else join("/") end' "$config")

# Terraform writes each entry as `provider "<address>" {` ... `}` at the start of a line,
# entries separated by one blank line, which goes with a dropped entry.
awk -v required="$required" '
  BEGIN { n = split(required, list, "\n"); for (i = 1; i <= n; i++) want[list[i]] = 1 }
  /^provider "[^"]+" \{$/ { address = $2; gsub(/"/, "", address); inside = 1; keep = (address in want) }
  dropped && /^$/ { dropped = 0; next }
  { dropped = 0; if (!inside || keep) print }
  inside && /^\}$/ { inside = 0; dropped = !keep }
' "$lockfile"
