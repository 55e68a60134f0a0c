package io.ocmt.verify.headers.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @Test
    void wordsForCommonHstsAges() {
        assertThat(Durations.human(86400)).isEqualTo("1 day");
        assertThat(Durations.human(31536000)).isEqualTo("365 days");
        assertThat(Durations.human(15552000)).isEqualTo("180 days");
        assertThat(Durations.human(3600)).isEqualTo("1 hour");
        assertThat(Durations.human(300)).isEqualTo("5 minutes");
        assertThat(Durations.human(1)).isEqualTo("1 second");
        assertThat(Durations.human(0)).isEqualTo("0 seconds");
    }

    @Test
    void roundsDownAndSaysSo() {
        assertThat(Durations.human(100000)).isEqualTo("about 1 day");
    }
}
