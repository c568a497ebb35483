package io.k8saga.coordinator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Makes this coordinator hand out every LRA id under one configured URL, {@code saga.coordinator.advertised-url}.
 * Narayana builds an LRA id (and a participant's recovery URL) from the base URI of the request that creates it, so
 * without this the id names whatever host the caller happened to use (a Service, an IP, a port-forward). A shard
 * must be named by the one URL the routes list for it (its pod's DNS name in a cluster): that URL passes their
 * allow-list and still reaches this shard, on its object store, after a restart with a new pod IP.
 *
 * <p>Unset, requests keep their own base URI (Narayana's behaviour).
 */
@ApplicationScoped
public class AdvertisedUrlFilter {

    private final Optional<URI> advertised;

    AdvertisedUrlFilter(@ConfigProperty(name = "saga.coordinator.advertised-url") Optional<URI> advertised) {
        advertised.ifPresent(AdvertisedUrlFilter::requireBaseUrl);
        this.advertised = advertised;
    }

    @ServerRequestFilter(preMatching = true)
    public void rebase(ContainerRequestContext request) {
        advertised.ifPresent(base -> rebased(base, request.getUriInfo().getRequestUri())
                .ifPresent(request::setRequestUri));
    }

    /**
     * The request URI with the advertised scheme and authority. A path with percent-escapes is left alone: the
     * framework would take the replacement's decoded path and decode it once more. No LRA is started that way
     * (starts are {@code POST /lra-coordinator/start?...}).
     */
    static Optional<URI> rebased(URI base, URI request) {
        String path = request.getRawPath();
        if (path == null || path.contains("%")) {
            return Optional.empty();
        }
        String query = request.getRawQuery() == null ? "" : "?" + request.getRawQuery();
        return Optional.of(URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + query));
    }

    private static void requireBaseUrl(URI url) {
        boolean http = "http".equals(url.getScheme()) || "https".equals(url.getScheme());
        boolean bare = url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/");
        if (!http || url.getHost() == null || !bare || url.getRawQuery() != null) {
            throw new IllegalArgumentException("saga.coordinator.advertised-url must be http(s)://host[:port], got "
                    + url);
        }
    }
}
