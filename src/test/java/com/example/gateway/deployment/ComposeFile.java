package com.example.gateway.deployment;

import java.util.LinkedHashMap;
import java.util.Map;

/** docker-compose.yml, with the services that run the gateway's image picked out. */
record ComposeFile(Node root) {

    private static final String GATEWAY_IMAGE = "modelslab-gateway:local";

    static ComposeFile ofProject() {
        return new ComposeFile(ProjectFiles.yaml("docker-compose.yml"));
    }

    Map<String, Node> services() {
        return root.entries("services");
    }

    Node service(String name) {
        return root.get("services", name);
    }

    Map<String, Node> gateways() {
        Map<String, Node> gateways = new LinkedHashMap<>(services());
        gateways.values().removeIf(service -> !GATEWAY_IMAGE.equals(service.text("image")));
        return gateways;
    }
}
