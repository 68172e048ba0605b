package com.example.gateway.tenant;

import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface TenantRepository extends JpaRepository<Tenant, String> {

    /** The tenant, its row locked until the transaction ends, for a read-modify-write of its fields. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select t from Tenant t where t.id = :id")
    Optional<Tenant> findForUpdate(String id);
}
