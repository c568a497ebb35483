package io.k8saga.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.LocalStack;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The saga metrics count exactly what happened: orders of known outcomes (two approved, one over the credit limit,
 * one declined) move each counter of {@code /q/metrics} on order-route, credit-route, payment-route and the
 * coordinator shards by exactly what they should; and every metric the chart's Grafana dashboard queries is one
 * the services export. Waits first until no saga of another test is under way, since the counters are the
 * processes'. Local stack only: it reads each process's own metrics.
 */
@SystemTest
class MetricsIT {

    /** How long the earlier tests' sagas, outbox rows and parked events may take to settle before this test starts. */
    private static final Duration IDLE_WITHIN = Duration.ofMinutes(2);

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");
    private static final Pattern DASHBOARD_METRIC = Pattern.compile("\\bsaga_[a-z0-9_]+");

    private final PublicApi api;
    private final SagaStack stack;
    private final LocalStack local;

    MetricsIT(PublicApi api, SagaStack stack) {
        assumeTrue(stack.local().isPresent(), "reads each process's /q/metrics, which only the local stack exposes");
        this.api = api;
        this.stack = stack;
        this.local = stack.local().get();
    }

    @Test
    void ordersOfKnownOutcomesMoveEachCounterByExactlyWhatHappened() {
        awaitNoSagaInFlight();
        Map<String, Map<String, Double>> before = scrapeAll();

        Customer rich = api.createCustomer("1000.00");
        Customer poor = api.createCustomer("5.00");
        List<String> placed = List.of(
                api.placeOrder(rich.customerId(), "10.00", "tok_ok").orderId(),
                api.placeOrder(rich.customerId(), "20.00", "tok_ok").orderId(),
                api.placeOrder(poor.customerId(), "10.00", "tok_ok").orderId(),
                api.placeOrder(rich.customerId(), "30.00", "tok_declined").orderId());
        List<String> outcomes = new ArrayList<>();
        for (String orderId : placed) {
            Order order = api.awaitFinal(orderId, stack.settle());
            outcomes.add(order.status() + " " + order.rejectionReason());
        }
        assertThat(outcomes).containsExactly("APPROVED null", "APPROVED null", "REJECTED CREDIT_LIMIT_EXCEEDED",
                "REJECTED PAYMENT_DECLINED");

        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("order-route saga_orders_total{outcome=\"APPROVED\",reason=\"none\"}", 2.0);
        expected.put("order-route saga_orders_total{outcome=\"REJECTED\",reason=\"CREDIT_LIMIT_EXCEEDED\"}", 1.0);
        expected.put("order-route saga_orders_total{outcome=\"REJECTED\",reason=\"PAYMENT_DECLINED\"}", 1.0);
        expected.put("order-route saga_orders_total{outcome=\"REJECTED\",reason=\"TIMEOUT\"}", 0.0);
        expected.put("order-route saga_duration_seconds_count{outcome=\"APPROVED\"}", 2.0);
        expected.put("order-route saga_duration_seconds_count{outcome=\"REJECTED\"}", 2.0);
        expected.put("order-route saga_step_duration_seconds_count{step=\"startOrderSaga\"}", 4.0);
        expected.put("credit-route saga_step_duration_seconds_count{step=\"reserveCredit\"}", 4.0);
        expected.put("payment-route saga_step_duration_seconds_count{step=\"authorizePayment\"}", 3.0);
        // Each saga: PaymentRequested and OrderCreated, then its OrderOutcome; one credit event; a payment event
        // for the three that reached payment.
        expected.put("order-route saga_outbox_publish_lag_seconds_count", 12.0);
        expected.put("credit-route saga_outbox_publish_lag_seconds_count", 4.0);
        expected.put("payment-route saga_outbox_publish_lag_seconds_count", 3.0);
        // Every participant of the two approved sagas completed, of the two others compensated; payment joined
        // only the declined one of those.
        for (String route : List.of("order-route", "credit-route", "payment-route")) {
            expected.put(route + " saga_callbacks_total{kind=\"complete\",result=\"ok\"}", 2.0);
            expected.put(route + " saga_callbacks_total{kind=\"compensate\",result=\"ok\"}",
                    route.equals("payment-route") ? 1.0 : 2.0);
            expected.put(route + " saga_dead_letters_total", 0.0);
        }
        expected.put("coordinators saga_coordinator_lras_total{event=\"started\"}", 4.0);
        expected.put("coordinators saga_coordinator_lras_total{event=\"closed\"}", 2.0);
        expected.put("coordinators saga_coordinator_lras_total{event=\"cancelled\"}", 2.0);
        expected.put("coordinators saga_coordinator_lras_total{event=\"timed_out\"}", 0.0);

        // Callbacks and the last publishes may follow the final state by a moment; a count beyond never comes back.
        Map<String, Double> deltas = new LinkedHashMap<>();
        await("the counters to reach their expected deltas").atMost(stack.settle())
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    Map<String, Map<String, Double>> after = scrapeAll();
                    expected.keySet().forEach(key -> deltas.put(key, delta(before, after, key)));
                    assertThat(deltas).isEqualTo(expected);
                });
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsExported() throws Exception {
        String dashboard = Files.readString(local.repoRoot().resolve("helm/saga/dashboards/saga-overview.json"));
        Set<String> queried = new TreeSet<>();
        Matcher name = DASHBOARD_METRIC.matcher(dashboard);
        while (name.find()) {
            queried.add(name.group());
        }
        Set<String> exported = new TreeSet<>();
        scrapeAll().values().forEach(samples -> samples.keySet()
                .forEach(series -> exported.add(series.replaceFirst("\\{.*", ""))));

        assertThat(queried).as("saga metrics the dashboard queries").hasSizeGreaterThan(10);
        assertThat(exported).as("what the four applications export").containsAll(queried);
    }

    /**
     * Nothing of another test under way in these processes: no saga in flight in order-route, no LRA active on any
     * shard, no event waiting in an outbox or parked. (Orders an earlier stack left PENDING in a reused database
     * belong to no process here and move no counter.)
     */
    private void awaitNoSagaInFlight() {
        // Generous: an event parked by an earlier test (one that restarted a route) is dropped only at its next retry.
        await("no saga in flight").atMost(IDLE_WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Map<String, Map<String, Double>> now = scrapeAll();
                    double busy = value(now.get("order-route"), "saga_in_flight")
                            + value(now.get("coordinators"), "saga_coordinator_lras_active");
                    for (String route : List.of("order-route", "credit-route", "payment-route")) {
                        busy += value(now.get(route), "saga_outbox_pending")
                                + value(now.get(route), "saga_events_parked");
                    }
                    return busy == 0;
                });
    }

    /** Each process's samples by series ("name{labels}"), and the coordinator shards' summed under "coordinators". */
    private Map<String, Map<String, Double>> scrapeAll() {
        Map<String, Map<String, Double>> all = new HashMap<>();
        for (String route : List.of("order-route", "credit-route", "payment-route")) {
            all.put(route, scrape(local.serviceUrl(route) + "/q/metrics"));
        }
        Map<String, Double> coordinators = new HashMap<>();
        for (int shard = 0; shard < local.coordinators(); shard++) {
            scrape(local.coordinatorUrl(shard) + "/q/metrics").forEach((series, value) ->
                    coordinators.merge(series, value, Double::sum));
        }
        all.put("coordinators", coordinators);
        return all;
    }

    private static Map<String, Double> scrape(String url) {
        String text = given().get(url).then().statusCode(200).extract().asString();
        Map<String, Double> samples = new HashMap<>();
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
        }
        return samples;
    }

    /**
     * The change of "process series" between two scrapes; a series without labels sums all of its label sets, and
     * a series not exported yet counts as 0.
     */
    private static double delta(Map<String, Map<String, Double>> before, Map<String, Map<String, Double>> after,
            String key) {
        String process = key.substring(0, key.indexOf(' '));
        String series = key.substring(key.indexOf(' ') + 1);
        return value(after.get(process), series) - value(before.get(process), series);
    }

    private static double value(Map<String, Double> samples, String series) {
        if (series.contains("{")) {
            return samples.getOrDefault(series, 0.0);
        }
        return samples.entrySet().stream()
                .filter(sample -> sample.getKey().equals(series) || sample.getKey().startsWith(series + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
