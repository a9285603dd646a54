#!/usr/bin/env bash
# PostgreSQL and Redis for the test suite, as CI has them: start them when they are not answering on
# 127.0.0.1. On Debian, as root, install whichever is missing (as scripts/system-packages.sh does the
# other packages); anywhere else, stop and name it. Services at other addresses (DATABASE_URL or REDIS_URL
# pointing elsewhere) are someone else's: this script only waits for them.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"

# host and port of a URL such as postgres://user@host:5432/name or redis://host:6379/0
host_of() { local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; echo "${rest%%:*}"; }
port_of() {
  local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"
  [[ "$rest" == *:* ]] && echo "${rest##*:}" || echo "$2"
}
answering() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost ]]; }

wait_for() {
  local name="$1" host="$2" port="$3"
  for _ in $(seq 30); do
    answering "$host" "$port" && return 0
    sleep 1
  done
  echo "$name is not answering on $host:$port." >&2
  exit 1
}

install_packages() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "The test suite needs PostgreSQL and Redis; these packages are missing: $*" >&2
    echo "Install them (e.g. sudo apt-get install $*), or point DATABASE_URL and REDIS_URL at running" >&2
    echo "servers, and run make test again." >&2
    exit 1
  fi
}

postgres_host="$(host_of "$DATABASE_URL")"
postgres_port="$(port_of "$DATABASE_URL" 5432)"
redis_host="$(host_of "$REDIS_URL")"
redis_port="$(port_of "$REDIS_URL" 6379)"
[[ "$DATABASE_URL" == postgres* ]] || postgres_host=""  # SQLite, asked for explicitly: nothing to start

missing=()
if [ -n "$postgres_host" ] && is_local "$postgres_host" && ! answering "$postgres_host" "$postgres_port" \
  && ! command -v pg_ctlcluster >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if is_local "$redis_host" && ! answering "$redis_host" "$redis_port" \
  && ! command -v redis-server >/dev/null 2>&1; then
  missing+=(redis-server)
fi
installed_postgres=false
if [ ${#missing[@]} -gt 0 ]; then
  install_packages "${missing[@]}"
  [[ " ${missing[*]} " == *" postgresql "* ]] && installed_postgres=true
fi

if [ -n "$postgres_host" ] && is_local "$postgres_host"; then
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ] && ! answering "$postgres_host" "$postgres_port"; then
    echo "PostgreSQL is installed but has no cluster in /etc/postgresql: create one" >&2
    echo "(sudo pg_createcluster --start 15 main) and run make test again." >&2
    exit 1
  fi
  if $installed_postgres; then
    # A cluster this script installed is the tests' own: let them in from this machine without a
    # password, as the DATABASE_URL the Makefile gives them expects.
    sed -i '1i host all postgres 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
  fi
  if ! answering "$postgres_host" "$postgres_port"; then
    echo "Starting PostgreSQL $version"
    if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
      echo "PostgreSQL $version is installed but could not be started: start it" >&2
      echo "(sudo pg_ctlcluster $version main start) and run make test again." >&2
      exit 1
    fi
  fi
  wait_for PostgreSQL "$postgres_host" "$postgres_port"
elif [ -n "$postgres_host" ]; then
  wait_for PostgreSQL "$postgres_host" "$postgres_port"
fi

if is_local "$redis_host" && ! answering "$redis_host" "$redis_port"; then
  echo "Starting Redis on port $redis_port"
  mkdir -p var/redis
  # A throwaway server for the tests: nothing is saved to disk.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
    --dir "$PWD/var/redis" --logfile "$PWD/var/redis/redis.log"
fi
wait_for Redis "$redis_host" "$redis_port"
