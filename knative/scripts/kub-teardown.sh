#!/usr/bin/env bash
# Removes zerochat from the cluster: the namespace with everything in it, including the MongoDB
# and Ollama volumes (all data and models). Knative and MicroK8s stay. Safe to rerun.
#
#   knative/scripts/kub-teardown.sh          # asks first
#   knative/scripts/kub-teardown.sh --yes
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

if ! k get namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "zerochat is not deployed (no namespace $NAMESPACE); nothing to do"
  exit 0
fi
if [[ "${1:-}" != "--yes" ]]; then
  read -r -p "Delete namespace $NAMESPACE with all its data and models? [y/N] " answer
  [[ "$answer" == [yY]* ]] || die "cancelled"
fi
step "deleting namespace $NAMESPACE (waits until it is gone)"
k delete namespace "$NAMESPACE" --wait=true --timeout=600s
rm -f "$IMAGES_FILE"
echo "zerochat is removed; MicroK8s and Knative are still installed"
