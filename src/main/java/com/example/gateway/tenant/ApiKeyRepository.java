package com.example.gateway.tenant;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

interface ApiKeyRepository extends JpaRepository<ApiKey, UUID> {

    Optional<ApiKey> findByIdAndTenantId(UUID id, String tenantId);

    List<ApiKey> findByTenantIdOrderByCreatedAt(String tenantId);
}
