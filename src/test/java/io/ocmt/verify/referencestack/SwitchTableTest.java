package io.ocmt.verify.referencestack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's switch table is how a person learns what can be broken; it must list exactly the code's switches. */
class SwitchTableTest {

    @Test
    void readmeListsEverySwitchOnceWithItsVariable() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int section = readme.indexOf("### Switches: one control broken each");
        assertThat(section).as("README section '### Switches: one control broken each'").isNotNegative();
        List<String> rows = readme.subList(section + 1, readme.size()).stream()
                .takeWhile(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith("| `"))
                .toList();
        List<String> expected = java.util.Arrays.stream(Switch.values())
                .map(s -> "| `" + s.id() + "` | `" + s.variable() + "=" + s.value() + "` on "
                        + s.component().name().toLowerCase() + " | " + s.breaks() + " |")
                .toList();
        assertThat(rows).containsExactlyElementsOf(expected);
    }

    @Test
    void switchesOnOneVariableCannotBeCombined() {
        assertThatThrownBy(() -> Switch.byIds(List.of("hsts-missing", "hsts-short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same variable");
        assertThatThrownBy(() -> Switch.byId("hsts-gone"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Known switches: hsts-missing");
    }
}
