#!/usr/bin/env bash
# The configuration a stack last deployed, kept beside its state so that the next deploy's
# reviewers see what changed in it (scripts/ci/plan-summary.ts --deployed).
#
#   scripts/ci/deployed-config.sh get CHECKED_JSON OUT   # OUT: the last deployed cdk.tf.json, if any
#   scripts/ci/deployed-config.sh put CHECKED_JSON       # after a successful apply
#
# CHECKED_JSON is the configuration scripts/ci/check-config.ts accepted, so its azurerm
# backend is the one the trusted configuration derives: the blob `<key>.config.json` sits in
# the same container as the state, readable by the environment's plan identity (Storage Blob
# Data Reader) and written only by its deploying identity (Contributor). The configuration
# holds no secret (the product's rule), so nothing new is stored there. Needs `az login`
# (scripts/ci/azure-login.sh); a missing blob (the first deploy) is not an error.
set -euo pipefail
command=${1:?usage: deployed-config.sh get|put CHECKED_JSON [OUT]}
config=${2:?usage: deployed-config.sh get|put CHECKED_JSON [OUT]}
read -r account container key < <(jq -r '.terraform.backend.azurerm | "\(.storage_account_name) \(.container_name) \(.key)"' "$config")
if [ -z "$account" ] || [ "$account" = null ]; then
  echo "deployed-config: $config has no azurerm backend" >&2
  exit 1
fi
blob=(--auth-mode login --account-name "$account" --container-name "$container" --name "$key.config.json" --output none)
case "$command" in
  get)
    out=${3:?usage: deployed-config.sh get CHECKED_JSON OUT}
    if [ "$(az storage blob exists "${blob[@]:0:8}" --query exists --output tsv)" = true ]; then
      az storage blob download "${blob[@]}" --file "$out" --overwrite
      echo "deployed-config: the last deployed configuration of $key"
    else
      rm -f "$out"
      echo "deployed-config: no deployed configuration recorded for $key (first deploy)"
    fi
    ;;
  put)
    az storage blob upload "${blob[@]}" --file "$config" --overwrite
    echo "deployed-config: recorded the deployed configuration of $key"
    ;;
  *)
    echo "usage: deployed-config.sh get|put CHECKED_JSON [OUT]" >&2
    exit 2
    ;;
esac
