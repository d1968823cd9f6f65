# Shared by the scripts here. crun refuses this machine's hybrid cgroups; runc works.
PODMAN="podman --runtime ${OCI_RUNTIME:-runc}"
BASE_NODE=localhost/ivoryos-base-node:20-trixie
BASE_NODE_BUILD=localhost/ivoryos-base-node-build:20-trixie
IMG_POSTGRES=localhost/ivoryos-postgres:trixie
IMG_REDIS=localhost/ivoryos-redis:trixie
IMG_HAPROXY=localhost/ivoryos-haproxy:trixie
VERSION="$(node -p 'require("./package.json").version' 2>/dev/null || echo 0.1.0)"
IMG_APP="localhost/ivoryos-ts:$VERSION"
IMG_AGENT_PY="localhost/ivoryos-ts:$VERSION-python"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf}"
