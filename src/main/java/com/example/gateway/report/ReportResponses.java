package com.example.gateway.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * A report as JSON or as CSV. CSV is RFC 4180 with a header line, written by Commons CSV, which quotes whatever needs
 * quoting; amounts are the same plain decimal strings as in JSON, so a spreadsheet sums exactly what the JSON shows.
 */
public final class ReportResponses {

    private static final MediaType CSV_UTF8 = new MediaType(ReportFormat.TEXT_CSV, StandardCharsets.UTF_8);

    private ReportResponses() {
    }

    public static <T> ResponseEntity<Object> csv(String filename, List<String> header, List<T> rows,
            Function<T, List<?>> values) {
        StringWriter out = new StringWriter();
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get();
        try (CSVPrinter printer = new CSVPrinter(out, format)) {
            for (T row : rows) {
                printer.printRecord(values.apply(row));
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return ResponseEntity.ok()
            .contentType(CSV_UTF8)
            .header(HttpHeaders.CONTENT_DISPOSITION,
                    ContentDisposition.attachment().filename(filename).build().toString())
            .body(out.toString());
    }

    /** {@code report} as JSON, or for CSV in the form {@code csv} writes. */
    public static <T> ResponseEntity<Object> in(ReportFormat format, T report,
            Function<T, ResponseEntity<Object>> csv) {
        return format == ReportFormat.JSON ? json(report) : csv.apply(report);
    }

    public static ResponseEntity<Object> json(Object body) {
        // Set here so that ?format=json wins over an Accept header that names only text/csv.
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
