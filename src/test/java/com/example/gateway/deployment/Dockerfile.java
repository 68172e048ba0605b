package com.example.gateway.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Dockerfile read as the builder reads it: comment lines dropped, continued lines joined, instructions grouped by
 * stage, leading {@code --flags} split off. Heredocs are not supported; the project's Dockerfile has none.
 */
record Dockerfile(List<Stage> stages) {

    static Dockerfile parse(String text) {
        List<Stage> stages = new ArrayList<>();
        for (String line : logicalLines(text)) {
            Instruction instruction = Instruction.parse(line);
            if (instruction.keyword().equals("FROM")) {
                String[] words = instruction.arguments().split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                stages.add(new Stage(words[0], name, new ArrayList<>()));
            }
            else if (stages.isEmpty()) {
                throw new IllegalStateException("Instruction before the first FROM: " + line);
            }
            else {
                stages.getLast().instructions().add(instruction);
            }
        }
        return new Dockerfile(stages);
    }

    static Dockerfile ofProject() {
        return parse(ProjectFiles.text("Dockerfile"));
    }

    /** The numeric uid the image runs as. */
    int runtimeUid() {
        return Integer.parseInt(finalStage().last("USER").arguments().split(":")[0]);
    }

    /** The port the image's actuator listens on. */
    int managementPort() {
        return Integer.parseInt(finalStage().environment().get(GatewayConfiguration.MANAGEMENT_PORT_VARIABLE));
    }

    Stage finalStage() {
        return stages.getLast();
    }

    Stage stage(String name) {
        return stages.stream()
            .filter(stage -> name.equals(stage.name()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No stage named " + name));
    }

    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            lines.add(current.toString().strip());
            current.setLength(0);
        }
        if (!current.isEmpty()) {
            throw new IllegalStateException("The Dockerfile ends inside a continued line");
        }
        return lines;
    }

    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> matching = all(keyword);
            if (matching.isEmpty()) {
                throw new IllegalStateException("The stage from " + image + " has no " + keyword);
            }
            return matching.getLast();
        }

        int indexOf(Instruction instruction) {
            return instructions.indexOf(instruction);
        }

        /** Every variable the stage's ENV instructions set, in {@code KEY=value} form. */
        Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            for (Instruction env : all("ENV")) {
                for (String pair : env.words()) {
                    int equals = pair.indexOf('=');
                    if (equals < 0) {
                        throw new IllegalStateException("ENV without '=' is not supported: " + env.arguments());
                    }
                    environment.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
            return environment;
        }
    }

    record Instruction(String keyword, Map<String, String> flags, String arguments) {

        static Instruction parse(String line) {
            String[] parts = line.split("\\s+", 2);
            String rest = parts.length > 1 ? parts[1] : "";
            Map<String, String> flags = new LinkedHashMap<>();
            while (rest.startsWith("--")) {
                String[] flagAndRest = rest.split("\\s+", 2);
                String flag = flagAndRest[0].substring(2);
                int equals = flag.indexOf('=');
                flags.put(equals < 0 ? flag : flag.substring(0, equals), equals < 0 ? "" : flag.substring(equals + 1));
                rest = flagAndRest.length > 1 ? flagAndRest[1] : "";
            }
            return new Instruction(parts[0].toUpperCase(), flags, rest);
        }

        boolean isExecForm() {
            return arguments.startsWith("[");
        }

        /** The JSON array of an exec-form instruction (ENTRYPOINT, CMD, or HEALTHCHECK after its CMD keyword). */
        List<String> execForm() {
            String json = keyword.equals("HEALTHCHECK") ? arguments.replaceFirst("^CMD\\s+", "") : arguments;
            return JsonMapper.shared().readValue(json, new TypeReference<List<String>>() {
            });
        }

        /** Whitespace-separated words, with double-quoted parts kept together and their quotes removed. */
        List<String> words() {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            for (char c : arguments.toCharArray()) {
                if (c == '"') {
                    quoted = !quoted;
                }
                else if (Character.isWhitespace(c) && !quoted) {
                    if (!word.isEmpty()) {
                        words.add(word.toString());
                        word.setLength(0);
                    }
                }
                else {
                    word.append(c);
                }
            }
            if (!word.isEmpty()) {
                words.add(word.toString());
            }
            return words;
        }
    }
}
