package com.example.gateway.quota;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * What a call costs, known before it is forwarded, so that exactly that amount can be reserved. Prices come from the
 * price table, held in memory with the prices scheduled for later, so that a call costs no extra round trip and a
 * new price applies exactly at its {@code effectiveFrom} by this replica's {@link Clock}, on every replica and
 * without a restart. The table is read again every {@code gateway.pricing.refresh-interval} (and at once after an
 * admin change on this replica); a price therefore reaches the other replicas within that interval of being added,
 * which is why prices are scheduled ahead. Should a read fail, the prices already held, future ones included, stay.
 * A model with no price of the table in effect falls back to the configuration.
 */
@Component
public class PriceList implements SmartInitializingSingleton, SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(PriceList.class);

    private final PriceTable table;
    private final PricingProperties pricing;
    private final Clock clock;

    /** Each model's prices, oldest first; replaced whole, never changed. */
    private volatile Map<String, List<Price>> byModel = Map.of();

    PriceList(PriceTable table, PricingProperties pricing, Clock clock) {
        this.table = table;
        this.pricing = pricing;
        this.clock = clock;
    }

    /** Seeds the table on the first start and loads it, before the web server takes calls. */
    @Override
    public void afterSingletonsInstantiated() {
        table.seedIfEmpty(pricing.all(Instant.EPOCH), clock.instant());
        refresh();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::refreshOnSchedule, pricing.refreshInterval(),
                pricing.refreshInterval()));
    }

    public String defaultModel() {
        return pricing.defaultModel();
    }

    /** Whether the model has a price in effect now. */
    public boolean isEnabled(String modelId) {
        return priceAt(modelId, clock.instant()).isPresent();
    }

    /** The price of one call to {@code modelId} generating {@code images} images, at {@code at}; empty when disabled. */
    public Optional<PriceQuote> quote(String modelId, int images, Instant at) {
        return priceAt(modelId, at).map(price -> price.quote(images));
    }

    void refresh() {
        Map<String, List<Price>> loaded = new HashMap<>();
        for (Price price : table.all()) {
            loaded.computeIfAbsent(price.model(), model -> new ArrayList<>()).add(price);
        }
        loaded.replaceAll((model, prices) -> List.copyOf(prices));
        byModel = Map.copyOf(loaded);
    }

    private void refreshOnSchedule() {
        try {
            refresh();
        }
        catch (RuntimeException ex) {
            log.warn("Could not read the price table ({}); keeping the prices already loaded", ex.getMessage());
        }
    }

    private Optional<Price> priceAt(String modelId, Instant at) {
        List<Price> prices = byModel.get(modelId);
        if (prices != null) {
            for (int i = prices.size() - 1; i >= 0; i--) {
                if (!prices.get(i).effectiveFrom().isAfter(at)) {
                    return Optional.of(prices.get(i));
                }
            }
        }
        return Optional.ofNullable(pricing.priceOf(modelId, Instant.EPOCH));
    }
}
