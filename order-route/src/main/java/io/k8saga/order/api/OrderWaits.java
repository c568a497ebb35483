package io.k8saga.order.api;

import io.k8saga.common.api.ApiAuthentication;
import io.k8saga.common.api.Caller;
import io.k8saga.common.api.PublicRequestLimit;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.OrderWatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The waiting of {@code GET /api/orders/{id}} with {@code Prefer: wait=N}, held without a thread: a PENDING order's
 * request is parked until {@link OrderWatch} signals that the order is final or a timer says N seconds have passed,
 * then handed on to the {@code getOrder} route, which answers it as usual (with {@code Preference-Applied}). Only
 * the reads take a worker thread, for a moment each. Beyond {@code saga.orders.max-waiters} parked requests, a
 * request is answered at once, without {@code Preference-Applied}: the preference was not honoured.
 */
@ApplicationScoped
public class OrderWaits {

    private static final Logger LOG = Logger.getLogger(OrderWaits.class);
    private static final String PREFER = "Prefer";

    private final OrderService orders;
    private final OrderWatch watch;
    private final PublicRequestLimit requestLimit;
    private final int maxWaiters;
    private final AtomicInteger waiting = new AtomicInteger();

    OrderWaits(OrderService orders, OrderWatch watch, PublicRequestLimit requestLimit,
            @ConfigProperty(name = "saga.orders.max-waiters") int maxWaiters, MeterRegistry registry) {
        this.orders = orders;
        this.watch = watch;
        this.requestLimit = requestLimit;
        this.maxWaiters = maxWaiters;
        registry.gauge("saga.orders.waiting.reads", waiting);
    }

    void register(@Observes Router router) {
        // After PublicRequestLimit's turn and ApiAuthentication's, before the getOrder route of Camel's REST DSL.
        router.get("/api/orders/:orderId").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT).handler(this::read);
    }

    private void read(RoutingContext request) {
        Optional<Duration> wait = WaitPreference.of(request.request().getHeader(PREFER));
        // /api/orders/events is the list's event stream (OrderEventStreams), not an order.
        if (wait.isEmpty() || wait.get().isZero() || request.pathParam("orderId").equals("events")) {
            request.next();
            return;
        }
        if (!tryTakeWaiterPlace()) {
            request.request().headers().remove(PREFER);
            request.next();
            return;
        }
        String orderId = request.pathParam("orderId");
        long deadline = System.nanoTime() + wait.get().toNanos();
        Context context = Vertx.currentContext();
        // Taken before the read, so a change committed between the read and the wait still wakes it.
        CompletableFuture<Void> finalSignal = watch.signalFor(orderId);
        Caller caller = ApiAuthentication.callerOf(request);
        context.executeBlocking(() -> orders.find(orderId), false).onComplete(read -> {
            if (read.failed()) {
                // The route reads it again and reports what is wrong.
                LOG.warnf("A held read of order %s could not read it (%s); answered at once", orderId,
                        read.cause().toString());
                finish(request, true);
            } else if (read.result().isPresent() && !caller.mayReach(read.result().get().customerId())) {
                // Another customer's order: answered (404) at once, so the time taken tells nothing either.
                finish(request, true);
            } else if (!OrderStatus.PENDING.equals(read.result().map(Order::status).orElse(null))) {
                // Final or unknown: the route answers it at once, and whoever else waits for it can stop too.
                if (read.result().isEmpty()) {
                    LOG.infof("A held read found no order %s; its waiters are answered at once", orderId);
                }
                watch.isFinal(orderId);
                finish(request, true);
            } else {
                    park(request, finalSignal, context, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        });
    }

    private void park(RoutingContext request, CompletableFuture<Void> finalSignal, Context context, long waitMillis) {
        AtomicBoolean done = new AtomicBoolean();
        long timer = context.owner().setTimer(waitMillis, fired -> {
            if (done.compareAndSet(false, true)) {
                finish(request, true);
            }
        });
        finalSignal.thenRun(() -> context.runOnContext(signalled -> {
            if (done.compareAndSet(false, true)) {
                context.owner().cancelTimer(timer);
                finish(request, true);
            }
        }));
        // The client gave up: nobody to answer.
        request.response().closeHandler(closed -> {
            if (done.compareAndSet(false, true)) {
                context.owner().cancelTimer(timer);
                finish(request, false);
            }
        });
        requestLimit.release(request);
    }

    private void finish(RoutingContext request, boolean answer) {
        waiting.decrementAndGet();
        if (answer) {
            request.next();
        }
    }

    private boolean tryTakeWaiterPlace() {
        // Counted up only while below the bound, atomically: a refused try changes nothing.
        return waiting.getAndUpdate(taken -> taken < maxWaiters ? taken + 1 : taken) < maxWaiters;
    }
}
