#!/usr/bin/env bash
# kind-e2e.sh: deploys the saga system on a local kind cluster and runs the e2e suite through the ingress.
# The GitHub Actions workflow .github/workflows/kind-e2e.yml runs exactly these steps, one step each, so a
# laptop with Docker, kind, kubectl, Helm 3.21, OpenSSL, curl and Java 17 reproduces a CI run with
# `k8s/kind/kind-e2e.sh all helm` (its first step, preflight, checks for them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

CLUSTER="${KIND_CLUSTER:-saga}"
NAMESPACE="${SAGA_NAMESPACE:-saga}"
RELEASE="${SAGA_RELEASE:-saga}"
BASE_URL="${SAGA_BASE_URL:-http://localhost}"
# Traefik is the ingress controller: it runs inside the cluster, so NetworkPolicies can name it as the one peer
# allowed to reach the routes (cloud-provider-kind's proxy runs outside the cluster and cannot be named that way).
# Its settings, node port included, are in TRAEFIK_VALUES, checked against this chart version.
TRAEFIK_CHART_VERSION="${TRAEFIK_CHART_VERSION:-41.3.0}"
TRAEFIK_VALUES=k8s/kind/traefik-values.yaml
TRAEFIK_NAMESPACE=traefik
READY_TIMEOUT="${SAGA_READY_TIMEOUT:-600}"
COMPONENTS="lra-coordinator credit-route payment-route order-route"
# What a run keeps between its steps: the RSA key pair that signs the API's bearer tokens (under .saga/, which git
# ignores). The routes get the public key from the Secret TOKEN_SECRET and accept tokens of this issuer and audience.
WORK_DIR="${KIND_E2E_HOME:-$ROOT/.saga/kind-e2e}"
case "$WORK_DIR" in /*) ;; *) WORK_DIR="$ROOT/$WORK_DIR" ;; esac
TOKEN_KEY="$WORK_DIR/api-token-key.pem"
TOKEN_PUBLIC_KEY="$WORK_DIR/api-token-key.pub.pem"
TOKEN_ISSUER=saga-kind
TOKEN_AUDIENCE=saga
TOKEN_SECRET=saga-api-token-key
# Seconds a token made here is valid.
TOKEN_LIFETIME=3600
# The Secret with the admin token the chart's `helm test` pod sends (tests.tokenSecret), renewed by helm-test.
HELM_TEST_TOKEN_SECRET=saga-helm-test-token

say() { echo "kind-e2e: $*"; }
die() { echo "kind-e2e: error: $*" >&2; exit 1; }

# The image tag: the project version, which the chart's appVersion carries (a test keeps them equal).
version() { sed -n 's/^appVersion:[[:space:]]*//p' helm/saga/Chart.yaml | tr -d "\"' "; }

usage() {
  cat <<EOF
Usage: k8s/kind/kind-e2e.sh <step> [args]

Steps (in the order a run takes them)
  preflight           check Docker, kind, kubectl, Helm, OpenSSL, curl, Java 17+ and that host port 80 is free;
                      lists every problem with where to get the missing tool, and fails before anything is created
  cluster             create the kind cluster '$CLUSTER' from k8s/kind/cluster.yaml
  images              build the four images with Jib into the local Docker engine and load them into the cluster
  ingress             install Traefik $TRAEFIK_CHART_VERSION (Helm chart) with $TRAEFIK_VALUES
                      (NodePort on the port k8s/kind/cluster.yaml publishes, IngressClass traefik)
  deploy helm|kustomize
                      install the system with the chart (helm upgrade --install --wait) or with
                      kubectl apply -k k8s/overlays/kind, then wait until the API answers through the ingress
  helm-test           helm test (checks that a call without a token gets 401, then places one order through the
                      order-route Service with an admin token)
  e2e                 run the e2e suite against $BASE_URL, with the key that signs the API's tokens
  token               print an admin bearer token for the API (valid ${TOKEN_LIFETIME}s), e.g.
                      curl -H "Authorization: Bearer \$(k8s/kind/kind-e2e.sh token)" $BASE_URL/api/orders
  collect DIR         write kubectl describe output, the saga and Traefik pods' logs, events, both Helm releases'
                      values and kind export logs under DIR
  delete              delete the cluster
  all helm|kustomize  preflight, cluster, images, ingress, deploy, (helm-test,) e2e

Environment: KIND_CLUSTER ($CLUSTER), SAGA_NAMESPACE ($NAMESPACE), SAGA_RELEASE ($RELEASE),
SAGA_BASE_URL ($BASE_URL), SAGA_READY_TIMEOUT seconds ($READY_TIMEOUT), TRAEFIK_CHART_VERSION,
KIND_E2E_HOME ($WORK_DIR: the token key pair).
EOF
}

