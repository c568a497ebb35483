package io.k8saga.e2e.support;

import io.k8saga.testkit.ApiTokens;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The application under test: its public base URL, the saga timeout it runs with, the bearer tokens it accepts,
 * when the suite started it and reaches it directly, the local stack (for tests that stop a component), and whether
 * an edge stands in front of it that routes only the public API's paths (a cluster's ingress controller, or the nginx
 * of {@code -De2e.edge=nginx}) rather than the local gateway, which routes every path.
 */
public record SagaStack(URI baseUrl, Duration sagaTimeout, ApiTokens tokens, Optional<LocalStack> local,
        boolean behindEdge) {

    /** How long one saga may take under light load, timeouts aside ({@code -De2e.settleSeconds}, default 5). */
    public Duration settle() {
        return Settings.settle();
    }
}
