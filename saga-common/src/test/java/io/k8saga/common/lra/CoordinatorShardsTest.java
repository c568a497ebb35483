package io.k8saga.common.lra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which coordinators a service knows, and which LRA ids it will ever call. */
class CoordinatorShardsTest {

    private final CoordinatorShards shards = new CoordinatorShards(
            "http://coordinator-0:8090/, http://coordinator-1:8090", "/lra-coordinator");

    @Test
    void aCommaSeparatedListNamesEveryShard() {
        assertThat(shards.all()).containsExactly("http://coordinator-0:8090/lra-coordinator",
                "http://coordinator-1:8090/lra-coordinator");
        assertThat(new CoordinatorShards("http://one:8090", "/lra-coordinator").all())
                .containsExactly("http://one:8090/lra-coordinator");
    }

    @Test
    void anLraOfAnyConfiguredCoordinatorIsOurs() {
        assertThat(shards.isOurs("http://coordinator-0:8090/lra-coordinator/0_ffff7f000001_a973_6b02f471_3")).isTrue();
        assertThat(shards.isOurs("http://coordinator-1:8090/lra-coordinator/0_ffff7f000001_a973_6b02f471_4")).isTrue();
        assertThat(shards.shardOf("http://coordinator-1:8090/lra-coordinator/0_ffff7f000001_a973_6b02f471_4"))
                .contains("http://coordinator-1:8090/lra-coordinator");
    }

    @Test
    void aSagaIsOnAFailingShardFromACallWithoutAnswerUntilTheShardAnswersAgain() {
        String onOne = "http://coordinator-1:8090/lra-coordinator/0_ffff7f000001_a973_6b02f471_4";
        String onZero = "http://coordinator-0:8090/lra-coordinator/0_ffff7f000001_a973_6b02f471_3";
        assertThat(shards.isOnFailingShard(onOne)).isFalse();

        shards.failed("http://coordinator-1:8090/lra-coordinator");
        assertThat(shards.isOnFailingShard(onOne)).isTrue();
        assertThat(shards.isOnFailingShard(onZero)).isFalse();
        assertThat(shards.isOnFailingShard("http://elsewhere:8090/lra-coordinator/1")).isFalse();

        shards.answered("http://coordinator-1:8090/lra-coordinator");
        assertThat(shards.isOnFailingShard(onOne)).isFalse();
    }

    @Test
    void anythingElseIsRefused() {
        assertThat(shards.isOurs(null)).isFalse();
        assertThat(shards.isOurs("http://coordinator-0:8090/lra-coordinator/")).isFalse();
        assertThat(shards.isOurs("http://elsewhere:8090/lra-coordinator/1")).isFalse();
        assertThat(shards.isOurs("http://coordinator-0:8090/admin/1")).isFalse();
        assertThat(shards.isOurs("http://coordinator-0:8090.evil/lra-coordinator/1")).isFalse();
        assertThat(shards.isOurs("http://coordinator-2:8090/lra-coordinator/1")).isFalse();
        assertThat(shards.shardOf("http://coordinator-2:8090/lra-coordinator/1")).isEmpty();
        assertThatThrownBy(() -> shards.requireOursIfAny("http://elsewhere:8090/lra-coordinator/1"))
                .isInstanceOf(UnknownCoordinatorException.class)
                .hasMessageContaining("http://elsewhere:8090/lra-coordinator/1")
                .hasMessageContaining("http://coordinator-1:8090/lra-coordinator");
    }

    @Test
    void anEventOutsideAnySagaPasses() {
        assertThatNoException().isThrownBy(() -> shards.requireOursIfAny(null));
        assertThatNoException().isThrownBy(() -> shards.requireOursIfAny(""));
    }

    @Test
    void aSettingWithoutAUsableUrlStopsTheStart() {
        assertThatThrownBy(() -> new CoordinatorShards(" , ", "/lra-coordinator"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoordinatorShards("coordinator:8090", "/lra-coordinator"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coordinator:8090");
    }
}
