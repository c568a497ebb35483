package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.LocalStack;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.k8saga.e2e.support.Timeline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A saga whose last participant is gone ends by the coordinator's timeout, the credit comes back, and the order's
 * timeline shows it (and that payment-route could not be asked).
 */
@SystemTest
class SagaTimeoutIT {

    /** Time the coordinator and the compensations may take after the saga timeout expires. */
    private static final Duration MARGIN = Duration.ofSeconds(20);
    /** Long enough for a restarted payment-route to take part again, a few orders included. */
    private static final Duration RECOVERY = Duration.ofMinutes(2);

    private final PublicApi api;
    private final SagaStack stack;

    SagaTimeoutIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void rejectsWithTimeoutAndReleasesTheCreditWhenPaymentRouteIsDown() {
        assumeTrue(stack.local().isPresent(), "stops payment-route, so it needs the local stack (no -De2e.baseUrl)");
        LocalStack local = stack.local().get();
        Customer customer = api.createCustomer("1000.00");
        local.saga("down", "payment-route");
        try {
            Order placed = api.placeOrder(customer.customerId(), "100.00", "tok_ok");
            await("credit reserved while the payment step cannot run").atMost(stack.settle()).untilAsserted(() ->
                    assertThat(api.customer(customer.customerId()).creditReserved()).isEqualByComparingTo("100.00"));

            Order order = api.awaitFinal(placed.orderId(), stack.sagaTimeout().plus(MARGIN));

            OrderOutcomesIT.assertRejected(order, "TIMEOUT");
            await("credit of " + customer.customerId() + " released").atMost(stack.settle()).untilAsserted(() ->
                    assertThat(api.customer(customer.customerId()).availableCredit()).isEqualByComparingTo("1000.00"));
            // Its timeline, while payment-route is still down: what the others recorded, and who could not answer.
            Timeline timeline = api.timeline(order.orderId());
            OrderTimelineIT.assertInTimeOrder(timeline);
            assertThat(timeline.kinds()).hasSize(5);
            assertThat(timeline.kinds().subList(0, 3)).containsExactly("ORDER_ACCEPTED", "SAGA_STARTED",
                    "CREDIT_RESERVED");
            // The coordinator calls the compensations in any order.
            assertThat(timeline.kinds().subList(3, 5)).containsExactlyInAnyOrder("SAGA_TIMED_OUT", "CREDIT_RELEASED");
            assertThat(timeline.unavailable()).containsExactly("payment-route");
        } finally {
            local.saga("up");
        }
        // Back, payment-route takes part again. Its consumers may need a few seconds to rejoin their group, so the
        // first order may still run out of time; the next test must not pay for that.
        await("an order approved again after payment-route's restart").atMost(RECOVERY)
                .until(() -> Order.APPROVED.equals(api.awaitFinal(
                        api.placeOrder(customer.customerId(), "10.00", "tok_ok").orderId(),
                        stack.sagaTimeout().plus(MARGIN)).status()));
    }
}
