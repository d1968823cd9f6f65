#!/usr/bin/env bash
# Builds the app image (gateway, migrations and agents: one image, several commands) and the
# agent variant with Python 3 from the repository's Dockerfile, on the local Debian bases
# (make-bases.sh), and prints their sizes.
#   tools/containers/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/containers/common.sh
. tools/containers/common.sh

for image in "$BASE_NODE" "$BASE_NODE_BUILD"; do
  $PODMAN image exists "$image" || { echo "$image is missing: run tools/containers/make-bases.sh" >&2; exit 1; }
done
# The host's npm settings reach `npm ci` as build secrets, mounted for that one RUN and never
# stored in a layer: its user npmrc (credentials) plus the registry it resolves, and the CA
# bundle it trusts (here a TLS-inspecting proxy's CA is in it) as "npm-ca".
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npmrc="${NPM_CONFIG_USERCONFIG:-$HOME/.npmrc}"
{ [ -f "$npmrc" ] && cat "$npmrc"; echo; echo "registry=$(npm config get registry)"; } >"$tmp/npmrc"
secret=(--secret "id=npmrc,src=$tmp/npmrc")
cafile="$(npm config get cafile 2>/dev/null || true)"
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
  echo "cafile=/run/secrets/npm-ca" >>"$tmp/npmrc"
  secret+=(--secret "id=npm-ca,src=$cafile")
fi
# --format docker keeps HEALTHCHECK (the OCI format has no such field).
common=(--format docker --network host "${secret[@]}" --build-arg "BASE=$BASE_NODE" --build-arg "BUILD_BASE=$BASE_NODE_BUILD" -f Dockerfile .)
t0=$(date +%s)
$PODMAN build "${common[@]}" --target runtime -t "$IMG_APP"
t1=$(date +%s)
$PODMAN build "${common[@]}" --target agent-python -t "$IMG_AGENT_PY"
t2=$(date +%s)
echo "built $IMG_APP in $((t1 - t0)) s, $IMG_AGENT_PY in $((t2 - t1)) s"
$PODMAN images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "ivoryos-ts:$VERSION" || true
