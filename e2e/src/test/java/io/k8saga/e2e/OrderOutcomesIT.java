package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.Payment;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One saga per outcome: approved, and rejected for each reason a participant can give. */
@SystemTest
class OrderOutcomesIT {

    private final PublicApi api;
    /** How long a saga may take under light load; callbacks after the final state get the same again. */
    private final Duration settle;

    OrderOutcomesIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.settle = stack.settle();
    }

    @Test
    void approvesAnOrderWithinTheCreditLimit() {
        Customer customer = api.createCustomer("1000.00");

        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "250.00", "tok_ok").orderId(), settle);

        assertThat(order.status()).isEqualTo(Order.APPROVED);
        assertThat(order.rejectionReason()).isNull();
        assertThat(order.sagaId()).isNotBlank();
        assertThat(order.amount()).isEqualByComparingTo("250.00");
        assertThat(order.currency()).isEqualTo("EUR");
        Customer after = api.customer(customer.customerId());
        assertThat(after.creditReserved()).isEqualByComparingTo("250.00");
        assertThat(after.availableCredit()).isEqualByComparingTo("750.00");
        await("payment of " + order.orderId() + " captured").atMost(settle).untilAsserted(() ->
                assertThat(api.payments(order.orderId()))
                        .singleElement()
                        .satisfies(payment -> {
                            assertThat(payment.status()).isEqualTo("CAPTURED");
                            assertThat(payment.amount()).isEqualByComparingTo("250.00");
                        }));
    }

    @Test
    void rejectsAnOrderOverTheCreditLimitWithoutReservingOrPaying() {
        Customer customer = api.createCustomer("100.00");

        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "100.01", "tok_ok").orderId(), settle);

        assertRejected(order, "CREDIT_LIMIT_EXCEEDED");
        Customer after = api.customer(customer.customerId());
        assertThat(after.creditReserved()).isZero();
        assertThat(after.availableCredit()).isEqualByComparingTo("100.00");
        assertThat(api.payments(order.orderId())).isEmpty();
    }

    @Test
    void rejectsAnOrderOfAnUnknownCustomer() {
        String unknown = PublicApi.newCustomerId();

        Order order = api.awaitFinal(api.placeOrder(unknown, "10.00", "tok_ok").orderId(), settle);

        assertRejected(order, "UNKNOWN_CUSTOMER");
        assertThat(api.payments(order.orderId())).isEmpty();
        assertThat(api.request().get("/api/customers/{id}", unknown).statusCode()).isEqualTo(404);
    }

    @Test
    void releasesTheCreditWhenThePaymentIsDeclined() {
        Customer customer = api.createCustomer("1000.00");

        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "300.00", "tok_declined").orderId(), settle);

        assertRejected(order, "PAYMENT_DECLINED");
        assertCreditReleasedAndPaymentDeclined(customer, order);
    }

    @Test
    void declinesAPaymentOverTheProvidersMaximumAmount() {
        Customer customer = api.createCustomer("20000.00");

        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "10000.01", "tok_ok").orderId(), settle);

        assertRejected(order, "PAYMENT_DECLINED");
        assertCreditReleasedAndPaymentDeclined(customer, order);
    }

    private void assertCreditReleasedAndPaymentDeclined(Customer customer, Order order) {
        await("credit of " + customer.customerId() + " released").atMost(settle).untilAsserted(() -> {
            Customer after = api.customer(customer.customerId());
            assertThat(after.creditReserved()).isZero();
            assertThat(after.availableCredit()).isEqualByComparingTo(customer.creditLimit());
        });
        List<Payment> payments = api.payments(order.orderId());
        assertThat(payments).extracting(Payment::status).containsExactly("DECLINED");
    }

    static void assertRejected(Order order, String reason) {
        assertThat(order.status()).as("status of %s", order).isEqualTo(Order.REJECTED);
        assertThat(order.rejectionReason()).as("reason of %s", order).isEqualTo(reason);
    }
}
