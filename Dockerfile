# syntax=docker/dockerfile:1

# Build: the Maven wrapper on a JDK. The POM and wrapper come first, so their dependency layer is reused until the
# POM changes; a source-only change rebuilds from the COPY of src/ on.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -q dependency:go-offline
COPY src/main/ src/main/
# Tests need PostgreSQL and run in CI (./mvnw verify); the image build only packages what CI has tested.
RUN ./mvnw -B -q package -Dmaven.test.skip=true \
 && java -Djarmode=tools -jar target/modelslab-gateway-*.jar extract --layers --launcher --destination target/extracted

# Run: a JRE only, no build tools.
FROM eclipse-temurin:25-jre
# A fixed numeric uid, so Kubernetes' runAsNonRoot can check it and the manifests can name it.
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home --shell /usr/sbin/nologin gateway
WORKDIR /app
# Layers from least to most often changed: a code change ships only the last one. The files stay root-owned, so the
# application cannot rewrite itself.
COPY --from=build /workspace/target/extracted/dependencies/ ./
COPY --from=build /workspace/target/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/target/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/target/extracted/application/ ./
USER 10001:10001
# The API listens on 8080 (server.port); actuator (health groups, Prometheus) on its own port, so network policy can
# keep it from API clients. The heap follows the container's memory limit instead of the node's memory; the JVM
# exits on OutOfMemoryError so the orchestrator restarts it rather than leaving a half-working process; Netty may
# load its native transport without JDK 25 printing plain-text warnings into the JSON log. Setting
# JAVA_TOOL_OPTIONS replaces these flags.
ENV MANAGEMENT_SERVER_PORT=8081 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
EXPOSE 8080 8081
# The JRE image has neither curl nor wget, so bash's /dev/tcp asks the readiness group (which includes the
# database). Kubernetes ignores this and uses the probes in k8s/base/deployment.yaml.
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_SERVER_PORT} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1.[01] 200'"]
# Exec form: the JVM is PID 1 and receives SIGTERM itself, which starts Spring's graceful shutdown.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
