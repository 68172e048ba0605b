package com.example.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.gateway.GatewayApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * One more gateway replica in this JVM: its own application context and HTTP port on the database {@link TestDatabase}
 * chose, calling the shared {@link FakeModelsLab}, in the {@code test} profile. Next to a {@link GatewayIntegrationTest}'s
 * own context it acts as a second replica of one deployment. Close it (try-with-resources) to stop it gracefully.
 *
 * <pre>{@code
 * try (ExtraReplica replica = ExtraReplica.start()) {
 *     send(replica.baseUrl(), "POST", "/api/v6/images/text2img", body, headers);
 * }
 * try (ExtraReplica late = ExtraReplica.with().bean(Clock.class, Clock.offset(Clock.systemUTC(), ofSeconds(5))).start()) {
 * }
 * }</pre>
 *
 * Every setting is passed as a command-line argument, so it wins over the application's YAML files.
 */
public final class ExtraReplica implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;

    private ExtraReplica(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Starts a replica configured like the tests' own gateway. */
    public static ExtraReplica start() {
        return with().start();
    }

    /** A replica to configure before {@link Builder#start()}. */
    public static Builder with() {
        return new Builder();
    }

    /** A port that was free a moment ago, for a replica whose configuration must know its port in advance. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** Stops the replica as SIGTERM would: in-flight calls finish first. Closing twice is harmless. */
    @Override
    public void close() {
        context.close();
    }

    public static final class Builder {

        private String[] profiles = { "test" };
        private int port;
        private String modelsLabBaseUrl = FakeModelsLab.shared().baseUrl();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<Class<?>> configurations = new ArrayList<>();
        private final List<Bean<?>> beans = new ArrayList<>();

        private Builder() {
        }

        /** The active profiles instead of {@code test}; none at all is production mode. */
        public Builder profiles(String... profiles) {
            this.profiles = profiles.clone();
            return this;
        }

        /** A fixed port instead of a random one (see {@link ExtraReplica#freePort()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Where this replica's ModelsLab is, instead of the shared {@link FakeModelsLab}. */
        public Builder modelsLab(String baseUrl) {
            this.modelsLabBaseUrl = baseUrl;
            return this;
        }

        /** Leaves {@code modelslab.base-url} to the profile, e.g. the {@code local} profile's built-in simulator. */
        public Builder modelsLabAsConfigured() {
            this.modelsLabBaseUrl = null;
            return this;
        }

        /** A property, given as a command-line argument: it overrides the YAML files and the defaults above. */
        public Builder property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        /** Extra configuration classes, added to the application's own. */
        public Builder configuration(Class<?>... configurations) {
            this.configurations.addAll(List.of(configurations));
            return this;
        }

        /**
         * A bean that wins over the application's bean of the same type wherever one is injected by type (it is
         * registered as primary), e.g. a {@link java.time.Clock} that runs a few seconds ahead of the other replicas.
         */
        public <T> Builder bean(Class<T> type, T instance) {
            beans.add(new Bean<>(type, instance));
            return this;
        }

        /** Starts the replica and returns once it serves HTTP; a replica that cannot start throws. */
        public ExtraReplica start() {
            TestDatabase database = TestDatabase.get();
            List<String> args = new ArrayList<>();
            args.add("--server.port=" + port);
            args.add("--spring.datasource.url=" + database.jdbcUrl());
            args.add("--spring.datasource.username=" + database.username());
            args.add("--spring.datasource.password=" + database.password());
            if (modelsLabBaseUrl != null) {
                args.add("--modelslab.base-url=" + modelsLabBaseUrl);
            }
            properties.forEach((name, value) -> args.add("--" + name + "=" + value));

            List<Class<?>> sources = new ArrayList<>(List.of(GatewayApplication.class, TestDatabaseConfiguration.class));
            sources.addAll(configurations);
            SpringApplicationBuilder application = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .profiles(profiles);
            for (Bean<?> bean : beans) {
                application.initializers(context -> bean.registerIn((GenericApplicationContext) context));
            }
            return new ExtraReplica(application.run(args.toArray(String[]::new)));
        }
    }

    private record Bean<T>(Class<T> type, T instance) {

        void registerIn(GenericApplicationContext context) {
            context.registerBean(type, () -> instance, definition -> definition.setPrimary(true));
        }
    }
}
