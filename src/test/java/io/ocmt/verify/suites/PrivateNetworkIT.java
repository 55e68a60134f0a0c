package io.ocmt.verify.suites;

import io.ocmt.verify.config.Policy;
import io.ocmt.verify.config.Target;
import io.ocmt.verify.junit.NotVerified;
import io.ocmt.verify.junit.OcmtSuite;
import io.ocmt.verify.net.PortProbe;
import io.ocmt.verify.report.Checklist;
import io.ocmt.verify.report.Evidence;
import io.ocmt.verify.report.Finding;
import io.ocmt.verify.report.Findings;
import io.ocmt.verify.report.References;
import io.ocmt.verify.report.Remediation;
import io.qameta.allure.Description;
import io.qameta.allure.Epic;
import io.qameta.allure.Feature;
import io.qameta.allure.Link;
import io.qameta.allure.Severity;
import io.qameta.allure.SeverityLevel;
import io.qameta.allure.Story;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checklist "Database on private network only", from outside: the target's public host, at every
 * address its name resolves to, must not accept a connection on PostgreSQL's or Redis's port. Needs
 * no grant: anyone on the internet can try the same.
 */
@Epic(Checklist.EPIC)
@Feature(Checklist.DATABASE)
@Story(Checklist.DB_PRIVATE_NETWORK)
@OcmtSuite
@Tag("privatenetwork")
@DisplayName("Database on a private network only")
public class PrivateNetworkIT {

    @Severity(SeverityLevel.BLOCKER)
    @Link(name = "ASVS 4.0.3 V14 Configuration", url = References.ASVS_V14)
    @Description("A TCP connect to the public host on each port of policy.privateNetwork.ports (PostgreSQL 5432, Redis 6379) "
            + "must be refused or go unanswered. " + Remediation.PRIVATE_NETWORK)
    @Test
    @DisplayName("PostgreSQL and Redis do not answer on the public host")
    void databasePortsClosedOnPublicHost(Target target, Policy policy) {
        Policy.PrivateNetworkPolicy p = policy.privateNetwork();
        String host = p.host() != null ? p.host() : target.https("/").getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw NotVerified.because(NotVerified.PREFIX + "the public host " + host + " does not resolve from this runner");
        }
        List<PortProbe.Result> results = new ArrayList<>();
        for (InetAddress address : addresses) {
            for (int port : p.ports()) {
                results.add(PortProbe.probe(address, port, p.connectTimeoutMs()));
            }
        }
        Evidence.attach("Connects to " + host + " (" + p.connectTimeoutMs() + " ms each)",
                results.stream().map(PortProbe.Result::describe).collect(Collectors.joining("\n")));
        Findings.assertNone(results.stream().filter(r -> r.state() == PortProbe.State.OPEN)
                .map(r -> new Finding("Database on private network only", "TCP " + host + " (" + r.address().getHostAddress() + ") port " + r.port(),
                        "the connection refused or unanswered", r.describe() + ": the data store is reachable from the public address"))
                .toList());
    }
}
