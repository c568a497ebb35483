package io.k8saga.common.events;

/** How a payment token may be shown in a log line or a dead-letter reason: not at all, only whether there is one. */
public final class PaymentTokens {

    private PaymentTokens() {
    }

    public static String redacted(String paymentToken) {
        return paymentToken == null ? "null" : "(redacted)";
    }
}
