package io.k8saga.credit.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CustomerTest {

    private final Customer customer = new Customer("c1", "Ada", new BigDecimal("100.00"), new BigDecimal("60.00"));

    @Test
    void availableCreditIsTheLimitLessWhatIsReserved() {
        assertThat(customer.availableCredit()).isEqualByComparingTo("40");
    }

    @Test
    void reservesUpToExactlyTheAvailableCredit() {
        assertThat(customer.canReserve(new BigDecimal("40.00"))).isTrue();
        assertThat(customer.reserve(new BigDecimal("40.00")).availableCredit()).isZero();
    }

    @Test
    void refusesToReserveMoreThanAvailable() {
        assertThat(customer.canReserve(new BigDecimal("40.01"))).isFalse();
        assertThatThrownBy(() -> customer.reserve(new BigDecimal("40.01"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesNonPositiveAmounts() {
        assertThat(customer.canReserve(BigDecimal.ZERO)).isFalse();
        assertThat(customer.canReserve(new BigDecimal("-1"))).isFalse();
    }

    @Test
    void releaseGivesCreditBackButNeverBelowZero() {
        assertThat(customer.release(new BigDecimal("60.00")).creditReserved()).isZero();
        assertThatThrownBy(() -> customer.release(new BigDecimal("60.01"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyPendingAndConfirmedReservationsHoldCredit() {
        assertThat(ReservationStatus.PENDING.holdsCredit()).isTrue();
        assertThat(ReservationStatus.CONFIRMED.holdsCredit()).isTrue();
        assertThat(ReservationStatus.RELEASED.holdsCredit()).isFalse();
        assertThat(ReservationStatus.LIMIT_EXCEEDED.holdsCredit()).isFalse();
        assertThat(ReservationStatus.CUSTOMER_NOT_FOUND.holdsCredit()).isFalse();
    }
}
