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
    DECLINED;

    /** Compensation: only a held authorization is released; a capture is final and a decline holds nothing. */
    public PaymentStatus afterVoid() {
        return this == AUTHORIZED ? VOIDED : this;
    }

    /** Completion: only a held authorization is taken. */
    public PaymentStatus afterCapture() {
        return this == AUTHORIZED ? CAPTURED : this;
    }
}