# Problems preflight found, each with where to get what is missing.
PROBLEMS=()

# Adds a problem unless the command $1 is on the PATH; $2 says where to get it.
need() { command -v "$1" >/dev/null 2>&1 || PROBLEMS+=("$1 not found: $2"); }

# Whether something listens on port 80 of this host: ss where there is one (Linux), else a connection to it.
host_port_80_taken() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -ltn 'sport = :80' 2>/dev/null | tail -n +2)" ]
  else
    (: </dev/tcp/127.0.0.1/80) 2>/dev/null
  fi
}

# Checks everything the other steps need before any of them creates something, and lists every problem at once.
cmd_preflight() {
  local helm_version major minor java java_major
  need docker "https://docs.docker.com/engine/install/ (or Docker Desktop)"
  if command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
    PROBLEMS+=("docker info fails: start Docker (e.g. sudo systemctl start docker, or Docker Desktop)")
  fi
  need kind "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
  need kubectl "https://kubernetes.io/docs/tasks/tools/"
  need helm "https://helm.sh/docs/intro/install/"
  need openssl "the openssl package (apt-get install openssl, brew install openssl)"
  need curl "the curl package (apt-get install curl, brew install curl)"

  # CI and the offline chart tests use Helm 3.21. Both charts' values schemas are JSON Schema 2020-12, which Helm
  # reads from 3.19 on; an older or newer Helm may work, so this only warns.
  if command -v helm >/dev/null 2>&1; then
    helm_version="$(helm version --template '{{.Version}}' 2>/dev/null || true)"
    IFS=. read -r major minor _ <<<"${helm_version#v}"
    if [ "$major" != 3 ] || ! [[ "$minor" =~ ^[0-9]+$ ]] || [ "$minor" -lt 21 ]; then
      say "warning: helm ${helm_version:-of unknown version}: CI uses 3.21 (3.19 at least for the charts' schemas)"
    fi
  fi

  # The Maven wrapper runs the Java of JAVA_HOME if it is set, else the one on the PATH.
  java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  if ! command -v "$java" >/dev/null 2>&1; then
    PROBLEMS+=("$java not found: a JDK 17 or later, e.g. https://adoptium.net/ or the openjdk-17-jdk package")
  else
    # "1.8.0_402" is Java 8, "17.0.10" Java 17.
    java_major="$("$java" -version 2>&1 | sed -n 's/.* version "\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n 1 || true)"
    if ! [[ "$java_major" =~ ^[0-9]+$ ]] || [ "$java_major" -lt 17 ]; then
      PROBLEMS+=("$java is Java ${java_major:-of unknown version}; 17 or later needed: https://adoptium.net/")
    fi
  fi

  # k8s/kind/cluster.yaml publishes Traefik on port 80 of the host; an existing cluster of ours holds it already.
  if command -v kind >/dev/null 2>&1 && kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    say "cluster $CLUSTER exists: port 80 is its own"
  elif host_port_80_taken; then
    PROBLEMS+=("host port 80 is taken (kind publishes the API there): sudo lsof -iTCP:80 -sTCP:LISTEN names who")
  fi

  if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    printf 'kind-e2e: preflight: %s\n' "${PROBLEMS[@]}" >&2
    die "preflight found ${#PROBLEMS[@]} problem(s); nothing was created"
  fi
  say "preflight: everything the steps need is here"
}

