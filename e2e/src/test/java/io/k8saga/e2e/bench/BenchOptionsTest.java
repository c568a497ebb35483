package io.k8saga.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8saga.e2e.bench.Mix.OrderClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the bench: option and mix parsing, percentiles, the bits of /proc and JSON it reads. */
class BenchOptionsTest {

    private static BenchOptions parse(String... args) {
        return BenchOptions.parse(List.of(args), Map.of("SAGA_HOME", "/tmp/stack", "SAGA_TOKEN", "t0k3n"));
    }

    @Test
    void defaultsAreAClosedLoopOfEightFor20Seconds() {
        BenchOptions o = BenchOptions.parse(List.of(),
                Map.of("SAGA_HOME", "/tmp/stack", "SAGA_GATEWAY_PORT", "18080", "SAGA_TOKEN", "t0k3n"));
        assertThat(o.baseUrl()).isEqualTo("http://localhost:18080");
        assertThat(o.coordinatorUrl()).isEqualTo("http://localhost:8090");
        assertThat(o.openLoop()).isFalse();
        assertThat(o.concurrency()).isEqualTo(8);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.count()).isZero();
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.ceiling()).isTrue();
        assertThat(o.resultsDir()).isEqualTo(Path.of("/tmp/stack/bench"));
        assertThat(o.pollInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(o.mix().toString()).isEqualTo("approve=90,credit=5,decline=5");
    }

    @Test
    void environmentGivesUrlsAndResultsDirAndFlagsWin() {
        Map<String, String> env = Map.of("SAGA_BASE_URL", "http://gw:1/", "SAGA_COORDINATOR_URL", "http://lra:2",
                "SAGA_BENCH_DIR", "/tmp/results", "SAGA_TOKEN", "t0k3n");
        BenchOptions fromEnv = BenchOptions.parse(List.of(), env);
        assertThat(fromEnv.baseUrl()).isEqualTo("http://gw:1");
        assertThat(fromEnv.coordinatorUrl()).isEqualTo("http://lra:2");
        assertThat(fromEnv.resultsDir()).isEqualTo(Path.of("/tmp/results"));
        BenchOptions flags = BenchOptions.parse(List.of("--base-url=http://other:3", "--results", "/tmp/r2"), env);
        assertThat(flags.baseUrl()).isEqualTo("http://other:3");
        assertThat(flags.resultsDir()).isEqualTo(Path.of("/tmp/r2"));
    }

    @Test
    void sendsTheTokenOfTheEnvironmentAndNeverShowsIt() {
        BenchOptions o = BenchOptions.parse(List.of(), Map.of("SAGA_TOKEN", " aaa.bbb.ccc\n"));
        assertThat(o.token()).isEqualTo("aaa.bbb.ccc");
        assertThat(o.authorization()).isEqualTo("Bearer aaa.bbb.ccc");
        assertThat(o.toString()).doesNotContain("aaa.bbb.ccc").contains("token=(hidden)");
    }

    @Test
    void refusesToRunWithoutAToken() {
        assertThatThrownBy(() -> BenchOptions.parse(List.of(), Map.of("SAGA_HOME", "/tmp/stack")))
                .hasMessageContaining("SAGA_TOKEN is not set");
        assertThatThrownBy(() -> BenchOptions.parse(List.of(), Map.of("SAGA_TOKEN", "  ")))
                .hasMessageContaining("SAGA_TOKEN is not set");
    }

    @Test
    void readsEveryOptionInBothForms() {
        BenchOptions o = parse("--rate", "150", "--count=500", "--mix", "approve=1,decline=1", "--warmup", "0",
                "--no-ceiling", "--order-timeout", "2m", "--poll", "5ms", "--callback-host", "bench.local");
        assertThat(o.openLoop()).isTrue();
        assertThat(o.rate()).isEqualTo(150.0);
        assertThat(o.duration()).isNull();
        assertThat(o.count()).isEqualTo(500);
        assertThat(o.warmup()).isZero();
        assertThat(o.ceiling()).isFalse();
        assertThat(o.orderTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.pollInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(o.callbackHost()).isEqualTo("bench.local");
        assertThat(o.loadShape()).isEqualTo("rate 150.0/s, count 500, warmup 0s, mix approve=1,credit=0,decline=1");
    }

    @Test
    void durationsTakeUnits() {
        assertThat(BenchOptions.parseDuration("--d", "20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(BenchOptions.parseDuration("--d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(BenchOptions.parseDuration("--d", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(BenchOptions.parseDuration("--d", "3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(BenchOptions.parseDuration("--d", "7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(BenchOptions.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(BenchOptions.format(Duration.ofSeconds(20))).isEqualTo("20s");
    }

    @Test
    void refusesContradictionsAndMistakes() {
        assertThatThrownBy(() -> parse("--concurrency", "4", "--rate", "10")).hasMessageContaining("either");
        assertThatThrownBy(() -> parse("--duration", "5s", "--count", "10")).hasMessageContaining("either");
        assertThatThrownBy(() -> parse("--concurrency", "0")).hasMessageContaining("above 0");
        assertThatThrownBy(() -> parse("--rate", "-1")).hasMessageContaining("above 0");
        assertThatThrownBy(() -> parse("--duration", "soon")).hasMessageContaining("20s");
        assertThatThrownBy(() -> parse("--warmup", "-1s")).hasMessageContaining("negative");
        assertThatThrownBy(() -> parse("--poll", "0ms")).hasMessageContaining("more than 0");
        assertThatThrownBy(() -> parse("--count")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> parse("--fast")).hasMessageContaining("unknown option --fast");
        assertThatThrownBy(() -> parse("fast")).hasMessageContaining("unexpected argument");
    }

    @Test
    void mixParsesWeightsAndLeftOutClassesAreZero() {
        Mix mix = Mix.parse(" approve = 3 , credit=1 ");
        assertThat(mix.weights()).containsEntry(OrderClass.APPROVE, 3).containsEntry(OrderClass.CREDIT, 1)
                .containsEntry(OrderClass.DECLINE, 0);
        assertThatThrownBy(() -> Mix.parse("approve=90,refund=10")).hasMessageContaining("--mix takes");
        assertThatThrownBy(() -> Mix.parse("approve")).hasMessageContaining("--mix takes");
        assertThatThrownBy(() -> Mix.parse("approve=-1")).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Mix.parse("approve=0")).hasMessageContaining("above 0");
    }

    @Test
    void mixHandsOutExactCountsPerCycleAndSpreadsRejections() {
        Mix mix = Mix.parse("approve=90,credit=5,decline=5");
        Map<OrderClass, Integer> counts = new EnumMap<>(OrderClass.class);
        for (long n = 0; n < 200; n++) {
            counts.merge(mix.pick(n), 1, Integer::sum);
        }
        assertThat(counts).containsEntry(OrderClass.APPROVE, 180).containsEntry(OrderClass.CREDIT, 10)
                .containsEntry(OrderClass.DECLINE, 10);
        // Spread: no two rejections in a row in a 90/5/5 mix.
        for (long n = 0; n < 100; n++) {
            assertThat(mix.pick(n) != OrderClass.APPROVE && mix.pick(n + 1) != OrderClass.APPROVE).isFalse();
        }
        assertThat(Mix.parse("decline=1").pick(7)).isEqualTo(OrderClass.DECLINE);
    }

    @Test
    void orderClassesKnowTheirExpectedEndAndPath() {
        assertThat(OrderClass.APPROVE.path()).isEqualTo("approve");
        assertThat(OrderClass.CREDIT.path()).isEqualTo("compensation");
        assertThat(OrderClass.DECLINE.expectedReason).isEqualTo("PAYMENT_DECLINED");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] oneToHundred = new long[100];
        for (int i = 0; i < 100; i++) {
            oneToHundred[i] = i + 1;
        }
        assertThat(LatencyStats.percentile(oneToHundred, 50)).isEqualTo(50);
        assertThat(LatencyStats.percentile(oneToHundred, 95)).isEqualTo(95);
        assertThat(LatencyStats.percentile(oneToHundred, 99)).isEqualTo(99);
        assertThat(LatencyStats.percentile(oneToHundred, 100)).isEqualTo(100);
        assertThat(LatencyStats.percentile(oneToHundred, 0)).isEqualTo(1);
        assertThat(LatencyStats.percentile(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 50)).isEqualTo(5);
        assertThat(LatencyStats.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(LatencyStats.percentile(new long[0], 99)).isZero();
        assertThatThrownBy(() -> LatencyStats.percentile(oneToHundred, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyStatsKeepEverySampleSorted() {
        LatencyStats stats = new LatencyStats();
        for (long v = 3000; v > 0; v--) {
            stats.add(v);
        }
        assertThat(stats.count()).isEqualTo(3000);
        long[] sorted = stats.sorted();
        assertThat(sorted[0]).isEqualTo(1);
        assertThat(LatencyStats.percentile(sorted, 99)).isEqualTo(2970);
    }

    @Test
    void readsProcFiles() {
        String stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 40 0 100 0 0";
        assertThat(ProcessMeter.cpuSecondsOf(stat)).isEqualTo(2.87);
        assertThat(ProcessMeter.vmHwmKib("Name:\tjava\nVmPeak:\t 9 kB\nVmHWM:\t  204800 kB\nVmRSS:\t 1 kB\n"))
                .contains(204800L);
    }

    @Test
    void jsonReadsFlatFieldsAndWritesDocuments() {
        String order = "{\"orderId\":\"o-1\",\"amount\":10.00,\"status\":\"REJECTED\",\"rejectionReason\":null,"
                + "\"note\":\"a \\\"quoted\\\" word\"}";
        assertThat(Json.field(order, "orderId")).isEqualTo("o-1");
        assertThat(Json.field(order, "amount")).isEqualTo("10.00");
        assertThat(Json.field(order, "rejectionReason")).isNull();
        assertThat(Json.field(order, "missing")).isNull();
        assertThat(Json.field(order, "note")).isEqualTo("a \\\"quoted\\\" word");
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("a", 1.23456);
        doc.put("b", List.of("x\"y", true));
        doc.put("c", null);
        doc.put("d", Map.of());
        assertThat(Json.write(doc)).isEqualTo("{\n  \"a\": 1.235,\n  \"b\": [\n    \"x\\\"y\",\n    true\n  ],\n"
                + "  \"c\": null,\n  \"d\": {}\n}\n");
    }
}
