package io.k8saga.order.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8saga.order.message.SagaCoordinator.Lra;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reading the coordinator's recovery lists, in the shape Narayana 7.1.0.Final answered when we ran it. */
class SagaCoordinatorTest {

    private static final String FAILED = """
            [{"lraId":"http://localhost:28390/lra-coordinator/0_ffff7f000001_a973_6b02f471_3","clientId":"probe",\
            "status":"FailedToCancel","startTime":1795355766999,"finishTime":1795355767361,"httpStatus":200,\
            "topLevel":true,"recovering":false},\
            {"lraId":"http://localhost:28390/lra-coordinator/0_ffff7f000001_a973_6b02f471_13","clientId":"probe",\
            "status":"FailedToClose","startTime":1795355773507,"finishTime":1795355773579,"httpStatus":200,\
            "topLevel":true,"recovering":false}]""";

    @Test
    void readsTheIdAndStatusOfEachLra() throws IOException {
        assertThat(SagaCoordinator.lras(FAILED)).containsExactly(
                new Lra("http://localhost:28390/lra-coordinator/0_ffff7f000001_a973_6b02f471_3", "FailedToCancel"),
                new Lra("http://localhost:28390/lra-coordinator/0_ffff7f000001_a973_6b02f471_13", "FailedToClose"));
    }

    @Test
    void anEmptyListIsNoLra() throws IOException {
        assertThat(SagaCoordinator.lras("[]")).isEmpty();
    }

    @Test
    void anLraWithoutStatusKeepsItsId() throws IOException {
        assertThat(SagaCoordinator.lras("[{\"lraId\":\"http://c/lra-coordinator/1\"}]"))
                .containsExactly(new Lra("http://c/lra-coordinator/1", null));
    }

    @Test
    void anAnswerThatIsNoListOfLrasIsRefused() {
        // Read leniently, an error object would have become entries with empty ids.
        assertThatThrownBy(() -> SagaCoordinator.lras("{\"error\":\"busy\",\"status\":500}"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> SagaCoordinator.lras("[{\"status\":\"Cancelling\"}]"))
                .isInstanceOf(IOException.class);
    }
}
