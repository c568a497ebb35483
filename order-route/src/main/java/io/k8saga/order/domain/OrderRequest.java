package io.k8saga.order.domain;

import io.k8saga.common.events.PaymentTokens;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A validated request to place an order. */
public record OrderRequest(String customerId, BigDecimal amount, String currency, String paymentToken) {

    /**
     * Identifies the request's content, so a replay under the same idempotency key can be told apart from a
     * different order sent with a reused key. Equal amounts written differently (10, 10.0) give the same value.
     */
    public String fingerprint() {
        String canonical = String.join("\n", customerId, amount.setScale(2).toPlainString(), currency, paymentToken);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Without the payment token: this text may go into logs. */
    @Override
    public String toString() {
        return "OrderRequest[customerId=" + customerId + ", amount=" + amount + ", currency=" + currency
                + ", paymentToken=" + PaymentTokens.redacted(paymentToken) + "]";
    }
}
