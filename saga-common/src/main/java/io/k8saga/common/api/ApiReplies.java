package io.k8saga.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.Builder;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways a REST route of ours answers: {@code direct:replyJson} writes the body as JSON, and exceptions become
 * RFC 9457 responses ({@link ApiException} keeps its status, anything else is a 500 whose details stay in the log).
 */
public final class ApiReplies {

    /** Ends a REST route with the body as its JSON answer; set the status and Location headers first. */
    public static final String REPLY_JSON = "direct:replyJson";
    /** The answer to a request's {@code Prefer} header (RFC 7240); kept on the reply like Location. */
    public static final String PREFERENCE_APPLIED = "Preference-Applied";
    /** When a refused request (503) may be sent again, in seconds. */
    public static final String RETRY_AFTER = "Retry-After";

    private static final Logger LOG = LoggerFactory.getLogger(ApiReplies.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiReplies() {
    }

    /**
     * Registers the problem handlers and the {@code direct:replyJson} route on the given builder; call it first in
     * {@code configure()} of the service's one REST builder.
     */
    public static void register(RouteBuilder routes) {
        routes.onException(ApiException.class)
                .handled(true)
                .process(exchange -> write(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class)));

        routes.onException(Exception.class)
                .handled(true)
                .process(ApiReplies::writeUnexpected);

        // Request headers and internal ones (Kafka, LRA) never reach the client: only the status, Location and
        // Preference-Applied do.
        routes.from(REPLY_JSON).routeId("replyJson")
                .removeHeaders("*", Exchange.HTTP_RESPONSE_CODE, "Location", PREFERENCE_APPLIED)
                .marshal().json()
                .setHeader(Exchange.CONTENT_TYPE, Builder.constant("application/json"));
    }

    private static void write(Exchange exchange, ApiException problem) throws JsonProcessingException {
        String path = exchange.getIn().getHeader(Exchange.HTTP_URI, String.class);
        exchange.getMessage().removeHeaders("*", Exchange.HTTP_URI);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        problem.retryAfterHeader().ifPresent(seconds -> exchange.getMessage().setHeader(RETRY_AFTER, seconds));
        exchange.getMessage().setBody(MAPPER.writeValueAsString(Problem.of(problem, path)));
    }

    private static void writeUnexpected(Exchange exchange) throws JsonProcessingException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Request {} failed", exchange.getIn().getHeader(Exchange.HTTP_URI), cause);
        write(exchange, new ApiException(500, null, "The request could not be completed; see the service log."));
    }
}
