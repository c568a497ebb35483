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
 * Admission control: at most {@code saga.admission.max-in-flight} sagas accepted by this instance and not yet final.
 * A saga accepted beyond what the stack finishes in its time limit would only wait in queues until the coordinator
 * cancels it (TIMEOUT); refusing it at once, while nothing is stored yet, lets the client retry later instead.
 * A place is taken before the order is stored and given back when the order turns out to be a replay, when its
 * saga could not start, or when it becomes final (heard from {@link OrderWatch}).
 */
@ApplicationScoped
public class SagaAdmission {

    private static final Logger LOG = Logger.getLogger(SagaAdmission.class);

    private final int maxInFlight;
    private final Duration retryAfter;
    private final Duration forgetAfter;
    private final AtomicInteger places = new AtomicInteger();
    /** The accepted orders holding a place, with when they were accepted (System.nanoTime). */
    private final Map<String, Long> accepted = new ConcurrentHashMap<>();
    private final Counter shed;

    SagaAdmission(@ConfigProperty(name = "saga.admission.max-in-flight") int maxInFlight,
            @ConfigProperty(name = "saga.api.retry-after") Duration retryAfter,
            @ConfigProperty(name = "saga.timeout") Duration sagaTimeout,
            @ConfigProperty(name = "saga.orphan-grace") Duration orphanGrace, MeterRegistry registry) {
        this.maxInFlight = maxInFlight;
        this.retryAfter = retryAfter;
        this.forgetAfter = sagaTimeout.plus(orphanGrace);
        this.shed = Counter.builder("saga.orders.shed")
                .description("Orders refused with 503 because saga.admission.max-in-flight sagas were in flight")
                .register(registry);
        registry.gauge("saga.in.flight", places);
    }

    /** Takes a place for a new saga; false when all are taken. */
    public boolean tryReserve() {
        int now;
        do {
            now = places.get();
            if (now >= maxInFlight) {
                return false;
            }
        } while (!places.compareAndSet(now, now + 1));
        return true;
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

    /** The order is final (or was never started): its place is free again. */
    public void finished(String orderId) {
        if (accepted.remove(orderId) != null) {
            places.decrementAndGet();
        }
    }

    /** The orders holding a place; their status is re-read now and then, for one made final elsewhere. */
    public Set<String> acceptedOrders() {
        return Set.copyOf(accepted.keySet());
    }

    /**
     * Frees the places of orders older than the saga timeout plus the orphan grace: whatever keeps them PENDING
     * (the stuck-order check settles them), it is no longer load this instance carries.
     */
    public void forgetStale() {
        long cutoff = System.nanoTime() - forgetAfter.toNanos();
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
