package io.k8saga.coordinator;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.logging.Logger;

/**
 * Keeps the coordinator closed until its first recovery scan after a start has run. An LRA stored before a crash
 * and first touched by a client request (a join or a close) instead of by the recovery scan was seen to stay
 * {@code Closing} for ever, its participants never called; once the scan has loaded the stored LRAs, requests
 * about them take the normal path. Until then every API request gets 503 (callers retry) and
 * {@link RecoveryScanReadiness} is DOWN, so Kubernetes routes nothing here either.
 */
@ApplicationScoped
public class RecoveryGate {

    private static final Logger LOG = Logger.getLogger(RecoveryGate.class);
    /** Marks the gate's own request for the scan, the one request let through while closed. */
    private static final String SCAN_HEADER = "X-Saga-Recovery-Scan";

    private final URI recovery;
    /** The header's value: a secret of this process, so no other caller can pass the closed gate with it. */
    private final String scanToken = newToken();
    private volatile boolean open;

    RecoveryGate(@ConfigProperty(name = "quarkus.http.port") int port) {
        this.recovery = URI.create("http://localhost:" + port + "/lra-coordinator/recovery");
    }

    void scanAfterStart(@Observes StartupEvent started) {
        Thread scan = new Thread(this::scanUntilDone, "recovery-gate");
        scan.setDaemon(true);
        scan.start();
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> holdUntilRecovered(ContainerRequestContext request) {
        if (open || scanToken.equals(request.getHeaderString(SCAN_HEADER))) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN_TYPE)
                .header("Retry-After", "1").entity("the coordinator is recovering stored LRAs").build());
    }

    private static String newToken() {
        byte[] token = new byte[24];
        new SecureRandom().nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    boolean isOpen() {
        return open;
    }

    /** Asks this coordinator for its recovery scan (GET /recovery runs one) until it answers, then opens. */
    private void scanUntilDone() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest scan = HttpRequest.newBuilder(recovery).header(SCAN_HEADER, scanToken)
                .timeout(Duration.ofMinutes(1)).GET().build();
        while (!open) {
            try {
                HttpResponse<String> answer = http.send(scan, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    open = true;
                    LOG.infof("Recovery scan done, accepting requests; LRAs in recovery: %s", answer.body());
                    return;
                }
                LOG.warnf("Recovery scan answered %d; trying again", answer.statusCode());
            } catch (IOException e) {
                LOG.debugf("Recovery scan not possible yet: %s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
