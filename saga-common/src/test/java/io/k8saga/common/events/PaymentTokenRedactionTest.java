package io.k8saga.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The payment token travels in PaymentRequested only, which prints without it (its text goes into logs and
 * dead-letter reasons); the events of the other topics have no token at all, and still read records that had one.
 */
class PaymentTokenRedactionTest {

    private static final String TOKEN = "tok_4242424242424242";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void paymentRequestedPrintsEverythingButThePaymentToken() {
        PaymentRequested request = new PaymentRequested("o-1", "c-1", new BigDecimal("12.50"), "EUR", TOKEN);

        assertThat(request.toString()).doesNotContain(TOKEN).contains("o-1", "c-1", "12.50", "EUR", "(redacted)");
        assertThat(new PaymentRequested("o-2", "c-1", BigDecimal.ONE, "EUR", null).toString())
                .contains("paymentToken=null");
    }

    @Test
    void theOtherEventsHaveNoTokenToWriteAndIgnoreOneFromEarlierVersions() throws Exception {
        OrderCreated order = JSON.readValue("{\"orderId\":\"o-1\",\"customerId\":\"c-1\",\"amount\":12.50,"
                + "\"currency\":\"EUR\",\"paymentToken\":\"" + TOKEN + "\"}", OrderCreated.class);
        CreditEvent credit = CreditEvent.of(CreditEvent.Type.CREDIT_RESERVED, order);

        assertThat(order).isEqualTo(new OrderCreated("o-1", "c-1", new BigDecimal("12.50"), "EUR"));
        assertThat(JSON.writeValueAsString(order)).doesNotContain(TOKEN, "paymentToken");
        assertThat(JSON.writeValueAsString(credit)).doesNotContain(TOKEN, "paymentToken");
    }
}
