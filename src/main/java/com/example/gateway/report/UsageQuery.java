package com.example.gateway.report;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * What {@code GET /admin/usage} was asked for, validated: the days, what to group by (with the tag's key when grouped
 * by a tag), and the filters ({@code null}: not filtered).
 */
public record UsageQuery(UtcPeriod period, Set<Dimension> groupBy, String tagKey, String tenant, String costCentre,
        String project) {

    /** A year, leap day included: enough for any finance question, and a bound on what one request scans. */
    static final int MAX_DAYS = 366;

    /** As the X-Gateway-Project and X-Gateway-Tags headers allow them, so every recorded value can be asked for. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final Pattern COST_CENTRE = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern TENANT = Pattern.compile("\\S{1,64}");
    private static final String TAG_PREFIX = "tag:";

    public static UsageQuery parse(String from, String to, String groupBy) {
        return parse(from, to, groupBy, null, null, null);
    }

    public static UsageQuery parse(String from, String to, String groupBy, String tenant, String costCentre,
            String project) {
        if (from == null || to == null) {
            throw UtcPeriod.invalid(
                    "Parameters 'from' and 'to' are required, as YYYY-MM-DD (UTC days, both included).");
        }
        LocalDate first = UtcPeriod.day("from", from);
        LocalDate last = UtcPeriod.day("to", to);
        UtcPeriod.requireOrdered(first, last);
        UtcPeriod period = new UtcPeriod(first, last);
        if (period.days() > MAX_DAYS) {
            throw UtcPeriod.invalid("A usage report covers at most " + MAX_DAYS + " days.");
        }
        Set<Dimension> dimensions = EnumSet.noneOf(Dimension.class);
        String tagKey = null;
        for (String name : groupBy == null ? new String[] { "tenant" } : groupBy.split(",", -1)) {
            String stripped = name.strip();
            if (stripped.startsWith(TAG_PREFIX)) {
                if (tagKey != null) {
                    throw UtcPeriod.invalid("Parameter 'groupBy' takes at most one tag:<key>.");
                }
                tagKey = matching("groupBy", stripped.substring(TAG_PREFIX.length()), NAME,
                        "a tag key of 1 to 64 characters a-z, 0-9, '.', '_' or '-' after tag:");
                dimensions.add(Dimension.TAG);
            }
            else {
                dimensions.add(Dimension.parse(stripped));
            }
        }
        return new UsageQuery(period, dimensions, tagKey,
                filter("tenant", tenant, TENANT, "a tenant id"),
                filter("costCentre", costCentre, COST_CENTRE, "a cost centre id (1 to 64 of a-z, 0-9, '-')"),
                filter("project", project, NAME, "a project (1 to 64 of a-z, 0-9, '.', '_', '-')"));
    }

    boolean by(Dimension dimension) {
        return groupBy.contains(dimension);
    }

    /** The name of the dimension as a column: {@code tag:<key>} for the tag. */
    String column(Dimension dimension) {
        return dimension == Dimension.TAG ? TAG_PREFIX + tagKey : dimension.parameter();
    }

    private static String filter(String name, String value, Pattern pattern, String what) {
        return value == null ? null : matching(name, value, pattern, what);
    }

    private static String matching(String name, String value, Pattern pattern, String what) {
        if (!pattern.matcher(value).matches()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "Parameter '" + name + "' must be " + what + ".");
        }
        return value;
    }
}
