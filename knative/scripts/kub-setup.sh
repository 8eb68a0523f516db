#!/usr/bin/env bash
# Sets up a single-node MicroK8s for zerochat on Ubuntu: MicroK8s with the addons dns,
# hostpath-storage, registry and metallb, Knative Serving with Kourier, Knative Eventing with
# the in-memory channel, the multi-tenant broker and sender identity (OIDC), and the kn CLI.
# Safe to rerun: each step checks what is already there.
#
#   knative/scripts/kub-setup.sh
#   METALLB_RANGE=192.168.1.240-192.168.1.250 knative/scripts/kub-setup.sh   # addresses on your LAN
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

MICROK8S_CHANNEL="${MICROK8S_CHANNEL:-1.34/stable}"
# Free addresses for LoadBalancer services. The default is reachable from this machine only;
# pick a free range of your LAN to reach Kong from other machines.
METALLB_RANGE="${METALLB_RANGE:-10.64.140.43-10.64.140.49}"
SERVING="https://github.com/knative/serving/releases/download/$KNATIVE_VERSION"
KOURIER="https://github.com/knative-extensions/net-kourier/releases/download/$KNATIVE_VERSION"
EVENTING="https://github.com/knative/eventing/releases/download/$KNATIVE_VERSION"
KN_URL="https://github.com/knative/client/releases/download/$KNATIVE_VERSION/kn-linux"

need snap "zerochat's scripts expect Ubuntu (snapd)"
need curl "sudo apt-get install -y curl"

if ! command -v microk8s >/dev/null 2>&1; then
  step "installing MicroK8s ($MICROK8S_CHANNEL)"
  sudo snap install microk8s --classic --channel="$MICROK8S_CHANNEL"
  # shellcheck disable=SC2034 # read by k() from lib.sh
  KUBECTL_COMMAND=(microk8s kubectl)
fi

if ! microk8s status >/dev/null 2>&1; then
  if ! id -nG | tr ' ' '\n' | grep -qx microk8s; then
    sudo usermod -a -G microk8s "$USER"
    die "added $USER to the microk8s group: run 'newgrp microk8s' (or log out and in), then run this script again"
  fi
  die "microk8s status failed; see 'microk8s inspect'"
fi

step "waiting for MicroK8s to be ready"
microk8s status --wait-ready --timeout 600 >/dev/null

enable_addon() {
  local addon="$1" argument="${2:-$1}"
  if microk8s status --addon "$addon" | grep -qx enabled; then
    echo "    $addon: already enabled"
  else
    step "enabling $argument"
    microk8s enable "$argument"
  fi
}
enable_addon dns
enable_addon hostpath-storage
enable_addon registry
enable_addon metallb "metallb:$METALLB_RANGE"

wait_available() {
  k wait deployment --all --namespace "$1" --for=condition=Available --timeout=600s >/dev/null ||
    die "deployments in $1 did not become available; see: microk8s kubectl get pods -n $1"
}

step "installing Knative Serving $KNATIVE_VERSION with Kourier"
k apply -f "$SERVING/serving-crds.yaml" >/dev/null
k wait --for=condition=Established --timeout=120s crd/services.serving.knative.dev >/dev/null
k apply -f "$SERVING/serving-core.yaml" >/dev/null
k apply -f "$KOURIER/kourier.yaml" >/dev/null
k patch configmap/config-network --namespace knative-serving --type merge \
  --patch '{"data":{"ingress-class":"kourier.ingress.networking.knative.dev"}}' >/dev/null
# Knative resolves image tags to digests by asking the registry, which it cannot reach as
# localhost:32000 from inside its controller; kub-deploy.sh pins digests itself.
k patch configmap/config-deployment --namespace knative-serving --type merge \
  --patch '{"data":{"registries-skipping-tag-resolving":"kind.local,ko.local,dev.local,localhost:32000"}}' >/dev/null
wait_available knative-serving
wait_available kourier-system

step "installing Knative Eventing $KNATIVE_VERSION (in-memory channel, multi-tenant broker)"
k apply -f "$EVENTING/eventing-crds.yaml" >/dev/null
k wait --for=condition=Established --timeout=120s crd/brokers.eventing.knative.dev >/dev/null
k apply -f "$EVENTING/eventing-core.yaml" >/dev/null
k apply -f "$EVENTING/in-memory-channel.yaml" >/dev/null
k apply -f "$EVENTING/mt-channel-broker.yaml" >/dev/null
wait_available knative-eventing
# Sender identity: Eventing's sources, SinkBindings and Triggers present service-account
# tokens, and the Broker refuses senders without one; the admin function checks the Triggers'
# tokens (ADMIN_EVENTS_AUTH=oidc in knative/base/config.env).
step "enabling Knative Eventing's sender identity (authentication-oidc)"
k patch configmap/config-features --namespace knative-eventing --type merge \
  --patch '{"data":{"authentication-oidc":"enabled"}}' >/dev/null

if command -v kn >/dev/null 2>&1 && kn version 2>/dev/null | grep -q "${KNATIVE_VERSION#knative-}"; then
  echo "    kn: $(command -v kn) is ${KNATIVE_VERSION#knative-}"
else
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) die "no kn build for $(uname -m)" ;;
  esac
  step "installing kn ${KNATIVE_VERSION#knative-} to /usr/local/bin/kn"
  download="$(mktemp)"
  curl --fail --location --silent --show-error -o "$download" "$KN_URL-$arch"
  sudo install -m 0755 "$download" /usr/local/bin/kn
  rm -f "$download"
fi

# kubectl and kn of your own find the cluster through ~/.kube/config; an existing file is left alone.
if [[ ! -e "$HOME/.kube/config" ]]; then
  mkdir -p "$HOME/.kube"
  (umask 077 && microk8s config >"$HOME/.kube/config")
  echo "    wrote $HOME/.kube/config for MicroK8s (kn and kubectl use it)"
fi

step "MicroK8s is ready for zerochat"
k get pods --namespace knative-serving
k get pods --namespace knative-eventing
echo "next: npm run kube:secrets && npm run kube:build && npm run kube:deploy"
