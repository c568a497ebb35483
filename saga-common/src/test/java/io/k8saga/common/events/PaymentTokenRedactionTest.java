package io.k8saga.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Events that carry a payment token print without it: their text goes into logs and dead-letter reasons. */
class PaymentTokenRedactionTest {

    private static final String TOKEN = "tok_4242424242424242";

    @Test
    void eventsPrintEverythingButThePaymentToken() {
        OrderCreated order = new OrderCreated("o-1", "c-1", new BigDecimal("12.50"), "EUR", TOKEN);
        CreditEvent credit = CreditEvent.of(CreditEvent.Type.CREDIT_RESERVED, order);

        assertThat(order.toString()).doesNotContain(TOKEN).contains("o-1", "c-1", "12.50", "EUR", "(redacted)");
        assertThat(credit.toString()).doesNotContain(TOKEN).contains("CREDIT_RESERVED", "o-1", "(redacted)");
        assertThat(new OrderCreated("o-2", "c-1", BigDecimal.ONE, "EUR", null).toString())
                .contains("paymentToken=null");
    }
}
