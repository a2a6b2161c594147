#!/usr/bin/env bash
# Signs the Azure CLI in as the job's identity with GitHub's OIDC token, for the steps that
# use `az` (the deployed configuration, the model catalogue). Terraform does not need it: the
# azurerm provider and backend exchange the token themselves (ARM_USE_OIDC).
#
#   ARM_CLIENT_ID=... ARM_TENANT_ID=... ARM_SUBSCRIPTION_ID=... scripts/ci/azure-login.sh
#
# The token is requested for the audience Entra ID expects and masked in the log before use.
# https://docs.github.com/actions/reference/security/oidc#methods-for-requesting-the-oidc-token
# https://learn.microsoft.com/cli/azure/authenticate-azure-cli-service-principal#sign-in-with-a-federated-token
set -euo pipefail
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?the job needs permissions: id-token: write}"
: "${ARM_CLIENT_ID:?no AZURE_CLIENT_ID for this environment (docs/delivery.md)}"
: "${ARM_TENANT_ID:?no AZURE_TENANT_ID (docs/delivery.md)}"
token=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange" | jq -r .value)
echo "::add-mask::$token"
az login --service-principal --username "$ARM_CLIENT_ID" --tenant "$ARM_TENANT_ID" --federated-token "$token" --allow-no-subscriptions --output none
if [ -n "${ARM_SUBSCRIPTION_ID:-}" ]; then az account set --subscription "$ARM_SUBSCRIPTION_ID"; fi
