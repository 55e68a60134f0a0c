package io.ocmt.verify.referencestack;

import io.ocmt.verify.config.EmbeddedStack;
import io.ocmt.verify.config.Environment;
import java.nio.file.Path;
import java.util.Set;

/** Registered in META-INF/services: how the suite's library starts the reference stack without knowing it. */
public final class ReferenceStackFactory implements EmbeddedStack.Factory {

    @Override
    public EmbeddedStack start(Environment environment, Set<String> switches, Path projectDir) {
        return ReferenceStack.start(environment.policy(), Switch.byIds(switches), projectDir);
    }
}
