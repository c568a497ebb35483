package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A thousand reads held at once ({@code Prefer: wait}) on orders whose sagas are running: each gets the order's
 * final state as soon as it is final, the sagas end as they should, and order-route does not grow a thread per held
 * read (checked on the local stack, where the test knows its process).
 */
@SystemTest
class LongPollIT {

    /** Fewer than order-route admits at once (saga.admission.max-in-flight), so none is refused. */
    private static final int ORDERS = 25;
    private static final int READS_PER_ORDER = 40;
    /**
     * Threads order-route may add while the reads are held: far fewer than one per read, or than its 200 HTTP workers
     * (seen: about 45, the API's own bound of 12 plus what the sagas running meanwhile use).
     */
    private static final int MORE_THREADS_ALLOWED = 100;
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z]+)\"");

    private final PublicApi api;
    private final SagaStack stack;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    LongPollIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void aThousandHeldReadsEachGetTheFinalStateWithoutAThreadEach() throws Exception {
        String customer = api.createCustomer("1000000").customerId();
        Optional<ThreadPeak> threads = stack.local().map(local -> new ThreadPeak(local.pid("order-route")));

        List<CompletableFuture<HttpResponse<String>>> reads = new ArrayList<>();
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String orderId = api.placeOrder(customer, "10.00", i % 10 == 9 ? "tok_declined" : "tok_ok").orderId();
            orderIds.add(orderId);
            for (int r = 0; r < READS_PER_ORDER; r++) {
                reads.add(http.sendAsync(HttpRequest.newBuilder(api.baseUrl().resolve("/api/orders/" + orderId))
                        .header("Prefer", "wait=20").header("Authorization", api.authorization()).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
        }
        List<HttpResponse<String>> answers = CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                .thenApply(all -> reads.stream().map(CompletableFuture::join).toList())
                .get(2, TimeUnit.MINUTES);
        threads.ifPresent(ThreadPeak::stop);

        assertThat(answers).hasSize(ORDERS * READS_PER_ORDER).allSatisfy(read -> {
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.headers().firstValue("Preference-Applied")).contains("wait=20");
            assertThat(status(read.body())).as("a held read's answer").isIn("APPROVED", "REJECTED");
        });
        for (int i = 0; i < ORDERS; i++) {
            var order = api.order(orderIds.get(i));
            if (i % 10 == 9) {
                OrderOutcomesIT.assertRejected(order, "PAYMENT_DECLINED");
            } else {
                assertThat(order.status()).as("order %s", order.orderId()).isEqualTo("APPROVED");
            }
        }
        threads.ifPresent(peak -> {
            System.out.printf("[long-poll] order-route threads: %d before, at most %d while %d reads were held%n",
                    peak.before, peak.max.get(), ORDERS * READS_PER_ORDER);
            assertThat(peak.max.get()).as("order-route's threads while the reads were held")
                    .isLessThanOrEqualTo(peak.before + MORE_THREADS_ALLOWED);
        });
    }

    private static String status(String json) {
        Matcher m = STATUS.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** Samples a process's thread count (Linux /proc) every 50 ms and keeps the highest. */
    private static final class ThreadPeak {
        final long before;
        final AtomicLong max = new AtomicLong();
        private final Path status;
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

        ThreadPeak(long pid) {
            this.status = Path.of("/proc/" + pid + "/status");
            this.before = sample();
            max.set(before);
            sampler.scheduleAtFixedRate(() -> max.accumulateAndGet(sample(), Math::max), 0, 50,
                    TimeUnit.MILLISECONDS);
        }

        void stop() {
            sampler.shutdownNow();
        }

        private long sample() {
            try {
                return Files.readAllLines(status).stream().filter(line -> line.startsWith("Threads:"))
                        .mapToLong(line -> Long.parseLong(line.substring("Threads:".length()).trim()))
                        .findFirst().orElseThrow();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + status, e);
            }
        }
    }
}
