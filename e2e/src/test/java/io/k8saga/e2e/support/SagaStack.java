package io.k8saga.e2e.support;

import io.k8saga.testkit.ApiTokens;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The application under test: its public base URL, the saga timeout it runs with, the bearer tokens it accepts, and,
 * when the suite started it, the local stack (for tests that stop a component).
 */
public record SagaStack(URI baseUrl, Duration sagaTimeout, ApiTokens tokens, Optional<LocalStack> local) {

    /** How long one saga may take under light load, timeouts aside ({@code -De2e.settleSeconds}, default 5). */
    public Duration settle() {
        return Settings.settle();
    }
}
