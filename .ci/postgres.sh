#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL 15 for the e2e pass: one database and one user per service; restart
# stops and starts the same server on its data (the fault tests' database restart).
# Usage: .ci/postgres.sh start|stop|restart   Env: SAGA_PG_PORT (default 15432), SAGA_PG_PASSWORD (default saga).
# Data, log and socket: /tmp/k8saga-ci-postgres-<port>.
set -euo pipefail

# Below Linux's ephemeral range (32768-60999): a port in it can be held by some client's outgoing connection
# just when the server wants to listen on it, and the start fails with "Address already in use".
port=${SAGA_PG_PORT:-15432}
password=${SAGA_PG_PASSWORD:-saga}
# One data directory per port: `start` wipes it, so two servers on one machine (worktrees side by side) must not
# share it.
data=/tmp/k8saga-ci-postgres-$port
bin=/usr/lib/postgresql/15/bin

# Installs PostgreSQL 15 from Debian's packages when this machine does not have it.
install_if_missing() {
  if [ ! -x "$bin/postgres" ]; then
    echo "Installing PostgreSQL 15 from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql-15 >/dev/null
  fi
}

# Runs a command as the postgres user: the server refuses to run as root.
as_postgres() {
  runuser -u postgres -- "$@"
}

start() {
  install_if_missing
  stop
  rm -rf "$data"
  install -d -o postgres -g postgres "$data"
  as_postgres "$bin/initdb" -D "$data/db" -U postgres --auth=trust >/dev/null
  as_postgres "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
  for db in orders credit payments; do
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE USER $db PASSWORD '$password'" -c "CREATE DATABASE $db OWNER $db"
  done
  echo "PostgreSQL 15 is up on 127.0.0.1:$port with databases orders, credit, payments"
}

stop() {
  if [ -f "$data/db/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$data/db" -m fast -w stop >/dev/null || true
  fi
}

restart() {
  as_postgres "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -m fast -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" restart >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
esac
