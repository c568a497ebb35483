package io.k8saga.common.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group instance ids of a process's consumers: never shared, inside one process or between replicas. */
class StaticMembershipTest {

    @Test
    void theConsumersOfOneTopicNeverShareAnId() {
        List<String> ids = StaticMembership.instanceIds("credit-route", "order-events", 3);

        assertThat(ids).containsExactly("credit-route-order-events-1", "credit-route-order-events-2",
                "credit-route-order-events-3");
    }

    @Test
    void theConsumersOfTwoTopicsInOneGroupNeverShareAnId() {
        List<String> ids = new ArrayList<>(StaticMembership.instanceIds("payment-route", "customer-events", 3));
        ids.addAll(StaticMembership.instanceIds("payment-route", "order-events", 3));

        assertThat(ids).hasSize(6).doesNotHaveDuplicates();
    }

    @Test
    void twoReplicasNeverShareAnIdAndARestartKeepsItsIds() {
        String pod = "saga-credit-route-7d9c8b6f4-x2x7k";
        String otherPod = "saga-credit-route-7d9c8b6f4-q8lzn";

        assertThat(StaticMembership.instanceIds(pod, "order-events", 3))
                .doesNotContainAnyElementsOf(StaticMembership.instanceIds(otherPod, "order-events", 3))
                .isEqualTo(StaticMembership.instanceIds(pod, "order-events", 3));
    }

    @Test
    void anInstanceIdKafkaWouldRefuseFailsAtOnceNamingTheSetting() {
        assertThatThrownBy(() -> StaticMembership.instanceIds("credit route", "order-events", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SAGA_INSTANCE_ID");
        assertThatThrownBy(() -> StaticMembership.instanceIds("x".repeat(240), "order-events", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("249");
        assertThatThrownBy(() -> StaticMembership.instanceIds("credit-route", "order-events", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saga.events.consumers");
    }
}
