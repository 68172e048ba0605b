package com.example.gateway.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a kustomization as {@code kubectl kustomize} does, for the features k8s/ uses, so the manifest tests run on
 * machines without kubectl: resources and components, configMapGenerator (create and merge, literals, labels),
 * patches by path (strategic merge, with lists of named items merged by name), images and namespace. Generated names
 * get no content hash. A field outside that set fails the build, so a manifest cannot outgrow these tests unnoticed;
 * where kubectl is installed, {@link KubectlKustomizeOverlaysTest} checks the same rules on its output.
 */
final class Kustomize {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "components",
            "configMapGenerator", "patches", "images", "namespace");

    private Kustomize() {
    }

    static List<Node> build(Path directory) {
        return accumulate(directory, new ArrayList<>()).stream().map(Node::new).toList();
    }

    /** The files a kustomization names: resources, components and patches. */
    static List<Path> references(Path directory) {
        Node kustomization = kustomization(directory);
        List<Path> references = new ArrayList<>();
        kustomization.list("resources").forEach(resource -> references.add(directory.resolve(resource.text())));
        kustomization.list("components").forEach(component -> references.add(directory.resolve(component.text())));
        kustomization.list("patches").forEach(patch -> references.add(directory.resolve(patch.text("path"))));
        return references.stream().map(Path::normalize).toList();
    }

    static Node kustomization(Path directory) {
        return ProjectFiles.yamlDocuments(directory.resolve("kustomization.yaml")).getFirst();
    }

    private static List<Map<String, Object>> accumulate(Path directory, List<Map<String, Object>> objects) {
        Node kustomization = kustomization(directory);
        Set<String> unsupported = new TreeSet<>(kustomization.entries().keySet());
        unsupported.removeAll(SUPPORTED);
        if (!unsupported.isEmpty()) {
            throw new IllegalStateException(directory + " uses " + unsupported + ", which Kustomize (the test's) "
                    + "does not model: extend it or check that feature another way");
        }
        for (Node resource : kustomization.list("resources")) {
            Path path = directory.resolve(resource.text()).normalize();
            objects.addAll(Files.isDirectory(path) ? accumulate(path, new ArrayList<>()) : load(path));
        }
        for (Node component : kustomization.list("components")) {
            accumulate(directory.resolve(component.text()).normalize(), objects);
        }
        kustomization.list("configMapGenerator").forEach(generator -> generate(generator, objects));
        for (Node patch : kustomization.list("patches")) {
            Path path = directory.resolve(patch.text("path")).normalize();
            for (Map<String, Object> document : load(path)) {
                strategicMerge(target(objects, new Node(document), path), document);
            }
        }
        kustomization.list("images").forEach(image -> objects.forEach(object -> setImage(object, image)));
        String namespace = kustomization.text("namespace");
        if (namespace != null) {
            objects.stream()
                .filter(object -> !"Namespace".equals(object.get("kind")))
                .forEach(object -> map(object, "metadata").put("namespace", namespace));
        }
        return objects;
    }

    private static void generate(Node generator, List<Map<String, Object>> objects) {
        String name = generator.text("name");
        Map<String, Object> literals = new LinkedHashMap<>();
        for (Node literal : generator.list("literals")) {
            String[] keyAndValue = literal.text().split("=", 2);
            literals.put(keyAndValue[0], keyAndValue[1]);
        }
        String behavior = generator.text("behavior") == null ? "create" : generator.text("behavior");
        switch (behavior) {
            case "create" -> {
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("name", name);
                if (generator.get("options", "labels").exists()) {
                    metadata.put("labels", new LinkedHashMap<>(generator.strings("options", "labels")));
                }
                Map<String, Object> configMap = new LinkedHashMap<>();
                configMap.put("apiVersion", "v1");
                configMap.put("kind", "ConfigMap");
                configMap.put("metadata", metadata);
                configMap.put("data", literals);
                objects.add(configMap);
            }
            case "merge" -> map(target(objects, "ConfigMap", name), "data").putAll(literals);
            default -> throw new IllegalStateException("configMapGenerator behavior " + behavior + " is not modelled");
        }
    }

    private static Map<String, Object> target(List<Map<String, Object>> objects, Node patch, Path source) {
        try {
            return target(objects, patch.kind(), patch.name());
        }
        catch (IllegalStateException ex) {
            throw new IllegalStateException("Patch " + source + ": " + ex.getMessage(), ex);
        }
    }

    private static Map<String, Object> target(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream()
            .filter(object -> kind.equals(object.get("kind")) && name.equals(new Node(object).name()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no " + kind + " named " + name + " to apply it to"));
    }

    @SuppressWarnings("unchecked")
    private static void strategicMerge(Map<String, Object> target, Map<String, Object> patch) {
        patch.forEach((key, value) -> {
            Object current = target.get(key);
            if (current instanceof Map<?, ?> currentMap && value instanceof Map<?, ?> patchMap) {
                strategicMerge((Map<String, Object>) currentMap, (Map<String, Object>) patchMap);
            }
            else if (current instanceof List<?> currentList && value instanceof List<?> patchList
                    && allNamed(currentList) && allNamed(patchList)) {
                mergeByName((List<Object>) currentList, (List<Object>) patchList);
            }
            else {
                target.put(key, value);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static void mergeByName(List<Object> current, List<Object> patch) {
        for (Object item : patch) {
            Object name = ((Map<String, Object>) item).get("name");
            current.stream()
                .map(existing -> (Map<String, Object>) existing)
                .filter(existing -> name.equals(existing.get("name")))
                .findFirst()
                .ifPresentOrElse(existing -> strategicMerge(existing, (Map<String, Object>) item),
                        () -> current.add(item));
        }
    }

    private static boolean allNamed(List<?> items) {
        return items.stream().allMatch(item -> item instanceof Map<?, ?> map && map.containsKey("name"));
    }

    @SuppressWarnings("unchecked")
    private static void setImage(Map<String, Object> object, Node image) {
        Node podSpec = new Node(object).get("spec", "template", "spec");
        for (String containers : List.of("containers", "initContainers")) {
            for (Node container : podSpec.list(containers)) {
                String current = container.text("image");
                String repository = current.replaceFirst("[@:][^/]*$", "");
                if (repository.equals(image.text("name"))) {
                    String newName = image.text("newName") == null ? repository : image.text("newName");
                    String reference = image.text("digest") != null ? "@" + image.text("digest")
                            : image.text("newTag") != null ? ":" + image.text("newTag") : "";
                    ((Map<String, Object>) container.value()).put("image", newName + reference);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Listed in a kustomization but missing: " + file);
        }
        return ProjectFiles.yamlDocuments(file).stream().map(node -> (Map<String, Object>) node.value()).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.computeIfAbsent(key, absent -> new LinkedHashMap<>());
    }
}
