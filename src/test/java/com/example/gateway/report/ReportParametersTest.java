package com.example.gateway.report;

import com.example.gateway.units.Money;

import java.time.LocalDate;

import com.example.gateway.errors.GatewayException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportParametersTest {

    @Test
    void coversBothEndDaysAsAHalfOpenRangeOfInstants() {
        UsageQuery query = UsageQuery.parse("2031-01-31", "2031-02-01", null);

        assertThat(query.period().start()).hasToString("2031-01-31T00:00Z");
        assertThat(query.period().end()).hasToString("2031-02-02T00:00Z");
        assertThat(query.period().days()).isEqualTo(2);
    }

    @Test
    void acceptsAWholeLeapYearButNotOneDayMore() {
        assertThat(UsageQuery.parse("2032-01-01", "2032-12-31", null).period().days()).isEqualTo(366);
        assertThatThrownBy(() -> UsageQuery.parse("2032-01-01", "2033-01-01", null))
            .isInstanceOf(GatewayException.class)
            .hasMessageContaining("366");
    }

    @Test
    void groupsByTenantUnlessToldAndKeepsOneOrderWhateverTheRequestsOrder() {
        assertThat(UsageQuery.parse("2031-01-01", "2031-01-01", null).groupBy()).containsExactly(Dimension.TENANT);
        assertThat(UsageQuery.parse("2031-01-01", "2031-01-01", "key, day,tenant,day").groupBy())
            .containsExactly(Dimension.TENANT, Dimension.DAY, Dimension.KEY);
    }

    @Test
    void refusesDatesThatAreNotFourDigitIsoDays() {
        for (String bad : new String[] { "2031-02-29", "31-01-01", "+12031-01-01", "2031-1-1", "2031-01-01T00:00Z" }) {
            assertThatThrownBy(() -> UtcPeriod.day("from", bad)).as(bad).isInstanceOf(GatewayException.class);
        }
        assertThat(UtcPeriod.day("from", "2032-02-29")).isEqualTo(LocalDate.of(2032, 2, 29));
    }

    @Test
    void choosesCsvOnlyWhenTheFormatOrTheAcceptHeaderSaysSo() {
        assertThat(ReportFormat.of(null, null)).isEqualTo(ReportFormat.JSON);
        assertThat(ReportFormat.of(null, "*/*")).isEqualTo(ReportFormat.JSON);
        assertThat(ReportFormat.of(null, "application/json, text/csv;q=0")).isEqualTo(ReportFormat.JSON);
        assertThat(ReportFormat.of(null, "text/csv; charset=utf-8")).isEqualTo(ReportFormat.CSV);
        assertThat(ReportFormat.of(null, "not a media type")).isEqualTo(ReportFormat.JSON);
        assertThat(ReportFormat.of("json", "text/csv")).isEqualTo(ReportFormat.JSON);
        assertThat(ReportFormat.of("csv", "application/json")).isEqualTo(ReportFormat.CSV);
        assertThatThrownBy(() -> ReportFormat.of("xlsx", null)).isInstanceOf(GatewayException.class);
    }

    @Test
    void writesMoneyAsPlainDecimals() {
        assertThat(Money.plain(new java.math.BigDecimal("0.00000000"))).isEqualTo("0");
        assertThat(Money.plain(new java.math.BigDecimal("100.00000000"))).isEqualTo("100");
        assertThat(Money.plain(new java.math.BigDecimal("0.04700000"))).isEqualTo("0.047");
        assertThat(Money.plain(new java.math.BigDecimal("1E-8"))).isEqualTo("0.00000001");
        assertThat(Money.plain(null)).isNull();
    }
}
