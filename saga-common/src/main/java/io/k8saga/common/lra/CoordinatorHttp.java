package io.k8saga.common.lra;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one HTTP client for every call to an LRA coordinator (Camel's saga calls and our own), with its time limits.
 * A coordinator can accept a connection and never answer (frozen, overloaded, half dead); without limits the
 * caller's thread, an HTTP request or a Kafka partition, would wait with it for ever.
 */
@ApplicationScoped
public class CoordinatorHttp {

    private final HttpClient client;
    private final Duration requestTimeout;

    CoordinatorHttp(@ConfigProperty(name = "saga.coordinator.connect-timeout") Duration connectTimeout,
            @ConfigProperty(name = "saga.coordinator.request-timeout") Duration requestTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
    }

    HttpClient client() {
        return client;
    }

    /** Gives the request its time limit, so the JDK client gives up on it (and its connection) in time. */
    HttpRequest.Builder limited(HttpRequest.Builder request) {
        return request.timeout(requestTimeout);
    }

    /**
     * Bounds a whole call. The request's own time limit ends once the answer's headers are in; this one also
     * covers a body that never ends.
     */
    <T> CompletableFuture<T> within(CompletableFuture<T> call) {
        return call.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code request} and waits for the answer, at most the request time limit.
     *
     * @throws UncheckedIOException when the coordinator cannot be reached or does not answer in time
     */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return within(client.sendAsync(limited(request).build(), HttpResponse.BodyHandlers.ofString())).get();
        } catch (ExecutionException e) {
            IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            throw new UncheckedIOException("the coordinator did not answer " + request.build().uri(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the coordinator", e);
        }
    }
}
