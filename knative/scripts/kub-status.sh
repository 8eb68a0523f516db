#!/usr/bin/env bash
# Shows zerochat on the cluster: the Knative services and their revisions, the pods (a
# function scaled to zero has none), the eventing objects and Kong's addresses.
#
#   knative/scripts/kub-status.sh
#   watch -n 2 knative/scripts/kub-status.sh    # see a function scale to zero and back
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

k get namespace "$NAMESPACE" >/dev/null 2>&1 || die "zerochat is not deployed (no namespace $NAMESPACE): run npm run kube:deploy"

step "Knative services"
if command -v kn >/dev/null 2>&1; then
  kn_ service list --namespace "$NAMESPACE"
  step "revisions"
  kn_ revision list --namespace "$NAMESPACE"
else
  k get ksvc --namespace "$NAMESPACE"
  k get revisions --namespace "$NAMESPACE"
fi
step "pods"
k get pods --namespace "$NAMESPACE" -o wide
step "eventing"
k get brokers,triggers,pingsources,sinkbindings --namespace "$NAMESPACE"
step "Kong"
k get services kong-proxy kong-admin --namespace "$NAMESPACE"
