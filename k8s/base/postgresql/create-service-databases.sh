#!/bin/sh
# Run once by the postgres image's entrypoint, on an empty data directory: one user and one database per service.
set -eu
create_database() {
  echo "creating database $1 owned by $2"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=db="$1" --set=owner="$2" --set=secret="$3" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'secret';
CREATE DATABASE :"db" OWNER :"owner";
SQL
}
create_database orders "$ORDER_ROUTE_DB_USER" "$ORDER_ROUTE_DB_PASSWORD"
create_database credit "$CREDIT_ROUTE_DB_USER" "$CREDIT_ROUTE_DB_PASSWORD"
create_database payments "$PAYMENT_ROUTE_DB_USER" "$PAYMENT_ROUTE_DB_PASSWORD"
