package io.k8saga.common.events;

/**
 * Published by order-route on {@code order-events} once an order is final: the saga's decision as the order records
 * it. The participants settle their own row by it (confirm or release the credit, capture or void the payment)
 * when the coordinator's callback did not, so a lost or overtaken callback cannot leave them out of step.
 */
public record OrderOutcome(String orderId, Decision decision) {

    public enum Decision {
        APPROVED,
        REJECTED
    }
}
