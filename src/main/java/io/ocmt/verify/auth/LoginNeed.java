package io.ocmt.verify.auth;

/**
 * How many logins (POST /api/auth/login) and magic-link verifications (GET /api/auth/verify) a test
 * or a shared fixture spends. The target limits both per client address, so a run plans them
 * before it starts and reserves them before each test.
 */
public record LoginNeed(int logins, int verifications) {

    public static final LoginNeed NONE = new LoginNeed(0, 0);

    public LoginNeed {
        if (logins < 0 || verifications < 0) {
            throw new IllegalArgumentException("a need is never negative: " + logins + " logins, " + verifications + " verifications");
        }
    }

    /** {@code n} whole logins: each asks for a link and verifies it. */
    public static LoginNeed logins(int n) {
        return new LoginNeed(n, n);
    }

    public int count(LoginBudget.Route route) {
        return route == LoginBudget.Route.LOGIN ? logins : verifications;
    }

    public LoginNeed plus(LoginNeed other) {
        return new LoginNeed(logins + other.logins, verifications + other.verifications);
    }

    public boolean isNone() {
        return logins == 0 && verifications == 0;
    }

    /** "2 logins and 2 magic-link verifications". */
    @Override
    public String toString() {
        if (isNone()) {
            return "no login";
        }
        String l = logins == 0 ? "" : logins + (logins == 1 ? " login" : " logins");
        String v = verifications == 0 ? "" : verifications + (verifications == 1 ? " magic-link verification" : " magic-link verifications");
        return l.isEmpty() ? v : v.isEmpty() ? l : l + " and " + v;
    }
}
