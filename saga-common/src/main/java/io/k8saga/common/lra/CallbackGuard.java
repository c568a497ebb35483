package io.k8saga.common.lra;

import io.k8saga.common.api.HttpProblems;
import io.k8saga.common.metrics.SagaMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.apache.camel.Exchange;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Lets through to Camel's participant routes ({@code /lra-participant/complete} and {@code /compensate}) only the
 * callbacks the coordinator was given: each must name an LRA of a configured coordinator in its
 * {@code Long-Running-Action} header, and carry the order id and the signature its route added when it joined
 * that LRA ({@link CallbackSignatures}). Anything else is answered {@code 403} on the event loop, before any route
 * or database is touched. Camel itself checks only that the header is there.
 */
@ApplicationScoped
public class CallbackGuard {

    private static final Logger LOG = Logger.getLogger(CallbackGuard.class);

    private final CallbackSignatures signatures;
    private final CoordinatorShards shards;
    private final String participantPath;
    private final Counter refused;
    private final SagaMetrics metrics;

    CallbackGuard(CallbackSignatures signatures, CoordinatorShards shards,
            @ConfigProperty(name = "camel.lra.local-participant-context-path", defaultValue = "/lra-participant")
            String participantPath,
            MeterRegistry registry, SagaMetrics metrics) {
        this.metrics = metrics;
        this.signatures = signatures;
        this.shards = shards;
        this.participantPath = participantPath;
        this.refused = Counter.builder("saga.callbacks.refused")
                .description("Participant callbacks refused with 403: unsigned, badly signed, or for an LRA of no"
                        + " configured coordinator")
                .register(registry);
    }

    void register(@Observes Router router) {
        // Ahead of every other route of the path: the body handler's and Camel's.
        router.route(participantPath + "/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2).handler(this::check);
    }

    private void check(RoutingContext request) {
        String kind = callbackKind(request.request().path());
        String problem = problemOf(request);
        if (problem == null) {
            request.addEndHandler(ended -> metrics.callback(kind,
                    request.response().getStatusCode() / 100 == 2 ? "ok" : "failed"));
            request.next();
            return;
        }
        refused.increment();
        metrics.callback(kind, "refused");
        LOG.warnf("Refused participant callback %s from %s: %s", request.request().path(),
                request.request().remoteAddress(), problem);
        HttpProblems.write(request, 403, null, "Not a callback of this participant's sagas");
    }

    /** {@code complete} or {@code compensate}, the last segment of a callback's path; {@code other} for the rest. */
    private static String callbackKind(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.equals("complete") || last.equals("compensate") ? last : "other";
    }

    /** Why the request is no callback the coordinator was given, or null when it is one. */
    private String problemOf(RoutingContext request) {
        List<String> lra = request.request().headers().getAll(Exchange.SAGA_LONG_RUNNING_ACTION);
        List<String> orderId = request.queryParam(CallbackSignatures.ORDER_ID);
        List<String> signature = request.queryParam(CallbackSignatures.PARAMETER);
        // One of each: with two, what is checked here and what Camel reads could differ.
        if (lra.size() != 1 || orderId.size() != 1 || signature.size() != 1) {
            return "needs one " + Exchange.SAGA_LONG_RUNNING_ACTION + " header, one " + CallbackSignatures.ORDER_ID
                    + " and one " + CallbackSignatures.PARAMETER + " parameter";
        }
        if (!shards.isOurs(lra.get(0))) {
            return "LRA " + printable(lra.get(0)) + " belongs to no configured coordinator";
        }
        if (!signatures.verify(lra.get(0), orderId.get(0), signature.get(0))) {
            return "signature does not match LRA " + printable(lra.get(0)) + " and order "
                    + printable(orderId.get(0));
        }
        return null;
    }

    /** A sender's value as it may go into a log line: no line breaks or other controls, and not too long. */
    private static String printable(String value) {
        String flat = value.replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
    }
}
