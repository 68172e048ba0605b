package com.example.gateway;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the feature packages apart: feature packages, the shared error dialect ({@code errors}), cross-cutting web
 * plumbing ({@code web}) and configuration beans ({@code config}), with no cycles between them.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.example.gateway");

    @Test
    void theRootPackageHoldsOnlyTheApplicationClass() {
        classes().that().resideInAPackage("com.example.gateway")
            .should().haveSimpleName("GatewayApplication")
            .check(CLASSES);
    }

    @Test
    void featurePackagesDoNotDependOnEachOtherInCycles() {
        slices().matching("com.example.gateway.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void onlyTheModelsLabPackageTalksHttpToModelsLab() {
        noClasses().that().resideOutsideOfPackage("com.example.gateway.modelslab..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.web.reactive.function.client..",
                    "reactor.netty..")
            .check(CLASSES);
    }

    @Test
    void nothingDependsOnTheSimulator() {
        noClasses().that().resideOutsideOfPackage("com.example.gateway.simulator..")
            .should().dependOnClassesThat().resideInAPackage("com.example.gateway.simulator..")
            .check(CLASSES);
    }

    @Test
    void theProductionCodeCarriesNoDatabaseLauncher() {
        // The local run's embedded PostgreSQL lives in src/test (TestGatewayApplication); its package must not come
        // back to src/main, where it would ship in the jar.
        noClasses().should().resideInAPackage("com.example.gateway.localdb..")
            .allowEmptyShould(true)
            .check(CLASSES);
    }

    @Test
    void theWebLayerDoesNotReachIntoFeatures() {
        noClasses().that().resideInAPackage("com.example.gateway.web..")
            .should().dependOnClassesThat().resideInAnyPackage("com.example.gateway.proxy..",
                    "com.example.gateway.tenant..", "com.example.gateway.quota..", "com.example.gateway.ledger..",
                    "com.example.gateway.report..")
            .check(CLASSES);
    }

    @Test
    void theErrorDialectDependsOnNoOtherPackageOfTheGateway() {
        noClasses().that().resideInAPackage("com.example.gateway.errors..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("com.example.gateway..")
                .and(JavaClass.Predicates.resideOutsideOfPackage("com.example.gateway.errors..")))
            .check(CLASSES);
    }

    @Test
    void onlyTheControllerAndItsAnswerWriterSeeTheServletRequest() {
        noClasses().that().resideInAPackage("com.example.gateway.proxy..")
            .and().doNotHaveSimpleName("ImageController").and().doNotHaveSimpleName("AsyncAnswers")
            .should().dependOnClassesThat().resideInAPackage("jakarta.servlet..")
            .check(CLASSES);
    }

    @Test
    void theQuotaRowKnowsNothingOfTheLedgerTheCallPathOrItsListeners() {
        noClasses().that().resideInAPackage("com.example.gateway.quota..")
            .should().dependOnClassesThat().resideInAnyPackage("com.example.gateway.ledger..",
                    "com.example.gateway.proxy..", "com.example.gateway.idempotency..", "com.example.gateway.alert..",
                    "com.example.gateway.report..", "com.example.gateway.web..")
            .check(CLASSES);
    }

    @Test
    void theLedgerKnowsNothingOfTheCallPathOrItsListeners() {
        noClasses().that().resideInAPackage("com.example.gateway.ledger..")
            .should().dependOnClassesThat().resideInAnyPackage("com.example.gateway.proxy..",
                    "com.example.gateway.idempotency..", "com.example.gateway.alert..", "com.example.gateway.web..")
            .check(CLASSES);
    }

    @Test
    void featuresMeetTheErrorDialectInItsOwnPackageNotInWeb() {
        noClasses().that().resideInAnyPackage("com.example.gateway.tenant..", "com.example.gateway.quota..",
                "com.example.gateway.ledger..", "com.example.gateway.idempotency..", "com.example.gateway.alert..",
                "com.example.gateway.modelslab..")
            .should().dependOnClassesThat().resideInAPackage("com.example.gateway.web..")
            .check(CLASSES);
    }

    @Test
    void nothingDependsOnTheConsole() {
        // The console is a client of the features, in the same process: it calls their public classes, and none of
        // them may know that it exists.
        noClasses().that().resideOutsideOfPackage("com.example.gateway.console..")
            .should().dependOnClassesThat().resideInAPackage("com.example.gateway.console..")
            .check(CLASSES);
    }

    @Test
    void onlyTheConsoleUsesSpringSecurity() {
        // The API's routes keep their own Bearer-token checks; Spring Security guards the console alone.
        noClasses().that().resideOutsideOfPackage("com.example.gateway.console..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework.security..")
            .check(CLASSES);
    }

    @Test
    void theOutboundTargetGuardDependsOnNoFeature() {
        noClasses().that().resideInAPackage("com.example.gateway.outbound..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("com.example.gateway..")
                .and(JavaClass.Predicates.resideOutsideOfPackage("com.example.gateway.outbound..")))
            .check(CLASSES);
    }
}