cmd_cluster() {
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    say "cluster $CLUSTER exists"
  else
    kind create cluster --name "$CLUSTER" --config k8s/kind/cluster.yaml --wait 180s
  fi
  kubectl cluster-info --context "kind-$CLUSTER"
}

cmd_images() {
  local tag c
  tag="$(version)"
  [ -n "$tag" ] || die "no appVersion in helm/saga/Chart.yaml"
  ./mvnw -B -ntp -DskipTests package -Dquarkus.container-image.build=true
  for c in $COMPONENTS; do
    kind load docker-image --name "$CLUSTER" "k8saga/$c:$tag"
  done
}

cmd_ingress() {
  helm upgrade --install traefik traefik --repo https://traefik.github.io/charts --version "$TRAEFIK_CHART_VERSION" \
    --namespace "$TRAEFIK_NAMESPACE" --create-namespace --values "$TRAEFIK_VALUES" --wait --timeout 5m
}

cmd_deploy() {
  case "${1:-}" in
    helm)
      # The chart's defaults are the kind setup: bundled Kafka and PostgreSQL, an Ingress for Traefik. It has no
      # default for the tokens' issuer and key: the key is the public half of this run's pair.
      ensure_token_key
      helm upgrade --install "$RELEASE" helm/saga --namespace "$NAMESPACE" --create-namespace --wait --timeout 10m \
        --set "auth.issuer=$TOKEN_ISSUER" --set "auth.audience=$TOKEN_AUDIENCE" \
        --set "auth.existingSecret=$TOKEN_SECRET" --set "tests.tokenSecret=$HELM_TEST_TOKEN_SECRET"
      ;;
    kustomize)
      ensure_callback_keys
      ensure_token_key
      kubectl apply -k k8s/overlays/kind
      kubectl -n "$NAMESPACE" wait --for=condition=complete job --all --timeout "${READY_TIMEOUT}s"
      kubectl -n "$NAMESPACE" wait --for=condition=available deployment --all --timeout "${READY_TIMEOUT}s"
      kubectl -n "$NAMESPACE" rollout status statefulset/lra-coordinator --timeout "${READY_TIMEOUT}s"
      ;;
    *) die "deploy takes helm or kustomize" ;;
  esac
  wait_for_api
}

ensure_namespace() {
  kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE"
}

# Creates the Secret with the key that signs the coordinator's callbacks to the routes, unless it exists: a random
# key made here, never one committed to the repository (the chart makes its own).
ensure_callback_keys() {
  ensure_namespace
  if ! kubectl -n "$NAMESPACE" get secret saga-callback-keys >/dev/null 2>&1; then
    kubectl -n "$NAMESPACE" create secret generic saga-callback-keys \
      --from-literal=keys="$(head -c 48 /dev/urandom | base64 -w0)"
  fi
}

# Makes the RSA key pair that signs the API's bearer tokens, unless it exists: the private key as PKCS#8 PEM, readable
# by this user only, and its public key as PEM.
ensure_token_key_pair() {
  if [ ! -s "$TOKEN_KEY" ]; then
    say "making the key pair that signs the API's tokens: $TOKEN_KEY"
    (umask 077 && mkdir -p "$WORK_DIR" &&
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TOKEN_KEY.new" &&
      mv "$TOKEN_KEY.new" "$TOKEN_KEY")
    rm -f "$TOKEN_PUBLIC_KEY"
  fi
  [ -s "$TOKEN_PUBLIC_KEY" ] || openssl pkey -in "$TOKEN_KEY" -pubout -out "$TOKEN_PUBLIC_KEY"
}

