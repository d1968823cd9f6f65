#!/usr/bin/env bash
# Makes the local base images the container build and the smoke test use, from Debian packages
# only (no container registry is reachable here): one debootstrap'd Debian trixie minbase with
# Node (the release's nodejs, 20.19), then small images on top of it for the build stage (npm),
# PostgreSQL, Redis and haproxy. Idempotent: an image that exists is kept (FORCE=1 remakes).
#   tools/containers/make-bases.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tools/containers/common.sh
. "$here/common.sh"

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=trixie

have() { [ "${FORCE:-0}" != 1 ] && $PODMAN image exists "$1"; }

if ! have "$BASE_NODE"; then
  root="$(mktemp -d /var/tmp/ivoryos-rootfs.XXXXXX)"
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap $SUITE minbase with nodejs into $root"
  debootstrap --variant=minbase --include=nodejs,ca-certificates "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 \
    || { tail -30 "$root.log"; exit 1; }
  rm -f "$root.log"
  # Smaller image, and apt inside the builds below needs fresh lists anyway.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | $PODMAN import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE_NODE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# name, then the Debian packages that go on top of the Node base.
build_on_base() {
  local image="$1" file="$2"
  have "$image" && return 0
  echo "building $image"
  $PODMAN build --network host --build-arg "BASE=$BASE_NODE" -t "$image" -f "$here/$file" "$here"
}
build_on_base "$BASE_NODE_BUILD" bases/node-build.Containerfile
build_on_base "$IMG_POSTGRES" bases/postgres.Containerfile
build_on_base "$IMG_REDIS" bases/redis.Containerfile
build_on_base "$IMG_HAPROXY" bases/haproxy.Containerfile
$PODMAN images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'ivoryos-(base|postgres|redis|haproxy)' || true
