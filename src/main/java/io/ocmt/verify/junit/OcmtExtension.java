package io.ocmt.verify.junit;

import io.ocmt.verify.auth.AuthClient;
import io.ocmt.verify.config.ConfigException;
import io.ocmt.verify.config.Grants;
import io.ocmt.verify.config.Environments;
import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.config.Targets;
import io.ocmt.verify.http.Http;
import io.ocmt.verify.mail.Mailbox;
import io.ocmt.verify.mail.MailboxConfig;
import io.ocmt.verify.mail.Mailboxes;
import io.ocmt.verify.report.EnvironmentWidget;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link Target}, {@link Http} and {@link Policy} parameters. The target lives in the root
 * store: opened at first use (starting the reference stack if the environment is embedded), shared
 * by every suite, closed by JUnit when the run ends. A target that cannot be opened is remembered,
 * so every later test fails at once with the same one-line reason instead of timing out again.
 *
 * <p>Configuration parameter {@value #SWITCHES} (comma list) asks for a reference stack with those
 * controls broken; self-tests set it when they run a suite against a broken stack.
 */
public final class OcmtExtension implements ParameterResolver {

    public static final String SWITCHES = "ocmt.reference.switches";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OcmtExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Target.class || type == Http.class || type == Policy.class || type == AuthClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Target target = target(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == Http.class) {
            return Http.to(target);
        }
        if (type == AuthClient.class) {
            // One per test (or test factory): closing it revokes every session the test made.
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(AuthClient.class,
                    k -> new Closing<>(new AuthClient(Http.to(target), mailbox(context, target))), Closing.class).value();
        }
        return type == Policy.class ? target.policy() : target;
    }

    /** The run's one mailbox, from the environment's grant; closed when the run ends. */
    private static Mailbox mailbox(ExtensionContext context, Target target) {
        Grants.Mailbox grant = target.environment().grants().mailbox();
        Grant.MAILBOX.missing(target.environment()).ifPresent(reason -> {
            throw new ParameterResolutionException(reason);
        });
        Closing<?> opened = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("mailbox:" + target.httpsUrl(), k -> {
            String password = grant.passwordSecret() == null ? "" : target.secrets().require(grant.passwordSecret());
            return new Closing<>(Mailboxes.open(new MailboxConfig(grant.type(), grant.host(), grant.port(), grant.tls(),
                    grant.username(), password, grant.baseAddress(), grant.mailpitUrl(), grant.loginAsRecipient())));
        }, Closing.class);
        return (Mailbox) opened.value();
    }

    /** Puts an AutoCloseable in a store so JUnit closes it with the store, on every JUnit version. */
    @SuppressWarnings("deprecation")
    record Closing<T extends AutoCloseable>(T value) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            value.close();
        }
    }

    public static Target target(ExtensionContext context) {
        Set<String> switches = new TreeSet<>();
        context.getConfigurationParameter(SWITCHES).ifPresent(v ->
                Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(switches::add));
        OpenedTarget opened = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("target:" + switches, k -> OpenedTarget.open(switches), OpenedTarget.class);
        return opened.get();
    }

    /** The outcome of opening a target, success or failure, kept for the whole run. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable after.
    static final class OpenedTarget implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Targets.Opened opened;
        private final RuntimeException failure;

        private OpenedTarget(Targets.Opened opened, RuntimeException failure) {
            this.opened = opened;
            this.failure = failure;
        }

        static OpenedTarget open(Set<String> switches) {
            try {
                Targets.Opened opened = Targets.open(Environments.fromSystem(), switches, Environments.projectDir());
                if (switches.isEmpty()) {
                    EnvironmentWidget.write(opened.target());
                }
                return new OpenedTarget(opened, null);
            } catch (ConfigException e) {
                return new OpenedTarget(null, e);
            } catch (RuntimeException e) {
                return new OpenedTarget(null, new ConfigException("Cannot open the target: " + e.getMessage(), e));
            }
        }

        Target get() {
            if (failure != null) {
                throw new ParameterResolutionException(failure.getMessage(), failure);
            }
            return opened.target();
        }

        @Override
        public void close() throws Exception {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
