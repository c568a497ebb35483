package io.k8saga.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions thrown by REST routes into RFC 9457 responses: {@link ApiException} keeps its status,
 * anything else is a 500 whose details stay in the log.
 */
public final class ProblemResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProblemResponses() {
    }

    /** Registers the handlers on the given builder; call it first in {@code configure()} of a REST builder. */
    public static void register(RouteBuilder routes) {
        routes.onException(ApiException.class)
                .handled(true)
                .process(exchange -> write(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiException.class)));

        routes.onException(Exception.class)
                .handled(true)
                .process(ProblemResponses::writeUnexpected);
    }

    /** Ends a REST exchange with the given problem. */
    public static void write(Exchange exchange, ApiException problem) throws JsonProcessingException {
        String path = exchange.getIn().getHeader(Exchange.HTTP_URI, String.class);
        exchange.getMessage().removeHeaders("*", Exchange.HTTP_URI);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        exchange.getMessage().setBody(MAPPER.writeValueAsString(Problem.of(problem, path)));
    }

    private static void writeUnexpected(Exchange exchange) throws JsonProcessingException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Request {} failed", exchange.getIn().getHeader(Exchange.HTTP_URI), cause);
        write(exchange, new ApiException(500, null, "The request could not be completed; see the service log."));
    }
}
