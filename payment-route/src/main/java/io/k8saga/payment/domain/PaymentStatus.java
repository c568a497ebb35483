package io.k8saga.payment.domain;

/**
 * Where one order's payment stands, and how the saga's callbacks move it. Both callbacks may arrive twice, late
 * or out of order, so each transition is a no-op on every status it does not apply to.
 */
public enum PaymentStatus {
    /** Authorized, saga still running: the money is held. */
    AUTHORIZED,
    /** Saga completed: the money is taken. */
    CAPTURED,
    /** Saga compensated: the hold was released, or there never was one (a tombstone). */
    VOIDED,
    /** Refused by the provider: nothing is held. */
    DECLINED,
    /** Captured, then given back: the order was rejected after all (its outcome said so). */
    REFUNDED;

    /** Compensation: only a held authorization is released; a capture is final and a decline holds nothing. */
    public PaymentStatus afterVoid() {
        return this == AUTHORIZED ? VOIDED : this;
    }

    /**
     * The order was rejected (its published outcome, which decides): what is held is released and what was taken
     * is given back. Only the outcome does this: a coordinator's compensation after a capture can be its own timer
     * racing a close, for an order that was approved.
     */
    public PaymentStatus afterRejection() {
        return switch (this) {
            case AUTHORIZED -> VOIDED;
            case CAPTURED -> REFUNDED;
            default -> this;
        };
    }

    /** Completion: only a held authorization is taken. */
    public PaymentStatus afterCapture() {
        return this == AUTHORIZED ? CAPTURED : this;
    }
}
