package com.example.gateway.support;

import com.example.gateway.localdb.DatabaseAddress;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Points every test application context at the database {@link TestDatabase} chose. */
@TestConfiguration(proxyBeanMethods = false)
public class TestDatabaseConfiguration {

    @Bean
    JdbcConnectionDetails testDatabaseConnectionDetails() {
        TestDatabase database = TestDatabase.get();
        return new DatabaseAddress(database.jdbcUrl(), database.username(), database.password());
    }
}
