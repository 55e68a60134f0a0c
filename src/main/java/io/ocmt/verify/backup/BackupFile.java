package io.ocmt.verify.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** One backup file in the granted store: its name, when it was last written, and its size. */
public record BackupFile(Path path, Instant modified, long size) {

    public String name() {
        return path.getFileName().toString();
    }

    public Duration age(Instant now) {
        return Duration.between(modified, now);
    }

    @Override
    public String toString() {
        return name() + " (" + size + " bytes)";
    }
}
