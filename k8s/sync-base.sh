#!/bin/sh
# Copies what quarkus-kubernetes generates for the four applications into k8s/base/<application>/kubernetes.yml,
# under the "generated" stamp: it rebuilds them (no tests), then runs the drift test in sync mode, which rewrites a
# file only when its content changed. Commit the result. Extra arguments go to both Maven runs (e.g. -o).
set -eu
cd "$(dirname "$0")/.."
./mvnw -q "$@" -DskipTests package -pl lra-coordinator,credit-route,payment-route,order-route
./mvnw -q "$@" test -pl helm,k8s -Dk8s.sync=true \
  -Dtest=GeneratedManifestDriftTest -Dsurefire.failIfNoSpecifiedTests=false
