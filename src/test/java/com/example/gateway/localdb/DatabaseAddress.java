package com.example.gateway.localdb;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Where a database started by this package or chosen by the tests listens, as the connection details Spring Boot's
 * DataSource is built from.
 */
public record DatabaseAddress(String jdbcUrl, String username, String password) implements JdbcConnectionDetails {

    @Override
    public String getJdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        return password;
    }
}
