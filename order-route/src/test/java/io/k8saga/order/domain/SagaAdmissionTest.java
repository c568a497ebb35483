package io.k8saga.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.common.lra.CoordinatorShards;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The adaptive bound on sagas in flight, on a clock the test moves (target latency: (40 s - 10 s) / 3 = 10 s). */
class SagaAdmissionTest {

    private static final String SHARD_0 = "http://coordinator-0:8090/lra-coordinator";
    private static final String SHARD_1 = "http://coordinator-1:8090/lra-coordinator";

    private final AtomicLong now = new AtomicLong();
    private final CoordinatorShards shards = new CoordinatorShards(
            "http://coordinator-0:8090,http://coordinator-1:8090", "/lra-coordinator");
    private final SagaAdmission admission = new SagaAdmission(8, Duration.ofSeconds(1), Duration.ofSeconds(40),
            Duration.ofSeconds(10), Duration.ofSeconds(60), shards, new SimpleMeterRegistry(), now::get);

    @Test
    void aSagaPastTheTargetLatencyCutsTheBoundByAQuarter() {
        accept("late", SHARD_0 + "/1");
        advance(Duration.ofSeconds(11));

        admission.review();

        assertThat(admission.limit()).isEqualTo(6.0);
        assertThat(admission.inFlight()).isEqualTo(1);
    }

    @Test
    void sagasHeldByAShardThatIsDownGiveBackTheirPlaceAndCutNothing() {
        accept("held", SHARD_1 + "/1");
        advance(Duration.ofSeconds(11));
        accept("young", SHARD_0 + "/2");
        shards.failed(SHARD_1);

        admission.review();

        assertThat(admission.acceptedOrders()).containsExactly("young");
        assertThat(admission.inFlight()).isEqualTo(1);
        assertThat(admission.limit()).as("not cut for the held saga, however old").isEqualTo(8.0);

        // The shard is back and ends the saga: its place was given back already, so nothing is counted twice.
        shards.answered(SHARD_1);
        admission.finished("held");
        assertThat(admission.inFlight()).isEqualTo(1);
    }

    @Test
    void aSagaOnAShardThatIsUpKeepsItsPlace() {
        accept("slow", SHARD_1 + "/1");
        shards.failed(SHARD_0);

        admission.review();

        assertThat(admission.inFlight()).isEqualTo(1);
        assertThat(admission.acceptedOrders()).containsExactly("slow");
    }

    @Test
    void noPlaceBeyondTheBound() {
        for (int i = 0; i < 8; i++) {
            assertThat(admission.tryReserve()).isTrue();
        }
        assertThat(admission.tryReserve()).isFalse();
        admission.cancelReservation();
        assertThat(admission.tryReserve()).isTrue();
    }

    private void accept(String orderId, String sagaId) {
        assertThat(admission.tryReserve()).isTrue();
        admission.accepted(orderId);
        admission.sagaStarted(orderId, sagaId);
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
