package io.k8saga.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AuthorizationRuleTest {

    private final AuthorizationRule rule = new AuthorizationRule(new BigDecimal("10000"));

    @Test
    void authorizesAnOrdinaryPayment() {
        assertThat(rule.decide(new BigDecimal("120.00"), "tok_ok")).isEqualTo(PaymentStatus.AUTHORIZED);
    }

    @Test
    void declinesTheDeclinedTestTokenWhateverTheAmount() {
        assertThat(rule.decide(new BigDecimal("0.01"), "tok_declined")).isEqualTo(PaymentStatus.DECLINED);
    }

    @Test
    void authorizesUpToExactlyTheMaximum() {
        assertThat(rule.decide(new BigDecimal("10000.00"), "tok_ok")).isEqualTo(PaymentStatus.AUTHORIZED);
    }

    @Test
    void declinesAnythingAboveTheMaximum() {
        assertThat(rule.decide(new BigDecimal("10000.01"), "tok_ok")).isEqualTo(PaymentStatus.DECLINED);
    }

    @Test
    void aMissingTokenIsNotTheDeclinedToken() {
        assertThat(rule.declines(new BigDecimal("5.00"), null)).isFalse();
    }

    @Test
    void theMaximumIsConfigurable() {
        AuthorizationRule strict = new AuthorizationRule(new BigDecimal("50"));
        assertThat(strict.decide(new BigDecimal("50.00"), "tok_ok")).isEqualTo(PaymentStatus.AUTHORIZED);
        assertThat(strict.decide(new BigDecimal("50.01"), "tok_ok")).isEqualTo(PaymentStatus.DECLINED);
    }

    @Test
    void refusesANegativeOrMissingMaximum() {
        assertThatThrownBy(() -> new AuthorizationRule(new BigDecimal("-1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthorizationRule(null)).isInstanceOf(NullPointerException.class);
    }
}
