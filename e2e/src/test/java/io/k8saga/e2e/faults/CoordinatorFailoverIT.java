package io.k8saga.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.LocalStack;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * One coordinator shard out of several fails under a steady order load, and new orders go on being accepted at once
 * on the others. Killed ({@code kill -9}) for 10 s: at least 99 % of the POSTs sent while it is down are answered 202
 * at the first try, every refusal of the whole run is a 503 with Retry-After, nothing is lost, and the sagas the
 * shard held end once {@code ./saga up} restarts it on its object store. Frozen ({@code kill -STOP}): a POST waits at
 * most the coordinator request time limit, after which the shard is left out of new sagas. Local stack with two or
 * more shards only; rows go to the fault report, with the first tries' answers before, during and after the fault
 * (before the fault, admission control may shed a few orders while the fresh stack warms up on a busy machine).
 */
@SystemTest
class CoordinatorFailoverIT {

    private static final int ORDERS = 300;
    /**
     * Half of FaultToleranceIT's rate: the e2e stack finishes 8-13 sagas a second on this busy machine, and at 10 a
     * second admission control already sheds some orders with no fault at all, which would hide what the fault does.
     */
    private static final int PER_SECOND = 5;
    /** Callers: a frozen shard holds each POST up to the 5 s time limit, 25 at this rate, without delaying the next. */
    private static final int CALLERS = 32;
    private static final String SHARD = "lra-coordinator-1";
    /** How long the killed shard stays down. */
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /** What a POST may take beyond the coordinator's time limit on this small, loaded machine. */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private final PublicApi api;
    private final SagaStack stack;
    private final LocalStack local;
    /** The routes' saga.coordinator.request-timeout and shard-backoff, which ./saga passes on from its environment. */
    private final Duration requestTimeout = durationFromEnv("SAGA_COORDINATOR_REQUEST_TIMEOUT", "5s");
    private final Duration backoff = durationFromEnv("SAGA_COORDINATOR_SHARD_BACKOFF", "10s");

    CoordinatorFailoverIT(PublicApi api, SagaStack stack) {
        assumeTrue(stack.local().isPresent(), "kills and freezes a coordinator process, so it needs the local stack");
        this.api = api;
        this.stack = stack;
        this.local = stack.local().get();
        assumeTrue(local.coordinators() >= 2, "needs two coordinator shards or more (SAGA_COORDINATORS)");
    }

