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
    void theLocalDatabaseLauncherIsUsedByNoFeature() {
        noClasses().that().resideOutsideOfPackage("com.example.gateway.localdb..")
            .should().dependOnClassesThat().resideInAPackage("com.example.gateway.localdb..")
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
    void theOutboundTargetGuardDependsOnNoFeature() {
        noClasses().that().resideInAPackage("com.example.gateway.outbound..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("com.example.gateway..")
                .and(JavaClass.Predicates.resideOutsideOfPackage("com.example.gateway.outbound..")))
            .check(CLASSES);
    }
}
