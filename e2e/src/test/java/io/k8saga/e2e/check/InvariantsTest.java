package io.k8saga.e2e.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.e2e.check.Invariants.Violation;
import io.k8saga.e2e.check.SagaSnapshot.Customer;
import io.k8saga.e2e.check.SagaSnapshot.Order;
import io.k8saga.e2e.check.SagaSnapshot.Payment;
import io.k8saga.e2e.check.SagaSnapshot.Reservation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker is fed states the system must never reach, and must name each broken rule. */
class InvariantsTest {

    private static Order order(String id, String status, String amount, String reason) {
        return new Order(id, "c1", new BigDecimal(amount), "EUR", status, reason);
    }

    private static Payment payment(String orderId, String status, String amount) {
        return new Payment("p-" + orderId + "-" + status, orderId, new BigDecimal(amount), "EUR", status);
    }

    private static Customer customer(String limit, String reserved) {
        return new Customer("c1", new BigDecimal(limit), new BigDecimal(reserved));
    }

    /** A consistent state: one order approved and paid, one rejected after its payment was voided. */
    private static SagaSnapshot healthy() {
        return withoutReservations(
                List.of(order("o1", "APPROVED", "120.00", null), order("o2", "REJECTED", "80.00", "PAYMENT_DECLINED")),
                Map.of("c1", customer("500.00", "120.00")),
                Map.of("o1", List.of(payment("o1", "CAPTURED", "120.00")), "o2", List.of(payment("o2", "VOIDED", "80.00"))));
    }

    /** A snapshot whose credit reservations were not read: the rules about them are skipped. */
    private static SagaSnapshot withoutReservations(List<Order> orders, Map<String, Customer> customers,
            Map<String, List<Payment>> payments) {
        return new SagaSnapshot(orders, customers, payments, null);
    }

    private static List<String> rulesBroken(SagaSnapshot snapshot) {
        return Invariants.check(snapshot).stream().map(Violation::rule).toList();
    }

    @Test
    void aConsistentStatePasses() {
        assertThat(Invariants.check(healthy())).isEmpty();
    }

    /** The healthy state with the credit reservations the credit API would list for it. */
    private static SagaSnapshot withReservations(Map<String, Reservation> reservations) {
        SagaSnapshot healthy = healthy();
        return new SagaSnapshot(healthy.orders(), healthy.customers(), healthy.payments(), reservations);
    }

    private static Reservation reservation(String orderId, String status, String amount) {
        return new Reservation(orderId, new BigDecimal(amount), status);
    }

    @Test
    void aConsistentStateWithItsReservationsPasses() {
        assertThat(Invariants.check(withReservations(Map.of("o1", reservation("o1", "CONFIRMED", "120.00"),
                "o2", reservation("o2", "RELEASED", "80.00"))))).isEmpty();
    }

    @Test
    void anApprovedOrderWhoseCreditIsNotConfirmedIsCaught() {
        assertThat(rulesBroken(withReservations(Map.of("o1", reservation("o1", "PENDING", "120.00")))))
                .containsExactly(Invariants.APPROVED_CONFIRMED);
        assertThat(rulesBroken(withReservations(Map.of())))
                .as("no reservation at all").containsExactly(Invariants.APPROVED_CONFIRMED);
        assertThat(rulesBroken(withReservations(Map.of("o1", reservation("o1", "CONFIRMED", "12.00")))))
                .as("another amount").containsExactly(Invariants.APPROVED_CONFIRMED);
    }

    @Test
    void aRejectedOrderStillHoldingCreditIsCaught() {
        for (String holding : new String[] {"PENDING", "CONFIRMED"}) {
            assertThat(rulesBroken(withReservations(Map.of("o1", reservation("o1", "CONFIRMED", "120.00"),
                    "o2", reservation("o2", holding, "80.00"))))).as(holding)
                    .containsExactly(Invariants.REJECTED_HOLDS_NOTHING);
        }
    }

    @Test
    void aPendingOrderIsNotFinal() {
        SagaSnapshot snapshot = withoutReservations(List.of(order("o1", "PENDING", "10.00", null)),
                Map.of("c1", customer("500", "0")), Map.of());

        assertThat(rulesBroken(snapshot)).containsExactly(Invariants.FINAL_STATE);
    }

    @Test
    void anApprovedOrderWithoutACaptureOrWithTwoIsCaught() {
        SagaSnapshot unpaid = withoutReservations(healthy().orders(), healthy().customers(),
                Map.of("o1", List.of(payment("o1", "AUTHORIZED", "120.00"))));
        SagaSnapshot paidTwice = withoutReservations(healthy().orders(), healthy().customers(),
                Map.of("o1", List.of(payment("o1", "CAPTURED", "120.00"), payment("o1", "CAPTURED", "120.00"))));

        assertThat(rulesBroken(unpaid)).containsExactly(Invariants.APPROVED_PAID);
        assertThat(rulesBroken(paidTwice)).containsExactly(Invariants.APPROVED_PAID);
    }

    @Test
    void aCaptureOfAnotherAmountIsCaught() {
        SagaSnapshot snapshot = withoutReservations(healthy().orders(), healthy().customers(),
                Map.of("o1", List.of(payment("o1", "CAPTURED", "12.00"))));

        assertThat(Invariants.check(snapshot)).singleElement()
                .satisfies(violation -> assertThat(violation.detail()).contains("captured 12.00"));
    }

    @Test
    void aRejectedOrderThatWasChargedIsCaught() {
        SagaSnapshot snapshot = withoutReservations(healthy().orders(), healthy().customers(), Map.of(
                "o1", List.of(payment("o1", "CAPTURED", "120.00")), "o2", List.of(payment("o2", "CAPTURED", "80.00"))));

        assertThat(rulesBroken(snapshot)).containsExactly(Invariants.REJECTED_UNPAID);
    }

    @Test
    void creditStillHeldForARejectedOrderIsCaught() {
        SagaSnapshot snapshot = withoutReservations(healthy().orders(), Map.of("c1", customer("500.00", "200.00")),
                healthy().payments());

        assertThat(rulesBroken(snapshot)).containsExactly(Invariants.CREDIT_MATCHES);
    }

    @Test
    void creditBeyondTheLimitIsCaught() {
        SagaSnapshot snapshot = withoutReservations(List.of(order("o1", "APPROVED", "600.00", null)),
                Map.of("c1", customer("500.00", "600.00")), Map.of("o1", List.of(payment("o1", "CAPTURED", "600.00"))));

        assertThat(rulesBroken(snapshot)).containsExactly(Invariants.CREDIT_WITHIN_LIMIT);
    }

    @Test
    void anApprovedOrderOfACustomerTheApiDoesNotKnowIsCaught() {
        SagaSnapshot snapshot = withoutReservations(healthy().orders(), Map.of(), healthy().payments());

        assertThat(rulesBroken(snapshot)).containsExactly(Invariants.CREDIT_MATCHES);
    }

    @Test
    void amountsCompareByValueNotScale() {
        SagaSnapshot snapshot = withoutReservations(List.of(order("o1", "APPROVED", "120", null)),
                Map.of("c1", customer("500", "120.000")), Map.of("o1", List.of(payment("o1", "CAPTURED", "120.0"))));

        assertThat(Invariants.check(snapshot)).isEmpty();
    }
}
