package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.EventStream;
import io.k8saga.e2e.support.EventStream.Event;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live order streams (server-sent events) through the public API: one event per status change with increasing
 * ids, the order's view as data, a one-order stream that ends once its order is final, a list stream that carries
 * only the caller's orders, a reconnect with Last-Event-ID that misses nothing (and, resumed far back in a long log,
 * still gets new changes at once), a heartbeat on an idle stream, and the API's refusals.
 */
@SystemTest
class OrderEventsIT {

    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final PublicApi api;
    private final Duration settle;

    OrderEventsIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.settle = stack.settle().plusSeconds(10);
    }

    @Test
    void aStreamOnOneOrderShowsEachChangeThenEnds() {
        Customer customer = api.createCustomer("1000.00");
        Order order = api.placeOrder(customer.customerId(), "10.00", "tok_ok");

        try (EventStream stream = open("/api/orders/" + order.orderId() + "/events", api.adminToken(), null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            Event accepted = stream.next(settle);
            Event approved = stream.next(settle);
            stream.awaitEnd(settle);

            assertThat(List.of(accepted.event(), approved.event())).containsOnly("order");
            assertThat(field(accepted, "status")).isEqualTo(Order.PENDING);
            assertThat(field(approved, "status")).isEqualTo(Order.APPROVED);
            assertThat(field(approved, "orderId")).isEqualTo(order.orderId());
            assertThat(Long.parseLong(approved.id())).isGreaterThan(Long.parseLong(accepted.id()));
        }
        // Opened on a final order, the stream shows its changes and ends at once.
        try (EventStream stream = open("/api/orders/" + order.orderId() + "/events", api.adminToken(), null)) {
            assertThat(field(stream.next(settle), "status")).isEqualTo(Order.PENDING);
            assertThat(field(stream.next(settle), "status")).isEqualTo(Order.APPROVED);
            stream.awaitEnd(settle);
        }
    }

    @Test
    void aRejectedOrdersStreamEndsWithItsReason() {
        Customer customer = api.createCustomer("5.00");
        Order order = api.placeOrder(customer.customerId(), "10.00", "tok_ok");

        try (EventStream stream = open("/api/orders/" + order.orderId() + "/events", api.adminToken(), null)) {
            assertThat(field(stream.next(settle), "status")).isEqualTo(Order.PENDING);
            Event rejected = stream.next(settle);
            stream.awaitEnd(settle);

            assertThat(field(rejected, "status")).isEqualTo(Order.REJECTED);
            assertThat(field(rejected, "rejectionReason")).isEqualTo("CREDIT_LIMIT_EXCEEDED");
        }
    }

    @Test
    void theListStreamCarriesOnlyTheCallersOrdersAsTheyChange() {
        Customer mine = api.createCustomer("1000.00");
        Customer theirs = api.createCustomer("1000.00");

        try (EventStream stream = open("/api/orders/events", api.tokens().customer(mine.customerId()), null)) {
            assertThat(stream.status()).isEqualTo(200);
            Order other = api.placeOrder(theirs.customerId(), "10.00", "tok_ok");
            Order own = api.placeOrder(mine.customerId(), "10.00", "tok_ok");
            List<Event> seen = untilFinal(stream, own.orderId());

            assertThat(seen).allSatisfy(event -> assertThat(field(event, "customerId")).isEqualTo(mine.customerId()));
            assertThat(seen).extracting(event -> field(event, "status")).containsExactly(Order.PENDING, Order.APPROVED);
            assertThat(seen).allSatisfy(event -> assertThat(new JsonPath(event.data()).getString("sagaId"))
                    .as("a customer does not see the LRA").isNull());
            api.awaitFinal(other.orderId(), settle);
        }
    }

    @Test
    void aReconnectWithLastEventIdMissesNothing() {
        Customer customer = api.createCustomer("1000.00");
        String path = "/api/orders/events?customerId=" + customer.customerId();
        Event first;
        Order order;
        try (EventStream stream = open(path, api.adminToken(), null)) {
            order = api.placeOrder(customer.customerId(), "10.00", "tok_ok");
            first = stream.next(settle);
        }
        assertThat(field(first, "status")).isEqualTo(Order.PENDING);
        api.awaitFinal(order.orderId(), settle);

        try (EventStream stream = open(path, api.adminToken(), first.id())) {
            Event next = stream.next(settle);

            assertThat(field(next, "orderId")).isEqualTo(order.orderId());
            assertThat(field(next, "status")).isEqualTo(Order.APPROVED);
            assertThat(Long.parseLong(next.id())).isGreaterThan(Long.parseLong(first.id()));
        }
    }

    @Test
    void aReconnectGetsEverythingItMissedAcrossReplayPages() {
        Customer customer = api.createCustomer("1000.00");
        String path = "/api/orders/events?customerId=" + customer.customerId();
        // Another stream keeps the poller running and past the changes this one misses, so only its replay, page by
        // page (two changes a page on the suite's stack), can bring them.
        try (EventStream keeper = open("/api/orders/events?customerId=" + PublicApi.newCustomerId(),
                api.adminToken(), null)) {
            assertThat(keeper.status()).isEqualTo(200);
            Event first;
            Order one;
            try (EventStream stream = open(path, api.adminToken(), null)) {
                one = api.placeOrder(customer.customerId(), "10.00", "tok_ok");
                first = stream.next(settle);
            }
            Order two = api.placeOrder(customer.customerId(), "10.00", "tok_ok");
            Order three = api.placeOrder(customer.customerId(), "10.00", "tok_ok");
            List.of(one, two, three).forEach(order -> api.awaitFinal(order.orderId(), settle));

            try (EventStream stream = open(path, api.adminToken(), first.id())) {
                List<String> missed = new ArrayList<>();
                long previous = Long.parseLong(first.id());
                for (int i = 0; i < 5; i++) {
                    Event event = stream.next(settle);
                    assertThat(Long.parseLong(event.id())).isGreaterThan(previous);
                    previous = Long.parseLong(event.id());
                    missed.add(field(event, "orderId") + " " + field(event, "status"));
                }

                assertThat(missed).containsExactlyInAnyOrder(one.orderId() + " APPROVED",
                        two.orderId() + " PENDING", two.orderId() + " APPROVED",
                        three.orderId() + " PENDING", three.orderId() + " APPROVED");
            }
        }
    }

    @Test
    void aStreamResumedFarBackInALongLogGetsNewChangesAtOnce() {
        // More changes than the poller could crawl through within the deadline at one page (two changes on the
        // suite's stack) a tick: it must start from the newest change, since the stream's replay brings the older.
        Customer busy = api.createCustomer("100000.00");
        for (int batch = 0; batch < 5; batch++) {
            List<Order> placed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                placed.add(api.placeOrder(busy.customerId(), "1.00", "tok_ok"));
            }
            placed.forEach(order -> api.awaitFinal(order.orderId(), settle));
        }
        Customer customer = api.createCustomer("1000.00");

        try (EventStream stream = open("/api/orders/events?customerId=" + customer.customerId(), api.adminToken(),
                "1")) {
            Order order = api.placeOrder(customer.customerId(), "10.00", "tok_ok");
            List<Event> seen = untilFinal(stream, order.orderId());

            assertThat(seen).extracting(event -> field(event, "status")).containsExactly(Order.PENDING, Order.APPROVED);
        }
    }

    @Test
    void anIdleStreamGetsAHeartbeat() {
        Customer quiet = api.createCustomer("1000.00");

        try (EventStream stream = open("/api/orders/events?customerId=" + quiet.customerId(), api.adminToken(),
                null)) {
            assertThat(stream.nextComment(HEARTBEAT.plusSeconds(10))).isNotNull();
        }
    }

    @Test
    void aStreamIsAuthorizedLikeTheRestOfTheApi() {
        Customer customer = api.createCustomer("1000.00");
        Customer other = api.createCustomer("1000.00");

        assertThat(api.anonymous().get("/api/orders/events").statusCode()).isEqualTo(401);
        var unknown = api.request().get("/api/orders/{id}/events", PublicApi.newCustomerId());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        var foreign = api.anonymous().header("Authorization", "Bearer " + api.tokens().customer(customer.customerId()))
                .queryParam("customerId", other.customerId()).get("/api/orders/events");
        assertThat(foreign.statusCode()).isEqualTo(403);
        var badId = api.request().header("Last-Event-ID", "yesterday").get("/api/orders/events");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.jsonPath().getString("field")).isEqualTo("Last-Event-ID");
    }

    /** Reads events until the order's final one, with a deadline, and returns them all. */
    private List<Event> untilFinal(EventStream stream, String orderId) {
        List<Event> events = new ArrayList<>();
        while (true) {
            Event event = stream.next(settle);
            events.add(event);
            if (field(event, "orderId").equals(orderId) && !field(event, "status").equals(Order.PENDING)) {
                return events;
            }
        }
    }

    private EventStream open(String path, String token, String lastEventId) {
        return EventStream.open(api.baseUrl(), path, token, lastEventId);
    }

    private static String field(Event event, String name) {
        return new JsonPath(event.data()).getString(name);
    }
}
