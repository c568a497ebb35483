package io.k8saga.credit.message;

import io.k8saga.common.db.Retry;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderCreated;
import io.k8saga.credit.domain.CreditService;
import io.k8saga.credit.domain.ReservationStatus;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The credit step of the saga: turns an {@link OrderCreated} into a reservation and the event that reports it,
 * and runs the step's compensation and completion. Each call retries when it lost a race with another callback.
 */
@ApplicationScoped
public class CreditSagaHandler {

    private final CreditService credit;

    CreditSagaHandler(CreditService credit) {
        this.credit = credit;
    }

    /** Returns the event to publish, or null when the saga was compensated before this step ran. */
    public CreditEvent reserve(OrderCreated order) {
        ReservationStatus status = Retry.onConflict(
                () -> credit.reserve(order.orderId(), order.customerId(), order.amount()));
        return switch (status) {
            case PENDING, CONFIRMED -> CreditEvent.of(CreditEvent.Type.CREDIT_RESERVED, order);
            case LIMIT_EXCEEDED -> CreditEvent.of(CreditEvent.Type.CREDIT_LIMIT_EXCEEDED, order);
            case CUSTOMER_NOT_FOUND -> CreditEvent.of(CreditEvent.Type.CUSTOMER_NOT_FOUND, order);
            case RELEASED -> null;
        };
    }

    public void release(String orderId) {
        Retry.onConflict(() -> {
            credit.release(orderId);
            return orderId;
        });
    }

    public void confirm(String orderId) {
        credit.confirm(orderId);
    }
}
