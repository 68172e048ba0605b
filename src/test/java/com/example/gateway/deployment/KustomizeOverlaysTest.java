package com.example.gateway.deployment;

class KustomizeOverlaysTest extends OverlayContract {

    @Override
    Manifests render(String overlay) {
        return new Manifests(Kustomize.build(ProjectFiles.path("k8s/overlays/" + overlay)));
    }
}
