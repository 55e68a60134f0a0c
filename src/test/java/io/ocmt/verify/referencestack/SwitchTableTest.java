package io.ocmt.verify.referencestack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's switch table is how a person learns what can be broken; it must list exactly the code's switches. */
class SwitchTableTest {

    @Test
    void readmeListsEverySwitchOnceWithItsSettings() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int section = readme.indexOf("### Switches: one control broken each");
        assertThat(section).as("README section '### Switches: one control broken each'").isNotNegative();
        List<String> rows = readme.subList(section + 1, readme.size()).stream()
                .takeWhile(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith("| `"))
                .toList();
        List<String> expected = java.util.Arrays.stream(Switch.values())
                .map(s -> "| `" + s.id() + "` | " + s.settings().stream()
                        .map(x -> "`" + x.variable() + "=" + x.value() + "` on " + x.component().name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")) + " | " + s.breaks() + " |")
                .toList();
        assertThat(rows).containsExactlyElementsOf(expected);
    }

    @Test
    void switchesOnOneVariableCannotBeCombined() {
        assertThatThrownBy(() -> Switch.byIds(List.of("hsts-missing", "hsts-short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same variable (BREAK_HSTS on server)");
        assertThatThrownBy(() -> Switch.byId("hsts-gone"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Known switches: hsts-missing");
    }

    @Test
    void aSwitchOfSeveralSettingsConflictsOnEachOfThem() {
        assertThatThrownBy(() -> Switch.byIds(List.of("rate-limit-in-memory", "rate-limit-per-replica")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[rate-limit-per-replica, rate-limit-in-memory]")
                .hasMessageContaining("BREAK_RATE_LIMIT_PER_REPLICA on server");
        // Only a shared (component, variable) conflicts: other variables of the same components combine.
        assertThat(Switch.byIds(List.of("rate-limit-in-memory", "redirect-302", "rate-limit-auth-off")))
                .containsExactlyInAnyOrder(Switch.RATE_LIMIT_IN_MEMORY, Switch.REDIRECT_302, Switch.RATE_LIMIT_AUTH_OFF);
    }

    @Test
    void everySwitchSetsEachVariableOnce() {
        for (Switch s : Switch.values()) {
            assertThat(s.settings()).as(s.id()).isNotEmpty();
            assertThat(s.settings().stream().map(x -> x.component() + "/" + x.variable()).distinct().count())
                    .as(s.id()).isEqualTo(s.settings().size());
        }
    }
}