# Creates the Secret TOKEN_SECRET (key public-key) with the public key of the pair, unless it exists. If it holds
# another key (the pair of an earlier run is gone), it is replaced and the routes restarted, which read it at start.
ensure_token_key() {
  local stored
  ensure_token_key_pair
  ensure_namespace
  stored="$(kubectl -n "$NAMESPACE" get secret "$TOKEN_SECRET" -o jsonpath='{.data.public-key}' 2>/dev/null |
    openssl base64 -d -A)" || stored=""
  if [ -z "$stored" ]; then
    kubectl -n "$NAMESPACE" create secret generic "$TOKEN_SECRET" --from-file=public-key="$TOKEN_PUBLIC_KEY"
  elif [ "$stored" != "$(cat "$TOKEN_PUBLIC_KEY")" ]; then
    say "secret $TOKEN_SECRET holds another public key than $TOKEN_PUBLIC_KEY: replacing it"
    kubectl -n "$NAMESPACE" create secret generic "$TOKEN_SECRET" --from-file=public-key="$TOKEN_PUBLIC_KEY" \
      --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n "$NAMESPACE" rollout restart deployment -l app.kubernetes.io/part-of=saga 2>/dev/null || true
  fi
}

# base64url without padding (RFC 7515) of stdin, on one line.
base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# Prints a bearer token with the role admin that the routes accept: a JWT signed with RS256 by the private key of the
# pair, with the claims iss, aud, sub, groups, iat and exp.
mint_token() {
  local now header claims signature
  [ -s "$TOKEN_KEY" ] || die "no key to sign tokens with at $TOKEN_KEY: run the deploy step first"
  now="$(date +%s)"
  header="$(printf '{"alg":"RS256","typ":"JWT"}' | base64url)"
  claims="$(printf '{"iss":"%s","aud":"%s","sub":"kind-e2e-admin","groups":["admin"],"iat":%d,"exp":%d}' \
    "$TOKEN_ISSUER" "$TOKEN_AUDIENCE" "$now" $((now + TOKEN_LIFETIME)) | base64url)"
  signature="$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$TOKEN_KEY" | base64url)"
  printf '%s.%s.%s\n' "$header" "$claims" "$signature"
}

