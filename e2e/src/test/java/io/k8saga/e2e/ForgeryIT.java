package io.k8saga.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.LocalStack;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Callbacks nobody but the coordinator can send: a forged completion or compensation on each route's participant
 * path, for a real order, with its real LRA id or a made-up one, and with or without a made-up signature, is
 * refused with 403 and changes nothing. Needs the routes' own ports, so only against the local stack.
 */
@SystemTest
class ForgeryIT {

    /** Each route's compensation and completion endpoints, as Camel names them in the callback URLs. */
    private static final Map<String, List<String>> CALLBACKS = Map.of(
            "order-route", List.of("compensate?Camel-Saga-Compensate=direct://rejectOrder",
                    "complete?Camel-Saga-Complete=direct://approveOrder"),
            "credit-route", List.of("compensate?Camel-Saga-Compensate=direct://releaseCredit",
                    "complete?Camel-Saga-Complete=direct://confirmCredit"),
            "payment-route", List.of("compensate?Camel-Saga-Compensate=direct://voidPayment",
                    "complete?Camel-Saga-Complete=direct://capturePayment"));

    private final PublicApi api;
    private final SagaStack stack;

    ForgeryIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void forgedCallbacksAreRefusedAndChangeNothing() {
        assumeTrue(stack.local().isPresent(),
                "calls the routes' participant paths, which only the local stack exposes");
        LocalStack local = stack.local().get();
        Customer customer = api.createCustomer("500.00");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "120.00", "tok_ok").orderId(),
                stack.settle());
        assertThat(order.status()).isEqualTo(Order.APPROVED);
        await("payment captured").atMost(stack.settle()).until(() -> "CAPTURED".equals(paymentStatus(order)));
        String madeUpLra = local.coordinatorUrl(0) + "/lra-coordinator/0_ffff7f000001_forged";

        for (Map.Entry<String, List<String>> route : CALLBACKS.entrySet()) {
            URI service = local.serviceUrl(route.getKey());
            for (String callback : route.getValue()) {
                for (String lra : List.of(order.sagaId(), madeUpLra)) {
                    for (String signature : List.of("", "&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) {
                        given().baseUri(service.toString()).header("Long-Running-Action", lra)
                                .put("/lra-participant/" + callback + "&orderId=" + order.orderId() + signature)
                                .then().statusCode(403).contentType("application/problem+json");
                    }
                }
            }
        }

        // Nothing changed: the order is approved, its payment captured, its credit still reserved.
        assertThat(api.order(order.orderId()).status()).isEqualTo(Order.APPROVED);
        assertThat(paymentStatus(order)).isEqualTo("CAPTURED");
        Customer after = api.customer(customer.customerId());
        assertThat(after.creditReserved()).isEqualByComparingTo("120.00");
    }

    private String paymentStatus(Order order) {
        return api.payments(order.orderId()).stream().map(payment -> payment.status()).findFirst().orElse(null);
    }
}
