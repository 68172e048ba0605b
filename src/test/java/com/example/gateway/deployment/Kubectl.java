package com.example.gateway.deployment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the kubectl on the PATH, where there is one. */
final class Kubectl {

    private Kubectl() {
    }

    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
            .map(directory -> Path.of(directory, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst();
    }

    /** The objects {@code kubectl kustomize} renders for the directory, or why it could not. */
    static Rendering kustomize(Path kubectl, Path directory) {
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", directory.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Rendering(List.of(), "kubectl kustomize took longer than 60 s");
            }
            if (process.exitValue() != 0) {
                return new Rendering(List.of(), "kubectl kustomize failed: " + errors.join());
            }
            return new Rendering(ProjectFiles.parseYamlDocuments(output.join()), null);
        }
        catch (IOException ex) {
            return new Rendering(List.of(), "kubectl could not run: " + ex.getMessage());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Rendering(List.of(), "interrupted");
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            return "";
        }
    }

    /** Rendered objects, or the reason there are none. */
    record Rendering(List<Node> objects, String failure) {

        private static final List<String> NETWORK_ERRORS = List.of("dial tcp", "no such host", "i/o timeout",
                "connection refused", "network is unreachable", "TLS handshake", "took longer than");

        /** Whether kubectl failed for lack of network rather than because of the manifests. */
        boolean isNetworkFailure() {
            return failure != null && NETWORK_ERRORS.stream().anyMatch(failure::contains);
        }
    }
}
