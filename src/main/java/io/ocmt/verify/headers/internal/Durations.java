package io.ocmt.verify.headers.internal;

/** Seconds in words, so a reader sees at once that 86400 is one day and not one year. */
public final class Durations {

    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private Durations() {
    }

    public static String human(long seconds) {
        if (seconds <= 0) {
            return "0 seconds";
        }
        if (seconds >= DAY) {
            return unit(seconds, DAY, "day");
        }
        if (seconds >= HOUR) {
            return unit(seconds, HOUR, "hour");
        }
        if (seconds >= MINUTE) {
            return unit(seconds, MINUTE, "minute");
        }
        return plural(seconds, "second");
    }

    private static String unit(long seconds, long unit, String name) {
        long whole = seconds / unit;
        // "about" keeps the text honest without printing fractions nobody needs.
        return (seconds % unit == 0 ? "" : "about ") + plural(whole, name);
    }

    private static String plural(long n, String name) {
        return n + " " + name + (n == 1 ? "" : "s");
    }
}
