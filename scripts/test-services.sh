#!/usr/bin/env bash
# Services the cluster tests need: redis-server (apt) and the Azurite table and blob emulator (npm, into
# .services/azurite), plus Debian's chromium for the dashboard check and Debian's prometheus for the
# metrics check. Sourced by scripts/test.sh,
# which calls test_services_start before the tests and test_services_stop after them;
# scripts/cluster.sh uses the same functions.
#
# test_services_start exports what the tests read:
#   GATEWAY_TEST_REDIS     Redis connection string (127.0.0.1:<port>)
#   GATEWAY_TEST_TABLES    Azure Storage connection string of Azurite (table and blob endpoints)
#   GATEWAY_TEST_BLOBS     the same string, for tests that use only blobs
#   GATEWAY_TEST_CHROMIUM  the chromium binary
#   GATEWAY_TEST_OPENAPI_NODE_PATH   node_modules holding @apidevtools/swagger-parser (scripts/validate-openapi.js)
#   GATEWAY_TEST_OPENAI_NODE_PATH    node_modules holding the official openai package (scripts/openai-batch-client.js)
#   GATEWAY_TEST_PROMETHEUS          a running Prometheus server (http://127.0.0.1:<port>), scraping every 1 s
#   GATEWAY_TEST_PROMETHEUS_TARGETS  the directory of its file-based targets: a test writes <name>.json there
#                                    ([{"targets": ["127.0.0.1:<port>"], "labels": {...}}]) and removes it after
#   GATEWAY_TEST_PROMETHEUS_TOKEN    the bearer token Prometheus sends with each scrape
# and test_services_stop stops exactly the processes it started, by PID.

SERVICES_ROOT="${SERVICES_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SERVICES_DIR="${SERVICES_DIR:-$SERVICES_ROOT/.services}"
AZURITE_DIR="$SERVICES_DIR/azurite"
# Azurite's well-known development account (public, documented by Microsoft; not a secret).
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

services_log() { echo "[services] $*" >&2; }

# Runs a command as root: directly when we are root (CI), else through sudo without a prompt.
services_as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else
    services_log "need root to run: $*"; return 1; fi
}

