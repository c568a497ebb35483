package io.k8saga.e2e.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.k8saga.e2e.bench.LoadDriver.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The coordinator's own ceiling: bare LRA cycles with no Kafka and no database. One cycle starts an LRA, joins
 * three participants whose callbacks this JVM serves (answering 200 at once), closes the LRA, and ends when all
 * three complete callbacks have arrived. Narayana 7.1 calls them synchronously inside close (close answers only
 * after the callbacks), so the wait after close is normally zero; it is kept, and cycles that did wait are counted,
 * so that the cycle's end is defined by the callbacks and a change in the coordinator's behaviour shows.
 */
final class CeilingProbe implements LoadDriver.Operation, AutoCloseable {

    private static final int PARTICIPANTS = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final BenchOptions options;
    private final HttpClient http;
    private final HttpServer server;
    private final ExecutorService callbackWorkers;
    private final String callbackBase;
    private final Map<Long, CountDownLatch> pending = new ConcurrentHashMap<>();
    private final LongAdder compensations = new LongAdder();
    private final LongAdder completedAfterClose = new LongAdder();

    CeilingProbe(BenchOptions options, HttpClient http) throws IOException {
        this.options = options;
        this.http = http;
        this.server = HttpServer.create(new InetSocketAddress(0), 256);
        this.callbackWorkers = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "lra-callback");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(callbackWorkers);
        server.createContext("/", this::callback);
        server.start();
        this.callbackBase = "http://" + options.callbackHost() + ":" + server.getAddress().getPort();
    }

    /** Complete and compensate callbacks; the path is /complete/{cycle}-{participant}. */
    private void callback(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            String[] parts = exchange.getRequestURI().getPath().split("/");
            if (parts.length == 3 && parts[1].equals("complete")) {
                CountDownLatch latch = pending.get(Long.parseLong(parts[2].substring(0, parts[2].indexOf('-'))));
                if (latch != null) {
                    latch.countDown();
                }
            } else if (parts.length == 3 && parts[1].equals("compensate")) {
                compensations.increment();
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** Compensate callbacks received: nonzero means the coordinator cancelled probe LRAs (time limit, errors). */
    long compensations() {
        return compensations.sum();
    }

    /** Cycles whose complete callbacks were not all in when close answered (0 while callbacks are synchronous). */
    long completedAfterClose() {
        return completedAfterClose.sum();
    }

    @Override
    public Outcome run(long seq) {
        CountDownLatch completes = new CountDownLatch(PARTICIPANTS);
        pending.put(seq, completes);
        try {
            HttpResponse<String> started = http.send(request(options.coordinatorUrl()
                    + "/lra-coordinator/start?ClientID=bench&TimeLimit=30000")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            String lraId = started.headers().firstValue("Location").orElse(null);
            if (started.statusCode() != 201 || lraId == null) {
                return error("start " + started.statusCode());
            }
            for (int p = 0; p < PARTICIPANTS; p++) {
                String id = seq + "-" + p;
                // The join form of the Narayana API: the participant's Link header text as the body.
                String link = "<" + callbackBase + "/compensate/" + id + ">; rel=\"compensate\", <"
                        + callbackBase + "/complete/" + id + ">; rel=\"complete\"";
                HttpResponse<String> joined = http.send(request(lraId).header("Long-Running-Action", lraId)
                        .header("Content-Type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofString(link)).build(), HttpResponse.BodyHandlers.ofString());
                if (joined.statusCode() != 200) {
                    return error("join " + joined.statusCode());
                }
            }
            HttpResponse<String> closed = http.send(request(lraId + "/close")
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (closed.statusCode() != 200) {
                return error("close " + closed.statusCode());
            }
            if (completes.getCount() > 0) {
                completedAfterClose.increment();
            }
            if (!completes.await(options.orderTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return error("complete callbacks missing after " + BenchOptions.format(options.orderTimeout()));
            }
            return new Outcome("cycle", "lra", "Closed", null);
        } catch (HttpTimeoutException e) {
            return error("HTTP request timeout");
        } catch (IOException e) {
            return error("I/O: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted");
        } finally {
            pending.remove(seq);
        }
    }

    private static Outcome error(String error) {
        return new Outcome("cycle", "lra", "error", error);
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
    }

    @Override
    public void close() {
        server.stop(0);
        callbackWorkers.shutdownNow();
    }
}
