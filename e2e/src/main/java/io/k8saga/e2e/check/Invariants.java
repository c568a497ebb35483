package io.k8saga.e2e.check;

import io.k8saga.e2e.check.SagaSnapshot.Customer;
import io.k8saga.e2e.check.SagaSnapshot.Order;
import io.k8saga.e2e.check.SagaSnapshot.Payment;
import io.k8saga.e2e.check.SagaSnapshot.Reservation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The promises the saga makes once the system is quiet, checked against a {@link SagaSnapshot}. */
public final class Invariants {

    /** One broken promise: which rule, about what (an order or customer id), and what was seen. */
    public record Violation(String rule, String subject, String detail) {
        @Override
        public String toString() {
            return rule + " " + subject + ": " + detail;
        }
    }

    static final String FINAL_STATE = "final-state";
    static final String APPROVED_PAID = "approved-paid";
    static final String REJECTED_UNPAID = "rejected-unpaid";
    static final String CREDIT_MATCHES = "credit-matches-approved";
    static final String CREDIT_WITHIN_LIMIT = "credit-within-limit";
    static final String APPROVED_CONFIRMED = "approved-credit-confirmed";
    static final String REJECTED_HOLDS_NOTHING = "rejected-holds-no-credit";

    private Invariants() {
    }

    public static List<Violation> check(SagaSnapshot snapshot) {
        List<Violation> violations = new ArrayList<>();
        Map<String, BigDecimal> approvedByCustomer = new LinkedHashMap<>();
        for (Order order : snapshot.orders()) {
            switch (order.status()) {
                case "APPROVED" -> {
                    checkApproved(order, snapshot.paymentsOf(order.orderId()), violations);
                    approvedByCustomer.merge(order.customerId(), order.amount(), BigDecimal::add);
                }
                case "REJECTED" -> checkRejected(order, snapshot.paymentsOf(order.orderId()), violations);
                default -> violations.add(new Violation(FINAL_STATE, order.orderId(),
                        "status " + order.status() + ", expected APPROVED or REJECTED"));
            }
            // Reservations are checked only when the snapshot has them (the credit API lists them).
            if (snapshot.reservations() != null) {
                checkReservation(order, snapshot.reservations().get(order.orderId()), violations);
            }
        }
        for (Customer customer : snapshot.customers().values()) {
            BigDecimal approved = approvedByCustomer.getOrDefault(customer.customerId(), BigDecimal.ZERO);
            if (customer.creditReserved().compareTo(approved) != 0) {
                violations.add(new Violation(CREDIT_MATCHES, customer.customerId(), "creditReserved "
                        + customer.creditReserved() + " but its APPROVED orders total " + approved));
            }
            if (customer.creditReserved().compareTo(customer.creditLimit()) > 0) {
                violations.add(new Violation(CREDIT_WITHIN_LIMIT, customer.customerId(), "creditReserved "
                        + customer.creditReserved() + " exceeds creditLimit " + customer.creditLimit()));
            }
        }
        approvedByCustomer.keySet().stream()
                .filter(customerId -> !snapshot.customers().containsKey(customerId))
                .forEach(customerId -> violations.add(new Violation(CREDIT_MATCHES, customerId,
                        "has APPROVED orders but the customers API does not know it")));
        return violations;
    }

    private static void checkApproved(Order order, List<Payment> payments, List<Violation> violations) {
        List<Payment> captured = captured(payments);
        if (captured.size() != 1) {
            violations.add(new Violation(APPROVED_PAID, order.orderId(),
                    captured.size() + " CAPTURED payments, expected exactly one"));
            return;
        }
        Payment payment = captured.get(0);
        if (payment.amount().compareTo(order.amount()) != 0 || !payment.currency().equals(order.currency())) {
            violations.add(new Violation(APPROVED_PAID, order.orderId(), "captured " + payment.amount() + " "
                    + payment.currency() + " for an order of " + order.amount() + " " + order.currency()));
        }
    }

    private static void checkRejected(Order order, List<Payment> payments, List<Violation> violations) {
        if (!captured(payments).isEmpty()) {
            violations.add(new Violation(REJECTED_UNPAID, order.orderId(),
                    "REJECTED (" + order.rejectionReason() + ") but a payment was CAPTURED"));
        }
    }

    /** APPROVED: a CONFIRMED reservation of the order's amount. REJECTED: none that still holds credit. */
    private static void checkReservation(Order order, Reservation reservation, List<Violation> violations) {
        String seen = reservation == null ? "no reservation" : reservation.status() + " " + reservation.amount();
        if ("APPROVED".equals(order.status()) && (reservation == null || !"CONFIRMED".equals(reservation.status())
                || reservation.amount().compareTo(order.amount()) != 0)) {
            violations.add(new Violation(APPROVED_CONFIRMED, order.orderId(),
                    seen + ", expected CONFIRMED " + order.amount()));
        }
        if ("REJECTED".equals(order.status()) && reservation != null
                && ("PENDING".equals(reservation.status()) || "CONFIRMED".equals(reservation.status()))) {
            violations.add(new Violation(REJECTED_HOLDS_NOTHING, order.orderId(),
                    "REJECTED (" + order.rejectionReason() + ") but its reservation is " + seen));
        }
    }

    private static List<Payment> captured(List<Payment> payments) {
        return payments.stream().filter(payment -> "CAPTURED".equals(payment.status())).toList();
    }
}
