package com.example.gateway.tenant;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface CostCentreRepository extends JpaRepository<CostCentre, String> {

    /** The cost centre, its row locked until the transaction ends, so two admins' changes apply one after the other. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from CostCentre c where c.id = :id")
    Optional<CostCentre> findForUpdate(String id);

    List<CostCentre> findAllByOrderById();
}
