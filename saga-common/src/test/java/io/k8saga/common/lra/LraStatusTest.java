package io.k8saga.common.lra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which ids are asked about; the answers themselves are covered against the real coordinator in the services. */
class LraStatusTest {

    private final LraStatus status = new LraStatus("http://coordinator:8090/", "/lra-coordinator");

    @Test
    void anLraOfOurCoordinatorIsOurs() {
        assertThat(status.isOurs("http://coordinator:8090/lra-coordinator/0_ffff7f000001_a973_6b02f471_3")).isTrue();
    }

    @Test
    void anythingElseIsNotAskedAbout() {
        assertThat(status.isOurs(null)).isFalse();
        assertThat(status.isOurs("http://coordinator:8090/lra-coordinator/")).isFalse();
        assertThat(status.isOurs("http://elsewhere:8090/lra-coordinator/1")).isFalse();
        assertThat(status.isOurs("http://coordinator:8090/admin/1")).isFalse();
        assertThat(status.isOurs("http://coordinator:8090.evil/lra-coordinator/1")).isFalse();
        assertThatThrownBy(() -> status.of("http://elsewhere:8090/lra-coordinator/1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
