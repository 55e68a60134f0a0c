package io.ocmt.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityLogTest {

    @Test
    void eventsGoToStdoutAndWholeLinesToTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("security.log");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = SecurityLog.open(Switches.of(Map.of()), Map.of(SecurityLog.FILE_VARIABLE, file.toString()),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        out.println("{\"type\":\"security_event\",\"event\":\"a\"}");
        out.print("{\"event\":");
        assertEquals(List.of("{\"type\":\"security_event\",\"event\":\"a\"}"), Files.readAllLines(file));
        out.println("\"b\"}");
        assertEquals(List.of("{\"type\":\"security_event\",\"event\":\"a\"}", "{\"event\":\"b\"}"), Files.readAllLines(file));
        assertEquals(String.join(System.lineSeparator(), Files.readAllLines(file)) + System.lineSeparator(),
                console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSwitchAndAMissingVariableLeaveOnlyStdout(@TempDir Path dir) {
        PrintStream console = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertSame(console, SecurityLog.open(Switches.of(Map.of()), Map.of(), console));
        assertSame(console, SecurityLog.open(Switches.of(Map.of(Switch.SECURITY_LOG, "1")),
                Map.of(SecurityLog.FILE_VARIABLE, dir.resolve("x.log").toString()), console));
    }
}
