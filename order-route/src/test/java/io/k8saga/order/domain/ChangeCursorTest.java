package io.k8saga.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeCursorTest {

    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final long SECOND = 1_000_000_000L;

    private final ChangeCursor cursor = new ChangeCursor(10, WAIT);

    @Test
    void handsOnConsecutiveChangesAndMovesPastThem() {
        assertThat(seqs(cursor.admit(changes(11, 12, 13), 0))).containsExactly(11L, 12L, 13L);
        assertThat(cursor.last()).isEqualTo(13);
    }

    @Test
    void holdsTheChangesAfterANumberNotYetCommittedAndHandsThemOnOnceItIs() {
        assertThat(seqs(cursor.admit(changes(11, 13, 14), 0))).containsExactly(11L);
        assertThat(seqs(cursor.admit(changes(13, 14), SECOND))).isEmpty();

        assertThat(seqs(cursor.admit(changes(12, 13, 14), 2 * SECOND))).containsExactly(12L, 13L, 14L);
    }

    @Test
    void passesOverANumberMissingLongerThanTheWaitAsRolledBack() {
        assertThat(seqs(cursor.admit(changes(12, 13), 5 * SECOND))).isEmpty();
        assertThat(seqs(cursor.admit(changes(12, 13), 5 * SECOND + WAIT.toNanos() - 1))).isEmpty();

        assertThat(seqs(cursor.admit(changes(12, 13), 5 * SECOND + WAIT.toNanos()))).containsExactly(12L, 13L);
        assertThat(cursor.last()).isEqualTo(13);
    }

    @Test
    void aLaterGapIsWaitedForAfresh() {
        cursor.admit(changes(12), 0);
        cursor.admit(changes(12), WAIT.toNanos());
        assertThat(cursor.last()).isEqualTo(12);

        assertThat(seqs(cursor.admit(changes(14), WAIT.toNanos() + 1))).isEmpty();
    }

    @Test
    void neverHandsOnAChangeTwice() {
        cursor.admit(changes(11, 12), 0);

        assertThat(seqs(cursor.admit(changes(10, 11, 12, 13), 0))).containsExactly(13L);
    }

    private static List<OrderChange> changes(long... seqs) {
        OffsetDateTime at = OffsetDateTime.parse("2026-12-04T07:00:00Z");
        Order order = new Order("o-1", "c-1", BigDecimal.TEN, "EUR", null, OrderStatus.PENDING, null, null, null, at,
                at);
        return Arrays.stream(seqs).mapToObj(seq -> new OrderChange(seq, order)).toList();
    }

    private static List<Long> seqs(List<OrderChange> changes) {
        return changes.stream().map(OrderChange::seq).toList();
    }
}
