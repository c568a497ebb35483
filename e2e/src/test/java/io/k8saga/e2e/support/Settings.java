package io.k8saga.e2e.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The suite's system properties (set by failsafe from the pom; fallbacks for runs from an IDE). */
final class Settings {

    private Settings() {
    }

    /** {@code e2e.baseUrl}: the public API under test; absent or blank means "start the local stack". */
    static Optional<URI> baseUrl() {
        String value = System.getProperty("e2e.baseUrl", "").trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(URI.create(value.replaceFirst("/+$", "")));
    }

    /** {@code e2e.settleSeconds}: how long one saga may take under light load (default 5 s). */
    static Duration settle() {
        return Duration.ofSeconds(Long.getLong("e2e.settleSeconds", 5));
    }

    /** {@code e2e.sagaTimeoutSeconds}: the saga timeout of a stack the suite did not start (default 30 s). */
    static Duration externalSagaTimeout() {
        return Duration.ofSeconds(Long.getLong("e2e.sagaTimeoutSeconds", 30));
    }

    /**
     * {@code e2e.localSagaTimeoutSeconds}: the saga timeout of the stack the suite starts (default 10 s, so that the
     * timeout tests are quick; the fault profile sets the production 30 s).
     */
    static Duration localSagaTimeout() {
        return Duration.ofSeconds(Long.getLong("e2e.localSagaTimeoutSeconds", 10));
    }

    /**
     * {@code e2e.portBase}: the gateway port of the stack the suite starts (default 18080); order, credit and payment
     * use the next three, the nginx edge base + 5, coordinator shard i base + 10 + i, Kafka base + 1012 and + 1013
     * (19092, 19093).
     */
    static int portBase() {
        return Integer.getInteger("e2e.portBase", 18080);
    }

    /**
     * {@code e2e.stack}: how the suite starts the stack when there is no base URL. {@code local} (default): ./saga's
     * own settings. {@code chart}: each application gets the environment helm/saga renders for its container, mapped
     * to this machine (see {@link ChartEnvironment}); needs the PostgreSQL of SAGA_PG_HOST and SAGA_PG_PORT.
     */
    static boolean chartDriven() {
        String stack = System.getProperty("e2e.stack", "local").trim();
        return switch (stack) {
            case "", "local" -> false;
            case "chart" -> true;
            default -> throw new IllegalArgumentException("e2e.stack must be local or chart, not '" + stack + "'");
        };
    }

    /**
     * {@code e2e.edge}: what stands between the suite and the stack it starts. {@code gateway} (default): ./saga's
     * gateway, which routes every path. {@code nginx}: an nginx routing only the paths of the chart's Ingress, as the
     * ingress controller of a cluster does ({@link EdgeProxy}); the suite then sees the stack as it sees one at
     * {@code e2e.baseUrl}, so the tests that reach into the local processes skip themselves.
     */
    static boolean nginxEdge() {
        String edge = System.getProperty("e2e.edge", "gateway").trim();
        return switch (edge) {
            case "", "gateway" -> false;
            case "nginx" -> true;
            default -> throw new IllegalArgumentException("e2e.edge must be gateway or nginx, not '" + edge + "'");
        };
    }

    /**
     * {@code e2e.tokenKey}: the PKCS#8 PEM private key that signs the suite's bearer tokens for a stack it did not
     * start (the kind workflow's); the local stack's is its own (SAGA_HOME/secrets/jwt-private.pem).
     */
    static Optional<Path> tokenKey() {
        String value = System.getProperty("e2e.tokenKey", "").trim();
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value).toAbsolutePath());
    }

    /** {@code e2e.tokenIssuer}: the {@code iss} of the suite's tokens (default saga-local, ./saga's issuer). */
    static String tokenIssuer() {
        return System.getProperty("e2e.tokenIssuer", LocalStack.TOKEN_ISSUER).trim();
    }

    /** {@code e2e.tokenAudience}: the {@code aud} of the suite's tokens (default saga). */
    static String tokenAudience() {
        return System.getProperty("e2e.tokenAudience", "saga").trim();
    }

    /** {@code e2e.keepStack=true} leaves the local stack running after the tests, for a look around. */
    static boolean keepStack() {
        return Boolean.getBoolean("e2e.keepStack");
    }

    /** {@code e2e.repoRoot}: the directory holding {@code ./saga}; else the nearest one above the working dir. */
    static Path repoRoot() {
        String configured = System.getProperty("e2e.repoRoot", "").trim();
        if (!configured.isEmpty()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("saga")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory with ./saga); set -De2e.repoRoot");
    }

    /** {@code e2e.sagaHome}: SAGA_HOME of the stack the suite starts (default e2e/target/saga-stack). */
    static Path sagaHome() {
        String configured = System.getProperty("e2e.sagaHome", "").trim();
        return configured.isEmpty()
                ? repoRoot().resolve("e2e/target/saga-stack")
                : Path.of(configured).toAbsolutePath();
    }
}