    @Test
    void newOrdersGoToTheOtherShardsWhileOneIsKilledAndItsSagasEndAfterItsRestart() throws Exception {
        OrderLoad load = OrderLoad.start(api, ORDERS, PER_SECOND, CALLERS);
        awaitAFifthAccepted(load);
        // Killed while it holds sagas, so that their end after the restart can be checked. A saga here ends sooner
        // than the orders can be read, so the shard is stopped (SIGSTOP) first and looked at while it does nothing;
        // holding none, it goes on (SIGCONT) and is tried again a moment later. The SIGKILL then lands on a process
        // that did nothing since the look.
        long pid = local.pid(SHARD);
        Awaitility.await("a saga of the load in flight on " + SHARD).atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    signal("STOP", pid);
                    if (!pendingOnShard(load, 1).isEmpty()) {
                        return true;
                    }
                    signal("CONT", pid);
                    return false;
                });
        Instant killed = Instant.now();
        local.saga("kill", SHARD);
        List<String> inFlight = FaultChecks.inFlightOrders(api, load);
        List<String> onTheShard;
        Instant restarting;
        try {
            holdUntil(killed.plus(OUTAGE));
        } finally {
            // The sagas the dead shard held all along: nothing but its restart can end them now.
            onTheShard = pendingOnShard(load, 1);
            restarting = Instant.now();
            local.saga("up");
        }
        FaultChecks.Outcome outcome = FaultChecks.settle(api, stack.sagaTimeout(), load, inFlight, Instant.now());
        List<String> shardSagasNotEnded = FaultChecks.notFinal(api, onTheShard);
        List<OrderLoad.Attempt> firstTries = load.firstTries();
        List<OrderLoad.Attempt> whileDown = firstTries.stream()
                .filter(a -> !a.sent().isBefore(killed) && a.sent().isBefore(restarting)).toList();
        long acceptedWhileDown = whileDown.stream().filter(a -> a.status() == 202).count();
        List<OrderLoad.Attempt> refusals = firstTries.stream().filter(a -> a.status() != 202).toList();
        String answers = FaultChecks.answers(firstTries, killed, restarting);
        FaultChecks.report("kill -9 " + SHARD + " (of " + local.coordinators() + ") for " + OUTAGE.toSeconds()
                + " s, restart on its object store; " + onTheShard.size() + " of its sagas held while it was down;"
                + " first tries " + answers, load, outcome);

        assertThat(load.failures()).as("requests refused for good").isEmpty();
        assertThat(firstTries).as("first tries").hasSize(ORDERS);
        assertThat(whileDown).as("first tries while the shard was down").isNotEmpty();
        assertThat((double) acceptedWhileDown / whileDown.size())
                .as("share of POSTs answered 202 at the first try while the shard was down; %s", answers)
                .isGreaterThanOrEqualTo(0.99);
        assertThat(refusals).as("first tries not answered 202").allMatch(a -> a.status() == 503 && a.retryAfter());
        assertThat(onTheShard).as("sagas the killed shard held while it was down").isNotEmpty();
        assertThat(shardSagasNotEnded).as("sagas of the killed shard still pending after its restart").isEmpty();
        assertThat(outcome.lost()).as("accepted orders without a final state").isEmpty();
        assertThat(outcome.violations()).as("invariants broken").isEmpty();
        assertThat(outcome.timedOut()).as("orders rejected with reason TIMEOUT after the shard's crash and restart"
                + " within the saga timeout").isEmpty();
    }

    @Test
    void aFrozenShardCostsOneTimeLimitPerPostThenIsLeftOut() throws Exception {
        OrderLoad load = OrderLoad.start(api, ORDERS, PER_SECOND, CALLERS);
        awaitAFifthAccepted(load);
        List<String> inFlight = FaultChecks.inFlightOrders(api, load);
        long pid = local.pid(SHARD);

        // Once the first starts on the frozen shard have timed out, new sagas leave it out for the back-off; the
        // freeze ends just before the back-off would let a start try it again.
        Instant frozen = Instant.now();
        Instant skippedFrom = frozen.plus(requestTimeout).plus(SLACK);
        Instant thawed;
        signal("STOP", pid);
        try {
            holdUntil(frozen.plus(requestTimeout).plus(backoff).minusSeconds(1));
        } finally {
            signal("CONT", pid);
            thawed = Instant.now();
        }
        Instant skippedUntil = thawed.minus(SLACK);

        FaultChecks.Outcome outcome = FaultChecks.settle(api, stack.sagaTimeout(), load, inFlight, thawed);
        List<OrderLoad.Attempt> duringTheFreeze = load.attempts().stream()
                .filter(a -> !a.sent().isBefore(frozen) && a.sent().isBefore(thawed)).toList();
        Duration longest = duringTheFreeze.stream().map(OrderLoad.Attempt::took).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        Duration slow = requestTimeout.dividedBy(2);
        long slowPosts = duringTheFreeze.stream().filter(a -> a.took().compareTo(slow) >= 0).count();
        List<OrderLoad.Attempt> whileLeftOut = duringTheFreeze.stream()
                .filter(a -> !a.sent().isBefore(skippedFrom) && a.sent().isBefore(skippedUntil)).toList();
        List<OrderLoad.Attempt> slowWhileLeftOut = whileLeftOut.stream()
                .filter(a -> a.took().compareTo(slow) >= 0).toList();
        FaultChecks.report(String.format(Locale.ROOT, "kill -STOP %s %d s, then -CONT; %d POSTs during the freeze,"
                        + " %d took %d s or more, the longest %.1f s (time limit %d s); first tries %s", SHARD,
                Duration.between(frozen, thawed).toSeconds(), duringTheFreeze.size(), slowPosts, slow.toSeconds(),
                longest.toMillis() / 1000.0, requestTimeout.toSeconds(),
                FaultChecks.answers(load.firstTries(), frozen, thawed)),
                load, outcome);

        assertThat(load.failures()).as("requests refused for good").isEmpty();
        assertThat(longest).as("the longest POST during the freeze").isLessThanOrEqualTo(requestTimeout.plus(SLACK));
        assertThat(slowPosts).as("POSTs held by the frozen shard").isPositive();
        assertThat(whileLeftOut).as("POSTs sent while the frozen shard should be left out").isNotEmpty();
        assertThat(slowWhileLeftOut).as("POSTs that still waited for the frozen shard after its first time-outs")
                .isEmpty();
        assertThat(outcome.lost()).as("accepted orders without a final state").isEmpty();
        assertThat(outcome.violations()).as("invariants broken").isEmpty();
    }

    private static void awaitAFifthAccepted(OrderLoad load) {
        Awaitility.await("a fifth of the load accepted").atMost(Duration.ofMinutes(1))
                .until(() -> load.accepted().size() >= ORDERS / 5);
    }

    /**
     * The pending orders of the load whose saga runs on coordinator shard {@code shard}. One request for all customers
     * (the caller is an admin), because the shard is frozen while this reads: the longer the look, the likelier the
     * starts waiting on the shard hit their time limit and the shard is left out of new sagas, with none to find.
     */
    private List<String> pendingOnShard(OrderLoad load, int shard) {
        String prefix = local.coordinatorUrl(shard) + "/";
        Set<String> customers = Set.copyOf(load.customers());
        List<Map<String, Object>> items = api.request().queryParam("status", "PENDING").queryParam("size", 200)
                .get("/api/orders").then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream()
                .filter(item -> customers.contains(item.get("customerId")))
                .filter(item -> item.get("sagaId") instanceof String sagaId && sagaId.startsWith(prefix))
                .map(item -> (String) item.get("orderId"))
                .toList();
    }

    /** Keeps a fault in place until the given instant, while the load runs on. */
    private static void holdUntil(Instant end) {
        Awaitility.await("the fault lasts until " + end).atMost(Duration.between(Instant.now(), end).plusSeconds(5))
                .pollInterval(Duration.ofMillis(100)).until(() -> !Instant.now().isBefore(end));
    }

    /** Sends a signal to a process with kill(1): Java has no way to stop or continue one. */
    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    /** A duration in Quarkus' short form ("5s", "500ms") from the environment, or the default. */
    private static Duration durationFromEnv(String name, String fallback) {
        String value = System.getenv().getOrDefault(name, fallback).trim().toLowerCase(Locale.ROOT);
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
    }
}
