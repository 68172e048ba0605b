package com.example.gateway.console;

import java.math.BigDecimal;
import java.util.List;

import com.example.gateway.tenant.CostCentreView;
import com.example.gateway.units.Money;

/**
 * A cost centre as its page shows it: the API's amounts as exact strings, and how much of the budget is spent and
 * reserved, as whole percentages for the bars (capped at 100 for the bar's width only).
 */
record CostCentreRow(String id, String name, String budgetUsd, String spentUsd, String reservedUsd,
        String remainingUsd, List<String> tenants, int spentPercent, int reservedPercent) {

    static CostCentreRow of(CostCentreView view) {
        BigDecimal budget = view.monthlyBudgetUsd();
        int spent = Amounts.percent(plain(view.spentUsd()), budget);
        int reserved = Amounts.percent(plain(view.reservedUsd()), budget);
        return new CostCentreRow(view.id(), view.name(), plain(budget), plain(view.spentUsd()),
                plain(view.reservedUsd()), plain(view.remainingUsd()), view.tenants(), spent, reserved);
    }

    public int spentBar() {
        return Math.clamp(spentPercent, 0, 100);
    }

    public int reservedBar() {
        return Math.clamp(reservedPercent, 0, 100 - spentBar());
    }

    private static String plain(BigDecimal amount) {
        return amount == null ? null : Money.plain(amount);
    }
}
