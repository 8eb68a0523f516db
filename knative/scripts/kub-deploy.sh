#!/usr/bin/env bash
# Deploys zerochat with `kubectl apply -k` (the microk8s overlay, images pinned to the digests
# kub-build.sh recorded), waits until everything is ready and the bootstrap event was sent.
# Safe to rerun: apply only changes what changed, and the bootstrap is idempotent.
#
#   knative/scripts/kub-deploy.sh
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

require_secrets
# Kong's start-up config holds a jwt credential per public key, so a Kong that restarts accepts
# tokens at once. Rendered again from public-keys.env, which a key rotation changes.
"$NODE" "$ZEROCHAT_ROOT/knative/scripts/write-secrets.ts" --target knative
k get crd services.serving.knative.dev brokers.eventing.knative.dev >/dev/null 2>&1 ||
  die "Knative Serving and Eventing are not installed: run knative/scripts/kub-setup.sh"

# A kustomization on top of the overlay that pins each image to its pushed digest.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "  - $(realpath --relative-to="$work" "$OVERLAY")"
  echo "images:"
  for fn in "${FUNCTIONS[@]}"; do
    image="$(function_image "$fn")"
    echo "  - name: $REGISTRY/zerochat/$fn"
    if [[ "$image" == *@* ]]; then
      echo "    digest: ${image#*@}"
    else
      echo "    newTag: ${image##*:}"
    fi
  done
} >"$work/kustomization.yaml"
[[ -f "$IMAGES_FILE" ]] || echo "    (no knative/images.env: deploying the :latest images; run npm run kube:build first)"

# The bootstrap Job runs once per deploy: a finished Job from the last deploy goes first.
k delete job zerochat-bootstrap --namespace "$NAMESPACE" --ignore-not-found >/dev/null 2>&1 || true

step "applying $(realpath --relative-to="$ZEROCHAT_ROOT" "$OVERLAY")"
k apply -k "$work"

step "waiting for MongoDB, Ollama and Kong (the first start pulls their images)"
k rollout status statefulset/mongodb --namespace "$NAMESPACE" --timeout=600s
k rollout status statefulset/ollama --namespace "$NAMESPACE" --timeout=900s
k rollout status deployment/kong --namespace "$NAMESPACE" --timeout=600s

step "waiting for the Knative services auth, chat, admin and web"
k wait ksvc --all --namespace "$NAMESPACE" --for=condition=Ready --timeout=600s

step "waiting for the bootstrap event to be sent"
k wait job/zerochat-bootstrap --namespace "$NAMESPACE" --for=condition=Complete --timeout=600s ||
  die "the bootstrap Job did not complete: microk8s kubectl logs -n $NAMESPACE job/zerochat-bootstrap"

address="$(k get service kong-proxy --namespace "$NAMESPACE" -o jsonpath='{.status.loadBalancer.ingress[0].ip}')"
step "zerochat is deployed"
echo "    Kong proxy: http://${address:-<pending>}/ (MetalLB) and http://localhost:30800/ (NodePort)"
echo "    The bootstrap (admin user, models, Kong keys) now runs in the admin function;"
echo "    follow it with: microk8s kubectl logs -n $NAMESPACE -l serving.knative.dev/service=admin -c admin -f"
