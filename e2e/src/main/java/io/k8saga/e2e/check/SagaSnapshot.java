package io.k8saga.e2e.check;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What the three public APIs say at one moment: every order, the customers those orders name, and each order's
 * payments. The invariant checker judges only this, so it can be fed broken states in tests.
 *
 * @param customers by customer id; a customer the API does not know is absent
 * @param payments by order id; an order without payments maps to an empty list or is absent
 * @param reservations by order id; null when they were not read, and the rules about them are then not checked
 */
public record SagaSnapshot(List<Order> orders, Map<String, Customer> customers, Map<String, List<Payment>> payments,
        Map<String, Reservation> reservations) {

    public record Order(String orderId, String customerId, BigDecimal amount, String currency, String status,
            String rejectionReason) {
    }

    public record Customer(String customerId, BigDecimal creditLimit, BigDecimal creditReserved) {
    }

    public record Payment(String paymentId, String orderId, BigDecimal amount, String currency, String status) {
    }

    /** A customer's credit reservation for one order. */
    public record Reservation(String orderId, BigDecimal amount, String status) {
    }

    /** The part of this snapshot that concerns the given customers: their orders, and those orders' payments. */
    public SagaSnapshot of(java.util.Collection<String> customerIds) {
        List<Order> theirs = orders.stream().filter(order -> customerIds.contains(order.customerId())).toList();
        Map<String, Customer> who = new java.util.HashMap<>(customers);
        who.keySet().retainAll(customerIds);
        Map<String, List<Payment>> paid = new java.util.HashMap<>();
        theirs.forEach(order -> paid.put(order.orderId(), paymentsOf(order.orderId())));
        Map<String, Reservation> held = null;
        if (reservations != null) {
            held = new java.util.HashMap<>();
            for (Order order : theirs) {
                if (reservations.containsKey(order.orderId())) {
                    held.put(order.orderId(), reservations.get(order.orderId()));
                }
            }
        }
        return new SagaSnapshot(theirs, who, paid, held);
    }

    List<Payment> paymentsOf(String orderId) {
        return payments.getOrDefault(orderId, List.of());
    }
}
