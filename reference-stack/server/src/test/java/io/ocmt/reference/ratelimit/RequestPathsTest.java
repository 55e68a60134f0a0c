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
    void everySpellingOfVerifyIsStrictAuthPlusGeneral(String target) {
        assertEquals(List.of(Limiter.STRICT_AUTH, Limiter.GENERAL_API), RequestPaths.limitersFor(target), target);
    }

    @ParameterizedTest
    @CsvSource({
            "/api/auth/login, strictAuth generalApi",
            "/API/AUTH/LOGIN/, strictAuth generalApi",
            "/api/vault/unlock, vaultUnlock generalApi",
            "/api/vault/Unlock//, vaultUnlock generalApi",
            "/api/vault/recover, recovery generalApi",
            "/api/vault/recover%3Fx, generalApi",
            "/api, generalApi",
            "/api/, generalApi",
            "/API, generalApi",
            "/api/auth/me, generalApi",
            "/api/auth/verify/extra, generalApi",
            "/api/anything/at/all, generalApi",
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
