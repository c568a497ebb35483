package io.k8saga.common.events;

import io.k8saga.common.message.InvalidEventException;
import java.util.function.Consumer;

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

    /**
     * The participant's settlement of this outcome: {@code approved} or {@code rejected} applied to the order id, as
     * decided. Checked here, before anything runs: an outcome without order id or decision is invalid.
     */
    public Runnable settlement(Consumer<String> approved, Consumer<String> rejected) {
        if (orderId == null || decision == null) {
            throw new InvalidEventException("malformed OrderOutcome: " + this);
        }
        Consumer<String> effect = decision == Decision.APPROVED ? approved : rejected;
        return () -> effect.accept(orderId);
    }
}
