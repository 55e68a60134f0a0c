package io.ocmt.reference.ratelimit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RequestPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/auth/verify",
            "/API/Auth/Verify",
            "/api/auth/verify/",
            "/api/auth/verify?token=abc",
            "/api/auth/verify/?token=abc#frag",
            "//api//auth///verify",
            "/api/auth%2Fverify",
            "/api/auth%2fverify",
            "/api%2Fauth%2Fverify",
            "/api/auth/%76erify",
            "/api/auth/%2576erify",
            "/api/auth/verify;jsessionid=1",
            "/api/./auth/verify",
            "/api/vault/../auth/verify",
            "/x/../api/auth/verify",
            "/api\\auth\\verify",
            "%2Fapi%2Fauth%2Fverify",
    })
    void everySpellingOfVerifyIsGeneralThenStrictAuth(String target) {
        assertEquals(List.of(Limiter.GENERAL_API, Limiter.STRICT_AUTH), RequestPaths.limitersFor(target), target);
    }

    @ParameterizedTest
    @CsvSource({
            "/api/auth/login, general-api login",
            "/API/AUTH/LOGIN/, general-api login",
            "/api/vault/unlock, general-api vault-unlock",
            "/api/vault/Unlock//, general-api vault-unlock",
            "/api/vault/recover, general-api recovery",
            "/api/vault/recover%3Fx, general-api",
            "/api/auth/sessions, general-api sessions",
            "/API/Auth/Sessions/, general-api sessions",
            "/api/auth/sessions/0b7e0c36-7d1c-4d1e-9d55-7f6a2c1e9a10, general-api sessions",
            "/api/auth/sessions/a/b, general-api sessions",
            "/api/auth/sessionsx, general-api",
            "/api, general-api",
            "/api/, general-api",
            "/API, general-api",
            "/api/auth/me, general-api",
            "/api/auth/verify/extra, general-api",
            "/api/anything/at/all, general-api",
            "/api/admin/users, general-api",
            "/api/internal/metrics/wake, general-api",
            "/health, ''",
            "/, ''",
            "/apix, ''",
            "/apiauth/verify, ''",
            "/static/api/auth/verify, ''",
    })
    void limitersByPath(String target, String expected) {
        List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(" "));
        assertEquals(want, RequestPaths.limitersFor(target), target);
    }

    @ParameterizedTest
    @CsvSource({
            "'', /",
            "/, /",
            "/a/b/, /a/b",
            "/a/%zz/b, /a/%zz/b",
            "/a/%e2%82%ac, /a/€",
            "/../../etc, /etc",
            "/A/%41, /a/a",
    })
    void normalForm(String raw, String normal) {
        assertEquals(normal, RequestPaths.normalize(raw));
    }
}
