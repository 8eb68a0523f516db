#!/usr/bin/env bash
# Deploys functions with `kn service apply`, with exactly the settings of
# knative/base/functions/<function>.yaml (a test compares the two). Use it to roll out a new
# image of one function; everything else comes from kub-deploy.sh. Safe to rerun: apply with
# unchanged settings creates no new revision.
#
#   knative/scripts/kub-kn-apply.sh                 # auth, chat, admin and web
#   knative/scripts/kub-kn-apply.sh chat            # one
#   knative/scripts/kub-kn-apply.sh --dry-run chat  # print the kn command only
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

dry_run=false
selected=()
for argument in "$@"; do
  case "$argument" in
    --dry-run) dry_run=true ;;
    -*) die "unknown option $argument (usage: kub-kn-apply.sh [--dry-run] [auth|chat|admin|web]...)" ;;
    *)
      [[ " ${FUNCTIONS[*]} " == *" $argument "* ]] || die "unknown function '$argument' (one of: ${FUNCTIONS[*]})"
      selected+=("$argument")
      ;;
  esac
done
[[ ${#selected[@]} -gt 0 ]] || selected=("${FUNCTIONS[@]}")
$dry_run || require_secrets

# Settings every function shares. Knative's defaults supply the two YAML fields kn has no
# flag for: enableServiceLinks (false) and responseStartTimeoutSeconds (300 s when the
# timeout is longer).
common=(
  --namespace "$NAMESPACE"
  --port http1:8080
  --cluster-local
  --label-service app.kubernetes.io/part-of=zerochat
  --scale-min 0
  --env-from cm:zerochat-config
  --probe-readiness http::8080:/readyz
  --probe-liveness http::8080:/healthz
  --probe-liveness-opts 'PeriodSeconds=10,TimeoutSeconds=2,FailureThreshold=3'
  --request 'cpu=100m,memory=128Mi'
  --limit 'cpu=1,memory=512Mi'
  --security-context strict
)

# What the functions with a database share: the public keys and MongoDB (web has neither).
database="--env-from cm:zerochat-public-keys --env-value-from MONGODB_URI=secret:zerochat-mongodb:MONGODB_URI"

function_settings() {
  case "$1" in
    auth) echo "$database --service-account zerochat-function --scale-max 5 --scale-target 10 --concurrency-limit 20 --timeout 120 --env-from secret:zerochat-auth" ;;
    chat) echo "$database --service-account zerochat-function --scale-max 4 --scale-target 50 --concurrency-limit 100 --timeout 600 --env SHUTDOWN_GRACE_MS=510000 --env CHAT_GENERATION_TIMEOUT_MS=540000" ;;
    admin) echo "$database --service-account zerochat-admin --scale-max 1 --scale-target 5 --concurrency-limit 10 --timeout 600 --env-from secret:zerochat-admin" ;;
    web) echo "--service-account zerochat-function --scale-max 3 --scale-target 100 --concurrency-limit 200 --timeout 30" ;;
  esac
}

for fn in "${selected[@]}"; do
  read -r -a settings <<<"$(function_settings "$fn")"
  command=(service apply "$fn" --image "$(function_image "$fn")" "${common[@]}" "${settings[@]}")
  if $dry_run; then
    printf '%q ' kn "${command[@]}"
    echo
  else
    step "kn service apply $fn"
    kn_ "${command[@]}"
  fi
done
