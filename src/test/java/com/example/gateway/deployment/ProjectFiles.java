package com.example.gateway.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.json.JsonMapper;

/** Reads the repository's shipping files: Maven runs the tests with the project root as working directory. */
final class ProjectFiles {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    private ProjectFiles() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative).normalize();
    }

    static String text(String relative) {
        return read(path(relative));
    }

    static Node yaml(String relative) {
        List<Node> documents = yamlDocuments(path(relative));
        if (documents.size() != 1) {
            throw new IllegalStateException(relative + " holds " + documents.size() + " YAML documents, expected one");
        }
        return documents.getFirst();
    }

    static List<Node> yamlDocuments(Path file) {
        return parseYamlDocuments(read(file));
    }

    static List<Node> parseYamlDocuments(String text) {
        List<Node> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
            if (document != null) {
                documents.add(new Node(document));
            }
        }
        return documents;
    }

    static Node json(String relative) {
        return new Node(JsonMapper.shared().readValue(text(relative), Map.class));
    }

    /** Every YAML file under the directory, in a stable order. */
    static List<Path> yamlFilesUnder(String relative) {
        try (Stream<Path> files = Files.walk(path(relative))) {
            return files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                .sorted()
                .toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read " + ROOT.relativize(file), ex);
        }
    }
}
