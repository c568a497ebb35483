package io.k8saga.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The order fields every step checks before it joins a saga. */
class FormatsTest {

    private static final BigDecimal TEN = new BigDecimal("10.00");

    @Test
    void aWellFormedOrderHasUrlSafeIdsAPositiveAmountOfMoneyAndACurrencyCode() {
        assertThat(Formats.isWellFormedOrder("o-1", "c_1.x", TEN, "EUR")).isTrue();
        assertThat(Formats.isWellFormedOrder("o-1", "c-1", new BigDecimal("1000000000"), "USD")).isTrue();
    }

    @Test
    void anyFieldMissingOrOutOfFormIsNot() {
        assertThat(Formats.isWellFormedOrder(null, "c-1", TEN, "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("bad/id", "c-1", TEN, "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", null, TEN, "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", "c 1", TEN, "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", "c-1", null, "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", "c-1", BigDecimal.ZERO, "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", "c-1", new BigDecimal("1.001"), "EUR")).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", "c-1", TEN, null)).isFalse();
        assertThat(Formats.isWellFormedOrder("o-1", "c-1", TEN, "eur")).isFalse();
    }
}
