package io.k8saga.order.domain;

public enum RejectionReason {
    CREDIT_LIMIT_EXCEEDED,
    UNKNOWN_CUSTOMER,
    PAYMENT_DECLINED,
    /** No participant refused, yet the saga was cancelled: its time limit ran out. */
    TIMEOUT
}
