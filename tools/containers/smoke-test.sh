#!/usr/bin/env bash
# `npm run test:containers`: builds the images on local Debian bases (reused when up to date) and
# runs docker-compose.yml under podman-compose (PostgreSQL, Redis, migrations, two gateway replicas
# behind haproxy, an agent per demo deck), then smoke.ts through the proxy on 127.0.0.1: decks
# online, direct calls, a run with a gateway container killed mid-run, a Python deck run. Everything
# it starts is removed at the end (KEEP=1 keeps the stack for a look; the next run removes it).
# Never part of `npm test`: it needs podman, root and a few minutes (docs/operations.md, "Containers").
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/containers/common.sh
. tools/containers/common.sh
t0=$(date +%s)
# podman without systemd cannot schedule health-check timers and says so for every container; the
# checks that matter here are haproxy's own and smoke.ts's.
exec 2> >(grep -v --line-buffered 'unable to get systemd connection' >&2)
step() { echo "── [$(($(date +%s) - t0)) s] $*"; }

step "base images"
tools/containers/make-bases.sh
step "app images"
tools/containers/build.sh

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
secret() { node -e "console.log(require('crypto').randomBytes(18).toString('hex'))"; }
export POSTGRES_PASSWORD="$(secret)" REDIS_PASSWORD="$(secret)" IVORYOS_ADMIN_PASSWORD="$(secret)" IVORYOS_JWT_SECRET="$(secret)"
export IVORYOS_HTTP_HOST=127.0.0.1 IVORYOS_HTTP_PORT="$(free_port)" IVORYOS_SMOKE_PG_PORT="$(free_port)" LOG_LEVEL=warn
export IVORYOS_SMOKE_CALLS_DIR="$(mktemp -d /tmp/ivoryos-smoke-calls.XXXXXX)"
chmod 777 "$IVORYOS_SMOKE_CALLS_DIR"
project=ivoryos-smoke
compose="podman-compose --podman-path podman -p $project -f docker-compose.yml -f tools/containers/compose.podman.yml"

cleanup() {
  code=$?
  if [ "${KEEP:-0}" = 1 ]; then echo "KEEP=1: stack left running (podman ps; the next run removes it)"; exit $code; fi
  if [ $code -ne 0 ]; then
    for c in $($PODMAN ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
      echo "┆ last lines of $c:"; $PODMAN logs --tail 15 "$c" 2>&1 | sed 's/^/┆   /'
    done
  fi
  $compose down -v >/dev/null 2>&1 || true
  $PODMAN volume ls -q | grep "^${project}_" | xargs -r $PODMAN volume rm -f >/dev/null 2>&1 || true
  # podman-compose 1.0's down leaves the project network.
  $PODMAN network rm -f "${project}_default" >/dev/null 2>&1 || true
  rm -rf "$IVORYOS_SMOKE_CALLS_DIR"
  echo "── smoke test $([ $code -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - t0)) s"
  exit $code
}
trap cleanup EXIT
$compose down -v >/dev/null 2>&1 || true

# podman-compose 1.0 ignores depends_on conditions, and `up <service>` also re-runs the service's
# dependencies (a finished migrate container would run again). So compose only creates the
# containers (network, volumes, names, settings from docker-compose.yml) and they are started here
# in the order the conditions ask for.
c() { echo "${project}_$1"; }
step "create the containers"
$compose up --no-build --no-start >/dev/null
step "PostgreSQL and Redis"
$PODMAN start "$(c postgres_1)" "$(c redis_1)" >/dev/null
ready=0
for _ in $(seq 1 90); do
  $PODMAN exec "$(c postgres_1)" pg_isready -q -h 127.0.0.1 -U ivoryos 2>/dev/null \
    && $PODMAN exec -e REDISCLI_AUTH="$REDIS_PASSWORD" "$(c redis_1)" redis-cli ping 2>/dev/null | grep -q PONG && { ready=1; break; }
  sleep 1
done
[ $ready = 1 ] || { echo "PostgreSQL or Redis not ready within 90 s"; exit 1; }
step "migrations"
$PODMAN start --attach "$(c migrate_1)" 2>&1 | tail -2 || true
code=$($PODMAN inspect "$(c migrate_1)" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || { echo "migrations failed ($code)"; exit 1; }
step "gateways, proxy, agents"
$PODMAN start "$(c gateway_1)" "$(c gateway_2)" "$(c proxy_1)" ivoryos-agent-abstract-sdl ivoryos-agent-abstract-sdl-py >/dev/null
$PODMAN ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}  {{.Image}}  {{.Status}}'

step "scenario"
SMOKE_BASE_URL="http://127.0.0.1:$IVORYOS_HTTP_PORT" \
SMOKE_PG_URL="postgresql://ivoryos:$POSTGRES_PASSWORD@127.0.0.1:$IVORYOS_SMOKE_PG_PORT/ivoryos" \
SMOKE_CALLS_DIR="$IVORYOS_SMOKE_CALLS_DIR" \
SMOKE_PODMAN="$PODMAN" SMOKE_KILL_CONTAINER="${project}_gateway_1" \
  node --import tsx tools/containers/smoke.ts

step "memory after the runs (RSS of each container's processes, and the cgroup's peak)"
for c in $($PODMAN ps --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
  pid=$($PODMAN inspect "$c" --format '{{.State.Pid}}')
  cg=$(awk -F: '$2 ~ /memory/ {print $3}' "/proc/$pid/cgroup")
  # Every process in the container (init, node, a Python deck's bridge); the peak includes page cache.
  rss=$(xargs -r ps -o rss= -p <"/sys/fs/cgroup/memory$cg/cgroup.procs" | awk '{s+=$1} END {printf "%.0f", s/1024}')
  peak=$(cat "/sys/fs/cgroup/memory$cg/memory.max_usage_in_bytes" 2>/dev/null | awk '{printf "%.0f", $1/1048576}')
  echo "$c: RSS ${rss} MiB, cgroup peak ${peak:-?} MiB"
done
