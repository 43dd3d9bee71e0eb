package io.cxbridge.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcsTest {

    @TempDir
    Path dir;

    @Test
    void aCommandThatSucceedsAppendsItsOutputToTheLog() throws Exception {
        Path log = dir.resolve("logs/out.txt");
        Procs.runLogged(10, log, "sh", "-c", "echo first");
        Procs.runLogged(10, log, "sh", "-c", "echo second >&2");
        assertThat(Files.readString(log)).isEqualTo("first\nsecond\n");
    }

    @Test
    void aNonZeroExitFailsAndNamesTheLog() {
        Path log = dir.resolve("out.txt");
        assertThatThrownBy(() -> Procs.runLogged(10, log, "sh", "-c", "echo broken; exit 3"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(log.toString());
    }

    @Test
    void aCommandThatOutlivesTheTimeoutFails() {
        assertThatThrownBy(() -> Procs.runLogged(1, dir.resolve("out.txt"), "sleep", "30"))
                .isInstanceOf(IOException.class);
    }
}
