# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the scripts that source this file
# Shared by the kub-*.sh scripts (sourced, not run): paths, names, and helpers that stop with
# one clear line.

ZEROCHAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAMESPACE=zerochat
FUNCTIONS=(auth chat admin web)
# MicroK8s' registry addon; the node's container runtime pulls from it as localhost:32000.
REGISTRY="${ZEROCHAT_REGISTRY:-localhost:32000}"
OVERLAY="${ZEROCHAT_OVERLAY:-$ZEROCHAT_ROOT/knative/overlays/microk8s}"
SECRETS_DIR="$ZEROCHAT_ROOT/knative/base/secrets"
# Image digests written by kub-build.sh (git-ignored): FUNCTION=REGISTRY/zerochat/FUNCTION@sha256:…
IMAGES_FILE="${ZEROCHAT_IMAGES_FILE:-$ZEROCHAT_ROOT/knative/images.env}"
# Knative release installed by kub-setup.sh (Serving, Kourier, Eventing and kn share the tag).
KNATIVE_VERSION=knative-v1.22.0

SCRIPT_NAME="$(basename "$0")"

# The project's Node 24 (an npm devDependency): the system's node may be too old to run .ts.
NODE="$ZEROCHAT_ROOT/node_modules/.bin/node"
[[ -x "$NODE" ]] || NODE=node

die() {
  echo "$SCRIPT_NAME: $*" >&2
  exit 1
}

step() {
  echo "==> $*"
}

# need COMMAND HOW-TO-GET-IT
need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"
}

# kubectl: MicroK8s' own when MicroK8s is installed (so another kubeconfig context is never
# touched by accident), else the kubectl on PATH; KUBECTL overrides both.
if [[ -n "${KUBECTL:-}" ]]; then
  read -r -a KUBECTL_COMMAND <<<"$KUBECTL"
elif command -v microk8s >/dev/null 2>&1; then
  KUBECTL_COMMAND=(microk8s kubectl)
else
  KUBECTL_COMMAND=(kubectl)
fi

k() {
  "${KUBECTL_COMMAND[@]}" "$@"
}

# kn, pointed at MicroK8s' cluster when MicroK8s is installed.
kn_() {
  need kn "run knative/scripts/kub-setup.sh (it installs kn)"
  if command -v microk8s >/dev/null 2>&1; then
    if [[ -z "${ZEROCHAT_KUBECONFIG:-}" ]]; then
      ZEROCHAT_KUBECONFIG="$(mktemp)"
      # shellcheck disable=SC2064 # expand now: the path is fixed
      trap "rm -f '$ZEROCHAT_KUBECONFIG'" EXIT
      microk8s config >"$ZEROCHAT_KUBECONFIG" || die "microk8s config failed: is your user in the microk8s group?"
    fi
    kn --kubeconfig "$ZEROCHAT_KUBECONFIG" "$@"
  else
    kn "$@"
  fi
}

# The image of a function: the digest kub-build.sh pushed, else the :latest tag.
function_image() {
  local fn="$1" line
  if [[ -f "$IMAGES_FILE" ]]; then
    line="$(grep -E "^$fn=" "$IMAGES_FILE" || true)"
    if [[ -n "$line" ]]; then
      echo "${line#*=}"
      return
    fi
  fi
  echo "$REGISTRY/zerochat/$fn:latest"
}

require_secrets() {
  local file
  for file in mongodb auth admin public-keys; do
    [[ -f "$SECRETS_DIR/$file.env" ]] || die "missing knative/base/secrets/$file.env: run npm run kube:secrets"
  done
}