# Waits until each route answers through the ingress, with an admin token. A 404 from Traefik itself (no route yet)
# is plain text, while credit-route answers an unknown customer with an application/problem+json 404.
wait_for_api() {
  local deadline=$((SECONDS + READY_TIMEOUT)) customers auth
  auth="Authorization: Bearer $(mint_token)"
  say "waiting for the API at $BASE_URL"
  until curl -fsS -o /dev/null -H "$auth" "$BASE_URL/api/orders?size=1" &&
    curl -fsS -o /dev/null -H "$auth" "$BASE_URL/api/payments?orderId=readiness-probe" &&
    customers="$(curl -sS -o /dev/null -H "$auth" -w '%{http_code} %{content_type}' \
      "$BASE_URL/api/customers/readiness-probe")" &&
    [ "$customers" = "404 application/problem+json" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "the API did not answer through the ingress within ${READY_TIMEOUT}s"
    sleep 2
  done
  say "the API answers at $BASE_URL"
}

# The test pod reads an admin token from HELM_TEST_TOKEN_SECRET (tests.tokenSecret); a fresh one for every run.
cmd_helm_test() {
  (umask 077 && mint_token >"$WORK_DIR/helm-test.token")
  kubectl -n "$NAMESPACE" create secret generic "$HELM_TEST_TOKEN_SECRET" \
    --from-file=token="$WORK_DIR/helm-test.token" --dry-run=client -o yaml | kubectl apply -f -
  rm -f "$WORK_DIR/helm-test.token"
  helm test "$RELEASE" --namespace "$NAMESPACE" --logs --timeout 5m
}

# The e2e suite against the cluster: tests that stop processes of the local stack skip themselves. The suite signs
# its own tokens with the private key of the pair the routes verify with.
# e2e needs testkit and helm in the reactor (the images step packages them but installs nothing); -Dtest=none skips
# their unit tests.
# The system tests through the ingress, then the coordinator failover in cluster form (PodFailoverIT: a coordinator
# pod deleted with --force under load), which needs the namespace and kubectl.
cmd_e2e() {
  [ -s "$TOKEN_KEY" ] || die "no token key at $TOKEN_KEY: run the deploy step first"
  local target=(-pl testkit,helm,e2e verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
    "-De2e.baseUrl=$BASE_URL" -De2e.sagaTimeoutSeconds=30 -De2e.settleSeconds=20
    "-De2e.tokenKey=$TOKEN_KEY" "-De2e.tokenIssuer=$TOKEN_ISSUER" "-De2e.tokenAudience=$TOKEN_AUDIENCE")
  ./mvnw -B -ntp "${target[@]}"
  # The second shard's pod: saga-lra-coordinator-1 from the chart, lra-coordinator-1 from k8s/.
  local pod
  pod=$(kubectl -n "$NAMESPACE" get pods -o name | sed -n 's#^pod/\(.*lra-coordinator-1\)$#\1#p' | head -n 1)
  [ -n "$pod" ] || die "no pod *lra-coordinator-1 in namespace $NAMESPACE: the failover case needs two coordinator shards"
  ./mvnw -B -ntp "${target[@]}" -Pfaults -Dit.test=PodFailoverIT "-De2e.kubeNamespace=$NAMESPACE" \
    "-De2e.coordinatorPod=$pod"
}

# Writes the log of every pod in namespace $1 under directory $2, and the previous one of those that restarted.
pod_logs() {
  local namespace="$1" dir="$2" pod
  mkdir -p "$dir"
  for pod in $(kubectl -n "$namespace" get pods -o name 2>/dev/null); do
    kubectl -n "$namespace" logs "$pod" --all-containers --prefix >"$dir/${pod#pod/}.log" 2>&1 || true
    kubectl -n "$namespace" logs "$pod" --all-containers --prefix --previous \
      >"$dir/${pod#pod/}.previous.log" 2>/dev/null || rm -f "$dir/${pod#pod/}.previous.log"
  done
}

cmd_collect() {
  local dir="${1:?collect needs a directory}"
  mkdir -p "$dir"
  kubectl get all,ingress,networkpolicy,pvc,configmap,job -A -o wide >"$dir/resources.txt" 2>&1 || true
  kubectl get events -A --sort-by=.lastTimestamp >"$dir/events.txt" 2>&1 || true
  kubectl -n "$NAMESPACE" describe pods >"$dir/describe-pods.txt" 2>&1 || true
  kubectl -n "$NAMESPACE" describe deployments,statefulsets,jobs >"$dir/describe-workloads.txt" 2>&1 || true
  pod_logs "$NAMESPACE" "$dir/logs"
  pod_logs "$TRAEFIK_NAMESPACE" "$dir/logs/traefik"
  # What each release runs with, chart defaults included; the kustomize leg has no saga release, so its file says so.
  helm get values "$RELEASE" --namespace "$NAMESPACE" --all >"$dir/helm-values-$RELEASE.yaml" 2>&1 || true
  helm get values traefik --namespace "$TRAEFIK_NAMESPACE" --all >"$dir/helm-values-traefik.yaml" 2>&1 || true
  kind export logs --name "$CLUSTER" "$dir/kind" >/dev/null 2>&1 || true
  say "diagnostics in $dir"
}

cmd_delete() { kind delete cluster --name "$CLUSTER"; }

cmd_all() {
  case "${1:-}" in helm | kustomize) ;; *) die "all takes helm or kustomize" ;; esac
  cmd_preflight
  cmd_cluster
  cmd_images
  cmd_ingress
  cmd_deploy "$1"
  if [ "$1" = helm ]; then cmd_helm_test; fi
  cmd_e2e
}

step="${1:-help}"
shift || true
case "$step" in
  preflight) cmd_preflight ;;
  cluster) cmd_cluster ;;
  images) cmd_images ;;
  ingress) cmd_ingress ;;
  deploy) cmd_deploy "$@" ;;
  helm-test) cmd_helm_test ;;
  e2e) cmd_e2e ;;
  token) mint_token ;;
  collect) cmd_collect "$@" ;;
  delete) cmd_delete ;;
  all) cmd_all "$@" ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
