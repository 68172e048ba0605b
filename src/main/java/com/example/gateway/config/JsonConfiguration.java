package com.example.gateway.config;

import java.math.BigDecimal;

import com.example.gateway.units.Money;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** JSON as finance reads it: amounts are exact decimals written plainly ({@code 0.0047}, never {@code 4.7E-3}). */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    @Bean
    SimpleModule exactMoneyModule() {
        SimpleModule module = new SimpleModule("exact-money");
        module.addSerializer(BigDecimal.class, new ValueSerializer<>() {
            @Override
            public void serialize(BigDecimal value, JsonGenerator generator, SerializationContext context) {
                generator.writeNumber(Money.plain(value));
            }
        });
        return module;
    }
}
