package io.k8saga.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a request's URI is given the advertised URL's scheme and authority, and which URLs may be advertised. */
class AdvertisedUrlFilterTest {

    private static final URI POD = URI.create("http://saga-lra-coordinator-1.saga-lra-coordinator-headless.saga.svc"
            + ".cluster.local:8090");

    @Test
    void aStartKeepsItsPathAndQueryUnderTheAdvertisedAuthority() {
        URI request = URI.create("http://10.244.0.17:8090/lra-coordinator/start?ClientID=order-1&TimeLimit=30000");

        assertThat(AdvertisedUrlFilter.rebased(POD, request)).contains(URI.create(
                POD + "/lra-coordinator/start?ClientID=order-1&TimeLimit=30000"));
    }

    @Test
    void theSchemeComesFromTheAdvertisedUrlToo() {
        URI request = URI.create("http://localhost:8090/lra-coordinator/0_ffff0a_1/close");

        assertThat(AdvertisedUrlFilter.rebased(URI.create("https://lra.example:443"), request))
                .contains(URI.create("https://lra.example:443/lra-coordinator/0_ffff0a_1/close"));
    }

    @Test
    void aPathWithPercentEscapesIsLeftAsItCame() {
        URI request = URI.create("http://localhost:8090/lra-coordinator/http%3A%2F%2Fa%2Flra-coordinator%2F1/status");

        assertThat(AdvertisedUrlFilter.rebased(POD, request)).isEmpty();
    }

    @Test
    void onlyABareHttpBaseUrlMayBeAdvertised() {
        for (String wrong : new String[] {"lra-coordinator-0:8090", "ftp://lra:21", "http://lra:8090/lra-coordinator",
                "http://lra:8090?x=1"}) {
            assertThatThrownBy(() -> new AdvertisedUrlFilter(Optional.of(URI.create(wrong)))).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("saga.coordinator.advertised-url");
        }
        new AdvertisedUrlFilter(Optional.of(URI.create("http://lra:8090/")));
        new AdvertisedUrlFilter(Optional.empty());
    }
}
