package io.k8saga.coordinator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.narayana.lra.coordinator.domain.model.LongRunningAction;
import io.narayana.lra.coordinator.domain.service.LRAService;
import io.narayana.lra.coordinator.internal.LRARecoveryModule;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.lra.annotation.LRAStatus;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The coordinator's LRAs as Prometheus meters: {@code saga_coordinator_lras_total{event}} counts LRAs started,
 * closed and cancelled (the API's successful answers) and timed out, {@code saga_coordinator_lras_active} those
 * still active, {@code saga_coordinator_lras_recovering} those whose callbacks failed and wait for a recovery pass,
 * {@code saga_coordinator_lras_failed} those recovery gave up on. Narayana has no hook for a time limit running out,
 * so an LRA this process started that stops being active without a close or cancel is counted as timed out by a
 * sweep every second; LRAs started before a restart are not followed.
 */
@ApplicationScoped
public class CoordinatorMetrics {

    private static final Pattern START = Pattern.compile("/?lra-coordinator/start");
    /** Request property: the LRA a close or cancel took out of the sweep. */
    private static final String ENDING = CoordinatorMetrics.class.getName() + ".ending";

    private final MeterRegistry registry;
    /** The LRAs this process started and saw no close or cancel for yet, by id (the id's last path segment). */
    private final Map<String, URI> open = new ConcurrentHashMap<>();
    private final Counter started;
    private final Counter closed;
    private final Counter cancelled;
    private final Counter timedOut;
    private ScheduledExecutorService sweeper;

    CoordinatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.started = lras("started");
        this.closed = lras("closed");
        this.cancelled = lras("cancelled");
        this.timedOut = lras("timed_out");
        gauge("saga.coordinator.lras.active", "LRAs still active", lras -> lras.getAll(LRAStatus.Active).size());
        gauge("saga.coordinator.lras.recovering", "LRAs whose callbacks failed and wait for a recovery pass",
                lras -> lras.getAllRecovering().size());
        gauge("saga.coordinator.lras.failed", "LRAs whose callbacks recovery gave up on",
                lras -> lras.getFailedLRAs().size());
    }

    void start(@Observes StartupEvent started) {
        sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "lra-timeout-sweep");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweepTimedOut, 1, 1, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        sweeper.shutdownNow();
    }

    /**
     * A close or cancel takes its LRA out of the timeout sweep before the LRA starts ending, so an LRA being closed
     * is never taken for one that timed out.
     */
    @ServerRequestFilter
    public void endRequested(ContainerRequestContext request) {
        Matcher end = EndOnceGuard.END.matcher(request.getUriInfo().getPath());
        if ("PUT".equals(request.getMethod()) && end.matches()) {
            URI lra = open.remove(end.group(1));
            if (lra != null) {
                request.setProperty(ENDING, lra);
            }
        }
    }

    /** Counts each successful start, close and cancel as the API answers it. */
    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        String path = request.getUriInfo().getPath();
        if ("POST".equals(request.getMethod()) && status == 201 && START.matcher(path).matches()) {
            URI lra = response.getLocation();
            if (lra != null) {
                open.put(lastSegment(lra.getPath()), lra);
            }
            started.increment();
            return;
        }
        Matcher end = EndOnceGuard.END.matcher(path);
        if (!"PUT".equals(request.getMethod()) || !end.matches()) {
            return;
        }
        if (status / 100 == 2) {
            (end.group(2).equals("close") ? closed : cancelled).increment();
        } else if (request.getProperty(ENDING) instanceof URI lra) {
            // Not ended after all: its time limit may still run out.
            open.put(end.group(1), lra);
        }
    }

    /** LRAs of this process that are no longer active although nobody closed or cancelled them: timed out. */
    void sweepTimedOut() {
        LRAService lras = LRARecoveryModule.getService();
        if (lras == null) {
            return;
        }
        open.forEach((id, lra) -> {
            LongRunningAction action = lras.lookupTransaction(lra);
            if (action == null || action.getLRAStatus() != LRAStatus.Active) {
                // A close or cancel may have removed it meanwhile; only the one that removes it counts.
                if (open.remove(id) != null) {
                    timedOut.increment();
                }
            }
        });
    }

    private Counter lras(String event) {
        return Counter.builder("saga.coordinator.lras").tag("event", event)
                .description("LRAs started, closed, cancelled and timed out").register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<LRAService> reading) {
        Gauge.builder(name, () -> {
            LRAService lras = LRARecoveryModule.getService();
            return lras == null ? Double.NaN : reading.applyAsDouble(lras);
        }).description(description).register(registry);
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
