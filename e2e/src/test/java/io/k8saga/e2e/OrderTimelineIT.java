package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.k8saga.e2e.support.Timeline;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GET /api/orders/{id}/timeline: one saga step by step across the three services, from their own rows, for an
 * approved, a credit-refused and a declined saga (the timed-out one is SagaTimeoutIT's), and as a customer sees it.
 */
@SystemTest
class OrderTimelineIT {

    /** The steps every saga begins with, recorded by order-route. */
    private static final List<String> STARTED = List.of("ORDER_ACCEPTED", "SAGA_STARTED");

    private final PublicApi api;
    private final Duration settle;

    OrderTimelineIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.settle = stack.settle().plusSeconds(10);
    }

    @Test
    void anApprovedSagaShowsTheReservationAndPaymentThenTheirConfirmationAndCapture() {
        Customer customer = api.createCustomer("1000.00");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "25.00", "tok_ok").orderId(), settle);
        assertThat(order.status()).isEqualTo(Order.APPROVED);

        // The participants' completions run after the order is approved, each at its own pace.
        Timeline timeline = awaitSteps(order.orderId(), 7);

        assertInTimeOrder(timeline);
        assertThat(timeline.unavailable()).isEmpty();
        assertThat(timeline.kinds().subList(0, 4)).containsExactly("ORDER_ACCEPTED", "SAGA_STARTED",
                "CREDIT_RESERVED", "PAYMENT_AUTHORIZED");
        assertThat(timeline.kinds().subList(4, 7)).containsExactlyInAnyOrder("SAGA_CLOSED", "CREDIT_CONFIRMED",
                "PAYMENT_CAPTURED");
        assertThat(timeline.steps()).extracting(Timeline.Step::service).containsOnly("order-route", "credit-route",
                "payment-route");
        assertThat(step(timeline, "SAGA_STARTED").detail()).as("an administrator sees the LRA and its coordinator")
                .contains("/lra-coordinator/");
        assertThat(step(timeline, "PAYMENT_AUTHORIZED").detail()).contains("25.00 EUR");
    }

    @Test
    void aCreditRefusalEndsTheSagaBeforeAnyPayment() {
        Customer customer = api.createCustomer("5.00");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "10.00", "tok_ok").orderId(), settle);
        assertThat(order.status()).isEqualTo(Order.REJECTED);

        Timeline timeline = awaitSteps(order.orderId(), 4);

        assertInTimeOrder(timeline);
        assertThat(timeline.kinds()).containsExactly("ORDER_ACCEPTED", "SAGA_STARTED", "CREDIT_REFUSED",
                "SAGA_CANCELLED");
        assertThat(step(timeline, "SAGA_CANCELLED").detail()).contains("CREDIT_LIMIT_EXCEEDED");
        assertThat(timeline.unavailable()).isEmpty();
    }

    @Test
    void aDeclinedPaymentCancelsTheSagaAndTheCreditGoesBack() {
        Customer customer = api.createCustomer("1000.00");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "10.00", "tok_declined").orderId(),
                settle);
        assertThat(order.status()).isEqualTo(Order.REJECTED);

        Timeline timeline = awaitSteps(order.orderId(), 6);

        assertInTimeOrder(timeline);
        assertThat(timeline.kinds().subList(0, 4)).containsExactly("ORDER_ACCEPTED", "SAGA_STARTED",
                "CREDIT_RESERVED", "PAYMENT_DECLINED");
        assertThat(timeline.kinds().subList(4, 6)).containsExactlyInAnyOrder("SAGA_CANCELLED", "CREDIT_RELEASED");
        assertThat(step(timeline, "SAGA_CANCELLED").detail()).contains("PAYMENT_DECLINED");
    }

    @Test
    void aCustomerSeesItsOwnTimelineWithoutTheLraAndNoOneElses() {
        Customer customer = api.createCustomer("1000.00");
        Customer stranger = api.createCustomer("1000.00");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "10.00", "tok_ok").orderId(), settle);

        Response own = api.anonymous().header("Authorization", "Bearer " + api.tokens().customer(customer.customerId()))
                .get("/api/orders/{id}/timeline", order.orderId());
        Response foreign = api.anonymous()
                .header("Authorization", "Bearer " + api.tokens().customer(stranger.customerId()))
                .get("/api/orders/{id}/timeline", order.orderId());

        assertThat(own.statusCode()).as(own.asString()).isEqualTo(200);
        assertThat(own.jsonPath().getList("steps.step", String.class)).containsAll(STARTED)
                .contains("CREDIT_RESERVED", "PAYMENT_AUTHORIZED");
        assertThat(own.asString()).doesNotContain("lra-coordinator");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
    }

    private Timeline awaitSteps(String orderId, int count) {
        return await("the timeline of " + orderId + " to show " + count + " steps").atMost(settle)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.timeline(orderId), timeline -> timeline.steps().size() >= count);
    }

    static void assertInTimeOrder(Timeline timeline) {
        assertThat(timeline.steps()).extracting(Timeline.Step::at).isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(timeline.kinds().subList(0, 2)).isEqualTo(STARTED);
    }

    static Timeline.Step step(Timeline timeline, String kind) {
        return timeline.steps().stream().filter(step -> step.step().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + timeline.kinds()));
    }
}
