#!/usr/bin/env bash
# Forwards zerochat's ports to this machine until Ctrl-C: Kong's proxy on 8000, Kong's admin
# API on 8001, Kong's status and metrics on 8100, Ollama on 11434, MongoDB on 27017.
# Useful on clusters without NodePorts, or from a machine with a kubeconfig for the cluster.
#
#   knative/scripts/kub-ports.sh
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

k get namespace "$NAMESPACE" >/dev/null 2>&1 || die "zerochat is not deployed (no namespace $NAMESPACE): run npm run kube:deploy"

forwards=(
  "service/kong-proxy 8000:80"
  "service/kong-admin 8001:8001"
  "service/kong-status 8100:8100"
  "service/ollama 11434:11434"
  "service/mongodb 27017:27017"
)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop EXIT INT TERM
for forward in "${forwards[@]}"; do
  read -r target ports <<<"$forward"
  k port-forward --namespace "$NAMESPACE" --address 127.0.0.1 "$target" "$ports" >/dev/null &
  pids+=("$!")
  echo "    $target -> http://127.0.0.1:${ports%%:*}"
done
echo "forwarding; Ctrl-C stops"
wait
