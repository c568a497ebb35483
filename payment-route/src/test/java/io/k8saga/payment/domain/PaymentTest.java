package io.k8saga.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PaymentTest {

    @ParameterizedTest(name = "void: {0} -> {1}")
    @CsvSource({
        "AUTHORIZED, VOIDED",
        "DECLINED, DECLINED",
        "VOIDED, VOIDED",
        "CAPTURED, CAPTURED",
    })
    void compensationReleasesOnlyAHeldAuthorization(PaymentStatus before, PaymentStatus after) {
        assertThat(before.afterVoid()).isEqualTo(after);
        assertThat(payment(before).voided().status()).isEqualTo(after);
    }

    @ParameterizedTest(name = "capture: {0} -> {1}")
    @CsvSource({
        "AUTHORIZED, CAPTURED",
        "CAPTURED, CAPTURED",
        "VOIDED, VOIDED",
        "DECLINED, DECLINED",
    })
    void completionCapturesOnlyAHeldAuthorization(PaymentStatus before, PaymentStatus after) {
        assertThat(before.afterCapture()).isEqualTo(after);
        assertThat(payment(before).captured().status()).isEqualTo(after);
    }

    @ParameterizedTest(name = "rejected outcome: {0} -> {1}")
    @CsvSource({
        "AUTHORIZED, VOIDED",
        "CAPTURED, REFUNDED",
        "VOIDED, VOIDED",
        "DECLINED, DECLINED",
        "REFUNDED, REFUNDED",
    })
    void aRejectedOutcomeReleasesAHoldAndRefundsACapture(PaymentStatus before, PaymentStatus after) {
        assertThat(before.afterRejection()).isEqualTo(after);
        assertThat(payment(before).rejected().status()).isEqualTo(after);
    }

    @Test
    void callbacksAreIdempotent() {
        Payment authorized = payment(PaymentStatus.AUTHORIZED);
        assertThat(authorized.voided().voided()).isEqualTo(authorized.voided());
        assertThat(authorized.captured().captured()).isEqualTo(authorized.captured());
    }

    @Test
    void whicheverCallbackComesFirstWins() {
        Payment authorized = payment(PaymentStatus.AUTHORIZED);
        assertThat(authorized.captured().voided().status()).isEqualTo(PaymentStatus.CAPTURED);
        assertThat(authorized.voided().captured().status()).isEqualTo(PaymentStatus.VOIDED);
    }

    @Test
    void aTombstoneIsAVoidedRowWithoutMoneyThatNoCallbackRevives() {
        Payment tombstone = Payment.tombstone("p1", "o1");
        assertThat(tombstone.isTombstone()).isTrue();
        assertThat(tombstone.status()).isEqualTo(PaymentStatus.VOIDED);
        assertThat(tombstone.amount()).isNull();
        assertThat(tombstone.currency()).isNull();
        assertThat(tombstone.captured().status()).isEqualTo(PaymentStatus.VOIDED);
        assertThat(tombstone.voided().status()).isEqualTo(PaymentStatus.VOIDED);
        assertThat(payment(PaymentStatus.VOIDED).isTombstone()).isFalse();
    }

    private static Payment payment(PaymentStatus status) {
        return new Payment("p1", "o1", "c1", new BigDecimal("120.00"), "EUR", status);
    }
}
