package io.k8saga.credit.domain;

/** Where one order's credit reservation stands. Only PENDING and CONFIRMED hold credit. */
public enum ReservationStatus {
    /** Reserved, saga still running. */
    PENDING,
    /** Saga completed: the credit stays used. */
    CONFIRMED,
    /** Saga compensated: the credit went back, or never was taken (a tombstone). */
    RELEASED,
    /** Refused: the amount did not fit in the available credit. */
    LIMIT_EXCEEDED,
    /** Refused: no such customer. */
    CUSTOMER_NOT_FOUND;

    public boolean holdsCredit() {
        return this == PENDING || this == CONFIRMED;
    }
}
