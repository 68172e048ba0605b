package com.example.gateway.deployment;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same rules on kubectl's own rendering. Skipped where kubectl is missing or cannot fetch what it needs; any other
 * failure of {@code kubectl kustomize} is a broken kustomization and fails.
 */
class KubectlKustomizeOverlaysTest extends OverlayContract {

    private static final Map<String, Kubectl.Rendering> RENDERINGS = new ConcurrentHashMap<>();

    @Override
    Manifests render(String overlay) {
        Path kubectl = Kubectl.find().orElse(null);
        assumeTrue(kubectl != null, "kubectl is not installed");
        Kubectl.Rendering rendering = RENDERINGS.computeIfAbsent(overlay,
                name -> Kubectl.kustomize(kubectl, ProjectFiles.path("k8s/overlays/" + name)));
        if (rendering.failure() != null) {
            assumeTrue(!rendering.isNetworkFailure(), rendering::failure);
            fail(rendering.failure());
        }
        return new Manifests(rendering.objects());
    }
}
