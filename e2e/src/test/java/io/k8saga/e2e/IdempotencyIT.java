package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A retried POST /api/orders with the same Idempotency-Key starts no second saga. */
@SystemTest
class IdempotencyIT {

    private final PublicApi api;
    private final SagaStack stack;

    IdempotencyIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void replaysTheSameOrderForTheSameKeyAndBody() {
        Customer customer = api.createCustomer("1000.00");
        String key = "e2e-" + UUID.randomUUID();
        String body = PublicApi.orderJson(customer.customerId(), "120.00", "tok_ok");

        Order first = PublicApi.accepted(api.postOrder(body, key));
        Response replay = api.postOrder(body, key);

        assertThat(replay.statusCode()).as("replay: %s", replay.asString()).isIn(200, 202);
        assertThat(replay.jsonPath().getString("orderId")).isEqualTo(first.orderId());
        assertThat(api.orders(customer.customerId()).total()).isEqualTo(1);
        assertThat(api.awaitFinal(first.orderId(), stack.settle()).status()).isEqualTo(Order.APPROVED);
        assertThat(api.customer(customer.customerId()).creditReserved()).isEqualByComparingTo("120.00");
        assertThat(api.orders(customer.customerId()).total()).isEqualTo(1);
    }

    @Test
    void refusesTheSameKeyWithADifferentBody() {
        Customer customer = api.createCustomer("1000.00");
        String key = "e2e-" + UUID.randomUUID();
        Order first = PublicApi.accepted(api.postOrder(PublicApi.orderJson(customer.customerId(), "120.00", "tok_ok"), key));

        Response conflict = api.postOrder(PublicApi.orderJson(customer.customerId(), "130.00", "tok_ok"), key);

        assertThat(conflict.statusCode()).as("different body: %s", conflict.asString()).isEqualTo(422);
        assertThat(conflict.contentType()).startsWith("application/problem+json");
        PublicApi.Orders orders = api.orders(customer.customerId());
        assertThat(orders.total()).isEqualTo(1);
        assertThat(orders.items()).extracting(Order::orderId).containsExactly(first.orderId());
        assertThat(orders.items().get(0).amount()).isEqualByComparingTo("120.00");
    }
}
