package io.ocmt.verify.tls.probe;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;

/** A TLS alert as the server sent it, e.g. fatal handshake_failure(40). */
public record TlsAlert(int level, int description) {

    public static final int WARNING = AlertLevel.warning;
    public static final int FATAL = AlertLevel.fatal;

    public TlsAlert {
        if (level < 0 || level > 0xFF || description < 0 || description > 0xFF) {
            throw new IllegalArgumentException("alert bytes out of range: " + level + ", " + description);
        }
    }

    public boolean fatal() {
        return level == FATAL;
    }

    /** {@code fatal}, {@code warning}, or {@code level(7)} for a value no RFC defines. */
    public String levelName() {
        return switch (level) {
            case AlertLevel.warning, AlertLevel.fatal -> AlertLevel.getName((short) level);
            default -> "level(" + level + ")";
        };
    }

    /** {@code handshake_failure}, or {@code UNKNOWN} for a value no RFC defines. */
    public String descriptionName() {
        return AlertDescription.getName((short) description);
    }

    @Override
    public String toString() {
        return levelName() + " " + descriptionName() + "(" + description + ")";
    }
}
