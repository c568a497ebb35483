package io.k8saga.common.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8saga.common.events.OrderOutcome.Decision;
import io.k8saga.common.message.InvalidEventException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderOutcomeTest {

    private final List<String> done = new ArrayList<>();

    @Test
    void anApprovalSettlesByTheApprovedEffect() {
        new OrderOutcome("o1", Decision.APPROVED).settlement(id -> done.add("approved " + id),
                id -> done.add("rejected " + id)).run();
        assertThat(done).containsExactly("approved o1");
    }

    @Test
    void aRejectionSettlesByTheRejectedEffect() {
        new OrderOutcome("o2", Decision.REJECTED).settlement(id -> done.add("approved " + id),
                id -> done.add("rejected " + id)).run();
        assertThat(done).containsExactly("rejected o2");
    }

    @Test
    void anIncompleteOutcomeIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> new OrderOutcome(null, Decision.APPROVED).settlement(done::add, done::add))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> new OrderOutcome("o3", null).settlement(done::add, done::add))
                .isInstanceOf(InvalidEventException.class);
        assertThat(done).isEmpty();
    }
}
