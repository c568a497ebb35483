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
    void theNotesSendABearerTokenAndSayWhereOneComesFrom() {
        String notes = Scenarios.RENDERER.notes();

        assertThat(notes).contains("-H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'",
                "curl -s -H \"Authorization: Bearer $TOKEN\" $API/api/orders/<orderId>",
                "(auth.existingSecret), issued by saga-kind for the audience saga", "in the claim groups",
                "export TOKEN=<access token>", "it only checks that the API refuses");
        assertThat(notes.lines().filter(line -> line.contains("curl -s")))
                .allMatch(line -> line.contains("Authorization: Bearer $TOKEN"));
    }

    @Test
    void withKeycloakTheNotesShowItsTokenEndpoint() {
        String notes = Scenarios.BARE.withValuesFile(Scenarios.named("10-external-values.yaml")).notes();

        assertThat(notes).contains("(auth.jwksUrl), issued by https://keycloak.example/realms/shop",
                "in the claim realm_access/roles",
                "https://keycloak.example/realms/shop/protocol/openid-connect/token");
    }

    @Test
    void withATokenSecretTheNotesSayHelmTestUsesIt() {
        assertThat(Scenarios.RENDERER.withSet("tests.tokenSecret", "helm-test-token").notes())
                .contains("with the token in the Secret helm-test-token");
    }

    @Test
    void theNotesCountTheCoordinatorShards() {
        assertThat(Scenarios.RENDERER.withSet("lraCoordinator.replicas", 1).notes()).contains("1 LRA coordinator shard,");
    }

    @Test
    void withTlsTheNotesUseHttpsAndTheHost() {
        String notes = Scenarios.BARE.withValuesFile(Scenarios.named("20-ingress-tls-values.yaml")).notes();

        assertThat(notes).contains("export API=https://saga.example.com");
    }

    @Test
    void withoutIngressTheNotesForwardTheServices() {
        String notes = Scenarios.RENDERER.withSet("ingress.enabled", false).notes();

        assertThat(notes).contains("port-forward svc/saga-credit-route", "port-forward svc/saga-order-route",
                "$CUSTOMERS_API/api/customers", "$ORDERS_API/api/orders");
    }
}
