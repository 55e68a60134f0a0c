package io.ocmt.verify.report;

/**
 * One thing a check found wrong: which control, on which request or object, what the policy
 * expected and what was seen. Its text is what a release manager reads, so it must stand alone.
 *
 * @param control  the checklist control, e.g. "Strict-Transport-Security"
 * @param subject  where it was seen, e.g. "GET https://host/health → 200"
 * @param expected what the policy wants, in words
 * @param seen     what the target did instead (already redacted)
 */
public record Finding(String control, String subject, String expected, String seen) {

    @Override
    public String toString() {
        return control + " on " + subject + ": expected " + expected + ", but " + seen;
    }
}
