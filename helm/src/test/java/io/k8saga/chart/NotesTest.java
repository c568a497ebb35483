package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** NOTES.txt tells how to reach the API and run a first order, whichever way the API is published. */
class NotesTest {

    @Test
    void withTheIngressTheNotesUseItsUrl() {
        String notes = Scenarios.RENDERER.notes();

        assertThat(notes).contains("export API=http://localhost", "$API/api/customers", "$API/api/orders",
                "helm test saga --namespace saga", "2 LRA coordinator shards");
    }

    @Test
    void theNotesCountTheCoordinatorShards() {
        assertThat(Scenarios.RENDERER.withSet("lraCoordinator.replicas", 1).notes()).contains("1 LRA coordinator shard,");
    }

    @Test
    void withTlsTheNotesUseHttpsAndTheHost() {
        String notes = Scenarios.RENDERER.withValuesFile(Scenarios.named("20-ingress-tls-values.yaml")).notes();

        assertThat(notes).contains("export API=https://saga.example.com");
    }

    @Test
    void withoutIngressTheNotesForwardTheServices() {
        String notes = Scenarios.RENDERER.withSet("ingress.enabled", false).notes();

        assertThat(notes).contains("port-forward svc/saga-credit-route", "port-forward svc/saga-order-route",
                "$CUSTOMERS_API/api/customers", "$ORDERS_API/api/orders");
    }
}
