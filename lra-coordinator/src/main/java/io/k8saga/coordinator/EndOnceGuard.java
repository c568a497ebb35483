package io.k8saga.coordinator;

import io.narayana.lra.coordinator.domain.model.LongRunningAction;
import io.narayana.lra.coordinator.domain.service.LRAService;
import io.narayana.lra.coordinator.internal.LRARecoveryModule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.lra.annotation.LRAStatus;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Lets an LRA be ended (closed or cancelled) once. Narayana 7.1.0 accepts a second close of an LRA whose first close
 * is still under way (a participant did not answer, so the LRA stays {@code Closing} for recovery), and then takes
 * the time the first close ended for the LRA's time limit: the LRA counts as timed out and turns {@code Cancelling},
 * and recovery compensates the participant it could not complete, after its peers were completed. A caller that
 * died during its close and sends it again after a restart (order-route after a {@code kill -9}) caused exactly
 * that in our fault tests. Here a close or cancel of an LRA that is no longer {@code Active} is refused with 412, the
 * answer Narayana itself gives once such an LRA has left recovery; the first outcome stands and recovery finishes it.
 */
@ApplicationScoped
public class EndOnceGuard {

    private static final Logger LOG = Logger.getLogger(EndOnceGuard.class);
    /** The path of a close or cancel: the LRA's id (its last segment) and which of the two. */
    static final Pattern END = Pattern.compile("/?lra-coordinator/([^/]+)/(close|cancel)");

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseSecondEnd(ContainerRequestContext request) {
        if (!"PUT".equals(request.getMethod())) {
            return Optional.empty();
        }
        Matcher end = END.matcher(request.getUriInfo().getPath());
        LRAService lras = LRARecoveryModule.getService();
        if (!end.matches() || lras == null) {
            return Optional.empty();
        }
        URI lraId = request.getUriInfo().getBaseUriBuilder().path("lra-coordinator").path(end.group(1)).build();
        LongRunningAction lra = lras.lookupTransaction(lraId);
        LRAStatus status = lra == null ? null : lra.getLRAStatus();
        if (status == null || status == LRAStatus.Active) {
            return Optional.empty();
        }
        LOG.infof("Refused to %s LRA %s: it is %s already", end.group(2), lraId, status);
        return Optional.of(Response.status(Response.Status.PRECONDITION_FAILED).type(MediaType.TEXT_PLAIN_TYPE)
                .entity("LRA " + lraId + " is " + status + " already; it is ended only once").build());
    }
}
