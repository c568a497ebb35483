package io.k8saga.order.domain;

import io.k8saga.common.lra.CoordinatorShards;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Admission control: a bound on the sagas accepted by this instance and not yet final. A saga accepted beyond what
 * the stack finishes in its time limit would only wait in queues until the coordinator cancels it (TIMEOUT);
 * refusing it at once, while nothing is stored yet, lets the client retry later instead.
 *
 * <p>The bound adapts to what the stack finishes, the way TCP adapts its window. It is at most
 * {@code saga.admission.max-in-flight}, and back at that maximum whenever nothing is in flight. A saga that ends
 * within the target latency (a third of what a saga may take before it can no longer be closed:
 * {@code saga.timeout - saga.close-margin}) raises it by 1/bound; a saga that ends slower, or is still in flight
 * past it, cuts it by a quarter, at most once per target latency, down to {@link #MIN_LIMIT}. Under overload the
 * sagas in flight so settle near (sagas/s finished) x (target latency), and an accepted saga still ends in time
 * when the stack's speed halves meanwhile.
 *
 * <p>A place is taken before the order is stored and given back when the order turns out to be a replay, when its
 * saga could not start, or when it becomes final (heard from {@link OrderWatch}). A saga held by a coordinator shard
 * that is down gives its place back too, without cutting the bound: it waits for that shard, not for the rest of the
 * stack, which keeps finishing the sagas started on the other shards meanwhile.
 */
@ApplicationScoped
public class SagaAdmission {

    private static final Logger LOG = Logger.getLogger(SagaAdmission.class);
    /** The bound never falls below this: a few sagas always find a place, and tell whether things got better. */
    static final int MIN_LIMIT = 2;

    private final int maxInFlight;
    private final long targetNanos;
    private final Duration retryAfter;
    private final Duration forgetAfter;
    private final AtomicInteger places = new AtomicInteger();
    private double limit;
    private long lastCut;
    /** The accepted orders holding a place. */
    private final Map<String, InFlight> accepted = new ConcurrentHashMap<>();
    private final Counter shed;
    private final CoordinatorShards shards;
    private final LongSupplier nanoClock;

    /** An accepted order: when it was accepted (the nano clock), and its LRA id once its saga has started. */
    private record InFlight(long since, String sagaId) {
    }

    @Inject
    SagaAdmission(@ConfigProperty(name = "saga.admission.max-in-flight") int maxInFlight,
            @ConfigProperty(name = "saga.api.retry-after") Duration retryAfter,
            @ConfigProperty(name = "saga.timeout") Duration sagaTimeout,
            @ConfigProperty(name = "saga.close-margin") Duration closeMargin,
            @ConfigProperty(name = "saga.orphan-grace") Duration orphanGrace, CoordinatorShards shards,
            MeterRegistry registry) {
        this(maxInFlight, retryAfter, sagaTimeout, closeMargin, orphanGrace, shards, registry, System::nanoTime);
    }

    /** With the clock the ages of sagas are read from (System.nanoTime, or a test's). */
    SagaAdmission(int maxInFlight,
            Duration retryAfter, Duration sagaTimeout, Duration closeMargin, Duration orphanGrace,
            CoordinatorShards shards, MeterRegistry registry, LongSupplier nanoClock) {
        this.shards = shards;
        this.nanoClock = nanoClock;
        this.lastCut = nanoClock.getAsLong();
        this.maxInFlight = maxInFlight;
        this.limit = maxInFlight;
        this.targetNanos = sagaTimeout.minus(closeMargin).toNanos() / 3;
        this.retryAfter = retryAfter;
        this.forgetAfter = sagaTimeout.plus(orphanGrace);
        this.shed = Counter.builder("saga.orders.shed")
                .description("Orders refused with 503 because saga.admission.max-in-flight sagas were in flight")
                .register(registry);
        registry.gauge("saga.in.flight", places);
        registry.gauge("saga.admission.limit", this, SagaAdmission::limit);
    }

    /** Takes a place for a new saga; false when all are taken. */
    public boolean tryReserve() {
        int bound = (int) limit();
        // Counted up only while below the bound, atomically: a refused try changes nothing.
        return places.getAndUpdate(taken -> taken < bound ? taken + 1 : taken) < bound;
    }

    /** The current bound on sagas in flight. */
    public synchronized double limit() {
        return limit;
    }

    /** Counts a new order refused for want of a place. */
    public void shed() {
        shed.increment();
    }

    /** Gives back a place taken by {@link #tryReserve} that no order holds (a replay, a refused request). */
    public void cancelReservation() {
        places.decrementAndGet();
    }

    /** The order now holds the place its request reserved, until it is final. */
    public void accepted(String orderId) {
        accepted.put(orderId, new InFlight(nanoClock.getAsLong(), null));
    }

    /** The order's saga started as {@code sagaId}; a saga resumed after a restart holds no place and stays so. */
    public void sagaStarted(String orderId, String sagaId) {
        accepted.computeIfPresent(orderId, (id, inFlight) -> new InFlight(inFlight.since(), sagaId));
    }

    /** The order is final (or was never started): its place is free again, and how long it took moves the bound. */
    public void finished(String orderId) {
        InFlight inFlight = accepted.remove(orderId);
        if (inFlight != null) {
            places.decrementAndGet();
            tookNanos(nanoClock.getAsLong() - inFlight.since());
        }
    }

    private void tookNanos(long nanos) {
        if (nanos <= targetNanos) {
            grow();
        } else {
            cut();
        }
    }

    private synchronized void grow() {
        limit = Math.min(maxInFlight, limit + 1 / limit);
    }

    /** Nothing in flight: whatever slowed the sagas down has passed, and the next burst may use the maximum. */
    private synchronized void idle() {
        limit = maxInFlight;
    }

    private synchronized void cut() {
        long now = nanoClock.getAsLong();
        if (now - lastCut >= targetNanos) {
            limit = Math.max(MIN_LIMIT, limit * 0.75);
            lastCut = now;
        }
    }

    /** The orders holding a place; their status is re-read now and then, for one made final elsewhere. */
    public Set<String> acceptedOrders() {
        return Set.copyOf(accepted.keySet());
    }

    /**
     * Looks at the sagas in flight. First it frees the places of sagas held by a shard that is down: they wait for
     * that shard, so they say nothing of the stack's speed (counting them as slow would shed orders the other shards
     * could carry). Then one saga older than the target latency cuts the bound already, without waiting for it to
     * end (by then a burst accepted with it would be late too); none in flight at all restores the maximum. Last,
     * it frees the places of orders older than the saga timeout plus the orphan grace: whatever keeps them PENDING
     * (the stuck-order check settles them), it is no longer load this instance carries.
     */
    public void review() {
        int waitingForShard = release((orderId, inFlight) -> shards.isOnFailingShard(inFlight.sagaId()));
        if (waitingForShard > 0) {
            LOG.infof("%d sagas wait for a coordinator shard that is down; no longer counted in flight",
                    waitingForShard);
        }
        long now = nanoClock.getAsLong();
        if (accepted.values().stream().anyMatch(inFlight -> now - inFlight.since() > targetNanos)) {
            cut();
        } else if (places.get() == 0) {
            idle();
        }
        long cutoff = now - forgetAfter.toNanos();
        release((orderId, inFlight) -> {
            boolean forgotten = inFlight.since() - cutoff < 0;
            if (forgotten) {
                LOG.warnf("Order %s still PENDING after %s; no longer counted in flight", orderId, forgetAfter);
            }
            return forgotten;
        });
    }

    /** Frees the places of the orders {@code when} picks; returns how many. */
    private int release(BiPredicate<String, InFlight> when) {
        int released = 0;
        for (Map.Entry<String, InFlight> entry : accepted.entrySet()) {
            if (when.test(entry.getKey(), entry.getValue()) && accepted.remove(entry.getKey(), entry.getValue())) {
                places.decrementAndGet();
                released++;
            }
        }
        return released;
    }

    public int inFlight() {
        return places.get();
    }

    /** How long a refused client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
