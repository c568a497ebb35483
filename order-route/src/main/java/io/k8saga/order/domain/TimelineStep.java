package io.k8saga.order.domain;

import java.time.Instant;

/**
 * One step of a saga as the service that took it recorded it.
 *
 * @param at when it happened, by that service's clock
 * @param service the application that recorded it (order-route, credit-route or payment-route)
 * @param kind what happened
 * @param detail a line for a person: amounts, reasons, the coordinator
 */
public record TimelineStep(Instant at, String service, Kind kind, String detail) {

    /** What happened; in the order a saga takes them, which also breaks ties between equal times. */
    public enum Kind {
        ORDER_ACCEPTED,
        SAGA_STARTED,
        CREDIT_RESERVED,
        CREDIT_REFUSED,
        PAYMENT_AUTHORIZED,
        PAYMENT_DECLINED,
        SAGA_CLOSED,
        SAGA_CANCELLED,
        SAGA_TIMED_OUT,
        /** Rejected without a saga: it never started (order-route settled the order itself). */
        ORDER_REJECTED,
        CREDIT_CONFIRMED,
        CREDIT_RELEASED,
        PAYMENT_CAPTURED,
        PAYMENT_VOIDED,
        PAYMENT_REFUNDED
    }
}
