package io.k8saga.common.lra;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks our LRA coordinator where one LRA stands ({@code GET {lraId}/status}). Camel's saga component has no such
 * call. The call has a deadline, because the coordinator can hang, and it is only made for ids of our own
 * coordinator: ids come from message headers and the database.
 */
@ApplicationScoped
public class LraStatus {

    /** The status of an LRA the coordinator has no record of: it finished, or was lost in a crash. */
    public static final String UNKNOWN = "unknown";
    /** The status of an LRA that has neither closed nor cancelled yet. */
    public static final String ACTIVE = "Active";

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final String lraPrefix;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(DEADLINE).build();

    LraStatus(@ConfigProperty(name = "camel.lra.coordinator-url") String coordinatorUrl,
            @ConfigProperty(name = "camel.lra.coordinator-context-path", defaultValue = "/lra-coordinator")
            String contextPath) {
        this.lraPrefix = coordinatorUrl.replaceFirst("/+$", "") + contextPath + "/";
    }

    /** True when {@code sagaId} names an LRA of the coordinator this service is configured with. */
    public boolean isOurs(String sagaId) {
        return sagaId != null && sagaId.startsWith(lraPrefix) && sagaId.length() > lraPrefix.length();
    }

    /**
     * The LRA's status as the coordinator names it (Active, Closing, Closed, Cancelling, Cancelled, ...), or
     * {@link #UNKNOWN} when it answers 404.
     *
     * @throws IllegalArgumentException when the id is not one of our coordinator's
     * @throws UncheckedIOException when the coordinator does not answer in time or answers anything else
     */
    public String of(String sagaId) {
        if (!isOurs(sagaId)) {
            throw new IllegalArgumentException("not an LRA of our coordinator: " + sagaId);
        }
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(sagaId + "/status")).timeout(DEADLINE).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("the coordinator did not answer " + sagaId + "/status", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the coordinator", e);
        }
        return switch (answer.statusCode()) {
            case 200 -> answer.body();
            case 404 -> UNKNOWN;
            default -> throw new UncheckedIOException(new IOException(
                    sagaId + "/status answered " + answer.statusCode()));
        };
    }
}
