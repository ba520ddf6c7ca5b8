#!/usr/bin/env bash
# Runs a whole gateway cluster on this machine, without Docker:
#   bash scripts/cluster.sh start [--silos N] [--frontends M] [--fake-provider]
#   bash scripts/cluster.sh status
#   bash scripts/cluster.sh stop
# Installs what is missing (redis-server with apt, Azurite with npm into .services/azurite), builds
# the Silo and Frontend, then starts Redis, Azurite, N silos (default 2) and M frontends (default 2)
# on loopback with distinct free ports. Logs, PIDs and the addresses live in .cluster/; stop ends
# exactly the processes listed there. --fake-provider also starts Tests/FakeProvider and configures
# it as provider "fake" (model fake/fake-model), for trying the cluster without provider keys.
# Extra settings reach every silo and frontend as environment variables (e.g. Gateway__Providers__openai__ApiKey).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/.cluster}"
SERVICES_NO_CHROMIUM=1
# shellcheck source=scripts/test-services.sh
source "$ROOT/scripts/test-services.sh"

silos=2 frontends=2 fake=0 configuration=Release
command="${1:-status}"
shift || true
while (($#)); do
  case "$1" in
    --silos) silos="$2"; shift 2 ;;
    --frontends) frontends="$2"; shift 2 ;;
    --fake-provider) fake=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done

log() { echo "[cluster] $*" >&2; }

# Records a started process: name, pid, address.
record() { echo "$1 $2 $3" >>"$CLUSTER_DIR/processes"; }

wait_http() {
  local url="$1" name="$2" pid="$3" deadline=$((SECONDS + ${4:-90}))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$name exited; see $CLUSTER_DIR/$name.log"; tail -n 20 "$CLUSTER_DIR/$name.log" >&2; return 1; fi
    ((SECONDS < deadline)) || { log "$name did not answer at $url; see $CLUSTER_DIR/$name.log"; return 1; }
    sleep 0.5
  done
}

start() {
  if [[ -s "$CLUSTER_DIR/processes" ]]; then log "already started (see $CLUSTER_DIR/processes); run stop first"; exit 1; fi
  command -v curl >/dev/null || services_apt_install curl ca-certificates
  services_install
  mkdir -p "$CLUSTER_DIR"
  : >"$CLUSTER_DIR/processes"
  log "building Silo and Frontend ($configuration)"
  dotnet build Silo/Silo.csproj -c "$configuration" -nologo -v q >"$CLUSTER_DIR/build.log" 2>&1 || { tail -n 30 "$CLUSTER_DIR/build.log" >&2; exit 1; }
  dotnet build Frontend/Frontend.csproj -c "$configuration" -nologo -v q >>"$CLUSTER_DIR/build.log" 2>&1 || { tail -n 30 "$CLUSTER_DIR/build.log" >&2; exit 1; }

  local redis_port tables_port blob_port pid
  redis_port="$(services_free_port 6379)"
  pid="$(services_start_redis "$redis_port" "$CLUSTER_DIR/redis")"
  record redis "$pid" "127.0.0.1:$redis_port"
  tables_port="$(services_free_port 10002)"
  blob_port="$(services_free_port 10000)"
  pid="$(services_start_azurite "$tables_port" "$CLUSTER_DIR/azurite" "$blob_port" "$(services_free_port 10001)")"
  record azurite "$pid" "http://127.0.0.1:$tables_port (blobs :$blob_port)"

  export ConnectionStrings__redis ConnectionStrings__tables
  ConnectionStrings__redis="$(services_redis_connection "$redis_port")"
  ConnectionStrings__tables="$(services_tables_connection "$tables_port" "$blob_port")"
  export Orleans__Endpoints__AdvertisedIPAddress=127.0.0.1
  export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production

  if ((fake)); then
    dotnet build Tests/FakeProvider/FakeProvider.csproj -c "$configuration" -nologo -v q >>"$CLUSTER_DIR/build.log" 2>&1
    local fake_port
    fake_port="$(services_free_port 9100)"
    dotnet "Tests/FakeProvider/bin/$configuration/net10.0/OrleansGateway.FakeProvider.dll" --urls "http://127.0.0.1:$fake_port" --latency-ms 20 \
      >"$CLUSTER_DIR/fake-provider.log" 2>&1 &
    record fake-provider $! "http://127.0.0.1:$fake_port"
    services_wait_port "$fake_port" 60
    export Gateway__Providers__fake__BaseUrl="http://127.0.0.1:$fake_port/v1" Gateway__Providers__fake__ApiKey=fake-key \
      Gateway__Providers__fake__Models__0=fake-model Gateway__Providers__fake__MaxConcurrency=8
  fi

  local i http silo_port gateway_port name
  for ((i = 1; i <= silos; i++)); do
    http="$(services_free_port $((8080 + i - 1)))"
    silo_port="$(services_free_port $((11111 + i - 1)))"
    gateway_port="$(services_free_port $((30000 + i - 1)))"
    name="silo$i"
    Orleans__Endpoints__SiloPort="$silo_port" Orleans__Endpoints__GatewayPort="$gateway_port" \
      dotnet "Silo/bin/$configuration/net10.0/OrleansGateway.Silo.dll" --urls "http://127.0.0.1:$http" >"$CLUSTER_DIR/$name.log" 2>&1 &
    pid=$!
    record "$name" "$pid" "http://127.0.0.1:$http"
    echo "silo port $silo_port gateway port $gateway_port" >"$CLUSTER_DIR/$name.port"
    wait_http "http://127.0.0.1:$http/health" "$name" "$pid"
    log "$name pid $pid: http://127.0.0.1:$http (dashboard /dashboard/), silo port $silo_port, gateway port $gateway_port"
  done
  for ((i = 1; i <= frontends; i++)); do
    http="$(services_free_port $((8000 + i - 1)))"
    name="frontend$i"
    dotnet "Frontend/bin/$configuration/net10.0/OrleansGateway.Frontend.dll" --urls "http://127.0.0.1:$http" >"$CLUSTER_DIR/$name.log" 2>&1 &
    pid=$!
    record "$name" "$pid" "http://127.0.0.1:$http"
    wait_http "http://127.0.0.1:$http/health" "$name" "$pid"
    log "$name pid $pid: http://127.0.0.1:$http"
  done
  status
}

status() {
  if [[ ! -s "$CLUSTER_DIR/processes" ]]; then echo "no cluster running (nothing in $CLUSTER_DIR/processes)"; return 0; fi
  local name pid address state
  while read -r name pid address; do
    if kill -0 "$pid" 2>/dev/null; then state=running; else state=exited; fi
    printf '%-14s pid %-8s %-8s %s\n' "$name" "$pid" "$state" "$address"
  done <"$CLUSTER_DIR/processes"
}

stop() {
  [[ -s "$CLUSTER_DIR/processes" ]] || { log "nothing to stop"; return 0; }
  # Frontends first (they drain), then silos (they hand their grains over), then the services.
  local name pid address
  for kind in frontend silo fake-provider azurite redis; do
    while read -r name pid address; do
      [[ "$name" == "$kind"* ]] || continue
      log "stopping $name (pid $pid)"
      services_stop_pid "$pid" 40
    done <"$CLUSTER_DIR/processes"
  done
  : >"$CLUSTER_DIR/processes"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [--silos N] [--frontends M] [--fake-provider] | status | stop" >&2; exit 64 ;;
esac