_services_apt_updated=""
services_apt_install() {
  if [[ -z "$_services_apt_updated" ]]; then
    services_log "apt-get update"
    services_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    _services_apt_updated=1
  fi
  services_log "apt-get install -y $*"
  services_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Installs what is missing: redis-server (apt), node/npm (apt), Azurite (npm, local folder), chromium (apt, unless SERVICES_NO_CHROMIUM=1).
services_install() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v npm >/dev/null || missing+=(nodejs npm)
  if [[ "${SERVICES_NO_CHROMIUM:-0}" != 1 ]] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
    missing+=(chromium)
  fi
  if [[ "${SERVICES_NO_PROMETHEUS:-0}" != 1 ]] && ! command -v prometheus >/dev/null; then
    missing+=(prometheus)
  fi
  if ((${#missing[@]})); then services_apt_install "${missing[@]}" || return 1; fi
  if [[ ! -x "$AZURITE_DIR/node_modules/.bin/azurite-table" ]]; then
    services_log "npm install azurite (into $AZURITE_DIR)"
    mkdir -p "$AZURITE_DIR"
    npm install --prefix "$AZURITE_DIR" --no-audit --no-fund --loglevel=error azurite >&2 || return 1
  fi
}

# The OpenAPI validator (npm, into .services/openapi); the OpenAPI test runs scripts/validate-openapi.js with it.
OPENAPI_DIR="$SERVICES_DIR/openapi"
services_install_openapi() {
  if [[ ! -f "$OPENAPI_DIR/node_modules/@apidevtools/swagger-parser/package.json" ]] && command -v npm >/dev/null; then
    services_log "npm install @apidevtools/swagger-parser (into $OPENAPI_DIR)"
    mkdir -p "$OPENAPI_DIR"
    npm install --prefix "$OPENAPI_DIR" --no-audit --no-fund --loglevel=error @apidevtools/swagger-parser >&2 || return 1
  fi
}

# The official Node `openai` package (npm, into .services/openai-node); the Node Batch API test runs
# scripts/openai-batch-client.js with it.
OPENAI_NODE_DIR="$SERVICES_DIR/openai-node"
OPENAI_NODE_VERSION="7.55.0"
services_install_openai_node() {
  if [[ ! -f "$OPENAI_NODE_DIR/node_modules/openai/package.json" ]] && command -v npm >/dev/null; then
    services_log "npm install openai@$OPENAI_NODE_VERSION (into $OPENAI_NODE_DIR)"
    mkdir -p "$OPENAI_NODE_DIR"
    npm install --prefix "$OPENAI_NODE_DIR" --no-audit --no-fund --loglevel=error "openai@$OPENAI_NODE_VERSION" >&2 || return 1
  fi
}

# A free loopback TCP port at or above $1 (nothing answers there and we have not handed it out).
_services_ports_taken=" "
services_free_port() {
  local port="${1:-20000}"
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || [[ "$_services_ports_taken" == *" $port "* ]]; do
    port=$((port + 1))
  done
  _services_ports_taken+="$port "
  echo "$port"
}

# Waits until something accepts connections on 127.0.0.1:$1 (up to $2 seconds).
services_wait_port() {
  local port="$1" deadline=$((SECONDS + ${2:-30}))
  until (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Stops one process by PID: SIGTERM, then SIGKILL after $2 seconds (default 10).
services_stop_pid() {
  local pid="$1" grace="${2:-10}" deadline
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

# Starts redis-server on 127.0.0.1:$1 with its files in $2; prints its PID.
services_start_redis() {
  local port="$1" dir="$2"
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no --daemonize no \
    >"$dir/redis.log" 2>&1 &
  local pid=$!
  services_wait_port "$port" 20 || { services_log "redis-server did not start; see $dir/redis.log"; return 1; }
  echo "$pid"
}

# Starts Azurite on 127.0.0.1 with its files in $2: the table service on port $1 and, when $3 is
# given, the blob service on port $3 (one process; its queue service on $4, default $3 + 1). Prints its PID.
services_start_azurite() {
  local port="$1" dir="$2" blob_port="${3:-}" queue_port="${4:-}"
  mkdir -p "$dir"
  if [[ -n "$blob_port" ]]; then
    queue_port="${queue_port:-$((blob_port + 1))}"
    "$AZURITE_DIR/node_modules/.bin/azurite" --silent --disableTelemetry --location "$dir" \
      --tableHost 127.0.0.1 --tablePort "$port" --blobHost 127.0.0.1 --blobPort "$blob_port" \
      --queueHost 127.0.0.1 --queuePort "$queue_port" \
      --skipApiVersionCheck --loose --disableProductStyleUrl >"$dir/azurite.log" 2>&1 &
  else
    "$AZURITE_DIR/node_modules/.bin/azurite-table" --tableHost 127.0.0.1 --tablePort "$port" --location "$dir" \
      --skipApiVersionCheck --loose --disableProductStyleUrl >"$dir/azurite.log" 2>&1 &
  fi
  local pid=$!
  services_wait_port "$port" 60 || { services_log "Azurite did not start; see $dir/azurite.log"; return 1; }
  if [[ -n "$blob_port" ]]; then
    services_wait_port "$blob_port" 60 || { services_log "Azurite's blob service did not start; see $dir/azurite.log"; return 1; }
  fi
  echo "$pid"
}

# Starts Prometheus on 127.0.0.1:$1 with its files in $2, scraping every second the targets listed in
# $2/targets/*.json with "Authorization: Bearer $3". Prints its PID.
services_start_prometheus() {
  local port="$1" dir="$2" token="$3"
  mkdir -p "$dir/targets" "$dir/data"
  printf '%s' "$token" >"$dir/token"
  cat >"$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: gateway
    authorization:
      credentials_file: $dir/token
    file_sd_configs:
      - files: ["$dir/targets/*.json"]
        refresh_interval: 1s
YAML
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$dir/prometheus.log" 2>&1 &
  local pid=$!
  services_wait_port "$port" 30 || { services_log "prometheus did not start; see $dir/prometheus.log"; return 1; }
  echo "$pid"
}

services_redis_connection() { echo "127.0.0.1:$1"; }

# The Azure Storage connection string of Azurite's table service on port $1 and, when $2 is given,
# its blob service on port $2 (the gateway keeps large batch results and files there).
services_tables_connection() {
  local blob=""
  [[ -n "${2:-}" ]] && blob="BlobEndpoint=http://127.0.0.1:$2/$AZURITE_ACCOUNT;"
  echo "DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_KEY;TableEndpoint=http://127.0.0.1:$1/$AZURITE_ACCOUNT;$blob"
}

services_chromium() { command -v chromium || command -v chromium-browser || true; }

TEST_SERVICES_RUN_DIR=""
TEST_SERVICES_PIDS=()

# Never fails: a service that cannot be installed or started is left unset, and the cluster tests
# that need it fail with a message naming the command that provides it (the other tests still run).
test_services_start() {
  services_install || services_log "could not install every test service (see above); the cluster tests will say what is missing"
  services_install_openapi || services_log "could not install the OpenAPI validator (see above); the OpenAPI test will say so"
  services_install_openai_node || services_log "could not install the Node openai package (see above); the Node Batch API test will say so"
  TEST_SERVICES_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/gateway-test-services.XXXXXX")"
  unset GATEWAY_TEST_REDIS GATEWAY_TEST_TABLES GATEWAY_TEST_BLOBS GATEWAY_TEST_CHROMIUM
  unset GATEWAY_TEST_PROMETHEUS GATEWAY_TEST_PROMETHEUS_TARGETS GATEWAY_TEST_PROMETHEUS_TOKEN GATEWAY_TEST_OPENAPI_NODE_PATH GATEWAY_TEST_OPENAI_NODE_PATH
  if [[ -f "$OPENAPI_DIR/node_modules/@apidevtools/swagger-parser/package.json" ]]; then
    export GATEWAY_TEST_OPENAPI_NODE_PATH="$OPENAPI_DIR/node_modules"
  fi
  if [[ -f "$OPENAI_NODE_DIR/node_modules/openai/package.json" ]]; then
    export GATEWAY_TEST_OPENAI_NODE_PATH="$OPENAI_NODE_DIR/node_modules"
  fi
  local redis_port tables_port blob_port queue_port redis_pid azurite_pid prometheus_port prometheus_pid prometheus_token
  if command -v redis-server >/dev/null; then
    redis_port="$(services_free_port 26379)"
    if redis_pid="$(services_start_redis "$redis_port" "$TEST_SERVICES_RUN_DIR/redis")"; then
      TEST_SERVICES_PIDS+=("$redis_pid")
      export GATEWAY_TEST_REDIS="$(services_redis_connection "$redis_port")"
      services_log "redis-server pid $redis_pid on 127.0.0.1:$redis_port"
    fi
  fi
  if [[ -x "$AZURITE_DIR/node_modules/.bin/azurite-table" ]]; then
    tables_port="$(services_free_port 20002)"
    blob_port="$(services_free_port 20010)"
    queue_port="$(services_free_port 20020)"
    if azurite_pid="$(services_start_azurite "$tables_port" "$TEST_SERVICES_RUN_DIR/azurite" "$blob_port" "$queue_port")"; then
      TEST_SERVICES_PIDS+=("$azurite_pid")
      export GATEWAY_TEST_TABLES="$(services_tables_connection "$tables_port" "$blob_port")"
      export GATEWAY_TEST_BLOBS="$GATEWAY_TEST_TABLES"
      services_log "Azurite pid $azurite_pid on 127.0.0.1:$tables_port (tables), :$blob_port (blobs)"
    fi
  fi
  if command -v prometheus >/dev/null; then
    prometheus_port="$(services_free_port 29090)"
    prometheus_token="scrape-$RANDOM$RANDOM$RANDOM"
    if prometheus_pid="$(services_start_prometheus "$prometheus_port" "$TEST_SERVICES_RUN_DIR/prometheus" "$prometheus_token")"; then
      TEST_SERVICES_PIDS+=("$prometheus_pid")
      export GATEWAY_TEST_PROMETHEUS="http://127.0.0.1:$prometheus_port"
      export GATEWAY_TEST_PROMETHEUS_TARGETS="$TEST_SERVICES_RUN_DIR/prometheus/targets"
      export GATEWAY_TEST_PROMETHEUS_TOKEN="$prometheus_token"
      services_log "prometheus pid $prometheus_pid on 127.0.0.1:$prometheus_port"
    fi
  fi
  if [[ -n "$(services_chromium)" ]]; then export GATEWAY_TEST_CHROMIUM="$(services_chromium)"; fi
  services_log "redis: ${GATEWAY_TEST_REDIS:-missing}; Azurite: $([[ -n "${GATEWAY_TEST_TABLES:-}" ]] && echo running || echo missing); chromium: ${GATEWAY_TEST_CHROMIUM:-missing}; prometheus: ${GATEWAY_TEST_PROMETHEUS:-missing}; OpenAPI validator: ${GATEWAY_TEST_OPENAPI_NODE_PATH:-missing}"
  return 0
}

test_services_stop() {
  local pid
  for pid in "${TEST_SERVICES_PIDS[@]}"; do services_stop_pid "$pid" 10; done
  TEST_SERVICES_PIDS=()
  if [[ -n "$TEST_SERVICES_RUN_DIR" && -d "$TEST_SERVICES_RUN_DIR" ]]; then rm -rf "$TEST_SERVICES_RUN_DIR"; fi
}
