package com.example.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor (on the compiler's processor path in the pom) writes IDE metadata for every properties
 * record; without it the build still passes, so this is what notices it missing.
 */
class ConfigurationMetadataTest {

    @Test
    void everyPropertiesRecordOfTheGatewayHasIdeMetadata() throws IOException {
        JsonNode metadata = metadata();
        List<String> groups = StreamSupport.stream(metadata.get("groups").spliterator(), false)
            .map(group -> group.get("name").asString())
            .toList();

        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<String> prefixes = scanner.findCandidateComponents("com.example.gateway")
            .stream()
            .map(BeanDefinition::getBeanClassName)
            .map(ConfigurationMetadataTest::prefixOf)
            .toList();

        assertThat(prefixes).contains("modelslab", "gateway", "gateway.quota", "gateway.pricing");
        assertThat(groups).containsAll(prefixes);
    }

    @Test
    void defaultsAndJavadocReachTheMetadata() throws IOException {
        Map<String, JsonNode> properties = StreamSupport.stream(metadata().get("properties").spliterator(), false)
            .collect(Collectors.toMap(property -> property.get("name").asString(), property -> property));

        JsonNode responseTimeout = properties.get("modelslab.response-timeout");
        assertThat(responseTimeout.get("type").asString()).isEqualTo("java.time.Duration");
        assertThat(responseTimeout.get("defaultValue").asString()).isEqualTo("120s");
        assertThat(responseTimeout.get("description").asString())
            .isEqualTo("time to wait for an answer once the request is sent; such a call is charged");
    }

    private static JsonNode metadata() throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            return JsonMapper.builder().build().readTree(in);
        }
    }

    private static String prefixOf(String className) {
        try {
            ConfigurationProperties annotation = Class.forName(className).getAnnotation(ConfigurationProperties.class);
            return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
        }
        catch (ClassNotFoundException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
