package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.LocalStack;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Without a coordinator no saga can start: the order is refused with 503 and not kept, and a retry works later. */
@SystemTest
class CoordinatorDownIT {

    private final PublicApi api;
    private final SagaStack stack;

    CoordinatorDownIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void refusesOrdersWith503WhileTheCoordinatorIsDownAndAcceptsTheRetryAfterwards() {
        assumeTrue(stack.local().isPresent(), "stops the coordinator, so it needs the local stack (no -De2e.baseUrl)");
        LocalStack local = stack.local().get();
        Customer customer = api.createCustomer("1000.00");
        String key = "e2e-" + UUID.randomUUID();
        String body = PublicApi.orderJson(customer.customerId(), "10.00", "tok_ok");

        local.saga("down", "lra-coordinator");
        try {
            Response refused = api.postOrder(body, key);

            assertThat(refused.statusCode()).as("answer: %s", refused.asString()).isEqualTo(503);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(api.orders(customer.customerId()).total()).isZero();
        } finally {
            local.saga("up");
        }

        Order retried = PublicApi.accepted(api.postOrder(body, key));
        assertThat(api.awaitFinal(retried.orderId(), stack.settle()).status()).isEqualTo(Order.APPROVED);
    }
}
