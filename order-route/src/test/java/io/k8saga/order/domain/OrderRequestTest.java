package io.k8saga.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class OrderRequestTest {

    private final OrderRequest request = new OrderRequest("c1", new BigDecimal("10.5"), "EUR", "tok_ok");

    @Test
    void sameContentWrittenDifferentlyHasTheSameFingerprint() {
        assertThat(new OrderRequest("c1", new BigDecimal("10.50"), "EUR", "tok_ok").fingerprint())
                .isEqualTo(request.fingerprint());
    }

    @Test
    void ordersAndRequestsPrintWithoutThePaymentToken() {
        OrderRequest secret = new OrderRequest("c1", new BigDecimal("10.5"), "EUR", "tok_4242424242424242");

        assertThat(secret.toString()).doesNotContain("tok_4242424242424242").contains("c1", "10.5", "(redacted)");
        assertThat(Order.pending("o-1", secret, OffsetDateTime.now()).toString())
                .doesNotContain("tok_4242424242424242").contains("o-1", "PENDING", "(redacted)");
    }

    @Test
    void anyDifferentFieldChangesTheFingerprint() {
        assertThat(new OrderRequest("c2", new BigDecimal("10.5"), "EUR", "tok_ok").fingerprint())
                .isNotEqualTo(request.fingerprint());
        assertThat(new OrderRequest("c1", new BigDecimal("10.51"), "EUR", "tok_ok").fingerprint())
                .isNotEqualTo(request.fingerprint());
        assertThat(new OrderRequest("c1", new BigDecimal("10.5"), "USD", "tok_ok").fingerprint())
                .isNotEqualTo(request.fingerprint());
        assertThat(new OrderRequest("c1", new BigDecimal("10.5"), "EUR", "tok_declined").fingerprint())
                .isNotEqualTo(request.fingerprint());
    }

    @Test
    void aRejectionReasonShowsOnlyOnceTheOrderIsRejected() {
        Order pending = Order.pending("o1", request, OffsetDateTime.now());
        Order refusedButPending = new Order("o1", "c1", BigDecimal.TEN, "EUR", "tok_ok", OrderStatus.PENDING,
                RejectionReason.CREDIT_LIMIT_EXCEEDED, null, null, null, null);
        Order rejected = new Order("o1", "c1", BigDecimal.TEN, "EUR", "tok_ok", OrderStatus.REJECTED,
                RejectionReason.CREDIT_LIMIT_EXCEEDED, null, null, null, null);

        assertThat(pending.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(refusedButPending.visibleRejectionReason()).isNull();
        assertThat(rejected.visibleRejectionReason()).isEqualTo(RejectionReason.CREDIT_LIMIT_EXCEEDED);
    }
}
