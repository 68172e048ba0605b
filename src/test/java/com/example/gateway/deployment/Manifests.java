package com.example.gateway.deployment;

import java.util.List;
import java.util.Map;

/** The objects a kustomization renders, looked up by kind and name. */
record Manifests(List<Node> objects) {

    List<Node> all(String kind) {
        return objects.stream().filter(object -> kind.equals(object.kind())).toList();
    }

    /** The one object of the kind; fails when there is none or more than one. */
    Node one(String kind) {
        List<Node> matching = all(kind);
        if (matching.size() != 1) {
            throw new AssertionError("Expected one " + kind + ", found " + matching.size());
        }
        return matching.getFirst();
    }

    Node named(String kind, String name) {
        return all(kind).stream()
            .filter(object -> name.equals(object.name()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No " + kind + " named " + name));
    }

    Node deployment() {
        return one("Deployment");
    }

    Node podSpec() {
        return deployment().get("spec", "template", "spec");
    }

    Node gatewayContainer() {
        return podSpec().list("containers").getFirst();
    }

    Map<String, String> podLabels() {
        return deployment().strings("spec", "template", "metadata", "labels");
    }

    /** The ConfigMap the gateway container takes its environment from. */
    Node gatewayConfigMap() {
        List<Node> references = gatewayContainer().list("envFrom");
        if (references.size() != 1 || !references.getFirst().get("configMapRef").exists()) {
            throw new AssertionError("Expected the container to take its environment from one ConfigMap");
        }
        return named("ConfigMap", references.getFirst().text("configMapRef", "name"));
    }

    /** The named container port's number. */
    int containerPort(String name) {
        return gatewayContainer().list("ports")
            .stream()
            .filter(port -> name.equals(port.text("name")))
            .findFirst()
            .map(port -> port.integer("containerPort"))
            .orElseThrow(() -> new AssertionError("The container has no port named " + name));
    }

    /** The pod labels the NetworkPolicy lets the gateway reach PostgreSQL on. */
    Map<String, String> databaseEgressSelector() {
        return one("NetworkPolicy").list("spec", "egress")
            .stream()
            .filter(rule -> rule.list("ports").stream().anyMatch(port -> "5432".equals(port.text("port"))))
            .map(rule -> rule.list("to").getFirst().strings("podSelector", "matchLabels"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No egress rule for PostgreSQL"));
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }
}
