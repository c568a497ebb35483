package io.k8saga.order.domain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 * saga could not start, or when it becomes final (heard from {@link OrderWatch}).
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
    private long lastCut = System.nanoTime();
    /** The accepted orders holding a place, with when they were accepted (System.nanoTime). */
    private final Map<String, Long> accepted = new ConcurrentHashMap<>();
    private final Counter shed;

    SagaAdmission(@ConfigProperty(name = "saga.admission.max-in-flight") int maxInFlight,
            @ConfigProperty(name = "saga.api.retry-after") Duration retryAfter,
            @ConfigProperty(name = "saga.timeout") Duration sagaTimeout,
            @ConfigProperty(name = "saga.close-margin") Duration closeMargin,
            @ConfigProperty(name = "saga.orphan-grace") Duration orphanGrace, MeterRegistry registry) {
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
        int now;
        do {
            now = places.get();
            if (now >= bound) {
                return false;
            }
        } while (!places.compareAndSet(now, now + 1));
        return true;
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
        accepted.put(orderId, System.nanoTime());
    }

    /** The order is final (or was never started): its place is free again, and how long it took moves the bound. */
    public void finished(String orderId) {
        Long since = accepted.remove(orderId);
        if (since != null) {
            places.decrementAndGet();
            tookNanos(System.nanoTime() - since);
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
        long now = System.nanoTime();
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
     * Looks at the sagas in flight: one older than the target latency cuts the bound already, without waiting for
     * it to end (by then a burst accepted with it would be late too); none at all restores the maximum. Frees the places of orders older than the saga
     * timeout plus the orphan grace: whatever keeps them PENDING (the stuck-order check settles them), it is no
     * longer load this instance carries.
     */
    public void review() {
        long now = System.nanoTime();
        if (accepted.values().stream().anyMatch(since -> now - since > targetNanos)) {
            cut();
        } else if (places.get() == 0) {
            idle();
        }
        long cutoff = now - forgetAfter.toNanos();
        accepted.forEach((orderId, since) -> {
            if (since - cutoff < 0 && accepted.remove(orderId, since)) {
                places.decrementAndGet();
                LOG.warnf("Order %s still PENDING after %s; no longer counted in flight", orderId, forgetAfter);
            }
        });
    }

    public int inFlight() {
        return places.get();
    }

    /** How long a refused client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
