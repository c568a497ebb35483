package io.k8saga.order.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitPreferenceTest {

    @Test
    void readsTheWaitAmongOtherPreferences() {
        assertThat(WaitPreference.of("wait=5")).contains(Duration.ofSeconds(5));
        assertThat(WaitPreference.of("respond-async, wait=10")).contains(Duration.ofSeconds(10));
        assertThat(WaitPreference.of("Wait = 3 ,handling=lenient")).contains(Duration.ofSeconds(3));
        assertThat(WaitPreference.of("wait=\"7\"")).contains(Duration.ofSeconds(7));
        assertThat(WaitPreference.of("wait=0")).contains(Duration.ZERO);
    }

    @Test
    void capsTheWait() {
        assertThat(WaitPreference.of("wait=3600")).contains(WaitPreference.MAX_WAIT);
        assertThat(WaitPreference.of("wait=123456789012345678")).contains(WaitPreference.MAX_WAIT);
    }

    @Test
    void ignoresWhatIsNoWaitInSeconds() {
        assertThat(WaitPreference.of(null)).isEmpty();
        assertThat(WaitPreference.of("")).isEmpty();
        assertThat(WaitPreference.of("handling=strict")).isEmpty();
        assertThat(WaitPreference.of("wait=soon")).isEmpty();
        assertThat(WaitPreference.of("wait=-1")).isEmpty();
        assertThat(WaitPreference.of("wait=1.5")).isEmpty();
        assertThat(WaitPreference.of("nowait=5")).isEmpty();
        assertThat(WaitPreference.of("wait=1234567890123456789")).isEmpty();
    }

    @Test
    void answersWithTheGrantedWait() {
        assertThat(WaitPreference.applied(Duration.ofSeconds(20))).isEqualTo("wait=20");
    }
}
