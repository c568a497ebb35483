package io.k8saga.common.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bounds how many public API requests ({@code /api/*}) a service works on at once. They share the HTTP worker
 * threads and the database pool with the LRA coordinator's callbacks ({@code /lra-participant/*}); with this bound
 * below both, a flood of public requests leaves the callbacks their share, so sagas keep ending while the API is
 * busy. Requests beyond the bound wait in a queue that holds no thread, and are let in as others finish; when the
 * queue is full too, a request is answered {@code 503} with {@code Retry-After} on the event loop at once.
 */
@ApplicationScoped
public class PublicRequestLimit {

    private static final String PERMIT = PublicRequestLimit.class.getName();

    private record Queued(RoutingContext request, Context context) {
    }

    private final int maxConcurrent;
    private final int maxQueued;
    private final Duration retryAfter;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final Queue<Queued> queue = new ConcurrentLinkedQueue<>();
    private final Counter refused;

    PublicRequestLimit(@ConfigProperty(name = "saga.api.max-concurrent-requests") int maxConcurrent,
            @ConfigProperty(name = "saga.api.max-queued-requests") int maxQueued,
            @ConfigProperty(name = "saga.api.retry-after") Duration retryAfter, MeterRegistry registry) {
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.retryAfter = retryAfter;
        this.refused = Counter.builder("saga.api.requests.refused")
                .description("Public API requests answered 503 because saga.api.max-concurrent-requests were being"
                        + " worked on and saga.api.max-queued-requests were waiting")
                .register(registry);
        registry.gauge("saga.api.requests.queued", queued);
    }

    void register(@Observes Router router) {
        // Ahead of every other route of /api: the body limit's, Camel's, a service's own.
        router.route("/api/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2).handler(this::admit);
    }

    private void admit(RoutingContext request) {
        if (tryStart()) {
            start(request);
        } else if (queued.incrementAndGet() <= maxQueued) {
            queue.add(new Queued(request, Vertx.currentContext()));
            // A request may have finished between the failed try and the add: let the queue's head in.
            drain();
        } else {
            queued.decrementAndGet();
            refused.increment();
            request.response().putHeader(ApiReplies.RETRY_AFTER, ApiException.retryAfterValue(retryAfter));
            HttpProblems.write(request, 503, null, "The service is busy; retry after Retry-After seconds");
        }
    }

    /**
     * Gives the request's share back before its answer is written: for a request that goes on waiting without a
     * thread (a long-polling read), which other bounds govern. Releasing twice is harmless.
     */
    public void release(RoutingContext request) {
        if (request.remove(PERMIT) != null) {
            running.decrementAndGet();
            drain();
        }
    }

    private boolean tryStart() {
        // Counted up only while below the bound, atomically: a refused try changes nothing.
        return running.getAndUpdate(taken -> taken < maxConcurrent ? taken + 1 : taken) < maxConcurrent;
    }

    private void start(RoutingContext request) {
        request.put(PERMIT, Boolean.TRUE);
        request.addEndHandler(ended -> release(request));
        request.next();
    }

    /** Lets queued requests in while there is room; one whose client has gone gives its place back. */
    private void drain() {
        while (!queue.isEmpty() && tryStart()) {
            Queued next = queue.poll();
            if (next == null) {
                running.decrementAndGet();
                return;
            }
            queued.decrementAndGet();
            if (next.request().response().closed()) {
                running.decrementAndGet();
                continue;
            }
            next.context().runOnContext(ignored -> start(next.request()));
        }
    }
}
