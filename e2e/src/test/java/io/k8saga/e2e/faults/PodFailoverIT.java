package io.k8saga.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The cluster form of {@link CoordinatorFailoverIT}, for a deployment behind an ingress ({@code k8s/kind/kind-e2e.sh
 * e2e}): under a steady order load one pod of the coordinator StatefulSet is deleted at once
 * ({@code kubectl delete pod --grace-period=0 --force}). New orders go on being accepted on the other shard (at least
 * 99 % of the first tries while the pod is away answered 202, every refusal a 503 with Retry-After), the sagas the
 * shard held end once its pod is back on its volume, and nothing is lost. Needs {@code -De2e.kubeNamespace} (the
 * namespace of the release) and kubectl on the PATH pointed at that cluster; skipped everywhere else.
 */
@SystemTest
class PodFailoverIT {

    private static final int ORDERS = 300;
    private static final int PER_SECOND = 5;
    private static final int CALLERS = 32;
    /** A pod's new container starts, gets ready and recovers its object store within this on a small CI runner. */
    private static final Duration BACK_WITHIN = Duration.ofMinutes(4);
    private static final Duration KUBECTL_LIMIT = Duration.ofMinutes(1);

    private final PublicApi api;
    private final SagaStack stack;
    private final String namespace = System.getProperty("e2e.kubeNamespace", "").trim();
    /** The pod to delete: the release's second coordinator shard ({@code -De2e.coordinatorPod}). */
    private final String pod = System.getProperty("e2e.coordinatorPod", "saga-lra-coordinator-1").trim();

    PodFailoverIT(PublicApi api, SagaStack stack) {
        assumeTrue(!namespace.isEmpty(), "deletes a coordinator pod, so it needs a cluster (-De2e.kubeNamespace)");
        this.api = api;
        this.stack = stack;
    }

    @Test
    void newOrdersAreAcceptedWhileACoordinatorPodIsDeletedAndItsSagasEndOnceItIsBack() throws Exception {
        String uidBefore = kubectl("get", "pod", pod, "-o", "jsonpath={.metadata.uid}");
        OrderLoad load = OrderLoad.start(api, ORDERS, PER_SECOND, CALLERS);
        Awaitility.await("a fifth of the load accepted").atMost(Duration.ofMinutes(1))
                .until(() -> load.accepted().size() >= ORDERS / 5);
        List<String> inFlight = FaultChecks.inFlightOrders(api, load);

        Instant deleted = Instant.now();
        kubectl("delete", "pod", pod, "--grace-period=0", "--force", "--wait=false");
        List<String> onTheShard = pendingOnShard(load);
        // The StatefulSet makes a pod of the same name: back means a new uid, and Ready.
        Awaitility.await(pod + " recreated and ready").atMost(BACK_WITHIN).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions() // kubectl fails while the pod does not exist
                .until(() -> {
                    String uid = kubectl("get", "pod", pod, "-o", "jsonpath={.metadata.uid}");
                    String ready = kubectl("get", "pod", pod, "-o",
                            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
                    return !uid.isEmpty() && !uid.equals(uidBefore) && ready.equals("True");
                });
        Instant back = Instant.now();

        FaultChecks.Outcome outcome = FaultChecks.settle(api, stack.sagaTimeout(), load, inFlight, back);
        List<String> shardSagasNotEnded = FaultChecks.notFinal(api, onTheShard);
        List<OrderLoad.Attempt> firstTries = load.firstTries();
        List<OrderLoad.Attempt> whileAway = firstTries.stream()
                .filter(a -> !a.sent().isBefore(deleted) && a.sent().isBefore(back)).toList();
        long acceptedWhileAway = whileAway.stream().filter(a -> a.status() == 202).count();
        String answers = FaultChecks.answers(firstTries, deleted, back);
        FaultChecks.report("kubectl delete pod " + pod + " --force, back in "
                + Duration.between(deleted, back).toSeconds() + " s; " + onTheShard.size()
                + " of its sagas pending at the delete; first tries " + answers, load, outcome);

        assertThat(load.failures()).as("requests refused for good").isEmpty();
        assertThat(whileAway).as("first tries while the pod was away").isNotEmpty();
        assertThat((double) acceptedWhileAway / whileAway.size())
                .as("share of POSTs answered 202 at the first try while the pod was away; %s", answers)
                .isGreaterThanOrEqualTo(0.99);
        assertThat(firstTries.stream().filter(a -> a.status() != 202).toList()).as("first tries not answered 202")
                .allMatch(a -> a.status() == 503 && a.retryAfter());
        assertThat(shardSagasNotEnded).as("sagas of the deleted pod still pending after it came back").isEmpty();
        assertThat(outcome.lost()).as("accepted orders without a final state").isEmpty();
        assertThat(outcome.violations()).as("invariants broken").isEmpty();
    }

    /** The load's pending orders whose LRA lives on the deleted pod (its URL names the pod's DNS name). */
    private List<String> pendingOnShard(OrderLoad load) {
        Set<String> customers = Set.copyOf(load.customers());
        List<Map<String, Object>> items = api.request().queryParam("status", "PENDING").queryParam("size", 200)
                .get("/api/orders").then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream()
                .filter(item -> customers.contains(item.get("customerId")))
                .filter(item -> item.get("sagaId") instanceof String sagaId && sagaId.contains("//" + pod + "."))
                .map(item -> (String) item.get("orderId"))
                .toList();
    }

    /** Runs kubectl in the release's namespace; its trimmed output, or a failure with what it printed. */
    private String kubectl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kubectl", "--namespace", namespace));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(KUBECTL_LIMIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
