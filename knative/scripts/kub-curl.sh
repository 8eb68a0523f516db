#!/usr/bin/env bash
# Talks to Ollama and to each function from inside the cluster, the way zerochat's own pods
# reach them: a one-shot curl Pod in the zerochat namespace (its NetworkPolicies admit it like
# any zerochat pod) prints what it got and is deleted. A function at zero is woken by it.
#
#   knative/scripts/kub-curl.sh                               Ollama's version and models, each function's /readyz
#   knative/scripts/kub-curl.sh TARGET [PATH [CURL-ARGS...]]  one request; TARGET: ollama, kong, auth, chat, admin, web
#   knative/scripts/kub-curl.sh --print [TARGET ...]          print the Pod it would create; touch nothing
#
# For example: knative/scripts/kub-curl.sh ollama /api/generate -d '{"model":"zerochat","prompt":"Hi","stream":false}'
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CURL_IMAGE=curlimages/curl:8.11.1
CLUSTER_DOMAIN=svc.cluster.local

print_only=false
if [[ "${1:-}" == "--print" ]]; then
  print_only=true
  shift
fi

# base_url TARGET: where the target answers inside the cluster.
base_url() {
  case "$1" in
    ollama) echo "http://ollama.$NAMESPACE.$CLUSTER_DOMAIN:11434" ;;
    kong) echo "http://kong-proxy.$NAMESPACE.$CLUSTER_DOMAIN" ;;
    # Knative's cluster-local address of the service, through Kourier's internal gateway.
    auth | chat | admin | web) echo "http://$1.$NAMESPACE.$CLUSTER_DOMAIN" ;;
    *) die "unknown target '$1': use ollama, kong, auth, chat, admin or web" ;;
  esac
}

# curl's arguments: options first, then the URLs; one status line per URL.
curl_args=(--silent --show-error --max-time 300 --write-out '\n--> %{http_code} %{url_effective} in %{time_total}s\n')
if (($# == 0)); then
  ollama="$(base_url ollama)"
  curl_args+=("$ollama/api/version" "$ollama/api/tags")
  for fn in "${FUNCTIONS[@]}"; do curl_args+=("$(base_url "$fn")/readyz"); done
else
  url="$(base_url "$1")"
  path="${2:-/}"
  [[ "$path" == /* ]] || die "the path must start with /: $path"
  curl_args+=("${@:3}" "$url$path")
fi

json_string() {
  local value="$1"
  value="${value//\\/\\\\}"
  value="${value//\"/\\\"}"
  value="${value//$'\n'/\\n}"
  value="${value//$'\t'/\\t}"
  printf '"%s"' "$value"
}

json_array() {
  local first=true item
  printf '['
  for item in "$@"; do
    $first || printf ', '
    first=false
    json_string "$item"
  done
  printf ']'
}

pod="zerochat-curl-$(printf '%04x%04x' "$RANDOM" "$RANDOM")"
# The restricted Pod Security profile: no privileges, no service account token, not root. The
# image's user is a name (curl_user), which the kubelet cannot check as non-root: its uid, 100.
manifest="$(
  cat <<EOF
{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "$pod",
    "namespace": "$NAMESPACE",
    "labels": {"app.kubernetes.io/name": "zerochat-curl", "app.kubernetes.io/part-of": "zerochat"}
  },
  "spec": {
    "restartPolicy": "Never",
    "activeDeadlineSeconds": 600,
    "automountServiceAccountToken": false,
    "enableServiceLinks": false,
    "securityContext": {"runAsNonRoot": true, "runAsUser": 100, "seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [
      {
        "name": "curl",
        "image": "$CURL_IMAGE",
        "command": ["curl"],
        "args": $(json_array "${curl_args[@]}"),
        "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "64Mi"}}
      }
    ]
  }
}
EOF
)"

if $print_only; then
  echo "$manifest"
  exit 0
fi

trap 'k delete pod "$pod" --namespace "$NAMESPACE" --ignore-not-found --wait=false >/dev/null 2>&1 || true' EXIT
step "curl from pod $pod in namespace $NAMESPACE"
k create -f - <<<"$manifest" >/dev/null

phase=""
for _ in $(seq 1 300); do
  phase="$(k get pod "$pod" --namespace "$NAMESPACE" -o jsonpath='{.status.phase}')"
  [[ "$phase" == Succeeded || "$phase" == Failed ]] && break
  sleep 2
done
k logs "$pod" --namespace "$NAMESPACE" || true
if [[ "$phase" != Succeeded ]]; then
  k describe pod "$pod" --namespace "$NAMESPACE" | tail -n 15 || true
  die "the curl pod ended as '${phase:-still running after 10 minutes}'"
fi
