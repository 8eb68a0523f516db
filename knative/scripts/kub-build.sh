#!/usr/bin/env bash
# Builds the auth, chat, admin and web images from their Dockerfiles, pushes them to MicroK8s'
# registry (localhost:32000) and records their digests in knative/images.env, which
# kub-deploy.sh and kub-kn-apply.sh deploy. Safe to rerun: an unchanged build has the same
# digest, so deploying it again creates no new revision.
#
#   knative/scripts/kub-build.sh            # all three
#   knative/scripts/kub-build.sh chat       # one
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

need docker "sudo apt-get install -y docker.io && sudo usermod -a -G docker \$USER (then log out and in)"
docker info >/dev/null 2>&1 || die "docker cannot reach its daemon: is your user in the docker group (newgrp docker)?"

selected=("$@")
[[ ${#selected[@]} -gt 0 ]] || selected=("${FUNCTIONS[@]}")
for fn in "${selected[@]}"; do
  [[ " ${FUNCTIONS[*]} " == *" $fn "* ]] || die "unknown function '$fn' (one of: ${FUNCTIONS[*]})"
done

tag="$(git -C "$ZEROCHAT_ROOT" describe --always --dirty 2>/dev/null || date -u +%Y%m%d%H%M%S)"
touch "$IMAGES_FILE"
for fn in "${selected[@]}"; do
  image="$REGISTRY/zerochat/$fn"
  step "building $image:$tag"
  docker build --file "$ZEROCHAT_ROOT/functions/$fn/Dockerfile" --tag "$image:$tag" --tag "$image:latest" "$ZEROCHAT_ROOT"
  step "pushing $image"
  docker push "$image:latest" >/dev/null
  output="$(docker push "$image:$tag")"
  digest="$(grep -oE 'sha256:[0-9a-f]{64}' <<<"$output" | tail -n 1)"
  [[ -n "$digest" ]] || die "could not read the digest of $image:$tag from docker push"
  grep -vE "^$fn=" "$IMAGES_FILE" >"$IMAGES_FILE.new" || true
  echo "$fn=$image@$digest" >>"$IMAGES_FILE.new"
  mv "$IMAGES_FILE.new" "$IMAGES_FILE"
  echo "    $fn=$image@$digest"
done
echo "next: npm run kube:deploy (or npm run kube:kn-apply -- ${selected[*]})"
