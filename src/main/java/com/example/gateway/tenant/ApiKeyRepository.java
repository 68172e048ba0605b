package com.example.gateway.tenant;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface ApiKeyRepository extends JpaRepository<ApiKey, UUID> {

    Optional<ApiKey> findByIdAndTenantId(UUID id, String tenantId);

    /** The key, its row locked until the transaction ends, for a read-modify-write of its limits. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select k from ApiKey k where k.id = :id and k.tenantId = :tenantId")
    Optional<ApiKey> findForUpdate(UUID id, String tenantId);

    List<ApiKey> findByTenantIdOrderByCreatedAt(String tenantId);
}
