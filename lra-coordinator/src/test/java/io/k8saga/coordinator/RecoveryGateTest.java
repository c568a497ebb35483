package io.k8saga.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** While its first recovery scan has not run, the gate lets nothing through that a caller could send. */
class RecoveryGateTest {

    private final RecoveryGate closed = new RecoveryGate(8090);

    @Test
    void aClosedGateAnswers503WhateverTheScanHeaderSays() {
        for (String value : new String[] {null, "1", "", "true"}) {
            Optional<Response> answer = closed.holdUntilRecovered(requestWithScanHeader(value));
            assertThat(answer).as("X-Saga-Recovery-Scan: %s", value).isPresent();
            assertThat(answer.get().getStatus()).isEqualTo(503);
            assertThat(answer.get().getHeaderString("Retry-After")).isEqualTo("1");
        }
    }

    /** A request that has only the one header the gate reads. */
    private static ContainerRequestContext requestWithScanHeader(String value) {
        return (ContainerRequestContext) Proxy.newProxyInstance(RecoveryGateTest.class.getClassLoader(),
                new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHeaderString") && "X-Saga-Recovery-Scan".equals(args[0])) {
                        return value;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
