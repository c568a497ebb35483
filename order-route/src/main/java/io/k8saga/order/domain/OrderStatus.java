package io.k8saga.order.domain;

public enum OrderStatus {
    /** The saga is running. */
    PENDING,
    /** The saga completed: credit confirmed, payment captured. */
    APPROVED,
    /** The saga was compensated: credit released, payment voided. */
    REJECTED
}
