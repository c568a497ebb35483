{{/*
Helpers of the saga chart. Helpers that concern one component take a dict: (dict "root" $ "component" "<name>").
*/}}

{{/* saga.prefix: the prefix of every object name, fullnameOverride or the release name (cut so names fit 63). */}}
{{- define "saga.prefix" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 36 | trimSuffix "-" -}}
{{- end }}

{{/* saga.fullname: the name of a component's objects, "<prefix>-<component>". */}}
{{- define "saga.fullname" -}}
{{- printf "%s-%s" (include "saga.prefix" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/* saga.chart: chart name and version, for the helm.sh/chart label. */}}
{{- define "saga.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/* saga.selectorLabels: the labels that select a component's pods (name, instance and component only). */}}
{{- define "saga.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* saga.labels: the standard labels of every object of a component. */}}
{{- define "saga.labels" -}}
{{ include "saga.selectorLabels" . }}
app.kubernetes.io/part-of: saga
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "saga.chart" .root }}
{{- end }}

{{/* saga.image: the image of one of the four applications, "<repositoryPrefix>/<component>:<tag>". */}}
{{- define "saga.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repositoryPrefix .component (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end }}

{{/* saga.routeComponents: the route components and their values keys and ports, as YAML (fromYaml it). */}}
{{- define "saga.routeComponents" -}}
order-route: {key: orderRoute, port: 8081}
credit-route: {key: creditRoute, port: 8082}
payment-route: {key: paymentRoute, port: 8083}
{{- end }}

{{/* saga.serviceUrl: the in-cluster URL of a component's Service (port 80). */}}
{{- define "saga.serviceUrl" -}}
{{- printf "http://%s" (include "saga.fullname" .) -}}
{{- end }}

{{/* saga.coordinatorPort: the port every coordinator container listens on. */}}
{{- define "saga.coordinatorPort" -}}
8090
{{- end }}

{{/* saga.coordinatorHeadlessService: the headless Service that governs the coordinator StatefulSet. */}}
{{- define "saga.coordinatorHeadlessService" -}}
{{- printf "%s-headless" (include "saga.fullname" (dict "root" . "component" "lra-coordinator")) -}}
{{- end }}

{{/*
saga.coordinatorPodUrl: the URL of one coordinator shard, its pod's DNS name under the headless Service, on the
container port (a headless Service maps no ports). (dict "root" $ "pod" <pod name, or "$(POD_NAME)">)
*/}}
{{- define "saga.coordinatorPodUrl" -}}
{{- printf "http://%s.%s.%s.svc.%s:%s" .pod (include "saga.coordinatorHeadlessService" .root) .root.Release.Namespace
      .root.Values.clusterDomain (include "saga.coordinatorPort" .root) -}}
{{- end }}

{{/*
saga.coordinatorUrls: every shard's URL, comma-separated, shard 0 first: the routes' LRA_COORDINATOR_URL. Each
shard hands out its LRA ids under its own URL (SAGA_COORDINATOR_ADVERTISED_URL), so these are also the allow-list.
*/}}
{{- define "saga.coordinatorUrls" -}}
{{- $statefulSet := include "saga.fullname" (dict "root" . "component" "lra-coordinator") -}}
{{- $urls := list -}}
{{- range $shard := until (int .Values.lraCoordinator.replicas) -}}
{{- $urls = append $urls (include "saga.coordinatorPodUrl" (dict "root" $ "pod" (printf "%s-%d" $statefulSet $shard))) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end }}

{{/* saga.kafkaBrokers: bootstrap servers, the bundled Kafka's Service or externalKafka.bootstrapServers. */}}
{{- define "saga.kafkaBrokers" -}}
{{- if .Values.kafka.enabled -}}
{{- printf "%s:9092" (include "saga.fullname" (dict "root" . "component" "kafka")) -}}
{{- else -}}
{{- required "externalKafka.bootstrapServers is required when kafka.enabled is false" .Values.externalKafka.bootstrapServers -}}
{{- end -}}
{{- end }}

{{/*
saga.kafkaProtocol: the security protocol of every Kafka client of the release: PLAINTEXT with the bundled Kafka
(which offers nothing else; asking it for more fails), externalKafka.security.protocol with an external one.
*/}}
{{- define "saga.kafkaProtocol" -}}
{{- $protocol := .Values.externalKafka.security.protocol -}}
{{- if and .Values.kafka.enabled (ne $protocol "PLAINTEXT") -}}
{{- fail (printf "externalKafka.security.protocol is %s, but the bundled Kafka only speaks PLAINTEXT (inside the namespace, behind its NetworkPolicy): set kafka.enabled=false and externalKafka.bootstrapServers to use a secured cluster (README.md, Kafka security)" $protocol) -}}
{{- end -}}
{{- ternary "PLAINTEXT" $protocol .Values.kafka.enabled -}}
{{- end }}

{{/* saga.kafkaSasl: "true" when the Kafka clients authenticate with SASL, else empty. */}}
{{- define "saga.kafkaSasl" -}}
{{- if hasPrefix "SASL_" (include "saga.kafkaProtocol" .) -}}true{{- end -}}
{{- end }}

{{/* saga.kafkaTls: "true" when the Kafka clients connect with TLS (SSL, SASL_SSL), else empty. */}}
{{- define "saga.kafkaTls" -}}
{{- if hasSuffix "SSL" (include "saga.kafkaProtocol" .) -}}true{{- end -}}
{{- end }}

{{/* saga.kafkaCaFile: where the brokers' CA certificates are mounted; empty without TLS or without a CA Secret. */}}
{{- define "saga.kafkaCaFile" -}}
{{- if and (include "saga.kafkaTls" .) .Values.externalKafka.security.ca.existingSecret -}}
/etc/saga/kafka-ca/ca.crt
{{- end -}}
{{- end }}

{{/*
saga.kafkaCredentialsSecret: the Secret (keys username, password) of one Kafka principal under SASL, by its key in
externalKafka.security.credentials (orderRoute, creditRoute, paymentRoute, topicsJob); fails naming the value when
it is not set. (dict "root" $ "key" <key>)
*/}}
{{- define "saga.kafkaCredentialsSecret" -}}
{{- $secret := index .root.Values.externalKafka.security.credentials .key -}}
{{- if not $secret -}}
{{- fail (printf "externalKafka.security.credentials.%s is required with externalKafka.security.protocol %s: an existing Secret with the keys username and password of that principal (README.md, Kafka security)" .key (include "saga.kafkaProtocol" .root)) -}}
{{- end -}}
{{- $secret -}}
{{- end }}

{{/* saga.kafkaSecurityConfig: the plain (non-secret) Kafka security settings of a route, ConfigMap data; empty for PLAINTEXT. */}}
{{- define "saga.kafkaSecurityConfig" -}}
{{- $protocol := include "saga.kafkaProtocol" . -}}
{{- if ne $protocol "PLAINTEXT" -}}
SAGA_KAFKA_SECURITY_PROTOCOL: {{ $protocol | quote }}
{{- if include "saga.kafkaSasl" . }}
SAGA_KAFKA_SASL_MECHANISM: {{ .Values.externalKafka.security.saslMechanism | quote }}
{{- end }}
{{- with include "saga.kafkaCaFile" . }}
SAGA_KAFKA_SSL_TRUSTSTORE_TYPE: "PEM"
SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION: {{ . | quote }}
{{- end }}
{{- end -}}
{{- end }}

{{/*
saga.kafkaCredentialsEnv: a Kafka principal's user name and password from its Secret, as container env entries;
empty without SASL. (dict "root" $ "key" <key in externalKafka.security.credentials>)
*/}}
{{- define "saga.kafkaCredentialsEnv" -}}
{{- if include "saga.kafkaSasl" .root -}}
{{- $secret := include "saga.kafkaCredentialsSecret" . -}}
- name: SAGA_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: username
- name: SAGA_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: password
{{- end -}}
{{- end }}

{{/* saga.kafkaCaVolumeMount: the mount of the brokers' CA Secret (a volumeMounts entry); empty without one. */}}
{{- define "saga.kafkaCaVolumeMount" -}}
{{- if include "saga.kafkaCaFile" . -}}
- name: kafka-ca
  mountPath: /etc/saga/kafka-ca
  readOnly: true
{{- end -}}
{{- end }}

{{/* saga.kafkaCaVolume: the brokers' CA Secret as a volume (a volumes entry), its key as ca.crt; empty without one. */}}
{{- define "saga.kafkaCaVolume" -}}
{{- if include "saga.kafkaCaFile" . -}}
- name: kafka-ca
  secret:
    secretName: {{ .Values.externalKafka.security.ca.existingSecret }}
    items:
      - key: {{ .Values.externalKafka.security.ca.key }}
        path: ca.crt
{{- end -}}
{{- end }}

{{/* saga.jdbcUrl: a route's JDBC URL, its database.jdbcUrl or its database in the bundled PostgreSQL. */}}
{{- define "saga.jdbcUrl" -}}
{{- $db := .values.database -}}
{{- if $db.jdbcUrl -}}
{{- $db.jdbcUrl -}}
{{- else if .root.Values.postgresql.enabled -}}
{{- printf "jdbc:postgresql://%s:5432/%s" (include "saga.fullname" (dict "root" .root "component" "postgresql")) $db.name -}}
{{- else -}}
{{- fail (printf "routes.%s.database.jdbcUrl is required when postgresql.enabled is false" .key) -}}
{{- end -}}
{{- end }}

{{/* saga.callbackKeysSecretName: the Secret with the keys that sign the coordinator's callbacks to every route. */}}
{{- define "saga.callbackKeysSecretName" -}}
{{- if .Values.routes.callbackKeys.existingSecret -}}
{{- .Values.routes.callbackKeys.existingSecret -}}
{{- else -}}
{{- printf "%s-callback-keys" (include "saga.prefix" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end }}

{{/*
saga.authKeySource: which of auth.jwksUrl, auth.publicKey and auth.existingSecret verifies the API's tokens (the
key's name, e.g. "jwksUrl"). Fails, naming the values, when auth.issuer is empty or not exactly one of them is set:
the routes must never serve their API without checking tokens.
*/}}
{{- define "saga.authKeySource" -}}
{{- $auth := .Values.auth -}}
{{- if not $auth.issuer -}}
{{- fail "auth.issuer is required: the issuer (iss) of the bearer tokens the API accepts, e.g. https://keycloak.example/realms/shop (README.md, Authentication)" -}}
{{- end -}}
{{- $set := list -}}
{{- range $key := list "jwksUrl" "publicKey" "existingSecret" -}}
{{- if index $auth $key -}}
{{- $set = append $set (printf "auth.%s" $key) -}}
{{- end -}}
{{- end -}}
{{- if ne (len $set) 1 -}}
{{- $found := ternary "none is set" (printf "%s are set" (join ", " $set)) (empty $set) -}}
{{- fail (printf "set exactly one of auth.jwksUrl, auth.publicKey and auth.existingSecret, the key that verifies the API's bearer tokens; %s (README.md, Authentication)" $found) -}}
{{- end -}}
{{- /* helm lint only logs a fail and goes on: then there may be no source to name. */ -}}
{{- first $set | default "" | trimPrefix "auth." -}}
{{- end }}

{{/* saga.authKeySecretName: the Secret with the tokens' public key (key public-key): auth.existingSecret or the chart's. */}}
{{- define "saga.authKeySecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else -}}
{{- printf "%s-jwt-public-key" (include "saga.prefix" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end }}

{{/* saga.dbSecretName: the Secret with a route's database username and password. */}}
{{- define "saga.dbSecretName" -}}
{{- if .values.database.existingSecret -}}
{{- .values.database.existingSecret -}}
{{- else -}}
{{- printf "%s-db" (include "saga.fullname" .) -}}
{{- end -}}
{{- end }}

{{/*
saga.secretValue: a secret value that stays put: the given value, else (on upgrades) the one already stored in the
Secret, else a new random one of "length" characters (24 when not given).
(dict "root" $ "secret" <name> "key" <key> "value" <from values> ["length" <n>])
The lookup only runs on upgrades: an install has nothing to keep, and so `helm template` never needs a cluster.
*/}}
{{- define "saga.secretValue" -}}
{{- if .value -}}
{{- .value -}}
{{- else -}}
{{- $stored := "" -}}
{{- if .root.Release.IsUpgrade -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if $existing -}}
{{- if $existing.data -}}
{{- $stored = index $existing.data .key | default "" | b64dec -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- default (randAlphaNum (.length | default 24)) $stored -}}
{{- end -}}
{{- end }}

{{/* saga.routeConfig: the ConfigMap data of a route (plain configuration only, never a credential). */}}
{{- define "saga.routeConfig" -}}
QUARKUS_PROFILE: pg
KAFKA_BROKERS: {{ include "saga.kafkaBrokers" .root | quote }}
{{- with include "saga.kafkaSecurityConfig" .root }}
{{ . }}
{{- end }}
LRA_COORDINATOR_URL: {{ include "saga.coordinatorUrls" .root | quote }}
PARTICIPANT_URL: {{ include "saga.serviceUrl" . | quote }}
DB_URL: {{ include "saga.jdbcUrl" . | quote }}
{{- if eq .component "order-route" }}
SAGA_TIMEOUT: {{ .values.sagaTimeout | quote }}
SAGA_ADMISSION_MAX_IN_FLIGHT: {{ .values.maxSagasInFlight | toString | quote }}
{{- /* An order's timeline reads the participants' rows through their Services. */}}
SAGA_CREDIT_URL: {{ include "saga.serviceUrl" (dict "root" .root "component" "credit-route") | quote }}
SAGA_PAYMENT_URL: {{ include "saga.serviceUrl" (dict "root" .root "component" "payment-route") | quote }}
{{- end }}
{{- if eq .component "payment-route" }}
PAYMENT_MAX_AMOUNT: {{ .values.maxAmount | toString | quote }}
{{- end }}
{{- $auth := .root.Values.auth }}
MP_JWT_VERIFY_ISSUER: {{ $auth.issuer | quote }}
MP_JWT_VERIFY_AUDIENCES: {{ $auth.audience | quote }}
{{- if eq (include "saga.authKeySource" .root) "jwksUrl" }}
MP_JWT_VERIFY_PUBLICKEY_LOCATION: {{ $auth.jwksUrl | quote }}
{{- end }}
SMALLRYE_JWT_PATH_GROUPS: {{ $auth.rolesClaim | quote }}
SAGA_AUTH_CUSTOMER_CLAIM: {{ $auth.customerClaim | quote }}
{{- end }}

{{/* saga.podSecurityContext: the pod security context of the four Quarkus applications (uid 185). */}}
{{- define "saga.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 185
runAsGroup: 185
fsGroup: 185
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* saga.containerSecurityContext: a container that cannot gain privileges; readOnly is "true" or "false". */}}
{{- define "saga.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnly }}
capabilities:
  drop: [ALL]
{{- end }}

{{/* saga.quarkusProbes: startup, liveness and readiness probes on /q/health/* (port http). */}}
{{- define "saga.quarkusProbes" -}}
{{- $p := .Values.probes -}}
startupProbe:
  httpGet: {path: /q/health/started, port: http}
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
livenessProbe:
  httpGet: {path: /q/health/live, port: http}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
readinessProbe:
  httpGet: {path: /q/health/ready, port: http}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
{{- end }}

{{/* saga.imagePullSecrets: the pod's imagePullSecrets, or nothing. */}}
{{- define "saga.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets -}}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end }}

{{/* saga.apiPaths: the public paths, each with the component behind it and its match type, as YAML (fromYaml it). */}}
{{- define "saga.apiPaths" -}}
/api/orders: {component: order-route, type: Prefix}
/api/customers: {component: credit-route, type: Prefix}
/api/payments: {component: payment-route, type: Prefix}
# The dashboard page (order-route's static index.html): that path only.
/: {component: order-route, type: Exact}
{{- end }}

{{/* saga.routePeerSelector: a NetworkPolicy peer (list item) matching the three routes of this release. */}}
{{- define "saga.routePeerSelector" -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
    matchExpressions:
      - key: app.kubernetes.io/component
        operator: In
        values: [order-route, credit-route, payment-route]
{{- end }}

{{/*
saga.postgresInitScript: creates one role and one database per route in the bundled PostgreSQL. The user names and
passwords come from the routes' Secrets through the environment (<ROUTE>_DB_USER, <ROUTE>_DB_PASSWORD).
*/}}
{{- define "saga.postgresInitScript" -}}
#!/bin/sh
set -eu
create_database() {
  echo "creating database $1 owned by $2"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=db="$1" --set=owner="$2" --set=secret="$3" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'secret';
CREATE DATABASE :"db" OWNER :"owner";
SQL
}
{{- range $component, $c := include "saga.routeComponents" . | fromYaml }}
{{- $env := $component | replace "-" "_" | upper }}
create_database {{ (index $.Values.routes $c.key).database.name | quote }} "${{ $env }}_DB_USER" "${{ $env }}_DB_PASSWORD"
{{- end }}
{{- end }}
