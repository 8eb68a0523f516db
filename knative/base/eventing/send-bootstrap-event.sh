#!/bin/sh
# Sends one dev.zerochat.admin.bootstrap.requested CloudEvent (HTTP binary mode) to a sink: the
# Broker's address that Knative's SinkBinding injects as K_SINK, or the URL given as $1 (compose
# posts straight to the admin function). Exits non-zero when the sink does not accept it, so the
# Job (or compose) retries.
set -eu
sink="${1:-${K_SINK:-}}"
if [ -z "$sink" ]; then
  echo "send-bootstrap-event: no sink: pass a URL or run under a SinkBinding (K_SINK)" >&2
  exit 1
fi
source="${BOOTSTRAP_EVENT_SOURCE:-/zerochat/bootstrap}"
id="$(cat /proc/sys/kernel/random/uuid)"
echo "send-bootstrap-event: sending $id from $source to $sink"
curl --fail-with-body --silent --show-error \
  --retry 10 --retry-delay 5 --retry-all-errors --max-time "${BOOTSTRAP_TIMEOUT_SECONDS:-900}" \
  -X POST "$sink" \
  -H "ce-specversion: 1.0" \
  -H "ce-type: dev.zerochat.admin.bootstrap.requested" \
  -H "ce-source: $source" \
  -H "ce-id: $id" \
  -H "content-type: application/json" \
  --data '{}'
echo
echo "send-bootstrap-event: accepted"
