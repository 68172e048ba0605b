package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.quota.QuotaLevels;
import com.example.gateway.quota.Spending;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating cost centres, changing their budgets, and what they spent this month. */
@Service
public class CostCentreService {

    /** A new cost centre; the budget is optional (none: the cost centre only attributes). */
    public record NewCostCentre(
            @NotNull @Pattern(regexp = "[a-z0-9-]{1,64}", message = "must be 1 to 64 of a-z, 0-9 and -") String id,
            @NotBlank @Size(max = 200) String name,
            @Digits(integer = 10, fraction = 8) @DecimalMin("0") BigDecimal monthlyBudgetUsd) {
    }

    /** What a change may set: the name, and the budget ({@code null}: none). */
    record Settings(@NotBlank @Size(max = 200) String name,
            @Digits(integer = 10, fraction = 8) @DecimalMin("0") BigDecimal monthlyBudgetUsd) {
    }

    private final CostCentreRepository costCentres;
    private final QuotaLevels levels;
    private final TenantBodies bodies;
    private final JdbcClient jdbc;
    private final Clock clock;

    CostCentreService(CostCentreRepository costCentres, QuotaLevels levels, TenantBodies bodies, JdbcClient jdbc,
            Clock clock) {
        this.costCentres = costCentres;
        this.levels = levels;
        this.bodies = bodies;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public CostCentreView create(NewCostCentre request) {
        CostCentre costCentre = new CostCentre(request.id(), request.name().strip(), request.monthlyBudgetUsd(),
                clock.instant());
        try {
            costCentres.saveAndFlush(costCentre);
        }
        catch (DataIntegrityViolationException ex) {
            // Two creates of one id at once: the primary key decides, the loser answers like any later duplicate.
            throw new GatewayException(ErrorCode.CONFLICT, "A cost centre with this id already exists.");
        }
        levels.openCostCentre(costCentre.getId());
        return view(costCentre, Spending.NONE);
    }

    @Transactional(readOnly = true)
    public List<CostCentreView> list() {
        Map<String, Spending> spending = levels.costCentreSpending();
        return costCentres.findAllByOrderById().stream()
            .map(c -> view(c, spending.getOrDefault(c.getId(), Spending.NONE)))
            .toList();
    }

    @Transactional(readOnly = true)
    public CostCentreView get(String id) {
        CostCentre costCentre = costCentres.findById(id).orElseThrow(CostCentreService::noSuchCostCentre);
        return view(costCentre, levels.costCentreSpending().getOrDefault(id, Spending.NONE));
    }

    /**
     * Applies a JSON merge patch of {@code name} and {@code monthlyBudgetUsd} ({@code null} removes the budget), under
     * the row's lock, so two admins' changes both apply, one after the other.
     */
    @Transactional
    public CostCentreView update(String id, String body) {
        ObjectNode patch = bodies.object(body);
        CostCentre costCentre = costCentres.findForUpdate(id).orElseThrow(CostCentreService::noSuchCostCentre);
        Settings changed = bodies.patched(id, new Settings(costCentre.getName(), costCentre.getMonthlyBudgetUsd()),
                patch);
        Instant now = clock.instant();
        if (!changed.name().equals(costCentre.getName())) {
            costCentre.rename(changed.name().strip(), now);
        }
        if (!Objects.equals(changed.monthlyBudgetUsd(), costCentre.getMonthlyBudgetUsd())) {
            costCentre.changeBudget(changed.monthlyBudgetUsd(), now);
        }
        costCentres.flush();
        return get(id);
    }

    /** @throws GatewayException 400 naming {@code costCentre} when no such cost centre exists */
    void requireExists(String id) {
        if (id != null && !costCentres.existsById(id)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "Invalid field 'costCentre': no cost centre '" + id + "' exists.");
        }
    }

    private CostCentreView view(CostCentre c, Spending spending) {
        List<String> tenants = jdbc.sql("SELECT id FROM tenant WHERE cost_centre_id = ? ORDER BY id")
            .param(c.getId()).query(String.class).list();
        return new CostCentreView(c.getId(), c.getName(), c.getMonthlyBudgetUsd(), tenants, spending.spentUsd(),
                spending.reservedUsd(), spending.remainingOf(c.getMonthlyBudgetUsd()), c.getCreatedAt(),
                c.getUpdatedAt());
    }

    private static GatewayException noSuchCostCentre() {
        return new GatewayException(ErrorCode.NOT_FOUND, "No such cost centre.");
    }
}
