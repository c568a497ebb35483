package io.k8saga.order.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.common.api.ApiAuthentication;
import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.Caller;
import io.k8saga.common.api.HttpProblems;
import io.k8saga.common.api.PublicRequestLimit;
import io.k8saga.order.domain.ChangeCursor;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderChange;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.repository.OrderChangeRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The live streams of order changes, as server-sent events: {@code GET /api/orders/{id}/events} (one order; ends once
 * it is final) and {@code GET /api/orders/events} (the caller's orders, an admin's all or one customer's with
 * {@code customerId}). One event per status change: {@code event: order}, {@code id:} the change's number in
 * order_changes, {@code data:} the order as {@code GET /api/orders/{id}} shows it then; {@code Last-Event-ID} (or
 * {@code lastEventId}) replays what came after that id and is still kept. A comment line every
 * {@code saga.orders.events.heartbeat} keeps proxies from closing an idle stream.
 *
 * <p>No stream holds a thread: each is an open response written from its event loop. One poller per process reads
 * order_changes (which every replica writes) every {@code saga.orders.events.poll-interval} while someone listens,
 * in order of {@code seq}; a number not yet visible (its transaction not yet committed) holds the ones after it for up
 * to {@link #GAP_WAIT}, after which it counts as rolled back ({@link ChangeCursor}).
 */
@ApplicationScoped
public class OrderEventStreams {

    private static final Logger LOG = Logger.getLogger(OrderEventStreams.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than any transaction that writes a change takes to commit once it has its number. */
    static final Duration GAP_WAIT = Duration.ofSeconds(3);

    private final OrderService orders;
    private final OrderChangeRepository changes;
    private final PublicRequestLimit requestLimit;
    private final Vertx vertx;
    private final Duration pollInterval;
    private final Duration heartbeat;
    private final Duration retention;
    private final int maxStreams;
    private final int pageSize;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean polling = new AtomicBoolean();
    /** Where the poller stands in the change log; null while nobody listens. Only the poller touches it. */
    private volatile ChangeCursor cursor;

    OrderEventStreams(OrderService orders, OrderChangeRepository changes, PublicRequestLimit requestLimit,
            Vertx vertx, @ConfigProperty(name = "saga.orders.events.poll-interval") Duration pollInterval,
            @ConfigProperty(name = "saga.orders.events.heartbeat") Duration heartbeat,
            @ConfigProperty(name = "saga.orders.events.retention") Duration retention,
            @ConfigProperty(name = "saga.orders.events.max-streams") int maxStreams,
            @ConfigProperty(name = "saga.orders.events.page-size") int pageSize, MeterRegistry registry) {
        this.orders = orders;
        this.changes = changes;
        this.requestLimit = requestLimit;
        this.vertx = vertx;
        this.pollInterval = pollInterval;
        this.heartbeat = heartbeat;
        this.retention = retention;
        this.maxStreams = maxStreams;
        this.pageSize = pageSize;
        registry.gaugeCollectionSize("saga.orders.event.streams", Tags.empty(), streams);
    }

    void start(@Observes StartupEvent started) {
        vertx.setPeriodic(pollInterval.toMillis(), tick -> poll());
        vertx.setPeriodic(heartbeat.toMillis(), tick -> streams.forEach(Stream::heartbeat));
        vertx.setPeriodic(Duration.ofMinutes(1).toMillis(), tick -> vertx.executeBlocking(
                () -> changes.deleteOlderThan(OffsetDateTime.now().minus(retention)), false));
    }

    void register(@Observes Router router) {
        // After PublicRequestLimit's and ApiAuthentication's turn, before Camel's routes (and OrderWaits lets
        // /api/orders/events through).
        int order = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT;
        router.get("/api/orders/events").order(order).handler(request -> open(request, null));
        router.get("/api/orders/:orderId/events").order(order)
                .handler(request -> open(request, request.pathParam("orderId")));
    }

    private void open(RoutingContext request, String orderId) {
        Caller caller = ApiAuthentication.callerOf(request);
        if (streams.size() >= maxStreams) {
            request.response().putHeader("Retry-After", "5");
            HttpProblems.write(request, 503, null, "Too many open event streams; retry after Retry-After seconds");
            return;
        }
        long lastEventId;
        String customerFilter;
        try {
            lastEventId = lastEventId(request);
            customerFilter = orderId == null ? customerFilter(caller, request.queryParams().get("customerId")) : null;
        } catch (ApiException e) {
            HttpProblems.write(request, e.status(), e.field(), e.getMessage());
            return;
        }
        Context context = Vertx.currentContext();
        context.executeBlocking(() -> {
            Order order = null;
            if (orderId != null) {
                // 404 also for another customer's order, as GET /api/orders/{id} answers.
                order = orders.find(orderId).filter(found -> caller.mayReach(found.customerId()))
                        .orElseThrow(() -> ApiException.notFound("no order " + orderId));
            }
            // Where the stream starts: after the id the client saw last; a new one-order stream with the order's
            // first change, a new list stream with the next change made. Its replay brings everything up to now,
            // so the poller need only bring what comes after the newest change.
            long latest = changes.latest();
            long start = lastEventId >= 0 ? lastEventId : orderId != null ? 0 : latest;
            return new Opening(order, start, Math.min(start, latest));
        }, false).onComplete(opened -> {
            if (opened.failed()) {
                ApiException e = opened.cause() instanceof ApiException api ? api
                        : new ApiException(503, null, "The order could not be read; retry later");
                HttpProblems.write(request, e.status(), e.field(), e.getMessage());
                return;
            }
            Stream stream = new Stream(request.response(), context, caller, orderId, customerFilter,
                    opened.result().start(), opened.result().live());
            stream.start();
            // The stream holds no worker thread and must not hold one of the public requests' places either.
            requestLimit.release(request);
            streams.add(stream);
            request.response().closeHandler(closed -> streams.remove(stream));
            replay(stream, opened.result().order(), stream.start);
        });
    }

    /**
     * An accepted stream's order (one-order streams), the change number its replay starts after, and the one the
     * poller must read on from for it.
     */
    private record Opening(Order order, long start, long live) {
    }

    /**
     * The changes after the stream's start made before it was registered, page by page, then the live ones it queued
     * meanwhile. An order older than the change log has no change to show: its stream shows it as it is, and ends if
     * it is final.
     */
    private void replay(Stream stream, Order order, long from) {
        stream.context.executeBlocking(() -> stream.orderId != null
                ? changes.ofOrderAfter(stream.orderId, from, pageSize)
                : stream.customerId != null ? changes.ofCustomerAfter(stream.customerId, from, pageSize)
                : changes.after(from, pageSize), false).onComplete(read -> {
                    if (read.failed()) {
                        LOG.warnf("Could not replay order changes for a stream: %s", read.cause().toString());
                        stream.response.end();
                        return;
                    }
                    List<OrderChange> page = read.result();
                    if (order != null && from == 0 && page.isEmpty()) {
                        stream.sendUnlogged(order);
                    }
                    if (page.size() < pageSize) {
                        stream.replayed(page);
                        return;
                    }
                    // A full page: there may be more, which the poller, already past them, would not bring.
                    page.forEach(stream::send);
                    replay(stream, null, page.get(page.size() - 1).seq());
                });
    }

    /** Reads the changes after the cursor and hands them to the streams, in order, one poll at a time. */
    private void poll() {
        if (streams.isEmpty()) {
            cursor = null;
            return;
        }
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        if (cursor == null) {
            // Every stream replays what was in the log when it opened, so reading on from the earliest of those points
            // misses nothing (starting from a replay's start instead would make the poller crawl a long log).
            cursor = new ChangeCursor(streams.stream().mapToLong(stream -> stream.live).min().orElse(0), GAP_WAIT);
        }
        ChangeCursor reading = cursor;
        vertx.executeBlocking(() -> changes.after(reading.last(), pageSize), false).onComplete(read -> {
            boolean behind = false;
            try {
                if (read.succeeded()) {
                    List<OrderChange> admitted = reading.admit(read.result(), System.nanoTime());
                    admitted.forEach(change -> streams.forEach(stream -> stream.offer(change)));
                    // A full page all handed on: more may be waiting, so read on now rather than a tick later.
                    behind = read.result().size() == pageSize && admitted.size() == pageSize;
                } else {
                    LOG.warnf("Could not read order changes: %s", read.cause().toString());
                }
            } finally {
                polling.set(false);
            }
            if (behind) {
                poll();
            }
        });
    }

    private static long lastEventId(RoutingContext request) {
        String header = Optional.ofNullable(request.request().getHeader("Last-Event-ID"))
                .orElse(request.queryParams().get("lastEventId"));
        if (header == null || header.isBlank()) {
            return -1;
        }
        try {
            long id = Long.parseLong(header.strip());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.invalidField("Last-Event-ID", "must be the id of an event this stream sent");
        }
    }

    /** Whose orders the list stream carries: a customer's own; an admin's, all or the one named. */
    private static String customerFilter(Caller caller, String customerId) {
        String customer = customerId == null || customerId.isBlank() ? caller.customerId() : customerId;
        if (customer != null) {
            caller.requireReach("customerId", customer);
        }
        return customer;
    }

    /**
     * One open stream. Everything it does runs on its request's event loop ({@link #context}), so it needs no lock;
     * changes that arrive while it replays wait in {@link #queued}.
     */
    private final class Stream {
        private final HttpServerResponse response;
        private final Context context;
        private final Caller caller;
        private final String orderId;
        private final String customerId;
        private final Queue<OrderChange> queued = new ArrayDeque<>();
        private final long start;
        private final long live;
        private long lastSent;
        private boolean replaying = true;

        Stream(HttpServerResponse response, Context context, Caller caller, String orderId, String customerId,
                long start, long live) {
            this.response = response;
            this.context = context;
            this.caller = caller;
            this.orderId = orderId;
            this.customerId = customerId;
            this.start = start;
            this.live = live;
            this.lastSent = start;
        }

        void start() {
            response.setChunked(true).setStatusCode(200)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    // nginx would otherwise buffer the stream.
                    .putHeader("X-Accel-Buffering", "no");
            response.write("retry: 2000\n\n");
        }

        /** A change from the poller, from any thread. */
        void offer(OrderChange change) {
            if (!matches(change)) {
                return;
            }
            context.runOnContext(now -> {
                if (replaying) {
                    queued.add(change);
                } else {
                    send(change);
                }
            });
        }

        void replayed(List<OrderChange> missed) {
            replaying = false;
            missed.forEach(this::send);
            while (!queued.isEmpty()) {
                send(queued.poll());
            }
        }

        void heartbeat() {
            context.runOnContext(now -> {
                if (!response.ended() && !response.closed()) {
                    response.write(": keep-alive\n\n");
                }
            });
        }

        private boolean matches(OrderChange change) {
            return orderId != null ? orderId.equals(change.order().orderId())
                    : customerId == null || customerId.equals(change.order().customerId());
        }

        private void send(OrderChange change) {
            if (change.seq() <= lastSent || response.ended() || response.closed()) {
                return;
            }
            lastSent = change.seq();
            write("id: " + change.seq() + "\n", change.order());
        }

        /** An order with no change in the log (older than it): its state, without an id to resume from. */
        void sendUnlogged(Order order) {
            write("", order);
        }

        private void write(String idLine, Order order) {
            try {
                response.write(idLine + "event: order\ndata: "
                        + JSON.writeValueAsString(OrderView.of(order, caller)) + "\n\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write an order view", e);
            }
            if (orderId != null && order.status() != OrderStatus.PENDING) {
                response.end();
                streams.remove(this);
            }
        }
    }
}
