package io.ocmt.verify.jenkins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * JenkinsfileTest is only worth something if it notices a rule going missing: each case here takes
 * one rule out of a copy of the Jenkinsfile and runs JenkinsfileTest on it, which must fail. A case
 * whose text is no longer in the Jenkinsfile fails too, naming it: when the Jenkinsfile changes, the
 * mutation is brought along, so a rule never leaves this list unnoticed.
 */
class JenkinsfileMutationTest {

    private static final Path JENKINSFILE = Path.of("Jenkinsfile").toAbsolutePath();

    /** A rule and how to take it out: {@code find} (exactly once in the Jenkinsfile) becomes {@code replace}. */
    record Mutation(String rule, String find, String replace) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<Mutation> mutations() {
        return Stream.of(
                // (a) a failing control is UNSTABLE, (b) a broken run FAILURE
                new Mutation("a failing control makes the build UNSTABLE", "        unstable(judged[1])\n", "        echo(judged[1])\n"),
                new Mutation("exit 2 and 3 fail the build", """
                            } else if (judged[0] == 'FAILURE') {
                                error(judged[1])
                            } else {
                        """, "    } else {\n"),
                new Mutation("exit 3 says what was not verified", "Checks were not verified and not allowed", "Checks were not judged"),
                new Mutation("the exit status is read, not thrown", "status = sh(returnStatus: true, label:", "status = sh(label:"),
                new Mutation("exit 1 without failsafe results is a broken build", "fileExists('target/failsafe-reports/failsafe-summary.xml')",
                        "true"),
                new Mutation("earlier results are removed before the run",
                        "    sh label: 'Remove earlier results', script: \"rm -rf target reports/${target}\"\n", ""),
                // (c) credentials per environment
                new Mutation("the suite runs inside withCredentials", "withCredentials(credentialBindings(target)) {", "if (true) {"),
                // (d) post always removes the stack
                new Mutation("post always removes the stack", "                            removeStacks()\n", ""),
                new Mutation("the matrix post runs always", "                    always {\n", "                    success {\n"),
                new Mutation("the matrix's post section", """
                                        post {
                                            always {
                                                script {
                                                    removeStacks()
                                                    publish(env.TARGET)
                                                }
                                            }
                                        }
                        """, ""),
                // (e) JUnit from failsafe, archives
                new Mutation("JUnit reads failsafe's reports only", "'target/failsafe-reports/TEST-*.xml'", "'target/*-reports/TEST-*.xml'"),
                new Mutation("the reports are archived",
                        "    archiveArtifacts allowEmptyArchive: true, artifacts: \"reports/${target}/**, target/jenkins/${target}/**\"\n", ""),
                new Mutation("the sign-off summary is archived", "\"reports/${target}/**, ", "\"reports/${target}/*.html, "),
                new Mutation("the stack logs are collected", "        [ ! -d target/reference-stack ] ||", "        true ||"),
                new Mutation("the Allure results are collected", "cp -R target/allure-results", "true target/allure-results"),
                // (f) nightly and the deploy job
                new Mutation("the nightly verifies production only", """
                            if (nightly()) {
                                return target == 'production'
                            }
                        """, ""),
                new Mutation("the nightly is non-destructive", "        args << '-Docmt.grants.destructive=false'\n", ""),
                new Mutation("the nightly is scheduled", "        cron(env.BRANCH_NAME in [null, 'main'] ? 'H 2 * * *' : '')\n", ""),
                new Mutation("RELEASE reaches -Docmt.expectRelease", "        args << \"-Docmt.expectRelease=${release()}\"\n", ""),
                new Mutation("the deploy job must pass RELEASE", """
                            if (afterDeploy() && !release) {
                        """, "    if (false) {\n"),
                new Mutation("parameters are checked before any agent", "                    checkParameters()\n", ""),
                new Mutation("the Parameters stage", """
                                stage('Parameters') {
                                    steps {
                                        script {
                                            checkParameters()
                                        }
                                    }
                                }

                        """, ""),
                new Mutation("production is not the default target", "choices: ['staging', 'production',", "choices: ['production', 'staging',"),
                new Mutation("self-tests run on the reference stack only", "        args << '-DexcludedGroups=selftest'\n", ""),
                // (g) tools, Allure, matrix
                new Mutation("tools { jdk } in the matrix", "                tools { jdk 'jdk-17' }\n", ""),
                new Mutation("the named Allure tool publishes", "        allure commandline: 'allure-2.34',", "        echo commandline: 'allure-2.34',"),
                new Mutation("the matrix covers every environment", "values 'staging', 'production', 'reference'", "values 'staging', 'production'"),
                new Mutation("a skipped cell takes no agent", "                    beforeAgent true\n", ""),
                new Mutation("cells run on docker agents", "                agent { label 'docker' }\n", "                agent any\n"),
                new Mutation("no two builds at once", "        disableConcurrentBuilds()\n", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void jenkinsfileTestFailsWithoutTheRule(Mutation mutation, @TempDir Path dir) throws IOException {
        String original = Files.readString(JENKINSFILE);
        assertThat(occurrences(original, mutation.find()))
                .as("the text of rule '%s' once in the Jenkinsfile (changed? bring this mutation along)", mutation.rule())
                .isEqualTo(1);
        Path mutant = dir.resolve("Jenkinsfile");
        Files.writeString(mutant, original.replace(mutation.find(), mutation.replace()));
        // A mutant that does not compile fails every test and proves nothing about its rule: this throws.
        Build.of(mutant);

        List<String> failed = failedTests(mutant);

        assertThat(failed).as("JenkinsfileTest's failures without '%s'", mutation.rule()).isNotEmpty();
        System.out.printf("without '%s': JenkinsfileTest fails at %s%n", mutation.rule(), failed.get(0));
    }

    private static List<String> failedTests(Path jenkinsfile) {
        List<Event> events = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(JenkinsfileTest.class))
                .configurationParameter(JenkinsfileTest.FILE_PARAMETER, jenkinsfile.toString())
                // One failure is enough: the mutant is caught, and the run costs less.
                .configurationParameter(JenkinsfileTest.FAIL_FAST_PARAMETER, "true")
                .execute()
                .allEvents()
                .list();
        return events.stream()
                .filter(e -> e.getType() == EventType.FINISHED)
                .filter(e -> e.getPayload(TestExecutionResult.class).map(r -> r.getStatus() == TestExecutionResult.Status.FAILED)
                        .orElse(false))
                .map(e -> e.getTestDescriptor().getLegacyReportingName())
                .toList();
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
