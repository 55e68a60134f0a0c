package io.ocmt.verify.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A target the suite starts itself (the reference stack). The suite's library only knows this
 * interface; the implementation is found with {@link java.util.ServiceLoader}, so nothing of the
 * stack leaks into the suites.
 */
public interface EmbeddedStack extends AutoCloseable {

    StackEndpoints endpoints();

    /** Throwaway secrets the stack generated at start (admin token, …), by logical name. */
    Map<String, String> secrets();

    @Override
    void close();

    /** Starts a stack; registered in META-INF/services. */
    interface Factory {
        EmbeddedStack start(Environment environment, Set<String> switches, Path projectDir);
    }
}
