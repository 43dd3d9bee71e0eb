#!/usr/bin/env bash
# Fresh random secrets for a dev cluster others can reach. The dev overlay ships public values (they are in this
# repository); this writes deploy/k8s/overlays/dev-local/ (git-ignored): the dev overlay plus Secrets with new
# random values. Apply it with:  kubectl apply -k deploy/k8s/overlays/dev-local
# The new gateway client key is printed once, here; only its SHA-256 hash is written. Both AES-GCM key sets get a
# new random 256-bit key: the fulfillment tokens' (cxbridge-token-encryption) and the one genesys-client seals its
# access token in Redis with (cxbridge-genesys; the sim's OAuth client stays as the dev overlay has it).
# DEV_SECRETS_OUT=<dir> writes elsewhere (the deploy module's tests do).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${DEV_SECRETS_OUT:-$here/k8s/overlays/dev-local}"
command -v openssl >/dev/null || { echo "dev-secrets.sh needs openssl" >&2; exit 1; }
mkdir -p "$out"
# the dev overlay as a path relative to the output (kustomize refuses absolute ones)
dev="../dev"
[ -z "${DEV_SECRETS_OUT:-}" ] || dev="$(realpath -m --relative-to="$out" "$here/k8s/overlays/dev")"

client_key="cxb_$(openssl rand -hex 24)"
client_hash="$(printf '%s' "$client_key" | sha256sum | cut -d' ' -f1)"
key_id="dev-$(date -u +%Y%m%d%H%M%S)"
cipher_key="$(openssl rand -base64 32)"
genesys_key_id="genesys-$(date -u +%Y%m%d%H%M%S)"
genesys_cipher_key="$(openssl rand -base64 32)"

cat > "$out/kustomization.yaml" <<YAML
# Written by deploy/dev-secrets.sh: the dev overlay with this cluster's own random secrets.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- $dev
patches:
- path: secrets.yaml
YAML

cat > "$out/secrets.yaml" <<YAML
# Written by deploy/dev-secrets.sh: random values for one dev cluster. Do not commit.
apiVersion: v1
kind: Secret
metadata:
  name: cxbridge-gateway-keys
  annotations:
    cxbridge.io/dev-only-public-values: "false"
stringData:
  keys.yaml: |
    clients:
      - id: demo
        rateLimitPerMinute: 1200
        keys:
          - sha256: $client_hash
        routes:
          - "ANY /api/v2/**"
          - "ANY /genesys-api/**"
          - "ANY /v1/**"
---
apiVersion: v1
kind: Secret
metadata:
  name: cxbridge-token-encryption
  annotations:
    cxbridge.io/dev-only-public-values: "false"
stringData:
  CXBRIDGE_TOKEN_ENCRYPTION_CURRENT_KEY_ID: "$key_id"
  CXBRIDGE_TOKEN_ENCRYPTION_KEYS: "$key_id=$cipher_key"
---
apiVersion: v1
kind: Secret
metadata:
  name: cxbridge-genesys
  annotations:
    cxbridge.io/dev-only-public-values: "false"
stringData:
  CXBRIDGE_GENESYS_TOKEN_ENCRYPTION_CURRENT_KEY_ID: "$genesys_key_id"
  CXBRIDGE_GENESYS_TOKEN_ENCRYPTION_KEYS: "$genesys_key_id=$genesys_cipher_key"
---
apiVersion: v1
kind: Secret
metadata:
  name: cxbridge-webhooks
  annotations:
    cxbridge.io/dev-only-public-values: "false"
stringData:
  CXBRIDGE_RETRY_WEBHOOK_SECRET: "$(openssl rand -hex 32)"
  CXBRIDGE_RETENTION_WEBHOOK_SECRET: "$(openssl rand -hex 32)"
  CXBRIDGE_DIRECTORY_WEBHOOK_SECRET: "$(openssl rand -hex 32)"
YAML

echo "wrote $out (apply: kubectl apply -k ${out#"$PWD"/})"
echo "gateway client 'demo' key (shown once, keep it): $client_key"
