package io.ocmt.verify.referencestack;

import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Environment;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.internal.Overrides;
import io.ocmt.verify.config.StackEndpoints;
import io.ocmt.verify.config.Targets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code scripts/reference-stack up [switch…]}: starts the stack, writes its endpoints to
 * target/reference-stack.env (where a suite run finds and reuses it) and then keeps running in the
 * background until {@code scripts/reference-stack down} stops this JVM, whose shutdown removes the
 * containers. Testcontainers removes what a JVM started when that JVM ends, so the stack lives
 * exactly as long as this process.
 */
public final class ReferenceStackCli {

    private ReferenceStackCli() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path projectDir = Environments.projectDir();
        List<String> ids = Arrays.stream(args).flatMap(a -> Arrays.stream(a.split(","))).filter(s -> !s.isBlank()).toList();
        if (ids.contains("--list")) {
            for (Switch s : Switch.values()) {
                System.out.printf("%-22s %s: %s%n", s.id(),
                        s.settings().stream().map(Switch.Setting::toString).collect(Collectors.joining(", ")), s.breaks());
            }
            return;
        }
        ReferenceStack stack;
        Environment reference = Environments.load("reference", projectDir, System.getenv(), Overrides.systemProperties());
        try {
            stack = ReferenceStack.start(reference.policy(), Switch.byIds(ids), projectDir);
        } catch (IllegalArgumentException e) {
            System.err.println("[reference-stack] " + e.getMessage());
            System.exit(2);
            return;
        }
        StackEndpoints e = stack.endpoints();
        try {
            Targets.check(Targets.embedded(reference, e, stack.secrets()));
        } catch (ConfigException failed) {
            stack.close();
            System.err.println("[reference-stack] started but not answering: " + failed.getMessage());
            System.exit(1);
        }
        Path file = StackEndpoints.runningFile(projectDir);
        Files.createDirectories(file.getParent());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // The file only points at this stack; a stale one is detected as not answering.
            }
        }));
        Files.writeString(file, e.toEnvFile() + "STACK_ID=" + stack.id() + "\nPID=" + ProcessHandle.current().pid() + "\n");
        System.out.println("Reference stack " + stack.id() + " is up" + (e.switches().isEmpty() ? "" : " with broken " + e.switches()) + ".");
        new CountDownLatch(1).await();
    }
}
